// The manifest checkers of CI (issue 10) on every configuration of the matrix: kube-score, kubeconform
// -strict, Checkov and Pod Security Standards "restricted" (tools/pss-check, the upstream
// k8s.io/pod-security-admission checks). Each must find nothing AND show that it looked at the objects,
// and each policy checker must flag the negative control, so no checker passes by running on nothing.
import * as fs from 'fs';
import * as path from 'path';
import { checkov, kubeconform, kubeScore, objectsIn, podTemplatesIn, pssCheck, testWith } from './checkers';
import { tmpDir } from './containers';
import { CORPUS_MATRIX, MATRIX, MatrixEntry, NEGATIVE_CONTROL, Synthesized, synthEntry } from './matrix';

jest.setTimeout(600_000);

const NEWEST = 'v1.37.2';
// The schemas of the release each entry targets (its newest patch), so every entry is valid both for the
// release it was built for and for the newest one. The 1.27 schemas are not used here: from a 1.30 target
// on the Deployment carries the preStop sleep action, which 1.27 rejects by design; the 1.27 targets are
// validated against 1.27 in manifests.e2e.test.ts.
const TARGET_SCHEMAS = new Map([['1.34', 'v1.34.4'], ['1.35', 'v1.35.4']]);

const synthesized = new Map<string, Synthesized>();
function synth(entry: MatrixEntry): Synthesized {
  if (!synthesized.has(entry.name)) synthesized.set(entry.name, synthEntry(entry));
  return synthesized.get(entry.name)!;
}
const entries = [...MATRIX, ...CORPUS_MATRIX].map((e): [string, MatrixEntry] => [e.name, e]);
const once = <T>(f: () => T): (() => T) => {
  let v: T | undefined;
  return () => (v ??= f());
};
const deploymentOf = (s: Synthesized) => objectsIn(s.files).find((o) => o.kind === 'Deployment')!;

describe('kube-score (default checks, for the target release)', () => {
  const t = testWith('kube-score');
  const negative = once(() => kubeScore(synth(NEGATIVE_CONTROL).files, NEGATIVE_CONTROL.kubernetesVersion));

  t('flags the negative control: a privileged container among its critical findings', () => {
    const r = negative();
    expect(r.findings.find((f) => f.check === 'container-security-context-privileged')).toMatchObject({ kind: 'Deployment', grade: 'CRITICAL' });
    expect(r.status).toBe(1);
  });

  t.each(entries)('%s: no finding, and the checks that flag the negative control passed on its Deployment', (_name, entry) => {
    const s = synth(entry);
    const r = kubeScore(s.files, s.kubernetesVersion);
    expect(r.findings).toEqual([]);
    expect(r.status).toBe(0);
    const deployment = deploymentOf(s).name;
    const ran = r.checks.filter((c) => c.kind === 'Deployment' && c.name === deployment && !c.skipped).map((c) => c.check);
    const flagged = [...new Set(negative().findings.filter((f) => f.kind === 'Deployment').map((f) => f.check))];
    expect(flagged).toContain('container-security-context-privileged');
    // deployment-replicas is graded only when no HPA owns the replica count (kube-score skips it otherwise).
    const hpa = objectsIn(s.files).some((o) => o.kind === 'HorizontalPodAutoscaler');
    const expected = hpa ? flagged.filter((c) => c !== 'deployment-replicas') : flagged;
    expect(expected.filter((c) => !ran.includes(c))).toEqual([]);
  });
});

describe('kubeconform -strict (target release and newest schemas, vendored CRDs, Gatekeeper constraints)', () => {
  const t = testWith('kubeconform');

  t.each(entries)('%s: every object valid', (_name, entry) => {
    const s = synth(entry);
    const target = TARGET_SCHEMAS.get(s.kubernetesVersion);
    if (!target) throw new Error(`no schema release for the ${s.kubernetesVersion} target: add it to TARGET_SCHEMAS`);
    const objects = objectsIn(s.files).length;
    for (const version of [target, NEWEST]) {
      const r = kubeconform(version, s.files);
      expect({ version, out: r.out, summary: r.summary }).toEqual({
        version, out: expect.anything(), summary: { found: objects, valid: objects, invalid: 0, errors: 0, skipped: 0 },
      });
      expect(r.status).toBe(0);
    }
  });

  // The constraint schema is derived by the suite, not vendored: show it is as strict as the others.
  t('the Gatekeeper constraint schema derived from the ConstraintTemplate is strict: a misspelt field fails', () => {
    const s = MATRIX.map(synth).find((x) => objectsIn(x.files).some((o) => o.kind === 'ConstraintTemplate'))!;
    const dir = tmpDir('constraint-typo');
    const files = s.files.map((f) => {
      const copy = path.join(dir, path.basename(f));
      const yaml = fs.readFileSync(f, 'utf8');
      fs.writeFileSync(copy, yaml.startsWith('apiVersion: constraints.gatekeeper.sh/') ? yaml.replace('enforcementAction:', 'enforcmentAction:') : yaml);
      return copy;
    });
    const r = kubeconform(NEWEST, files);
    expect(r.summary).toEqual({ found: files.length, valid: files.length - 1, invalid: 1, errors: 0, skipped: 0 });
    expect(r.out).toMatch(/at '\/spec': additional properties 'enforcmentAction' not allowed/);
  });

  // A schema validator cannot judge policy: the privileged Deployment is schema-valid, and kubeconform
  // says so for both objects. What it can catch, an undeclared field, is its negative control in
  // manifests.e2e.test.ts ("the validation is strict: a misspelt field fails").
  t('validates the negative control too, and finds it schema-valid (policy is not its job)', () => {
    const s = synth(NEGATIVE_CONTROL);
    expect(kubeconform(NEWEST, s.files).summary).toEqual({ found: 2, valid: 2, invalid: 0, errors: 0, skipped: 0 });
  });
});

describe('Checkov (every Kubernetes check)', () => {
  const t = testWith('checkov');
  const negative = once(() => checkov(synth(NEGATIVE_CONTROL).dir));

  t('flags the negative control: the privileged container (CKV_K8S_16) among its failed checks', () => {
    const r = negative();
    expect(r.failed).toContain(`CKV_K8S_16 Deployment.${synth(NEGATIVE_CONTROL).namespace}.chart-plain`);
    expect(r.status).toBe(1);
  });

  t.each(entries)('%s: no failed check, and the checks that fail the negative control passed on its Deployment', (_name, entry) => {
    const s = synth(entry);
    const r = checkov(s.dir);
    expect(r.failed).toEqual([]);
    expect(r.status).toBe(0);
    const passed = r.passed[`Deployment.${s.namespace}.${deploymentOf(s).name}`] ?? [];
    const flagged = negative().failed.filter((f) => f.includes(' Deployment.')).map((f) => f.split(' ')[0]);
    expect(flagged.length).toBeGreaterThan(10);
    expect(flagged.filter((c) => !passed.includes(c))).toEqual([]);
  });
});

describe('Pod Security Standards restricted (k8s.io/pod-security-admission, tools/pss-check)', () => {
  const t = testWith('pss-check');

  t('flags the negative control: privileged, privilege escalation, capabilities, root, seccomp', () => {
    const r = pssCheck(synth(NEGATIVE_CONTROL).files, 'latest');
    const reasons = r.violations.map((v) => v.replace(/^.*?: Deployment\/chart-plain: /, '').replace(/ \(.*$/, ''));
    expect(reasons).toEqual(expect.arrayContaining(['privileged', 'allowPrivilegeEscalation != false', 'unrestricted capabilities', 'runAsNonRoot != true', 'seccompProfile']));
    expect(r.evaluated).toBe(1);
    expect(r.status).toBe(1);
  });

  t.each(entries)('%s: no violation at the target release and at latest, every pod template evaluated', (_name, entry) => {
    const s = synth(entry);
    const templates = podTemplatesIn(s.files);
    expect(templates).toBeGreaterThanOrEqual(1);
    for (const version of [`v${s.kubernetesVersion}`, 'latest']) {
      const r = pssCheck(s.files, version);
      expect({ version, violations: r.violations, evaluated: r.evaluated }).toEqual({ version, violations: [], evaluated: templates });
      expect(r.status).toBe(0);
    }
  });
});
