// GOGC and GODEBUG (R04): the props, and the same verdicts on foreign manifests (synth and audit share them).
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, JsonPatch, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { AppEnv, Checklist, GoApp, GoGc, GoMicroservice, GoMicroserviceProps, ImageReference } from '../src';
import { checkManifests } from '../src/checklist/checks';
import { goDebugViolations, goGcViolation } from '../src/checklist/runtime-rules';

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');

function synth(props: Partial<GoMicroserviceProps> = {}) {
  const chart = Testing.chart();
  const svc = new GoMicroservice(chart, 'orders', { image, namespace: 'shop', ...props });
  const manifests = Testing.synth(chart);
  const deployment = manifests.find((m) => m.kind === 'Deployment');
  return { svc, manifests, deployment, env: Object.fromEntries(deployment.spec.template.spec.containers[0].env.map((e: any) => [e.name, e.value])) };
}
const build = (props: Partial<GoMicroserviceProps>) => () => synth(props);

/** The R04 findings on a service's manifests after `edit` changes its container env. */
function r04(edit: (env: Array<{ name: string; value?: string }>) => Array<{ name: string; value?: string }>) {
  const { manifests, deployment } = synth();
  const c = deployment.spec.template.spec.containers[0];
  c.env = edit(c.env);
  return checkManifests(manifests, { kubernetesVersion: '1.35' }).filter((f) => f.ruleId === 'R04');
}
const set = (name: string, value: string) => (env: any[]) => [...env.filter((e) => e.name !== name), { name, value }];

describe('goGc', () => {
  test('unset by default: Go keeps GOGC=100', () => {
    expect(synth().env.GOGC).toBeUndefined();
  });

  test('a percent and off are rendered as given, next to the derived GOMEMLIMIT', () => {
    expect(synth({ goGc: GoGc.percent(50) }).env).toMatchObject({ GOGC: '50', GOMEMLIMIT: '230MiB' });
    const off = synth({ goGc: GoGc.off() });
    expect(off.env).toMatchObject({ GOGC: 'off', GOMEMLIMIT: '230MiB' });
    expect(off.svc.warnings).toEqual([]);
    expect(checkManifests(off.manifests, { kubernetesVersion: '1.35' }).filter((f) => f.ruleId === 'R04')).toEqual([]);
  });

  test('GoGc.off() is safe because GOMEMLIMIT is always derived; an escape hatch that removes it fails synth with R04', () => {
    const chart = Testing.chart();
    const svc = new GoMicroservice(chart, 'orders', { image, namespace: 'shop', goGc: GoGc.off() });
    const env = Testing.synth(chart).find((m) => m.kind === 'Deployment').spec.template.spec.containers[0].env.map((e: any) => e.name);
    ApiObject.of(svc.deployment).addJsonPatch(JsonPatch.remove(`/spec/template/spec/containers/0/env/${env.indexOf('GOMEMLIMIT')}`));
    expect(() => Testing.synth(chart)).toThrow(/\[R04\] Deployment\/shop\/orders spec\.template\.spec\.containers\[app\]\.env\[GOGC\]: GOGC=off without GOMEMLIMIT/);
  });

  test.each([0, -1, 1.5, 10001, NaN])('GoGc.percent(%p) is rejected naming goGc', (n) => {
    expect(() => GoGc.percent(n)).toThrow(/^goGc: .* is not valid; allowed: GoGc.percent\(1-10000\) or GoGc.off\(\)/);
  });

  test('a plain object is not a GoGc', () => {
    expect(build({ goGc: { value: 'off' } as any })).toThrow(/^goGc: .*allowed: GoGc.percent\(n\) or GoGc.off\(\)/);
  });

  test('GOGC and GODEBUG stay reserved in env and app.env, pointing at their props', () => {
    expect(build({ env: { GOGC: '30' } })).toThrow(/^env.GOGC: set by golden-go from its own prop \(.*GOGC from goGc/);
    expect(build({ app: new GoApp({ env: { GODEBUG: AppEnv.value('madvdontneed=1') } }) })).toThrow(/^app.env.GODEBUG: .*GODEBUG from goDebug/);
  });
});

describe('goDebug', () => {
  test('settings are joined in order; unrelated ones are silent', () => {
    const { env, svc } = synth({ goDebug: { 'http2client': '0', 'cpu.avx2': 'off' } });
    expect(env.GODEBUG).toBe('http2client=0,cpu.avx2=off');
    expect(svc.warnings).toEqual([]);
  });

  test('madvdontneed=0 is an R04 warning: MADV_FREE memory stays charged to the cgroup', () => {
    const { svc, env } = synth({ goDebug: { madvdontneed: '0' } });
    expect(env.GODEBUG).toBe('madvdontneed=0');
    expect(svc.warnings).toEqual([expect.stringMatching(/^\[R04\] goDebug: GODEBUG madvdontneed=0 returns freed memory with MADV_FREE: .*RSS-based alerts/)]);
  });

  test('madvdontneed=1 is redundant on the Go release the service is built with', () => {
    expect(synth({ goDebug: { madvdontneed: '1' } }).svc.warnings).toEqual(['[R04] goDebug: GODEBUG madvdontneed=1 is the Linux default since Go 1.16 (this binary: Go 1.26); remove it']);
    expect(synth({ goDebug: { madvdontneed: '1' }, goVersion: '1.15', goModGoVersion: '1.15', resources: { cpuLimitMillis: 1000 } }).svc.warnings).toEqual([]);
  });

  test('the finding is in the checklist report, suppressible with a reason like any R04 finding', () => {
    const r04Findings = (svc: GoMicroservice) => Checklist.findings(svc).filter((f) => f.ruleId === 'R04' && f.status !== 'pass');
    expect(r04Findings(synth({ goDebug: { madvdontneed: '0' } }).svc)).toEqual([expect.objectContaining({ severity: 'warning', status: 'fail' })]);
    const reason = 'measured: MADV_FREE halves page-fault CPU here and the alerts use the working set';
    expect(r04Findings(synth({ goDebug: { madvdontneed: '0' }, suppressions: { R04: reason } }).svc)).toEqual([expect.objectContaining({ status: 'suppressed', reason })]);
  });

  test.each([
    [{ 'GC,trace': '1' }, /^goDebug: "GC,trace" is not valid; allowed: GODEBUG setting names/],
    [{ gctrace: '1,madvdontneed=0' }, /^goDebug.gctrace: "1,madvdontneed=0" is not valid; allowed: a GODEBUG value/],
    [{ gctrace: '' }, /^goDebug.gctrace: "" is not valid/],
    [{ gctrace: '$(SECRET)' }, /^goDebug.gctrace: .* is not valid/],
  ])('%p is rejected by the allow-patterns', (goDebug, error) => {
    expect(build({ goDebug })).toThrow(error);
  });
});

describe('R04 on foreign manifests (synth and golden-go audit)', () => {
  test('GOGC=off without GOMEMLIMIT is an error; with it, or with automemlimit, it is the GC guide pattern', () => {
    const noLimit = r04((env) => set('GOGC', 'off')(env.filter((e) => e.name !== 'GOMEMLIMIT')));
    expect(noLimit.map((f) => [f.field, f.severity ?? 'error'])).toEqual([
      ['spec.template.spec.containers[app].env[GOGC]', 'error'],
      ['spec.template.spec.containers[app].env[GOMEMLIMIT]', 'warning'],
    ]);
    expect(noLimit[0].message).toMatch(/^GOGC=off without GOMEMLIMIT: the collector never runs/);
    expect(r04(set('GOGC', 'off'))).toEqual([]);
    expect(r04((env) => set('AUTOMEMLIMIT', '0.9')(set('GOGC', 'off')(env.filter((e) => e.name !== 'GOMEMLIMIT'))))).toEqual([]);
    expect(r04((env) => set('GOMEMLIMIT', 'off')(set('GOGC', '-1')(env))).map((f) => f.message)).toEqual([expect.stringMatching(/^GOGC=-1 without GOMEMLIMIT/)]);
  });

  test('a GOGC Go cannot parse is a warning (Go silently uses 100)', () => {
    const f = r04(set('GOGC', '30%'));
    expect(f).toEqual([expect.objectContaining({ field: 'spec.template.spec.containers[app].env[GOGC]', severity: 'warning' })]);
    expect(f[0].message).toBe('GOGC=30% is not a percent or "off": Go ignores it silently and collects at GOGC=100');
    expect(r04(set('GOGC', '30'))).toEqual([]);
  });

  test('GODEBUG madvdontneed=0 is a warning; madvdontneed=1 is silent (the Go release of a foreign image is unknown)', () => {
    expect(r04(set('GODEBUG', 'gctrace=0,madvdontneed=0'))).toEqual([expect.objectContaining({ field: 'spec.template.spec.containers[app].env[GODEBUG]', severity: 'warning' })]);
    expect(r04(set('GODEBUG', 'madvdontneed=1'))).toEqual([]);
    expect(r04(set('GODEBUG', 'http2client=0'))).toEqual([]);
  });

  test("seed 004's GOGC=30 and GODEBUG=madvdontneed=1 earn no GOGC/GODEBUG finding in the audit (valid; Go release unknown)", () => {
    const file = path.join(__dirname, 'fixtures', 'audit', 'seed-004-golden-list', 'deployment.yaml');
    const objects = YAML.parseAllDocuments(fs.readFileSync(file, 'utf8')).map((d) => d.toJSON());
    const env = objects[0].spec.template.spec.containers[0].env.map((e: any) => e.name);
    expect(env).toEqual(expect.arrayContaining(['GOGC', 'GODEBUG']));
    const fields = checkManifests(objects, { kubernetesVersion: '1.35' }).filter((f) => f.ruleId === 'R04').map((f) => f.field);
    expect(fields.filter((f) => /GOGC|GODEBUG/.test(f ?? ''))).toEqual([]);
  });

  test('the verdict functions', () => {
    expect(goGcViolation(' off ', true)).toBeUndefined();
    expect(goGcViolation('100', false)).toBeUndefined();
    expect(goDebugViolations('madvdontneed=1', 15)).toEqual([]);
    expect(goDebugViolations('madvdontneed=1')).toEqual([]);
    expect(goDebugViolations('madvdontneed=1', 16)).toHaveLength(1);
    expect(goDebugViolations('xmadvdontneed=0')).toEqual([]);
  });
});
