import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { BuilderImage, Checklist, ChecklistRules, GolangVariant, GoMicroservice, HardenedGoImage, ImageReference, ImageSigner } from '../src';
import { checkDockerfile } from '../src/checklist/checks';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const image = ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST, '1.0.0');
const signer = ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main');
const REASON = 'the node pool sets vm.swappiness through its kubelet configuration';

function app(): { app: App; chart: Chart; outdir: string } {
  const a = Testing.app();
  return { app: a, chart: new Chart(a, 'orders', { namespace: 'shop', disableResourceNameHashes: true }), outdir: a.outdir };
}

describe('checks on every synth', () => {
  test('an escape hatch that breaks a rule fails the synth with the rule id, the construct path and the fix', () => {
    const { chart } = app();
    const svc = new GoMicroservice(chart, 'orders', { image, signer });
    ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
    expect(() => Testing.synth(chart)).toThrow(
      /Validation failed with the following errors:\n\s+\[orders\/orders\] \[R07\] Deployment\/shop\/orders spec\.template\.spec\.containers\[app\]\.securityContext: the root filesystem is writable \(error; fix: runAsNonRoot, 65532/);
  });

  test('warnings do not fail the synth and are listed', () => {
    const { chart } = app();
    new GoMicroservice(chart, 'orders', { image });
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(Checklist.findings(chart)).toEqual([expect.objectContaining({ ruleId: 'R14', severity: 'warning', status: 'fail', where: 'orders/orders' })]);
  });

  test('an image whose Dockerfile was left clean has no finding', () => {
    const { chart } = app();
    new HardenedGoImage(chart, 'image', { name: 'orders', sourceUrl: 'https://example.com/acme/orders' });
    expect(Checklist.findings(chart)).toEqual([]);
  });
});

describe('suppressions', () => {
  test('need a rule id and a reason of at least a sentence', () => {
    const { chart } = app();
    expect(() => Checklist.suppress(chart, 'R08', 'ok')).toThrow(/^reason: suppressing R08 needs a written reason of at least a sentence/);
    expect(() => Checklist.suppress(chart, 'R08', 'too short here')).toThrow(/^reason: /);
    expect(() => Checklist.suppress(chart, 'X1', REASON)).toThrow(/^ruleId: "X1" is not a golden checklist rule; allowed: B01/);
  });

  test('a construct-time error passes when a parent suppresses its rule; output, annotations and report record it', () => {
    const { app: a, chart, outdir } = app();
    Checklist.suppress(chart, 'R08', REASON);
    const svc = new GoMicroservice(chart, 'orders', { image, signer, sysctls: [{ name: 'vm.swappiness', value: '10' }] });
    const manifests = Testing.synth(chart);
    const dep = manifests.find((m) => m.kind === 'Deployment');
    expect(dep.spec.template.spec.securityContext.sysctls).toEqual([{ name: 'vm.swappiness', value: '10' }]);
    for (const m of manifests) expect(m.metadata.annotations['golden-go.dev/suppressed.R08']).toBe(REASON);
    expect(Checklist.findings(svc).filter((f) => f.ruleId === 'R08')).toEqual([
      expect.objectContaining({ status: 'suppressed', severity: 'error', reason: REASON }),
      expect.objectContaining({ status: 'suppressed', reason: REASON, message: expect.stringMatching(/vm\.swappiness is a node-level sysctl/) }),
    ]);
    a.synth();
    const [mdFile] = Checklist.writeReport(a, { directory: fs.mkdtempSync(path.join(outdir, 'report-')) });
    const md = fs.readFileSync(mdFile, 'utf8');
    expect(md).toMatch(/\| R08 sysctls that can work \| suppressed \| orders\/orders \(Deployment\/shop\/orders spec\.template\.spec\.securityContext\.sysctls\) \| .*vm\.swappiness.* — suppressed: the node pool sets vm\.swappiness.* \(orders\) \|/);
  });

  test('the suppressions prop is the same as Checklist.suppress on the construct', () => {
    const { chart } = app();
    new GoMicroservice(chart, 'orders', { image, signer, replicas: 1, suppressions: { R12: 'a single replica is enough for this internal batch helper' } });
    const dep = Testing.synth(chart).find((m) => m.kind === 'Deployment');
    expect(dep.spec.replicas).toBe(1);
    expect(dep.metadata.annotations['golden-go.dev/suppressed.R12']).toMatch(/single replica/);
  });

  test('an output check is suppressed for the construct too', () => {
    const { chart } = app();
    const svc = new GoMicroservice(chart, 'orders', { image, signer });
    Checklist.suppress(svc, 'R07', 'the sidecar-less debug build writes its profile to the root filesystem');
    ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
    expect(() => Testing.synth(chart)).not.toThrow();
    expect(Checklist.findings(chart)).toEqual([expect.objectContaining({ ruleId: 'R07', status: 'suppressed' })]);
  });

  test('an image suppression is written into the Dockerfile, where `golden-go audit` honours it too', () => {
    const { chart } = app();
    const reason = 'the mirror only serves tags and Renovate pins the base in the next step of the pipeline';
    const tagOnly = BuilderImage.golang({ variant: GolangVariant.BOOKWORM });
    const img = new HardenedGoImage(chart, 'image', { name: 'orders', sourceUrl: 'https://example.com/acme/orders', builderImage: tagOnly, strict: true, suppressions: { B11: reason } });
    expect(img.dockerfile).toContain(`# golden-go:suppress B11 ${reason}`);
    expect(img.suppressedViolations).toEqual([expect.stringMatching(/^\[B11\] builderImage: docker\.io\/library\/golang:1\.26-bookworm is tag-only/)]);
    expect(Checklist.findings(chart).map((f) => [f.ruleId, f.status])).toEqual([['B11', 'suppressed'], ['B11', 'suppressed']]);
    expect(checkDockerfile(img.dockerfile).map((r) => r.ruleId)).toContain('B11');
    expect(() => Testing.synth(chart)).not.toThrow();
  });

  test.each([
    ['B06', /^ruleId: B06 \(checksum database stays on\) cannot be suppressed: the checksum database off for every module protects nobody/],
    ['B08', /^ruleId: B08 \(secrets never in build args\) cannot be suppressed: a credential in a build argument or ENV is in the image history/],
  ])('%s is never suppressible: the suppression is refused with the reason', (ruleId, message) => {
    const { chart } = app();
    expect(() => Checklist.suppress(chart, ruleId, 'the build runs in an air-gapped network whose proxy is the only module source')).toThrow(message);
    expect(() => new HardenedGoImage(chart, 'image', { name: 'orders', goNoSumDb: ['*'], suppressions: { [ruleId]: 'the build runs in an air-gapped network with one proxy' } }))
      .toThrow(message);
    expect(ChecklistRules.get(ruleId).neverSuppressible).toMatch(/.{40,}/);
  });

  test('appliesTo limits a suppression to the resources or fields it names', () => {
    const { chart } = app();
    const svc = new GoMicroservice(chart, 'orders', { image, signer });
    const other = new GoMicroservice(chart, 'billing', { image, signer });
    Checklist.suppress(chart, 'R07', 'the debug build of orders writes its profile to the root filesystem', { appliesTo: ['Deployment/shop/orders'] });
    Checklist.suppress(chart, 'R10', 'the log shipper of this namespace reads the termination message itself', { appliesTo: ['spec.template.spec.containers[app].env'] });
    for (const s of [svc, other]) {
      ApiObject.of(s).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
      ApiObject.of(s).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/terminationMessagePolicy'));
    }
    const byWhere = Checklist.findings(chart).map((f) => [f.ruleId, f.where, f.status, f.suppressedBy ?? '']);
    expect(byWhere).toEqual(expect.arrayContaining([
      ['R07', 'orders/orders', 'suppressed', 'orders'],
      ['R07', 'orders/billing', 'fail', ''],
      // The R10 finding is on the container, not under its env: the suppression does not cover it.
      ['R10', 'orders/orders', 'fail', ''],
    ]));
    expect(() => Checklist.suppress(chart, 'R07', REASON, { appliesTo: ['Deployment/shop/orders\n'] })).toThrow(/^appliesTo: "Deployment\/shop\/orders\\n" is not valid; allowed:/);
  });

  test('R01 by tag only with a suppression, for a development overlay', () => {
    const { chart } = app();
    expect(() => new GoMicroservice(chart, 'dev', { image: ImageReference.fromTag('registry.example.com/acme/orders', 'dev') })).toThrow(/^\[R01\] image: "registry\.example\.com\/acme\/orders:dev" is not pinned by digest/);
    new GoMicroservice(chart, 'orders', {
      image: ImageReference.fromTag('registry.example.com/acme/orders', 'dev'),
      signer,
      suppressions: { R01: 'development overlay: the dev cluster always runs the newest build of the branch' },
    });
    const dep = Testing.synth(chart).find((m) => m.kind === 'Deployment' && m.metadata.name === 'orders');
    expect(dep.spec.template.spec.containers[0].image).toBe('registry.example.com/acme/orders:dev');
    expect(Checklist.findings(chart).filter((f) => f.status === 'fail' && f.severity === 'error')).toEqual([]);
  });
});

describe('the report: written by an explicit step, never by validation', () => {
  test('synth writes only manifests; writeReport writes golden-checklist.md, .json and .sarif', () => {
    const { app: a, chart, outdir } = app();
    new HardenedGoImage(chart, 'image', { name: 'orders', sourceUrl: 'https://example.com/acme/orders' });
    new GoMicroservice(chart, 'orders', { image });
    a.synth();
    expect(fs.readdirSync(outdir)).toEqual(['orders.k8s.yaml']);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-report-'));
    const written = Checklist.writeReport(a, { directory: dir });
    expect(written.map((f) => path.basename(f))).toEqual(['golden-checklist.md', 'golden-checklist.json', 'golden-checklist.sarif']);
    const md = fs.readFileSync(path.join(dir, 'golden-checklist.md'), 'utf8');
    expect(md).toMatch(/^# Golden checklist\n\n0 error\(s\), 1 warning\(s\), 0 suppressed, across 2 checked item\(s\)\.\n\n\| rule \| status \| where \| why \|/);
    expect(md).toContain('| B06 checksum database stays on | pass | orders/image | |');
    expect(md).toMatch(/\| R14 signed-image enforcement \| warning \| orders\/orders \(Deployment\/shop\/orders spec\.template\.metadata\.annotations\[golden-go\.dev\/signer\]\) \| no expected signer recorded/);
    const json = JSON.parse(fs.readFileSync(path.join(dir, 'golden-checklist.json'), 'utf8'));
    expect(json.summary).toEqual({ errors: 0, warnings: 1, suppressed: 0, checked: 2 });
    const sarif = JSON.parse(fs.readFileSync(path.join(dir, 'golden-checklist.sarif'), 'utf8'));
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].tool.driver.rules).toHaveLength(38);
    expect(sarif.runs[0].results).toEqual([expect.objectContaining({ ruleId: 'R14', level: 'warning', locations: [{ logicalLocations: [{ fullyQualifiedName: 'orders/orders', kind: 'module' }] }] })]);
  });

  test('a failing synth writes nothing either; the report still tells why, from its default place or a configured one', () => {
    const { app: a, chart, outdir } = app();
    const svc = new GoMicroservice(chart, 'orders', { image, signer });
    ApiObject.of(svc).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/resources'));
    expect(() => a.synth()).toThrow(/\[R03\]/);
    expect(fs.existsSync(outdir) ? fs.readdirSync(outdir) : []).toEqual([]);

    const cwd = process.cwd();
    const work = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-cwd-'));
    process.chdir(work);
    try {
      expect(Checklist.writeReport(a)).toEqual(['golden-checklist.md', 'golden-checklist.json', 'golden-checklist.sarif'].map((f) => path.join('.golden-go', 'report', f)));
      expect(JSON.parse(fs.readFileSync(path.join(work, '.golden-go', 'report', 'golden-checklist.json'), 'utf8')).summary.errors).toBe(1);
    } finally {
      process.chdir(cwd);
    }

    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-configured-'));
    Checklist.configureReport(a, { directory: dir });
    expect(Checklist.writeReport(a)).toHaveLength(3);
    expect(fs.existsSync(path.join(dir, 'golden-checklist.sarif'))).toBe(true);
    Checklist.configureReport(a, { enabled: false });
    expect(Checklist.writeReport(a)).toEqual([]);
  });
});
