import { ApiObject, App, Chart, JsonPatch, Testing } from 'cdk8s';
import { Checklist, ChecklistRules, GoMicroservice, ImageReference } from '../src';
import { renderSummary, toFindings } from '../src/checklist/findings';

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const image = ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST, '1.0.0');
const REASON = 'the node pool sets vm.swappiness through its kubelet configuration';

function chartOf(a: App): Chart {
  return new Chart(a, 'orders', { namespace: 'shop', disableResourceNameHashes: true });
}

/** What `fn` wrote on stderr (and its error, if it threw). */
function stderrOf(fn: () => void): { text: string; error?: Error } {
  const chunks: string[] = [];
  const spy = jest.spyOn(process.stderr, 'write').mockImplementation((chunk: any) => {
    chunks.push(String(chunk));
    return true;
  });
  try {
    fn();
    return { text: chunks.join('') };
  } catch (e) {
    return { text: chunks.join(''), error: e as Error };
  } finally {
    spy.mockRestore();
  }
}

describe('renderSummary: findings → the text a synth prints', () => {
  const findings = [
    ...toFindings([{ ruleId: 'R14', message: 'no signer', resource: 'Deployment/shop/orders', field: 'spec.template.metadata.annotations' }], 'orders/orders', []),
    ...toFindings([{ ruleId: 'R07', message: 'the root filesystem is writable', resource: 'Deployment/shop/orders' }], 'orders/orders', []),
    ...toFindings([{ ruleId: 'R08', message: 'vm.swappiness is a node-level sysctl', field: 'sysctls' }], 'orders/batch',
      [{ ruleId: 'R08', reason: REASON, location: 'orders' }]),
  ];
  const lines = renderSummary(findings, 2, '.golden-go/report/golden-checklist.md').trimEnd().split('\n');

  test('counts per severity, then errors before warnings, each with rule id, construct path, resource, field and fix', () => {
    expect(lines[0]).toBe('golden checklist: 1 error, 1 warning, 1 suppressed, across 2 checked constructs');
    expect(lines[1]).toBe(`  [R07] orders/orders Deployment/shop/orders: the root filesystem is writable (error; fix: ${ChecklistRules.get('R07').remediation})`);
    expect(lines[2]).toBe(`  [R14] orders/orders Deployment/shop/orders spec.template.metadata.annotations: no signer (warning; fix: ${ChecklistRules.get('R14').remediation})`);
  });

  test('ends with where the full report is; suppressed findings are only counted', () => {
    expect(lines[3]).toBe('full report: .golden-go/report/golden-checklist.md');
    expect(lines).toHaveLength(4);
  });

  test('nothing found is said too', () => {
    expect(renderSummary([], 1, 'r.md')).toBe('golden checklist: 0 errors, 0 warnings, 0 suppressed, across 1 checked construct\nfull report: r.md\n');
  });
});

describe('app.synth() prints the summary on stderr', () => {
  const saved = process.env.GOLDEN_GO_SUMMARY;
  afterEach(() => {
    if (saved === undefined) delete process.env.GOLDEN_GO_SUMMARY;
    else process.env.GOLDEN_GO_SUMMARY = saved;
  });

  test('after a synth with a warning: the warning with its fix, and where writeReport puts the report', () => {
    delete process.env.GOLDEN_GO_SUMMARY;
    const a = Testing.app();
    new GoMicroservice(chartOf(a), 'orders', { image });
    const { text, error } = stderrOf(() => a.synth());
    expect(error).toBeUndefined();
    expect(text).toMatch(/^golden checklist: 0 errors, 1 warning, 0 suppressed, across 1 checked construct\n/);
    expect(text).toContain('  [R14] orders/orders Deployment/shop/orders');
    expect(text).toContain(`(warning; fix: ${ChecklistRules.get('R14').remediation})`);
    expect(text).toMatch(/\nfull report: \.golden-go\/report\/golden-checklist\.md \(and \.json, \.sarif\), written by Checklist\.writeReport\(app\)\n$/);
  });

  test('after a failed synth: the errors in the same shape, before the synth error propagates', () => {
    delete process.env.GOLDEN_GO_SUMMARY;
    const a = Testing.app();
    const svc = new GoMicroservice(chartOf(a), 'orders', { image });
    ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/securityContext/readOnlyRootFilesystem', false));
    Checklist.configureReport(a, { directory: 'out/report' });
    const { text, error } = stderrOf(() => a.synth());
    expect(error?.message).toMatch(/\[R07\] Deployment\/shop\/orders/);
    expect(text).toMatch(/^golden checklist: 1 error, 1 warning, /);
    expect(text).toContain('  [R07] orders/orders Deployment/shop/orders spec.template.spec.containers[app].securityContext: the root filesystem is writable (error; fix:');
    expect(text).toContain('full report: out/report/golden-checklist.md');
  });

  test('Checklist.configureReport(app, { summary: false }) and GOLDEN_GO_SUMMARY=off silence it', () => {
    const quiet = Testing.app();
    new GoMicroservice(chartOf(quiet), 'orders', { image });
    Checklist.configureReport(quiet, { summary: false });
    expect(stderrOf(() => quiet.synth()).text).toBe('');

    process.env.GOLDEN_GO_SUMMARY = 'off';
    const viaEnv = Testing.app();
    new GoMicroservice(chartOf(viaEnv), 'orders', { image });
    expect(stderrOf(() => viaEnv.synth()).text).toBe('');
  });
});

describe('a construction error has the same shape: rule id, prop, construct path, fix', () => {
  test('GoMicroservice names its path and the rule\'s fix', () => {
    const chart = chartOf(Testing.app());
    expect(() => new GoMicroservice(chart, 'bad', { image, sysctls: [{ name: 'vm.swappiness', value: '1' }] }))
      .toThrow(`(error at orders/bad; fix: ${ChecklistRules.get('R08').remediation})`);
    expect(() => new GoMicroservice(chart, 'bad2', { image, sysctls: [{ name: 'vm.swappiness', value: '1' }] }))
      .toThrow(/^\[R08\] sysctls: vm\.swappiness/);
  });
});
