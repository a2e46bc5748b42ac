import { ApiObject } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScopedObject } from './cluster-scoped';
import { SUPPRESSION_ANNOTATION_PREFIX } from '../checklist/engine';
import { CEL_VARIABLES, celString, RuleCel, RUNTIME_RULES, RuntimeRuleDefinition } from '../checklist/runtime-rules';
import { RuleSeverity } from '../checklist/severity';
import { DNS_LABEL } from '../core/constants';
import { invalidValue } from '../core/errors';
import { atLeast, parseKubernetesVersion } from '../core/kubernetes-version';
import { checkLabels } from '../core/patterns';

/** What the API server does with an object that breaks an enforced rule (a binding's `validationActions`). */
export enum AdmissionAction {
  /** The request is refused with the rule's message. */
  DENY = 'Deny',
  /** The request is admitted and the client shown the rule's message as a warning. */
  WARN = 'Warn',
  /** The request is admitted and the failure recorded in the audit log. */
  AUDIT = 'Audit',
}

/** A workload rule the API server cannot enforce, and why. */
export interface UnenforceableRule {
  readonly ruleId: string;
  readonly reason: string;
}

/** Props of `ChecklistAdmissionPolicy`. */
export interface ChecklistAdmissionPolicyProps {
  /**
   * Name of the ValidatingAdmissionPolicy and of its binding.
   * @default 'golden-go-checklist'
   */
  readonly name?: string;
  /**
   * What the API server does on an error: a violation of a rule of severity ERROR, or of the part of a
   * warning rule that fails a synth (R12's HPA minReplicas below 2).
   * Deny and Warn cannot be combined (the API server refuses the binding).
   * @default [AdmissionAction.DENY]
   */
  readonly actions?: AdmissionAction[];
  /**
   * What the API server does on a warning: a violation of a rule of severity WARNING, or of the part of an
   * error rule that synth only warns of (R02's shared probe endpoint), such as R14 for a service that records no signer.
   * @default [AdmissionAction.WARN]
   */
  readonly warningActions?: AdmissionAction[];
  /**
   * The namespaces (by name) whose objects are checked.
   * @default - every namespace but kube-system, kube-public and kube-node-lease
   */
  readonly namespaces?: string[];
  /**
   * Only namespaces that carry all these labels are checked (with `namespaces`, both must hold).
   * @default - no label condition
   */
  readonly namespaceLabels?: { [key: string]: string };
  /**
   * The rules to enforce.
   * @default - every rule the API server can enforce (`ChecklistAdmissionPolicy.enforceableRuleIds()`)
   */
  readonly ruleIds?: string[];
  /**
   * Target Kubernetes release, 1.30 or later: the safe sysctls of R08 depend on it.
   * @default '1.35'
   */
  readonly kubernetesVersion?: string;
}

const SYSTEM_NAMESPACES = ['kube-system', 'kube-public', 'kube-node-lease'];
const API_VERSION = 'admissionregistration.k8s.io/v1';
const LABELS = { 'app.kubernetes.io/managed-by': 'golden-go', 'app.kubernetes.io/component': 'checklist-admission-policy' };

// Where each kind is served; HPAs only for R12's minReplicas.
const RESOURCES: Array<{ apiGroup: string; apiVersion: string; resources: string[] }> = [
  { apiGroup: '', apiVersion: 'v1', resources: ['pods'] },
  { apiGroup: 'apps', apiVersion: 'v1', resources: ['deployments', 'statefulsets', 'daemonsets', 'replicasets'] },
  { apiGroup: 'batch', apiVersion: 'v1', resources: ['jobs', 'cronjobs'] },
  { apiGroup: 'autoscaling', apiVersion: 'v2', resources: ['horizontalpodautoscalers'] },
];

type EnforceableRule = RuntimeRuleDefinition & { cel: RuleCel };
const enforceable = (r: RuntimeRuleDefinition): r is EnforceableRule => !('notExpressible' in r.cel);
/** Why the API server cannot enforce a rule, or undefined when it can. */
const notExpressible = (r: RuntimeRuleDefinition): string | undefined => ('notExpressible' in r.cel ? r.cel.notExpressible : undefined);

/**
 * The workload rules (R01–R17, where CEL can express them) enforced by the API server itself: a
 * ValidatingAdmissionPolicy + binding (admissionregistration.k8s.io/v1, Kubernetes 1.30+), so a
 * manifest edited in the GitOps repository or applied by hand meets the checklist too. Each rule's
 * CEL lives with its definition (src/checklist/runtime-rules.ts).
 *
 * It judges the objects people write: Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs,
 * CronJobs, bare Pods (and HPAs for R12). Objects a controller made (a Deployment's ReplicaSets and
 * Pods) are skipped: their template was judged where it was written, and a refusal there would
 * surface as a controller failure instead of an error to the person who applied it. An object's
 * `golden-go.dev/suppressed.<id>` annotation (what golden-go writes for a suppression, and what
 * `golden-go audit` honours) exempts it from that rule. One per app.
 */
export class ChecklistAdmissionPolicy extends Construct {
  /** The ids of the rules the API server can enforce (R12 in part: see `unenforceableRules`). */
  public static enforceableRuleIds(): string[] {
    return RUNTIME_RULES.filter(enforceable).map((r) => r.id);
  }

  /** The workload rules (or parts of them) the API server cannot enforce, with the reason. */
  public static unenforceableRules(): UnenforceableRule[] {
    return RUNTIME_RULES.flatMap((r) => {
      if (!enforceable(r)) return [{ ruleId: r.id, reason: notExpressible(r)! }];
      return r.cel.partial ? [{ ruleId: r.id, reason: `in part: ${r.cel.partial}` }] : [];
    });
  }

  /**
   * The ValidatingAdmissionPolicies: `<name>` for the errors, `<name>-warnings` for the warnings (each when it has
   * validations). A rule is in the policy of its severity; its part at the other severity is in the other one.
   */
  public readonly policies: ApiObject[] = [];
  /** Their ValidatingAdmissionPolicyBindings, named as the policies. */
  public readonly bindings: ApiObject[] = [];
  /** The enforced rules. */
  public readonly ruleIds: string[];

  constructor(scope: Construct, id: string, props: ChecklistAdmissionPolicyProps = {}) {
    super(scope, id);
    const name = props.name ?? 'golden-go-checklist';
    if (!DNS_LABEL.test(name) || name.length > 63 - '-warnings'.length) throw invalidValue('name', name, 'a DNS label of at most 54 characters (lower-case letters, digits and "-")');
    const rules = selectRules(props.ruleIds);
    const kubernetesVersion = props.kubernetesVersion ?? '1.35';
    if (!atLeast(parseKubernetesVersion('kubernetesVersion', kubernetesVersion), 30)) {
      throw invalidValue('kubernetesVersion', kubernetesVersion, 'a release from 1.30 on (admissionregistration.k8s.io/v1 ValidatingAdmissionPolicy is served from 1.30)');
    }
    const actions = validationActions('actions', props.actions ?? [AdmissionAction.DENY]);
    const warningActions = validationActions('warningActions', props.warningActions ?? [AdmissionAction.WARN]);
    const namespaceSelector = selector(props.namespaces, props.namespaceLabels ?? {});
    this.ruleIds = rules.map((r) => r.id);
    // Two sets of policies would judge every object twice, each with its own idea of the namespaces and actions.
    const other = this.node.root.node.findAll().find((c) => c instanceof ChecklistAdmissionPolicy && c !== this);
    if (other) throw new Error(`ChecklistAdmissionPolicy: the app already has one (${other.node.path}); it is one per app: choose its namespaces, actions and rules there`);
    const groups: Array<[string, RuleSeverity, AdmissionAction[]]> = [[name, RuleSeverity.ERROR, actions], [`${name}-warnings`, RuleSeverity.WARNING, warningActions]];
    for (const [policyName, severity, policyActions] of groups) {
      // A rule's part at the other severity (R02's shared endpoint is a warning of an error rule) goes where its severity does.
      const mine = rules.flatMap((r) => [
        ...(r.severity === severity ? [validation(r, r.cel.expression(kubernetesVersion), `${r.title}. Fix: ${r.remediation}`)] : []),
        ...(r.cel.override?.severity === severity ? [validation(r, r.cel.override.expression(kubernetesVersion), r.cel.override.message)] : []),
      ]);
      if (mine.length === 0) continue;
      const objectId = severity === RuleSeverity.ERROR ? '' : 'Warnings';
      this.policies.push(clusterScopedObject(this, `ValidatingAdmissionPolicy${objectId}`, {
        apiVersion: API_VERSION, kind: 'ValidatingAdmissionPolicy', metadata: { name: policyName, labels: LABELS }, spec: policySpec(mine),
      } as any));
      this.bindings.push(clusterScopedObject(this, `ValidatingAdmissionPolicyBinding${objectId}`, {
        apiVersion: API_VERSION,
        kind: 'ValidatingAdmissionPolicyBinding',
        metadata: { name: policyName, labels: LABELS },
        spec: { policyName, validationActions: policyActions, matchResources: { namespaceSelector } },
      } as any));
    }
  }
}

function selectRules(ruleIds: string[] | undefined): Array<EnforceableRule> {
  const all = RUNTIME_RULES.filter(enforceable);
  if (ruleIds === undefined) return all;
  if (ruleIds.length === 0 || new Set(ruleIds).size !== ruleIds.length) throw invalidValue('ruleIds', ruleIds, `one or more distinct ids of ${all.map((r) => r.id).join(', ')}`);
  for (const id of ruleIds) {
    const rule = RUNTIME_RULES.find((r) => r.id === id);
    if (rule && !enforceable(rule)) throw new Error(`ruleIds: ${id} (${rule.title}) cannot be enforced by the API server: ${notExpressible(rule)}`);
    if (!rule) throw invalidValue('ruleIds', id, `an id of ${all.map((r) => r.id).join(', ')}`);
  }
  return all.filter((r) => ruleIds.includes(r.id));
}

function validationActions(prop: string, actions: AdmissionAction[]): AdmissionAction[] {
  const allowed = Object.values(AdmissionAction);
  if (actions.length === 0 || new Set(actions).size !== actions.length || actions.some((a) => !allowed.includes(a))
    || (actions.includes(AdmissionAction.DENY) && actions.includes(AdmissionAction.WARN))) {
    throw invalidValue(prop, actions, `one or more distinct AdmissionAction values (${allowed.join(', ')}), not Deny with Warn`);
  }
  return actions;
}

function selector(namespaces: string[] | undefined, labels: Record<string, string>): any {
  checkLabels('namespaceLabels', labels);
  if (namespaces !== undefined) {
    const bad = namespaces.find((ns) => !DNS_LABEL.test(ns));
    if (namespaces.length === 0 || bad !== undefined) throw invalidValue('namespaces', bad ?? namespaces, 'one or more namespace names (DNS labels)');
  }
  const byName = namespaces === undefined
    ? { key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: SYSTEM_NAMESPACES }
    : { key: 'kubernetes.io/metadata.name', operator: 'In', values: [...new Set(namespaces)] };
  return { matchExpressions: [byName], ...(Object.keys(labels).length ? { matchLabels: labels } : {}) };
}

const annotation = (o: string, key: string) => `${o}.metadata.?annotations[?${celString(key)}]`;

/** CEL: every suppression annotation of object `a` is on `b` with the same reason. */
function sameSuppressions(a: string, b: string): string {
  const of = (o: string) => `${o}.metadata.?annotations.orValue({})`;
  return `${of(a)}.all(k, !k.startsWith(${celString(SUPPRESSION_ANNOTATION_PREFIX)}) || (k in ${of(b)} && ${of(b)}[k] == ${of(a)}[k]))`;
}

function policySpec(validations: any[]): any {
  return {
    failurePolicy: 'Fail',
    matchConstraints: {
      resourceRules: RESOURCES.map((r) => ({ apiGroups: [r.apiGroup], apiVersions: [r.apiVersion], resources: r.resources, operations: ['CREATE', 'UPDATE'] })),
    },
    matchConditions: [
      { name: 'not-made-by-a-controller', expression: '!object.metadata.?ownerReferences.orValue([]).exists(r, r.?controller.orValue(false))' },
      // Controllers update what they own (the Deployment controller's revision annotation): an update that
      // changes neither spec, labels nor suppressions is not judged again, so older objects keep working.
      {
        name: 'created-or-changed',
        expression: "request.operation == 'CREATE' || object.spec != oldObject.spec || object.metadata.?labels.orValue({}) != oldObject.metadata.?labels.orValue({})"
          + ` || !${sameSuppressions('object', 'oldObject')} || !${sameSuppressions('oldObject', 'object')}`,
      },
    ],
    variables: CEL_VARIABLES,
    validations,
  };
}

/** A rule's CEL (`RuleCel.expression` or its `override` part) as a validation that names the rule and says `what` (its fix too). */
function validation(rule: EnforceableRule, expression: string, what: string): any {
  const applies = `object.kind in [${rule.cel.kinds.map(celString).join(', ')}]`;
  const suppressed = rule.neverSuppressible ? 'false' : `${annotation('object', `${SUPPRESSION_ANNOTATION_PREFIX}${rule.id}`)}.hasValue()`;
  const text = `${what} (suppress with the annotation ${SUPPRESSION_ANNOTATION_PREFIX}${rule.id}: <reason>)`;
  return {
    expression: `!(${applies}) || ${suppressed} || (${expression})`,
    // The object's name makes each warning of a many-object apply point at its object.
    messageExpression: `${celString(`[${rule.id}] `)} + object.kind + ' ' + request.namespace + '/' + object.metadata.name + ${celString(`: ${text}`)}`,
    message: `[${rule.id}] ${text}`,
    reason: 'Forbidden',
  };
}
