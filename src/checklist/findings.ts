import { RawFinding } from './rule';
import { ChecklistRules } from './rules';
import { RuleSeverity } from './severity';
import { Suppression, suppressionFor } from './suppressions';
import { REPOSITORY_URL } from '../core/constants';
import { troubleshootingLink } from '../core/troubleshooting';

export type { RawFinding } from './rule';

/** Final status of a finding. */
export type FindingStatus = 'fail' | 'suppressed';

/** A finding as reported. */
export interface Finding {
  readonly ruleId: string;
  readonly title: string;
  readonly severity: RuleSeverity;
  readonly status: FindingStatus;
  readonly message: string;
  readonly remediation: string;
  /** Construct path (synth) or file (audit). */
  readonly where: string;
  readonly file?: string;
  readonly line?: number;
  /** `Kind/namespace/name` of the Kubernetes object. */
  readonly object?: string;
  /** Where in the object, such as `spec.template.spec.containers[app].env[TZ]`. */
  readonly field?: string;
  /** The written reason, for suppressed findings. */
  readonly reason?: string;
  /** Where the suppression was declared (construct path, annotation or Dockerfile line). */
  readonly suppressedBy?: string;
}

/** Applies the rule catalog and suppressions to raw findings (a never-suppressible rule ignores suppressions). */
export function toFindings(raw: RawFinding[], where: string, suppressions: Suppression[], file?: string): Finding[] {
  const seen = new Set<string>();
  const out: Finding[] = [];
  for (const r of raw) {
    const key = `${r.ruleId}|${r.resource ?? ''}|${r.field ?? ''}|${r.line ?? ''}|${r.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rule = ChecklistRules.get(r.ruleId);
    const s = suppressionFor(r, suppressions);
    out.push({
      ruleId: r.ruleId,
      title: rule.title,
      severity: r.severity ?? rule.severity,
      status: s ? 'suppressed' : 'fail',
      message: r.message,
      remediation: rule.remediation,
      where,
      file,
      line: r.line,
      object: r.resource,
      field: r.field,
      reason: s?.reason,
      suppressedBy: s?.location,
    });
  }
  return out;
}

/** Failing errors: what makes a synth or an audit fail. */
export function failingErrors(findings: Finding[]): Finding[] {
  return findings.filter((f) => f.status === 'fail' && f.severity === RuleSeverity.ERROR);
}

/**
 * One line per finding, `[B06] where: message (error; fix: …)`. Without `where` for synth errors,
 * which cdk8s already prefixes with the construct path.
 */
export function formatFinding(f: Finding, withWhere: boolean = true): string {
  const where = f.file ? `${f.file}${f.line ? `:${f.line}` : ''}` : f.where;
  const loc = [withWhere ? where : '', f.object ?? '', f.field ?? ''].filter(Boolean).join(' ');
  const status = f.status === 'suppressed' ? `suppressed: ${f.reason}` : f.severity;
  return `[${f.ruleId}] ${loc ? `${loc}: ` : ''}${f.message} (${status}; fix: ${f.remediation})`;
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/**
 * What a synth tells the user on stderr: counts per severity, each failing finding in the shape of
 * `formatFinding` (rule id, construct path, resource and field, fix; errors first), then where the
 * full report is.
 * @param report where the full report is, or how to get it
 */
export function renderSummary(findings: Finding[], checked: number, report: string): string {
  const errors = failingErrors(findings);
  const warnings = findings.filter((f) => f.status === 'fail' && f.severity === RuleSeverity.WARNING);
  const suppressed = findings.filter((f) => f.status === 'suppressed').length;
  return [
    `golden checklist: ${plural(errors.length, 'error')}, ${plural(warnings.length, 'warning')}, ${suppressed} suppressed, across ${plural(checked, 'checked construct')}`,
    ...[...errors, ...warnings].map((f) => `  ${formatFinding(f)}`),
    `full report: ${report}`,
  ].join('\n') + '\n';
}

/** Inputs of a report: what was checked and what was found. */
export interface ReportInput {
  /** Title line of the Markdown report. */
  readonly title: string;
  /** Everything that was checked (construct paths or files), with the rule ids evaluated for each. */
  readonly subjects: Array<{ where: string; ruleIds: string[] }>;
  readonly findings: Finding[];
  /** Tool version for SARIF. */
  readonly version: string;
}

function escapeCell(s: string): string {
  return s.replace(/\|/g, '\\|').replace(/\n/g, ' ');
}

/** A Markdown table a reviewer reads in a pull request: rule, status, where, why. */
export function renderMarkdown(input: ReportInput): string {
  const failed = input.findings.filter((f) => f.status === 'fail');
  const errors = failingErrors(input.findings).length;
  const warnings = failed.length - errors;
  const suppressed = input.findings.filter((f) => f.status === 'suppressed').length;
  const out = [`# ${input.title}`, '',
    `${errors} error(s), ${warnings} warning(s), ${suppressed} suppressed, across ${input.subjects.length} checked item(s).`, '',
    '| rule | status | where | why |', '|---|---|---|---|'];
  for (const subject of input.subjects) {
    for (const id of subject.ruleIds) {
      const rule = ChecklistRules.get(id);
      const mine = input.findings.filter((f) => f.where === subject.where && f.ruleId === id);
      if (mine.length === 0) {
        out.push(`| ${id} ${escapeCell(rule.title)} | pass | ${escapeCell(subject.where)} | |`);
        continue;
      }
      for (const f of mine) {
        const status = f.status === 'suppressed' ? 'suppressed' : f.severity === RuleSeverity.ERROR ? '**error**' : 'warning';
        const where = `${subject.where}${f.line ? `:${f.line}` : ''}${f.object ? ` (${[f.object, f.field].filter(Boolean).join(' ')})` : ''}`;
        const why = f.status === 'suppressed' ? `${f.message} — suppressed: ${f.reason} (${f.suppressedBy})` : `${f.message} Fix: ${f.remediation}`;
        out.push(`| ${id} ${escapeCell(rule.title)} | ${status} | ${escapeCell(where)} | ${escapeCell(why)} |`);
      }
    }
  }
  return out.join('\n') + '\n';
}

/** The report as JSON: summary, rules and findings. */
export function renderJson(input: ReportInput): string {
  const failed = input.findings.filter((f) => f.status === 'fail');
  return JSON.stringify({
    title: input.title,
    summary: {
      errors: failingErrors(input.findings).length,
      warnings: failed.filter((f) => f.severity === RuleSeverity.WARNING).length,
      suppressed: input.findings.filter((f) => f.status === 'suppressed').length,
      checked: input.subjects.length,
    },
    subjects: input.subjects,
    findings: input.findings,
  }, undefined, 2) + '\n';
}

/** SARIF 2.1.0 for code-scanning UIs; suppressed findings carry their justification. */
export function renderSarif(input: ReportInput): string {
  const rules = ChecklistRules.all();
  const sarif = {
    $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
    version: '2.1.0',
    runs: [{
      tool: {
        driver: {
          name: 'golden-go',
          version: input.version,
          informationUri: REPOSITORY_URL,
          rules: rules.map((r) => ({
            id: r.id,
            name: r.title.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c) => (c ? c.toUpperCase() : '')),
            shortDescription: { text: r.title },
            fullDescription: { text: r.rationale },
            help: { text: r.remediation },
            ...(troubleshootingLink(r.id) ? { helpUri: `${REPOSITORY_URL}/blob/main/${troubleshootingLink(r.id)}` } : {}),
            defaultConfiguration: { level: r.severity === RuleSeverity.ERROR ? 'error' : 'warning' },
            properties: { source: r.source, target: r.target },
          })),
        },
      },
      results: input.findings.map((f) => ({
        ruleId: f.ruleId,
        ruleIndex: rules.findIndex((r) => r.id === f.ruleId),
        level: f.severity === RuleSeverity.ERROR ? 'error' : 'warning',
        message: { text: `${f.message}${f.object ? ` (${f.object})` : ''}` },
        locations: [f.file
          ? { physicalLocation: { artifactLocation: { uri: f.file }, ...(f.line ? { region: { startLine: f.line } } : {}) } }
          : { logicalLocations: [{ fullyQualifiedName: f.where, kind: 'module' }] }],
        ...(f.status === 'suppressed' ? { suppressions: [{ kind: 'inSource', justification: f.reason }] } : {}),
      })),
    }],
  };
  return JSON.stringify(sarif, undefined, 2) + '\n';
}
