import { BUILD_RULES } from './build-rules';
import { ChecklistRule, RuleDefinition } from './rule';
import { RUNTIME_RULES } from './runtime-rules';

/** Every rule with its check, B01–B21 then R01–R17: the one place a rule is defined. */
export const CATALOG: RuleDefinition[] = [...BUILD_RULES, ...RUNTIME_RULES];
const BY_ID = new Map(CATALOG.map((r) => [r.id, r]));

/** The rule definition (data and check) for an id; throws with the list of valid ids otherwise. */
export function ruleDefinition(id: string): RuleDefinition {
  const r = BY_ID.get(id);
  if (!r) throw new Error(`ruleId: "${id}" is not a golden checklist rule; allowed: ${CATALOG.map((x) => x.id).join(', ')}`);
  return r;
}

function describe(r: RuleDefinition): ChecklistRule {
  return {
    id: r.id,
    title: r.title,
    severity: r.severity,
    target: r.target,
    rationale: r.rationale,
    source: r.source,
    remediation: r.remediation,
    ...(r.neverSuppressible ? { neverSuppressible: r.neverSuppressible } : {}),
  };
}

/** The golden checklist as data: one entry per rule id. */
export class ChecklistRules {
  /** Every rule, B01–B21 then R01–R17. */
  public static all(): ChecklistRule[] {
    return CATALOG.map(describe);
  }

  /** The rule with this id; throws with the list of valid ids otherwise. */
  public static get(id: string): ChecklistRule {
    return describe(ruleDefinition(id));
  }

  private constructor() {}
}
