import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { RawFinding, RuleSeverity } from './rule';
import { ChecklistRules } from './rules';
import { Suppression, suppressionFor } from './suppressions';
import { ruleError } from '../core/errors';

/** Annotation prefix that records a suppression on every object it covers. */
export const SUPPRESSION_ANNOTATION_PREFIX = 'golden-go.dev/suppressed.';

/** A construct whose output the checklist checks on every synth. */
export interface IChecklistSubject extends IConstruct {
  /** Findings on the final output, before suppressions, and the rule ids evaluated. */
  _checklist(): { raw: RawFinding[]; ruleIds: string[] };
}

/**
 * Collects what construction notices, as typed findings: an error is thrown unless a suppression of
 * the construct covers it (then it is recorded and rendering goes on with what the user asked for);
 * warnings are kept for the report.
 */
export class RuleGate {
  /** Suppressed construct-time violations, reported as such. */
  public readonly suppressed: RawFinding[] = [];
  /** Construct-time warnings. */
  public readonly warnings: RawFinding[] = [];

  /**
   * @param suppressions the suppressions that apply to the construct
   * @param where the construct path, named in errors (none for renderers used without a construct tree)
   */
  constructor(private readonly suppressions: Suppression[] = [], private readonly where?: string) {}

  /**
   * Throws `[ruleId] prop: message (error at <construct path>; fix: …)` unless a suppression covers the
   * rule (and prop): the rule id, where and the fix, as in the summary printed after a synth.
   */
  public error(ruleId: string, prop: string, message: string): void {
    const finding: RawFinding = { ruleId, field: prop, message, severity: RuleSeverity.ERROR };
    if (suppressionFor(finding, this.suppressions)) {
      this.suppressed.push(finding);
      return;
    }
    const at = this.where ? ` at ${this.where}` : '';
    throw ruleError(ruleId, prop, `${message} (error${at}; fix: ${ChecklistRules.get(ruleId).remediation})`);
  }

  /** Applies a rule's shared verdict to a prop: an error (unless suppressed) or a warning, as the rule says. */
  public check(ruleId: string, prop: string, violation: { readonly message: string; readonly severity?: RuleSeverity } | undefined): void {
    if (!violation) return;
    if (violation.severity === RuleSeverity.WARNING) this.warn(ruleId, prop, violation.message);
    else this.error(ruleId, prop, violation.message);
  }

  /** The suppression of this construct that covers a finding, if any. */
  public suppressionOf(finding: RawFinding): Suppression | undefined {
    return suppressionFor(finding, this.suppressions);
  }

  /** Records a warning. */
  public warn(ruleId: string, prop: string, message: string): void {
    this.warnings.push({ ruleId, field: prop, message, severity: RuleSeverity.WARNING });
  }
}

/** `[B11] prop: message`, how construct-time findings are shown (the `warnings` properties). */
export function displayFinding(f: RawFinding): string {
  return `[${f.ruleId}] ${f.field ? `${f.field}: ` : ''}${f.message}`;
}

/** The installed golden-go version, for SARIF. */
export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}
