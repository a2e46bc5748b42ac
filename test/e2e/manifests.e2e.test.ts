// Proof for GoMicroservice's manifests: strict schema validation against the Kubernetes OpenAPI of
// 1.27 and of the newest release (plus the vendored CRD schemas), and the real checkers.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { k8sSchemas, REPO_ROOT, tmpDir, toolsBin } from './containers';
import { HELLO_DIGEST, HelloServiceChart } from '../../examples/hello-service';
import { EgressProtocol, GoMicroservice, ImageReference, Monitoring, NetworkEgress, ServiceProbes } from '../../src';

jest.setTimeout(1_200_000);

const OLDEST = 'v1.27.16';
const NEWEST = 'v1.37.2';
const image = ImageReference.fromDigest('registry.example.com/golden-go/hello-service', HELLO_DIGEST, '1.0.0');
const bin = toolsBin();
const have = (tool: string) => fs.existsSync(path.join(bin, tool));

/** Synthesizes a chart builder into its own directory, one file per object, as `npm run example` does. */
function synthDir(name: string, build: (app: App) => void): string {
  const dir = tmpDir(name);
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  build(app);
  app.synth();
  return dir;
}

const example = (kubernetesVersion?: string) => synthDir(`example-${kubernetesVersion ?? 'default'}`, (app) => new HelloServiceChart(app, 'hello-service', { image, kubernetesVersion }));

/** Every option that adds objects or fields: HPA, ServiceMonitor, egress, secret files, safe sysctls, gRPC probes. */
const full = (kubernetesVersion?: string) => synthDir(`full-${kubernetesVersion ?? 'default'}`, (app) => {
  const chart = new HelloServiceChart(app, 'base', { image, kubernetesVersion });
  new GoMicroservice(chart, 'orders', {
    image,
    kubernetesVersion,
    autoscaling: { maxReplicas: 6 },
    probes: ServiceProbes.grpc(),
    monitoring: Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' }, interval: '30s' }),
    egress: [NetworkEgress.toPods('data', { 'app.kubernetes.io/name': 'postgres' }, [5432]), NetworkEgress.toCidr('10.20.0.0/16', [443], EgressProtocol.TCP)],
    secretFiles: [{ secretName: 'orders-db', mountPath: '/var/run/secrets/orders-db' }],
    sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' }],
  });
});

function files(dir: string): string[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).map((f) => path.join(dir, f));
}

function kubeconform(version: string, targets: string[]): { status: number; out: string } {
  const schemas = k8sSchemas(version);
  const crds = path.join(REPO_ROOT, 'test', 'schemas', 'crds');
  const r = spawnSync(path.join(bin, 'kubeconform'), ['-strict', '-summary', '-output', 'text',
    '-schema-location', `${schemas}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    '-schema-location', `${crds}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, ...targets], { encoding: 'utf8' });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}

describe('1. schemas (kubeconform -strict, OpenAPI from k8s.io/kubernetes)', () => {
  test.each<[string, () => string, string[]]>([
    ['example targeting 1.27', () => example('1.27'), [OLDEST, NEWEST]],
    ['example, default target', () => example(), [NEWEST]],
    ['every option targeting 1.27', () => full('1.27'), [OLDEST, NEWEST]],
    ['every option, default target', () => full(), [NEWEST]],
  ])('%s', (_name, dir, versions) => {
    const targets = files(dir());
    for (const v of versions) {
      const { status, out } = kubeconform(v, targets);
      expect(out).toMatch(new RegExp(`Summary: ${targets.length} resources found in ${targets.length} files - Valid: ${targets.length}, Invalid: 0, Errors: 0, Skipped: 0`));
      expect(status).toBe(0);
    }
  });

  test('the 1.27 schema rejects exactly the preStop sleep action of a newer target, which is why kubernetesVersion decides it', () => {
    const { status, out } = kubeconform(OLDEST, files(example()));
    expect(status).toBe(1);
    expect(out.match(/is invalid/g)).toHaveLength(1);
    expect(out).toMatch(/at '\/spec\/template\/spec\/containers\/0\/lifecycle\/preStop': additional properties 'sleep' not allowed/);
  });

  test('the validation is strict: a misspelt field fails', () => {
    const dir = tmpDir('typo');
    const src = fs.readFileSync(path.join(example(), 'Deployment.hello-service.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'Deployment.yaml'), src.replace('readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true'));
    const { status, out } = kubeconform(NEWEST, [path.join(dir, 'Deployment.yaml')]);
    expect(status).toBe(1);
    expect(out).toMatch(/additional properties 'readOnlyRootFileSystem' not allowed/);
  });
});

describe('2. real checkers on the example and on every option', () => {
  const targets: Array<[string, () => string]> = [['example', () => example()], ['every option', () => full()]];

  test.each(targets)('kube-score: no warning and no critical finding (%s)', (_n, dir) => {
    const r = spawnSync(path.join(bin, 'kube-score'), ['score', '--output-format', 'ci', ...files(dir())], { encoding: 'utf8' });
    const findings = r.stdout.split('\n').filter((l) => /^\[(WARNING|CRITICAL)\]/.test(l));
    expect(findings).toEqual([]);
    expect(r.stdout).toMatch(/^\[OK\] hello-service/m);
    expect(r.status).toBe(0);
  });

  test.each(targets)('checkov: no failed check (%s)', (_n, dir) => {
    const r = spawnSync(path.join(bin, 'checkov'), ['-d', dir(), '--framework', 'kubernetes', '--skip-download', '--output', 'json', '--quiet', '--compact'],
      { encoding: 'utf8', env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', LOG_LEVEL: 'ERROR' } });
    const report = JSON.parse(r.stdout);
    const summary = (Array.isArray(report) ? report : [report]).map((x: any) => x.summary);
    const failed = (Array.isArray(report) ? report : [report]).flatMap((x: any) => x.results.failed_checks.map((c: any) => `${c.check_id} ${c.resource}`));
    expect(failed).toEqual([]);
    expect(summary.reduce((n: number, s: any) => n + s.passed, 0)).toBeGreaterThan(50);
  });

  test('the checkers do report a broken manifest (negative control)', () => {
    const dir = tmpDir('broken');
    const src = fs.readFileSync(path.join(example(), 'Deployment.hello-service.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'Deployment.yaml'), src.replace('readOnlyRootFilesystem: true', 'readOnlyRootFilesystem: false'));
    const score = spawnSync(path.join(bin, 'kube-score'), ['score', '--output-format', 'ci', path.join(dir, 'Deployment.yaml')], { encoding: 'utf8' });
    expect(score.stdout).toMatch(/^\[CRITICAL\] .*: \(app\) The pod has a container with a writable root filesystem$/m);
    const ck = spawnSync(path.join(bin, 'checkov'), ['-f', path.join(dir, 'Deployment.yaml'), '--framework', 'kubernetes', '--skip-download', '--output', 'json', '--quiet', '--compact'],
      { encoding: 'utf8', env: { ...process.env, BC_SKIP_MAPPING: 'TRUE', LOG_LEVEL: 'ERROR' } });
    expect(JSON.parse(ck.stdout).results.failed_checks.map((c: any) => c.check_id)).toContain('CKV_K8S_22');
  });

  // Neither is installable here: the Go module proxy answers 403 for golang.stackrox.io/kube-linter and
  // github.com/fairwindsops/polaris, and neither is on PyPI or npm. On a machine that has them they run.
  (have('kube-linter') ? test.each(targets) : test.skip.each(targets))('kube-linter default checks: no finding (%s)', (_n, dir) => {
    const r = spawnSync(path.join(bin, 'kube-linter'), ['lint', dir()], { encoding: 'utf8' });
    expect(r.stdout + r.stderr).toMatch(/No lint errors found/);
    expect(r.status).toBe(0);
  });

  (have('polaris') ? test.each(targets) : test.skip.each(targets))('Polaris audit: no danger or warning (%s)', (_n, dir) => {
    const r = spawnSync(path.join(bin, 'polaris'), ['audit', '--audit-path', dir(), '--format', 'json'], { encoding: 'utf8' });
    const failing = JSON.stringify(JSON.parse(r.stdout)).match(/"Success":false[^}]*"Severity":"(danger|warning)"/g) ?? [];
    expect(failing).toEqual([]);
  });
});
