import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, App } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IChecklistSubject, packageVersion, SUPPRESSION_ANNOTATION_PREFIX } from './engine';
import { Finding, failingErrors, formatFinding, renderJson, renderMarkdown, renderSarif, toFindings } from './findings';
import { ChecklistRules } from './rules';

const SUPPRESS_METADATA = 'golden-go:suppress';
const REPORT_ID = 'GoldenChecklistReport';

/** A finding of the golden checklist, as reported. */
export interface ChecklistFinding {
  /** Rule id, such as `R08`. */
  readonly ruleId: string;
  /** Rule title. */
  readonly title: string;
  /** `error` or `warning`. */
  readonly severity: string;
  /** `fail` or `suppressed`. */
  readonly status: string;
  /** What is wrong, and where in the output. */
  readonly message: string;
  /** How to fix it. */
  readonly remediation: string;
  /** Construct path. */
  readonly where: string;
  /** `Kind/namespace/name` of the object, for manifest rules. */
  readonly object?: string;
  /** The written reason, for suppressed findings. */
  readonly reason?: string;
}

/** Where and whether the synth-time report is written. */
export interface ChecklistReportOptions {
  /**
   * Directory of `golden-checklist.md`, `.json` and `.sarif`.
   * @default - the app's outdir, next to the manifests
   */
  readonly directory?: string;
  /**
   * Write the report files at all.
   * @default true
   */
  readonly enabled?: boolean;
}

/**
 * The golden checklist at synth time: every golden-go construct checks its rendered output; errors
 * fail the synth with the rule id, the construct path and the fix; warnings and suppressions go into
 * `golden-checklist.md`, `.json` and `.sarif` next to the manifests.
 */
export class Checklist {
  /**
   * Suppresses a rule for a construct and everything below it, with a written reason. The reason is
   * recorded as an annotation on every object it covers and in the report, so reviewers see it.
   * Call it on a parent before creating a construct to let a construct-time check pass.
   * @param scope construct (and its children) the suppression covers
   * @param ruleId rule id such as `R08`
   * @param reason why the rule does not apply here: at least a full sentence
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string): void {
    ChecklistRules.get(ruleId);
    const text = (reason ?? '').trim().replace(/\s+/g, ' ');
    if (text.length < 20 || text.split(' ').length < 4) {
      throw new Error(`reason: suppressing ${ruleId} needs a written reason of at least a sentence (4 words, 20 characters) that a reviewer can judge; got "${reason ?? ''}"`);
    }
    if (/[\n\r]/.test(reason)) throw new Error('reason: a single line, without line breaks');
    scope.node.addMetadata(SUPPRESS_METADATA, { ruleId, reason: text });
    Checklist._annotate(scope);
  }

  /** The suppressions that apply to a construct (its own and its ancestors'), rule id → reason. */
  public static suppressionsFor(scope: IConstruct): Record<string, string> {
    const out: Record<string, string> = {};
    for (const c of scope.node.scopes) {
      for (const m of c.node.metadata) {
        if (m.type === SUPPRESS_METADATA) out[m.data.ruleId] = m.data.reason;
      }
    }
    return out;
  }

  /** Configures the report of the app that holds `scope`. */
  public static configureReport(scope: IConstruct, options: ChecklistReportOptions): void {
    reportOf(scope).options = options;
  }

  /** Every finding under `scope` (warnings, errors and suppressed ones) on the current output. */
  public static findings(scope: IConstruct): ChecklistFinding[] {
    return evaluate(scope).findings.map((f) => ({ ...f }));
  }

  /**
   * Registers a construct whose output is checked on every synth.
   * @internal
   */
  public static _register(subject: IChecklistSubject): void {
    reportOf(subject);
    subject.node.addValidation({
      validate: () => {
        const { findings } = evaluateOne(subject);
        return failingErrors(findings).map((f) => formatFinding(f, false));
      },
    });
  }

  /**
   * Records every suppression as an annotation on the objects below `scope`.
   * @internal
   */
  public static _annotate(scope: IConstruct): void {
    for (const c of scope.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      for (const [id, reason] of Object.entries(Checklist.suppressionsFor(c))) {
        c.metadata.addAnnotation(`${SUPPRESSION_ANNOTATION_PREFIX}${id}`, reason);
      }
    }
  }

  private constructor() {}
}

function isSubject(c: IConstruct): c is IChecklistSubject {
  return typeof (c as any)._checklist === 'function';
}

function evaluateOne(subject: IChecklistSubject): { findings: Finding[]; ruleIds: string[] } {
  const { raw, ruleIds } = subject._checklist();
  return { findings: toFindings(raw, subject.node.path, Checklist.suppressionsFor(subject)), ruleIds };
}

function evaluate(scope: IConstruct): { findings: Finding[]; subjects: Array<{ where: string; ruleIds: string[] }> } {
  const findings: Finding[] = [];
  const subjects: Array<{ where: string; ruleIds: string[] }> = [];
  for (const c of scope.node.findAll()) {
    if (!isSubject(c)) continue;
    const r = evaluateOne(c);
    findings.push(...r.findings);
    subjects.push({ where: c.node.path, ruleIds: r.ruleIds });
  }
  return { findings, subjects };
}

/** Writes the report of an app while it is validated (also when validation then fails). */
class ChecklistReport extends Construct {
  public options: ChecklistReportOptions = {};

  constructor(scope: Construct) {
    super(scope, REPORT_ID);
    this.node.addValidation({ validate: () => this.write() });
  }

  private write(): string[] {
    if (this.options.enabled === false) return [];
    const root = this.node.root;
    const dir = this.options.directory ?? (root instanceof App ? root.outdir : undefined);
    if (!dir) return [];
    const { findings, subjects } = evaluate(root);
    const input = { title: 'Golden checklist', subjects, findings, version: packageVersion() };
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, 'golden-checklist.md'), renderMarkdown(input));
    fs.writeFileSync(path.join(dir, 'golden-checklist.json'), renderJson(input));
    fs.writeFileSync(path.join(dir, 'golden-checklist.sarif'), renderSarif(input));
    return [];
  }
}

function reportOf(scope: IConstruct): ChecklistReport {
  const root = scope.node.root as Construct;
  return (root.node.tryFindChild(REPORT_ID) as ChecklistReport | undefined) ?? new ChecklistReport(root);
}
