// ChecklistAdmissionPolicy at synth: what it emits and how it refuses bad props. Whether the API server
// agrees with the rules is test/e2e/admission-policy.e2e.test.ts.
import { App, Chart, Testing } from 'cdk8s';
import { AdmissionAction, ChecklistAdmissionPolicy, ChecklistAdmissionPolicyProps, ChecklistRules, RuleSeverity } from '../src';
import { RuleCel, RUNTIME_RULES } from '../src/checklist/runtime-rules';

const synth = (props: ChecklistAdmissionPolicyProps = {}) => {
  const chart = Testing.chart();
  new ChecklistAdmissionPolicy(chart, 'checklist', props);
  return Testing.synth(chart);
};
const ofKind = (objs: any[], kind: string) => objs.filter((o) => o.kind === kind);

test('every workload rule is either enforced by CEL or listed with the reason it cannot be', () => {
  const workloadIds = ChecklistRules.all().filter((r) => r.id.startsWith('R')).map((r) => r.id);
  const unenforceable = ChecklistAdmissionPolicy.unenforceableRules();
  const notAtAll = unenforceable.filter((u) => !u.reason.startsWith('in part: ')).map((u) => u.ruleId);
  expect([...ChecklistAdmissionPolicy.enforceableRuleIds(), ...notAtAll].sort()).toEqual(workloadIds);
  expect(notAtAll).toEqual(['R09', 'R13', 'R17']);
  expect(unenforceable.map((u) => u.ruleId)).toEqual(['R09', 'R11', 'R12', 'R13', 'R17']);
  expect(unenforceable.find((u) => u.ruleId === 'R11')!.reason).toMatch(/^in part: a ServiceMonitor/);
  for (const u of unenforceable) expect(u.reason.length).toBeGreaterThan(40);
});

test('defaults: error rules deny, warning rules warn, every namespace but the system ones, each rule once', () => {
  const objs = synth();
  const policies = ofKind(objs, 'ValidatingAdmissionPolicy');
  const bindings = ofKind(objs, 'ValidatingAdmissionPolicyBinding');
  expect(policies.map((p) => p.metadata.name)).toEqual(['golden-go-checklist', 'golden-go-checklist-warnings']);
  expect(bindings.map((b) => [b.metadata.name, b.spec.policyName, b.spec.validationActions])).toEqual([
    ['golden-go-checklist', 'golden-go-checklist', ['Deny']],
    ['golden-go-checklist-warnings', 'golden-go-checklist-warnings', ['Warn']],
  ]);
  for (const b of bindings) {
    expect(b.spec.matchResources.namespaceSelector).toEqual({
      matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', 'kube-public', 'kube-node-lease'] }],
    });
  }
  // Cluster-scoped: no namespace even inside a chart that has one.
  expect(objs.every((o) => o.metadata.namespace === undefined)).toBe(true);
  const ids = (p: any) => p.spec.validations.map((v: any) => /^\[(R\d\d)\]/.exec(v.message)![1]);
  expect([...new Set([...ids(policies[0]), ...ids(policies[1])])].sort()).toEqual(ChecklistAdmissionPolicy.enforceableRuleIds());
  // Each rule in the policy of its severity, and its part at the other severity (RuleCel.override) in the other one.
  const inPolicy = (severity: RuleSeverity) => RUNTIME_RULES.filter((r) => 'kinds' in r.cel && (r.severity === severity || r.cel.override?.severity === severity)).map((r) => r.id);
  expect(ids(policies[0])).toEqual(inPolicy(RuleSeverity.ERROR));
  expect(ids(policies[1])).toEqual(inPolicy(RuleSeverity.WARNING));
  expect(ids(policies[1])).toEqual(expect.arrayContaining(['R02', 'R04', 'R06', 'R08']));
});

test('a part judged at the other severity names its rule, what it finds and its fix, and honours the suppression', () => {
  const [errors, warnings] = ofKind(synth(), 'ValidatingAdmissionPolicy');
  const r02 = warnings.spec.validations.find((v: any) => v.message.startsWith('[R02] '));
  expect(r02.message).toMatch(/^\[R02\] readiness and liveness probe the same endpoint .*Fix: give liveness its own check/);
  expect(r02.expression).toContain('object.metadata.?annotations[?"golden-go.dev/suppressed.R02"].hasValue()');
  // The error policy's R02 judges the missing probes only.
  expect(errors.spec.validations.find((v: any) => v.message.startsWith('[R02] ')).expression).not.toContain('livenessProbe.httpGet');
  const r12 = errors.spec.validations.find((v: any) => v.message.startsWith('[R12] '));
  expect(r12.message).toMatch(/^\[R12\] the HorizontalPodAutoscaler can scale .*Fix: minReplicas of at least 2/);
});

test('each validation honours the suppression annotation and names its rule and fix', () => {
  for (const policy of ofKind(synth(), 'ValidatingAdmissionPolicy')) {
    for (const v of policy.spec.validations) {
      const id = /^\[(R\d\d)\]/.exec(v.message)![1];
      const rule = RUNTIME_RULES.find((r) => r.id === id)!;
      expect(v.expression).toContain(`object.metadata.?annotations[?"golden-go.dev/suppressed.${id}"].hasValue()`);
      // The rule's own validation says its title and remediation; its part at the other severity says what it finds and its fix.
      const ownPolicy = policy.metadata.name.endsWith('-warnings') === (rule.severity === RuleSeverity.WARNING);
      const what = ownPolicy ? `${rule.title}. Fix: ${rule.remediation}` : (rule.cel as RuleCel).override!.message;
      expect(v.message).toContain(`[${id}] ${what} (suppress with the annotation golden-go.dev/suppressed.${id}: <reason>)`);
      expect(v.messageExpression).toContain(`"[${id}] "`);
    }
  }
});

test('the CEL of R08 allows the safe sysctls of the target release', () => {
  const r08 = (kubernetesVersion: string) => ofKind(synth({ kubernetesVersion, ruleIds: ['R08'] }), 'ValidatingAdmissionPolicy')[0].spec.validations[0].expression;
  expect(r08('1.31')).not.toContain('net.ipv4.tcp_rmem');
  expect(r08('1.35')).toContain('"net.ipv4.tcp_rmem"');
  expect(r08('1.35')).not.toContain('net.ipv4.tcp_notsent_lowat');
  expect(r08('1.37')).toContain('"net.ipv4.tcp_notsent_lowat"');
});

test('props: namespaces, labels, actions and a subset of rules', () => {
  const objs = synth({
    name: 'checklist',
    namespaces: ['shop', 'shop'],
    namespaceLabels: { 'golden-go.dev/checklist': 'enforce' },
    actions: [AdmissionAction.WARN, AdmissionAction.AUDIT],
    ruleIds: ['R07', 'R01'],
  });
  const [binding] = ofKind(objs, 'ValidatingAdmissionPolicyBinding');
  expect(ofKind(objs, 'ValidatingAdmissionPolicy').map((p) => p.metadata.name)).toEqual(['checklist']);
  expect(binding.spec).toEqual({
    policyName: 'checklist',
    validationActions: ['Warn', 'Audit'],
    matchResources: {
      namespaceSelector: {
        matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'In', values: ['shop'] }],
        matchLabels: { 'golden-go.dev/checklist': 'enforce' },
      },
    },
  });
});

test.each<[string, ChecklistAdmissionPolicyProps, RegExp]>([
  ['a rule that is not a workload rule', { ruleIds: ['B01'] }, /^ruleIds: "B01" is not valid; allowed: an id of R01, R02/],
  ['a rule CEL cannot express', { ruleIds: ['R09'] }, /^ruleIds: R09 \(time zone and encoding\) cannot be enforced by the API server: .*time zone database/],
  ['no rules', { ruleIds: [] }, /^ruleIds: \[\] is not valid/],
  ['Deny with Warn', { actions: [AdmissionAction.DENY, AdmissionAction.WARN] }, /^actions: \["Deny","Warn"\] is not valid; allowed: .*not Deny with Warn/],
  ['no warning actions', { warningActions: [] }, /^warningActions: \[\] is not valid/],
  ['an unknown action', { actions: ['Block' as AdmissionAction] }, /^actions: \["Block"\] is not valid/],
  ['a namespace that is not a DNS label', { namespaces: ['Shop'] }, /^namespaces: "Shop" is not valid/],
  ['a bad label', { namespaceLabels: { 'bad key!': 'x' } }, /^namespaceLabels: "bad key!" is not valid/],
  ['a bad name', { name: 'Golden_Go' }, /^name: "Golden_Go" is not valid; allowed: a DNS label/],
  ['an old release', { kubernetesVersion: '1.20' }, /^kubernetesVersion: "1.20" is not valid/],
  ['a release without ValidatingAdmissionPolicy v1', { kubernetesVersion: '1.29' }, /^kubernetesVersion: "1.29" is not valid; allowed: a release from 1.30 on/],
])('refuses %s at synth time, naming the prop', (_what, props, error) => {
  expect(() => synth(props)).toThrow(error);
});

test('one per app: a second one, in any chart, is an error naming the first', () => {
  const app = new App();
  new ChecklistAdmissionPolicy(new Chart(app, 'a'), 'checklist');
  expect(() => new ChecklistAdmissionPolicy(new Chart(app, 'b'), 'checklist')).toThrow(/^ChecklistAdmissionPolicy: the app already has one \(a\/checklist\); it is one per app/);
});

test('the CEL lives with each rule: every workload rule definition carries it or the reason it cannot', () => {
  for (const r of RUNTIME_RULES) {
    if ('notExpressible' in r.cel) continue;
    expect(r.cel.expression('1.35').length).toBeGreaterThan(20);
    expect(r.cel.kinds.length).toBeGreaterThan(0);
  }
});
