// GoMicroservice.toCompose: the local run from the same model as the manifests.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { App, Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AppEnv, GoApp, GoMicroservice, GoMicroserviceProps, ImageReference, PortBinding, WritableDir } from '../src';

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');

function service(props: Partial<GoMicroserviceProps> = {}) {
  const chart = Testing.chart();
  const svc = new GoMicroservice(chart, 'orders', { image, namespace: 'shop', ...props });
  const deployment = Testing.synth(chart).find((m) => m.kind === 'Deployment');
  return { svc, deployment };
}
const compose = (props: Partial<GoMicroserviceProps> = {}, options = {}) => YAML.parse(service(props).svc.toCompose(options)).services.orders;

test('the same environment, user, read-only root, tmpfs, capabilities, limits and grace period as the Deployment', () => {
  const { svc, deployment } = service({ sysctls: [{ name: 'net.ipv4.tcp_keepalive_time', value: '300' }] });
  const doc = YAML.parse(svc.toCompose());
  expect(doc.name).toBe('orders');
  const c = doc.services.orders;
  const pod = deployment.spec.template.spec;
  const env = Object.fromEntries(pod.containers[0].env.map((e: any) => [e.name, e.value]));
  expect(c.environment).toEqual(env);
  expect(c).toEqual({
    image: image.toString(),
    user: '65532:65532',
    read_only: true,
    tmpfs: ['/tmp:size=64m,mode=1777'],
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges'],
    sysctls: ['net.ipv4.tcp_keepalive_time=300'],
    environment: env,
    ports: ['127.0.0.1:8080:8080', '127.0.0.1:9090:9090'],
    mem_limit: 256 * 2 ** 20,
    cpus: 1,
    stop_signal: 'SIGTERM',
    stop_grace_period: `${pod.terminationGracePeriodSeconds}s`,
  });
  expect(pod.terminationGracePeriodSeconds).toBe(30);
});

test('the program as declared: command, args with the port flag, writable dirs, downward API values, GOMAXPROCS from the CPU limit', () => {
  const app = new GoApp({
    command: ['/app'],
    args: ['serve'],
    port: PortBinding.flag('--port', 8081),
    env: { POD_NAME: AppEnv.podName(), POD_NAMESPACE: AppEnv.namespace(), NODE: AppEnv.nodeName() },
    writableDirs: [WritableDir.memory('/var/cache/orders', '32Mi')],
  });
  const c = compose({ app, goVersion: '1.24', resources: { cpuLimitMillis: 1500 } }, { image: 'localhost/orders:dev', hostPort: 18081, metricsHostPort: 19090 });
  expect(c.image).toBe('localhost/orders:dev');
  expect(c.entrypoint).toEqual(['/app']);
  expect(c.command).toEqual(['serve', '--port=8081']);
  expect(c.tmpfs).toEqual(['/tmp:size=64m,mode=1777', '/var/cache/orders:size=32m,mode=1777']);
  expect(c.ports).toEqual(['127.0.0.1:18081:8081', '127.0.0.1:19090:9090']);
  expect(c.environment).toMatchObject({ POD_NAME: 'orders', POD_NAMESPACE: 'shop', NODE: 'localhost', GOMAXPROCS: '2' });
  expect(c.cpus).toBe(1.5);
});

test('secrets stay files: read-only binds of ./secrets/<name>', () => {
  const c = compose({ secretFiles: [{ secretName: 'orders-db', mountPath: '/var/run/secrets/orders-db' }], vaultAgent: { role: 'orders', secrets: [{ name: 'db', path: 'database/creds/orders' }] } });
  expect(c.volumes).toEqual(['./secrets/orders-db:/var/run/secrets/orders-db:ro', './secrets/vault:/vault/secrets:ro']);
  expect(Object.keys(c.environment).filter((k) => /SECRET|DB|VAULT/.test(k))).toEqual([]);
});

test.each([
  [{ image: 'a b' }, /^compose.image: "a b" is not valid/],
  [{ hostAddress: 'localhost;rm' }, /^compose.hostAddress: .* is not valid; allowed: an IPv4 address/],
  [{ hostPort: 0 }, /^compose.hostPort: 0 is not valid; allowed: 1-65535/],
  [{ metricsHostPort: 70000 }, /^compose.metricsHostPort: 70000 is not valid/],
])('bad options are rejected naming the option: %p', (options, error) => {
  expect(() => service().svc.toCompose(options)).toThrow(error);
});

test('a pod IP has no Compose equivalent: a clear error naming the variable', () => {
  const app = new GoApp({ env: { POD_IP: AppEnv.podIp() } });
  expect(() => service({ app }).svc.toCompose()).toThrow(/^env.POD_IP: "status.podIP" is not valid; allowed: a value Compose can give/);
});

test('writeCompose writes compose.yaml, never into the app output directory', () => {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), 'compose-out-'));
  const app = new App({ outdir });
  const svc = new GoMicroservice(new Chart(app, 'c', { namespace: 'shop' }), 'orders', { image });
  expect(() => svc.writeCompose(outdir)).toThrow(/^dir: .* is not valid; allowed: a directory other than the app's output directory/);
  const local = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'compose-local-')), 'run');
  const file = svc.writeCompose(local);
  expect(file).toBe(path.join(local, 'compose.yaml'));
  expect(fs.readFileSync(file, 'utf8')).toBe(svc.toCompose());
});
