import * as fs from 'fs';
import * as path from 'path';
import { ApiObject } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { IChecklistSubject, packageVersion, SUPPRESSION_ANNOTATION_PREFIX } from './engine';
import { Finding, failingErrors, formatFinding, renderJson, renderMarkdown, renderSarif, renderSummary, toFindings } from './findings';
import { Suppression, validateSuppression } from './suppressions';

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
  /**
   * Where in the object, such as `spec.template.spec.containers[app].env[TZ]`, or the prop for a
   * construct-time finding.
   */
  readonly field?: string;
  /** The written reason, for suppressed findings. */
  readonly reason?: string;
  /** Where the suppression was declared, for suppressed findings. */
  readonly suppressedBy?: string;
}

/** Options of `Checklist.suppress`. */
export interface SuppressOptions {
  /**
   * Resources (`Kind/namespace/name`) or field paths (such as `spec.template.spec.securityContext.sysctls`
   * or, for a construct-time check, the prop such as `replicas`) the suppression covers.
   * @default - every finding of the rule under the scope
   */
  readonly appliesTo?: string[];
}

/** Where and whether `Checklist.writeReport` writes the report, and whether a synth prints its summary. */
export interface ChecklistReportOptions {
  /**
   * Directory of `golden-checklist.md`, `.json` and `.sarif`. Keep it out of the directory a GitOps
   * tool applies: many read every `.json` and `.yaml` there as manifests.
   * @default '.golden-go/report' under the working directory
   */
  readonly directory?: string;
  /**
   * Write the report files at all.
   * @default true
   */
  readonly enabled?: boolean;
  /**
   * Print a summary on stderr each time cdk8s validates the app (`app.synth()`, `app.synthYaml()`,
   * `chart.toJson()`; also when it fails), before it writes files or throws: counts per severity, each
   * error and warning with its rule id, construct path, resource and fix, and where the full report is.
   * The environment variable `GOLDEN_GO_SUMMARY=off` turns it off too, without a code change.
   * @default true
   */
  readonly summary?: boolean;
}

/** Values of `GOLDEN_GO_SUMMARY` that silence the synth summary. */
const SUMMARY_OFF = ['off', '0', 'false'];

/** Where `Checklist.writeReport` writes unless told otherwise: never next to the manifests. */
const DEFAULT_REPORT_DIRECTORY = path.join('.golden-go', 'report');

/** Where the full report is (or would be), for the synth summary. */
function reportLocation(o: ChecklistReportOptions): string {
  if (o.enabled === false) return 'off (Checklist.configureReport enabled: false)';
  return `${path.join(o.directory ?? DEFAULT_REPORT_DIRECTORY, 'golden-checklist.md')} (and .json, .sarif), written by Checklist.writeReport(app)`;
}

/**
 * The golden checklist at synth time: every golden-go construct's final output (after every escape
 * hatch) is checked once per synth; errors fail the synth with the rule id, the construct path, the
 * resource and field, and the fix. Validation writes nothing: `Checklist.writeReport(app)` writes the
 * report (warnings, errors, suppressions) when asked to.
 */
export class Checklist {
  /**
   * Suppresses a rule for a construct and everything below it, with a written reason. The reason is
   * recorded as an annotation on every object it covers and in the report, so reviewers see it.
   * Call it on a parent before creating a construct to let a construct-time check pass. Rules that
   * protect everyone downstream (`ChecklistRule.neverSuppressible`: B06, B08) cannot be suppressed.
   * @param scope construct (and its children) the suppression covers
   * @param ruleId rule id such as `R08`
   * @param reason why the rule does not apply here: at least a full sentence
   * @param options what exactly it covers
   */
  public static suppress(scope: IConstruct, ruleId: string, reason: string, options: SuppressOptions = {}): void {
    const text = validateSuppression(ruleId, reason, options.appliesTo);
    scope.node.addMetadata(SUPPRESS_METADATA, { ruleId, reason: text, ...(options.appliesTo?.length ? { appliesTo: [...options.appliesTo] } : {}) });
    Checklist._annotate(scope);
  }

  /** The suppressions that apply to a construct (its own and its ancestors'), rule id → reason. */
  public static suppressionsFor(scope: IConstruct): Record<string, string> {
    return Object.fromEntries(Checklist._suppressions(scope).map((s) => [s.ruleId, s.reason]));
  }

  /**
   * The suppressions that apply to a construct, with what they cover and where they were declared.
   * @internal
   */
  public static _suppressions(scope: IConstruct): Suppression[] {
    const out: Suppression[] = [];
    for (const c of scope.node.scopes) {
      for (const m of c.node.metadata) {
        if (m.type === SUPPRESS_METADATA) out.push({ ruleId: m.data.ruleId, reason: m.data.reason, appliesTo: m.data.appliesTo, location: c.node.path || '(app)' });
      }
    }
    return out;
  }

  /** Configures where `writeReport` writes the report of the app that holds `scope`, or turns it off. */
  public static configureReport(scope: IConstruct, options: ChecklistReportOptions): void {
    reportOf(scope).options = options;
  }

  /**
   * Writes `golden-checklist.md` (a table for pull requests), `.json` and `.sarif` (SARIF 2.1.0) for
   * everything under `scope`, on its current output. Call it after `app.synth()` (or instead of it,
   * to report on a failing synth).
   * @param scope usually the App
   * @param options where to write; the options of `configureReport` otherwise
   * @returns the paths written (none when the report is turned off)
   */
  public static writeReport(scope: IConstruct, options?: ChecklistReportOptions): string[] {
    const o = options ?? reportOf(scope).options;
    if (o.enabled === false) return [];
    const dir = o.directory ?? DEFAULT_REPORT_DIRECTORY;
    const { findings, subjects } = evaluate(scope);
    const input = { title: 'Golden checklist', subjects, findings, version: packageVersion() };
    fs.mkdirSync(dir, { recursive: true });
    return ([['golden-checklist.md', renderMarkdown], ['golden-checklist.json', renderJson], ['golden-checklist.sarif', renderSarif]] as const)
      .map(([file, render]) => {
        const target = path.join(dir, file);
        fs.writeFileSync(target, render(input));
        return target;
      });
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
    const report = reportOf(subject);
    subject.node.addValidation({ validate: () => failingErrors(report.take(subject)).map((f) => formatFinding(f, false)) });
  }

  /**
   * Renders an object for the checklist. Inside `app.synth()` / `app.synthYaml()` the rendering is kept
   * for that same call's file writing (see `_reuseRendering`), so each object is rendered once per synth.
   * @internal
   */
  public static _render(object: ApiObject): any {
    return reportOf(object).render(object);
  }

  /**
   * Lets cdk8s's file writing take the rendering the checklist made earlier in the same synth.
   * @internal
   */
  public static _reuseRendering(object: ApiObject): void {
    reportOf(object).reuse(object);
  }

  /**
   * Records every suppression as an annotation on the objects below `scope`.
   * @internal
   */
  public static _annotate(scope: IConstruct): void {
    for (const c of scope.node.findAll()) {
      if (!ApiObject.isApiObject(c)) continue;
      for (const s of Checklist._suppressions(c)) {
        c.metadata.addAnnotation(`${SUPPRESSION_ANNOTATION_PREFIX}${s.ruleId}`, s.reason);
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
  return { findings: toFindings(raw, subject.node.path, Checklist._suppressions(subject)), ruleIds };
}

interface Evaluation {
  readonly findings: Finding[];
  readonly subjects: Array<{ where: string; ruleIds: string[] }>;
  readonly bySubject: Map<IConstruct, Finding[]>;
}

function evaluate(scope: IConstruct): Evaluation {
  const findings: Finding[] = [];
  const subjects: Array<{ where: string; ruleIds: string[] }> = [];
  const bySubject = new Map<IConstruct, Finding[]>();
  for (const c of scope.node.findAll()) {
    if (!isSubject(c)) continue;
    const r = evaluateOne(c);
    findings.push(...r.findings);
    subjects.push({ where: c.node.path, ruleIds: r.ruleIds });
    bySubject.set(c, r.findings);
  }
  return { findings, subjects, bySubject };
}

/**
 * The checklist of one app: evaluated once per synth, when cdk8s validates the root (which it does
 * before any other construct); each subject's validation then reads its own findings.
 */
class ChecklistReport extends Construct {
  public options: ChecklistReportOptions = {};
  private pending = new Map<IConstruct, Finding[]>();
  /**
   * The synth call in progress; undefined outside one, so a change made between two synths (or any
   * `toJson()` or validation outside one) is always rendered and checked afresh.
   */
  private pass?: SynthPass;

  constructor(scope: Construct) {
    super(scope, REPORT_ID);
    scope.node.addValidation({ validate: () => this.evaluateAll() });
    this.delimitSynthPasses(scope);
  }

  /** Renders an object; during a synth call, keeps it for that call's file writing. */
  public render(object: ApiObject): any {
    const json = object.toJson();
    this.pass?.renderings.set(object, json);
    return json;
  }

  /** Makes `object.toJson()` return this synth call's checklist rendering (once) instead of rendering again. */
  public reuse(object: ApiObject): void {
    const render = object.toJson.bind(object);
    object.toJson = () => {
      const kept = this.pass?.renderings.get(object);
      if (kept === undefined) return render();
      this.pass!.renderings.delete(object);
      return kept;
    };
  }

  /**
   * A synth call runs validation (the checklist renders every object) and then writes the files (cdk8s
   * renders them again); no user code runs in between. The pass begins and ends with the call, so the
   * kept renderings and the evaluation can never outlive it.
   */
  private delimitSynthPasses(root: Construct): void {
    const app = root as unknown as Record<string, unknown>;
    for (const method of ['synth', 'synthYaml']) {
      const original = app[method];
      if (typeof original !== 'function') continue;
      app[method] = (...args: unknown[]) => {
        const outer = this.pass;
        this.pass = { renderings: new Map() };
        try {
          return original.apply(root, args);
        } finally {
          this.pass = outer;
        }
      };
    }
  }

  /** The findings of a subject from this synth's evaluation (evaluated now when validated on its own). */
  public take(subject: IChecklistSubject): Finding[] {
    const found = this.pending.get(subject);
    if (!found) return evaluateOne(subject).findings;
    this.pending.delete(subject);
    return found;
  }

  /**
   * Runs when cdk8s validates the app (the first step of `app.synth()`, `synthYaml()`, `chart.toJson()`): evaluates every
   * subject and prints the summary, before cdk8s throws the errors or writes the files. (Not from a
   * wrapper around `synth`: the jsii kernel calls the prototype's method, so a Python app would bypass it.)
   * cdk8s validates the whole app once in `App.synth()` and again in every `Chart.toJson()` of the same
   * call; the objects cannot change in between, so within a synth call the checklist is evaluated (and
   * summarized) once and each validation reads it.
   */
  private evaluateAll(): string[] {
    let bySubject = this.pass?.evaluation;
    if (!bySubject) {
      const evaluation = evaluate(this.node.root);
      bySubject = evaluation.bySubject;
      if (this.pass) this.pass.evaluation = bySubject;
      this.printSummary(evaluation);
    }
    this.pending = new Map(bySubject);
    return [];
  }

  /** The summary of this synth (with or without errors), unless turned off. */
  private printSummary(evaluation: Evaluation): void {
    if (!evaluation.subjects.length || this.options.summary === false) return;
    if (SUMMARY_OFF.includes((process.env.GOLDEN_GO_SUMMARY ?? '').toLowerCase())) return;
    process.stderr.write(renderSummary(evaluation.findings, evaluation.subjects.length, reportLocation(this.options)));
  }
}

/** What one `app.synth()` / `app.synthYaml()` call keeps between its validations and its file writing. */
interface SynthPass {
  /** The checklist's rendering of each object, handed once to the file writing. */
  readonly renderings: Map<ApiObject, any>;
  /** The findings of every subject, from the call's first validation. */
  evaluation?: Map<IConstruct, Finding[]>;
}

function reportOf(scope: IConstruct): ChecklistReport {
  const root = scope.node.root as Construct;
  return (root.node.tryFindChild(REPORT_ID) as ChecklistReport | undefined) ?? new ChecklistReport(root);
}
