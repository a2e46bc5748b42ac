import type { ImageModel } from './image-model';
import { ChecklistRule, RuleSeverity } from './severity';
import type { WorkloadModel } from './workload-model';

export { RuleSeverity, RuleTarget } from './severity';
export type { ChecklistRule } from './severity';

/** A violation as a check reports it, before suppressions: typed, never a formatted string. */
export interface RawFinding {
  readonly ruleId: string;
  readonly message: string;
  /** Overrides the rule's severity (a softer or harder form of the rule). */
  readonly severity?: RuleSeverity;
  /** Line in the file (Dockerfile rules). */
  readonly line?: number;
  /** 1-based column of the offending field, when the file position is known. */
  readonly column?: number;
  /** `Kind/namespace/name` of a Kubernetes object. */
  readonly resource?: string;
  /** Where in the resource, as a path such as `spec.template.spec.containers[app].env[TZ]`. */
  readonly field?: string;
}

/** A verdict of rule logic shared by a construct (on its props) and a check (on the output). */
export interface Violation {
  readonly message: string;
  /** Overrides the rule's severity (a softer or harder form of the rule). */
  readonly severity?: RuleSeverity;
}

/** What a check calls for each violation it finds. */
export type Report = (finding: Omit<RawFinding, 'ruleId'>) => void;

/**
 * A rule as data plus its one implementation: a check over the typed model of what it applies to.
 * A rule that applies to both an image and a workload (B14: a shell as PID 1 is set in either) has one
 * check per model, never two checks of the same model.
 */
export interface RuleDefinition extends ChecklistRule {
  image?(model: ImageModel, report: Report): void;
  workload?(model: WorkloadModel, report: Report): void;
}

/** A rule's check over one model. */
export type Check<M> = (model: M, report: Report) => void;

/** Runs the given rules' checks on a model and collects their typed findings. */
export function runChecks<M>(rules: RuleDefinition[], pick: (r: RuleDefinition) => Check<M> | undefined, model: M): RawFinding[] {
  const out: RawFinding[] = [];
  for (const rule of rules) {
    const check = pick(rule);
    if (check) check.call(rule, model, (f) => out.push({ ruleId: rule.id, ...f }));
  }
  return out;
}
