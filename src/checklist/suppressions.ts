import { RawFinding } from './rule';
import { ruleDefinition } from './rules';
import { checkPattern, PATTERNS } from '../core/patterns';

/** A rule exempted with a written reason, optionally only for some resources or fields (cdk-nag's appliesTo). */
export interface Suppression {
  readonly ruleId: string;
  readonly reason: string;
  /** Resources (`Kind/namespace/name`) or field paths (`spec.template.spec.securityContext.sysctls`) it covers; all when empty. */
  readonly appliesTo?: string[];
  /** Where it was declared: a construct path, an annotation or a Dockerfile line. */
  readonly location: string;
}

// A resource ref or a field path: what findings carry. Anything else (quotes, spaces, newlines) is rejected.
const APPLIES_TO = /^[A-Za-z0-9][A-Za-z0-9_.\/\-[\]]*$/;

/**
 * Checks a suppression before it is recorded: the rule exists and is suppressible, the reason is a
 * sentence on one line, `appliesTo` names resources or fields. Returns the reason with whitespace folded.
 */
export function validateSuppression(ruleId: string, reason: string, appliesTo: string[] = []): string {
  const rule = ruleDefinition(ruleId);
  if (rule.neverSuppressible) {
    throw new Error(`ruleId: ${ruleId} (${rule.title}) cannot be suppressed: ${rule.neverSuppressible}. Fix it instead: ${rule.remediation}`);
  }
  // Written into a Dockerfile comment and an annotation: nothing that could end either.
  checkPattern('reason', reason, PATTERNS.reason, 'one line of printable ASCII without "$", backslashes or backticks');
  const text = (reason ?? '').trim().replace(/\s+/g, ' ');
  if (text.length < 20 || text.split(' ').length < 4) {
    throw new Error(`reason: suppressing ${ruleId} needs a written reason of at least a sentence (4 words, 20 characters) that a reviewer can judge; got "${reason ?? ''}"`);
  }
  for (const a of appliesTo) {
    if (!APPLIES_TO.test(a)) throw new Error(`appliesTo: ${JSON.stringify(a)} is not valid; allowed: a resource "Kind/namespace/name" or a field path, matching ${APPLIES_TO}`);
  }
  return text;
}

/** The suppression that covers a finding, if any; never one for a rule that cannot be suppressed. */
export function suppressionFor(finding: RawFinding, suppressions: Suppression[]): Suppression | undefined {
  if (ruleDefinition(finding.ruleId).neverSuppressible) return undefined;
  return suppressions.find((s) => s.ruleId === finding.ruleId && covers(s, finding));
}

function covers(s: Suppression, f: RawFinding): boolean {
  if (!s.appliesTo || s.appliesTo.length === 0) return true;
  return s.appliesTo.some((a) => a === f.resource
    || (f.field !== undefined && (f.field === a || f.field.startsWith(`${a}.`) || f.field.startsWith(`${a}[`))));
}
