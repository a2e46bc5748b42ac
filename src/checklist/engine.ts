import * as fs from 'fs';
import * as path from 'path';
import { IConstruct } from 'constructs';
import { RawFinding } from './findings';
import { RuleSeverity } from './rules';
import { ruleError } from '../core/errors';

/** Annotation prefix that records a suppression on every object it covers. */
export const SUPPRESSION_ANNOTATION_PREFIX = 'golden-go.dev/suppressed.';

/** A construct whose output the checklist checks on every synth. */
export interface IChecklistSubject extends IConstruct {
  /** Findings on the rendered output, before suppressions, and the rule ids evaluated. */
  _checklist(): { raw: RawFinding[]; ruleIds: string[] };
}

/**
 * Collects construct-time violations: an error is thrown unless its rule is suppressed for the construct,
 * in which case it is recorded and rendering goes on with what the user asked for.
 */
export class RuleGate {
  /** Suppressed construct-time violations, reported as such. */
  public readonly suppressed: RawFinding[] = [];

  constructor(private readonly suppressions: Record<string, string>) {}

  /** Throws `[ruleId] prop: message` unless the rule is suppressed. */
  public error(ruleId: string, prop: string, message: string): void {
    if (this.suppressions[ruleId]) {
      this.suppressed.push({ ruleId, message: `${prop}: ${message}`, severity: RuleSeverity.ERROR });
      return;
    }
    throw ruleError(ruleId, prop, message);
  }
}

/** Turns `[B11] prop: message` lines (construct warnings, suppressed violations) into raw findings. */
export function ruleMessages(messages: string[], severity: RuleSeverity): RawFinding[] {
  return messages.flatMap((w) => {
    const m = /^\[([BR]\d{2})\] (.*)$/s.exec(w);
    return m ? [{ ruleId: m[1], message: m[2], severity }] : [];
  });
}

/** The installed golden-go version, for SARIF. */
export function packageVersion(): string {
  try {
    return JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', 'package.json'), 'utf8')).version;
  } catch {
    return '0.0.0';
  }
}
