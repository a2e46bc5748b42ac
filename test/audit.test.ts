import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Ajv from 'ajv-draft-04';
import { App, Chart, YamlOutputType } from 'cdk8s';
import { HELLO_DIGEST, HelloServiceChart, helloServiceImage } from '../examples/hello-service';
import { GoMicroservice, ImageReference, ServiceProbes } from '../src';
import { main } from '../src/cli/cli';

const FIXTURES = path.join(__dirname, 'fixtures', 'audit');

// The OASIS SARIF 2.1.0 schema (test/schemas/README.md): every SARIF document golden-go writes must pass it.
const sarifSchema = new Ajv({ allErrors: true, strict: false })
  .compile(JSON.parse(fs.readFileSync(path.join(__dirname, 'schemas', 'sarif', 'sarif-schema-2.1.0.json'), 'utf8')));
function validateSarif(doc: unknown): string[] {
  return sarifSchema(doc) ? [] : (sarifSchema.errors ?? []).map((e) => `${e.instancePath} ${e.message}`);
}

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

function json(...paths: string[]): any {
  const r = run('audit', '--format', 'json', ...paths);
  return { ...JSON.parse(r.out), code: r.code, err: r.err };
}

describe('the fixture corpus: each bad file triggers its rules', () => {
  const expected: Record<string, string[]> = JSON.parse(fs.readFileSync(path.join(FIXTURES, 'expected.json'), 'utf8'));
  const report = json(FIXTURES);
  const failing = (file: string) => new Set(report.findings.filter((f: any) => f.status === 'fail' && f.file === path.join(FIXTURES, file)).map((f: any) => f.ruleId));

  test.each(Object.entries(expected).filter(([k]) => k !== '//'))('%s', (file, ids) => {
    expect([...failing(file)].sort()).toEqual(expect.arrayContaining(ids));
  });

  test('the corpus covers the Go-specific traps of the issue', () => {
    const all = new Set(report.findings.map((f: any) => f.ruleId));
    for (const id of ['B02', 'B04', 'B05', 'B06', 'B13', 'B14', 'B15', 'B16', 'R01', 'R04', 'R05', 'R06', 'R08', 'R09', 'R16']) expect(all).toContain(id);
    expect(report.code).toBe(1);
  });

  test('invalid YAML and unrendered templates are reported with file and line; the other files are still audited', () => {
    expect(report.err).toContain(`${path.join(FIXTURES, 'manifests', 'broken.yaml')}:7: not valid YAML: Flow sequence in block collection must be sufficiently indented`);
    expect(report.err).toContain(`${path.join(FIXTURES, 'manifests', 'helm-template.yaml')}:4: an unrendered Helm template: run \`helm template\``);
    expect(report.err).toMatch(/audited 11 Dockerfile\(s\) and 12 Kubernetes object\(s\) in 10 file\(s\); 3 file\(s\) skipped \(not Dockerfile or Kubernetes YAML\), 2 invalid/);
  });

  test('Helm output: Source comments, empty documents and List items', () => {
    const helm = report.findings.filter((f: any) => f.file.endsWith('helm-output.yaml'));
    expect(new Set(helm.map((f: any) => f.object.split(' ')[0]))).toEqual(new Set(['Deployment/shop/orders']));
    expect(helm.find((f: any) => f.ruleId === 'R04').message).toMatch(/GOMEMLIMIT=1G is malformed/);
    // Placed on the offending field, not where the document starts (line 26): the GOMEMLIMIT entry.
    expect(helm.find((f: any) => f.ruleId === 'R04')).toMatchObject({ line: 44, column: 15, field: 'spec.template.spec.containers[orders].env[GOMEMLIMIT]' });
    // A key is placed at the key; a field the object lacks at the nearest part that exists (the container).
    expect(helm.find((f: any) => f.ruleId === 'R12' && /replicas/.test(f.field ?? ''))).toMatchObject({ line: 32, column: 3 });
    const missing = helm.find((f: any) => f.ruleId === 'R02');
    expect(missing.field).toMatch(/^spec\.template\.spec\.containers\[orders\]/);
    expect([missing.line, missing.column]).toEqual([40, 11]);
    // SARIF carries the column too.
    const sarif = JSON.parse(run('audit', '--format=sarif', path.join(FIXTURES, 'manifests', 'helm-output.yaml')).out);
    const r04 = sarif.runs[0].results.find((x: any) => x.ruleId === 'R04');
    expect(r04.locations[0].physicalLocation.region).toEqual({ startLine: 44, startColumn: 15 });
    // The PDB inside the List selects the Deployment: no "no PodDisruptionBudget" finding.
    expect(helm.filter((f: any) => /PodDisruptionBudget/.test(f.message))).toEqual([]);
  });
});

test('the project\'s own example output audits clean', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-example-'));
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  const image = helloServiceImage(app);
  new HelloServiceChart(app, 'hello-service', { image: ImageReference.fromHardenedGoImage(image, HELLO_DIGEST) });
  app.synth();
  image.writeFiles(dir);
  const r = run('audit', dir);
  expect(r.out).toMatch(/^0 error\(s\), 0 warning\(s\), 0 suppressed; audited 1 Dockerfile\(s\) and 5 Kubernetes object\(s\) in 5 file\(s\)/m);
  expect(r.code).toBe(0);
});

describe('formats, exit codes and suppressions', () => {
  const gonosumdb = path.join(FIXTURES, 'seed-000-gonosumdb', 'Dockerfile');

  test('text: one line per finding and a summary; exit 1 on errors', () => {
    const r = run('audit', gonosumdb);
    expect(r.out).toMatch(/^\[B06\] .*seed-000-gonosumdb\/Dockerfile:4: GONOSUMDB=\* matches every module \("\*"\) and switches the checksum database off for all of them: .* \(error; fix: /m);
    expect(r.code).toBe(1);
  });

  test('SARIF 2.1.0 with rules and located results', () => {
    const r = run('audit', '--format=sarif', gonosumdb);
    const sarif = JSON.parse(r.out);
    expect(sarif.version).toBe('2.1.0');
    expect(validateSarif(sarif)).toEqual([]);
    // The schema is really applied: a wrong version or level fails it.
    expect(validateSarif({ ...sarif, version: '2.0.0' })).not.toEqual([]);
    expect(validateSarif({ ...sarif, runs: [{ ...sarif.runs[0], results: [{ ...sarif.runs[0].results[0], level: 'fatal' }] }] })).not.toEqual([]);
    const b06 = sarif.runs[0].results.find((x: any) => x.ruleId === 'B06');
    expect(b06).toMatchObject({ level: 'error', locations: [{ physicalLocation: { artifactLocation: { uri: gonosumdb }, region: { startLine: 4 } } }] });
    expect(sarif.runs[0].tool.driver.rules[b06.ruleIndex]).toMatchObject({
      id: 'B06', helpUri: 'https://github.com/golden-go/golden-go/blob/main/docs/troubleshooting.md#b06',
    });
  });

  test('markdown, and --output writes the report to a file', () => {
    const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-out-')), 'report.md');
    const r = run('audit', '--format', 'markdown', '--output', out, gonosumdb);
    expect(r.out).toBe('');
    expect(fs.readFileSync(out, 'utf8')).toMatch(/^# golden-go audit\n/);
    expect(r.err).toMatch(/error\(s\)/);
  });

  test('in-file suppressions turn findings into suppressed ones, except for never-suppressible rules', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-sup-'));
    fs.writeFileSync(path.join(dir, 'Dockerfile'), '# golden-go:suppress B06 the only module source is the air-gapped internal proxy\n'
      + '# golden-go:suppress B04 the build context is a clean export without VCS data or secrets\n' + fs.readFileSync(gonosumdb, 'utf8'));
    fs.writeFileSync(path.join(dir, 'deploy.yaml'), fs.readFileSync(path.join(FIXTURES, 'manifests', 'tag-only.yaml'), 'utf8')
      .replace('  namespace: shop\n', '  namespace: shop\n  annotations:\n    golden-go.dev/suppressed.R01: "dev overlay: the dev cluster always runs the branch head"\n'));
    const rep = json(dir);
    const byRule = (id: string) => rep.findings.filter((f: any) => f.ruleId === id).map((f: any) => f.status);
    expect(new Set(byRule('B04'))).toEqual(new Set(['suppressed']));
    expect(new Set(byRule('B06'))).toEqual(new Set(['fail']));
    expect(byRule('R01')).toEqual(['suppressed']);
    expect(rep.findings.find((f: any) => f.ruleId === 'R01').suppressedBy).toMatch(/deploy\.yaml \(annotation golden-go\.dev\/suppressed\.R01\)$/);
    // Suppressed results carry their justification and stay valid SARIF.
    const sarif = JSON.parse(run('audit', '--format', 'sarif', dir).out);
    expect(validateSarif(sarif)).toEqual([]);
    expect(sarif.runs[0].results.find((r: any) => r.ruleId === 'R01').suppressions).toEqual([{ kind: 'inSource', justification: expect.stringContaining('dev overlay') }]);
  });

  test('usage errors and empty inputs exit 2 with a clear message', () => {
    expect(run('lint', '.')).toMatchObject({ code: 2, err: expect.stringMatching(/^golden-go: unknown command "lint"; the commands are "audit" and "publish"/) });
    expect(run('audit', '--format', 'xml', '.')).toMatchObject({ code: 2, err: expect.stringMatching(/--format "xml" is not valid; allowed: text, json, sarif, markdown/) });
    expect(run('audit', '--kubernetes-version', '1.20', '.')).toMatchObject({ code: 2, err: expect.stringMatching(/--kubernetes-version "1\.20" is not valid/) });
    expect(run('audit')).toMatchObject({ code: 2, err: expect.stringMatching(/give at least one file or directory/) });
    expect(run('audit', '/nonexistent/golden')).toMatchObject({ code: 2, err: expect.stringMatching(/\/nonexistent\/golden does not exist/) });
    const notes = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-notes-'));
    fs.writeFileSync(path.join(notes, 'README.md'), '# hi\n');
    expect(run('audit', notes)).toMatchObject({ code: 2, err: expect.stringMatching(/nothing to audit: no Dockerfile or Kubernetes object .* \(1 file\(s\) skipped\)/) });
    expect(run('audit', '--help').out).toMatch(/^usage: golden-go audit/);
  });

  test('a progress line on large inputs', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-many-'));
    const deploy = fs.readFileSync(path.join(FIXTURES, 'manifests', 'tag-only.yaml'), 'utf8');
    for (let i = 0; i < 250; i++) fs.writeFileSync(path.join(dir, `d${String(i).padStart(3, '0')}.yaml`), deploy.replace(/tag-only/g, `svc-${i}`));
    const r = run('audit', dir);
    const progress = r.err.split('\n').filter((l) => /^golden-go audit: \d+\/250 files read$/.test(l));
    expect(progress.length).toBeGreaterThanOrEqual(10);
    expect(progress[progress.length - 1]).toBe('golden-go audit: 250/250 files read');
    expect(r.out).toMatch(/audited 0 Dockerfile\(s\) and 250 Kubernetes object\(s\) in 250 file\(s\)/);
  });
});

describe('R02 in audit: the same verdict as at synth', () => {
  const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');
  function auditProbes(readiness: string, liveness: string, suppression?: string): any[] {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-r02-'));
    const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    new GoMicroservice(chart, 'orders', {
      image, probes: ServiceProbes.http({ readiness, liveness }), ...(suppression ? { suppressions: { R02: suppression } } : {}),
    });
    app.synth();
    return json(dir).findings.filter((f: any) => f.ruleId === 'R02');
  }

  test('a query string does not make another endpoint: /healthz?live and /healthz?ready are one, reported as a warning', () => {
    expect(auditProbes('/healthz?ready', '/healthz?live')).toEqual([expect.objectContaining({
      severity: 'warning', status: 'fail', message: expect.stringMatching(/^readiness and liveness probe the same endpoint \(http http \/healthz\)/),
    })]);
    expect(auditProbes('/healthz', '/healthz?live')).toHaveLength(1);
    expect(auditProbes('/readyz', '/healthz')).toEqual([]);
  });

  test('the suppression recorded by the construct is honoured by the audit', () => {
    const reason = 'the program has one health handler for every probe';
    expect(auditProbes('/healthz', '/healthz', reason)).toEqual([expect.objectContaining({ status: 'suppressed', reason })]);
  });
});

describe('Go rules judge Go containers only (a polyglot set of manifests)', () => {
  const SHOP = path.join(__dirname, 'fixtures', 'polyglot', 'shop.yaml');
  const goOnly = (findings: any[]) => findings
    .filter((f) => f.ruleId === 'R04' || (f.ruleId === 'R10' && /NO_COLOR/.test(f.message)) || f.ruleId === 'R05')
    .map((f) => `${f.ruleId} ${f.object}`).sort();

  test('the declared Go service gets the Go findings; Node, Python, Java and redis get none', () => {
    expect(goOnly(json(SHOP).findings)).toEqual(['R04 Deployment/shop/checkout', 'R10 Deployment/shop/checkout']);
  });

  test('a container counts as Go when declared (annotation, * for all) or when it sets a Go runtime variable', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-polyglot-'));
    const text = fs.readFileSync(SHOP, 'utf8')
      .replace('      labels: {app.kubernetes.io/name: frontend}\n', '      labels: {app.kubernetes.io/name: frontend}\n      annotations: {golden-go.dev/go-containers: "*"}\n')
      .replace('[{name: PYTHONUNBUFFERED, value: "1"}]', '[{name: PYTHONUNBUFFERED, value: "1"}, {name: GOGC, value: "50"}]');
    fs.writeFileSync(path.join(dir, 'shop.yaml'), text);
    expect(goOnly(json(dir).findings)).toEqual([
      'R04 Deployment/shop/checkout', 'R04 Deployment/shop/frontend', 'R04 Deployment/shop/recommendations',
      'R10 Deployment/shop/checkout', 'R10 Deployment/shop/frontend', 'R10 Deployment/shop/recommendations',
    ]);
  });
});

describe('audit checks what synth refuses: ports below 1024, a limit below its request, the default namespace', () => {
  const SHOP = path.join(__dirname, 'fixtures', 'polyglot', 'shop.yaml');
  const audited = (edit: (text: string) => string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-synth-parity-'));
    fs.writeFileSync(path.join(dir, 'shop.yaml'), edit(fs.readFileSync(SHOP, 'utf8')));
    return json(dir).findings.filter((f: any) => f.object === 'Deployment/shop/frontend' || f.object === 'Deployment/-/frontend');
  };
  const messages = (findings: any[], ruleId: string) => findings.filter((f) => f.ruleId === ruleId).map((f) => f.message);

  test('port 80 without the safe sysctl cannot be bound by a non-root process; with it, it can', () => {
    const port80 = (t: string) => t.replace('containerPort: 3000', 'containerPort: 80');
    expect(messages(audited(port80), 'R07')).toEqual([expect.stringContaining('port 80 cannot be bound without root or NET_BIND_SERVICE: set the safe sysctl net.ipv4.ip_unprivileged_port_start=80')]);
    const withSysctl = (t: string) => port80(t).replace(
      'securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}}\n      containers:\n        - name: frontend',
      'securityContext: {runAsNonRoot: true, runAsUser: 10001, seccompProfile: {type: RuntimeDefault}, sysctls: [{name: net.ipv4.ip_unprivileged_port_start, value: "80"}]}\n      containers:\n        - name: frontend');
    expect(withSysctl(fs.readFileSync(SHOP, 'utf8'))).toContain('ip_unprivileged_port_start');
    expect(messages(audited(withSysctl), 'R07')).toEqual([]);
  });

  test('a limit below its request (cpu in cores or millicores, memory in any unit) is an R03 error', () => {
    const low = (t: string) => t.replace('requests: {cpu: 100m, memory: 256Mi, ephemeral-storage: 64Mi}\n            limits: {memory: 512Mi, ephemeral-storage: 128Mi}\n          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: recommendations',
      'requests: {cpu: 100m, memory: 256Mi, ephemeral-storage: 64Mi}\n            limits: {cpu: "0.05", memory: 0.2Gi, ephemeral-storage: 128Mi}\n          securityContext: {allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: {drop: [ALL]}}\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: recommendations');
    expect(messages(audited(low), 'R03')).toEqual([
      'limits.cpu 0.05 is below requests.cpu 100m: the API server refuses the pod',
      'limits.memory 0.2Gi is below requests.memory 256Mi: the API server refuses the pod',
    ].map((m) => expect.stringContaining(m.split(':')[0])));
    // 0.5 cores is not below 100m.
    expect(messages(audited((t) => low(t).replace('cpu: "0.05"', 'cpu: "0.5"')), 'R03')).toHaveLength(1);
  });

  test('no namespace means the default namespace: an R07 finding on metadata.namespace', () => {
    const f = audited((t) => t.replace('  name: frontend\n  namespace: shop\n', '  name: frontend\n')).filter((x: any) => x.field === 'metadata.namespace');
    expect(f.map((x: any) => [x.ruleId, x.message])).toEqual([['R07', expect.stringContaining('runs in the default namespace')]]);
  });
});
