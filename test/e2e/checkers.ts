// Runners for the manifest checkers of CI (issue 10), installed by scripts/install-tools.sh. Each returns
// what it found and what it looked at, so a suite can require both "nothing found" and "it ran".
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import { gatekeeperConstraintCrd } from './apiserver';
import { k8sSchemas, REPO_ROOT, tmpDir, toolsBin } from './containers';

export const CHECKERS = ['kube-score', 'kubeconform', 'checkov', 'pss-check'] as const;
export type CheckerName = typeof CHECKERS[number];

const bin = toolsBin();
const CRD_SCHEMAS = path.join(REPO_ROOT, 'test', 'schemas', 'crds');
const POD_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'ReplicationController'];

/**
 * `test` when the checker is installed; otherwise `test.skip` with a loud warning, except with CI=true,
 * where the tests run and fail naming the missing tool (a CI run never passes on a checker it lacks).
 */
export function testWith(tool: CheckerName | 'govulncheck' | 'syft'): jest.It {
  if (fs.existsSync(path.join(bin, tool)) || process.env.CI === 'true') return test;
  console.warn(`\n########\n# ${tool} is NOT installed in ${bin}: its tests are SKIPPED.\n# Run "bash scripts/install-tools.sh" (with CI=true a missing checker fails the run).\n########\n`);
  return test.skip;
}

function run(tool: CheckerName, args: string[], env: NodeJS.ProcessEnv = process.env): { status: number; stdout: string; stderr: string } {
  const exe = path.join(bin, tool);
  if (!fs.existsSync(exe)) throw new Error(`${tool} is not installed in ${bin}: run "bash scripts/install-tools.sh"`);
  const r = spawnSync(exe, args, { encoding: 'utf8', env, maxBuffer: 64 * 1024 * 1024, timeout: 600_000 });
  if (r.error) throw new Error(`${tool} ${args.join(' ')}: ${r.error.message}`);
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** The Kubernetes objects in YAML files, as `{ kind, name }`. */
export function objectsIn(files: string[]): Array<{ kind: string; name: string }> {
  return files.flatMap((f) => Yaml.load(f)).filter((o) => o).map((o) => ({ kind: o.kind, name: o.metadata?.name }));
}

/** How many pod templates PodSecurity admission would evaluate in these files. */
export function podTemplatesIn(files: string[]): number {
  return objectsIn(files).filter((o) => POD_KINDS.includes(o.kind)).length;
}

/** kube-score's grades (scorecard.Grade): 10 all OK, 7 almost OK, 5 warning, 1 critical. */
const KUBE_SCORE_GRADES: Record<number, string> = { 10: 'OK', 7: 'ALMOST_OK', 5: 'WARNING', 1: 'CRITICAL' };

export interface KubeScoreCheck {
  readonly kind: string;
  readonly name: string;
  readonly check: string;
  readonly grade: string;
  readonly skipped: boolean;
  readonly comments: string[];
}

export interface KubeScoreResult {
  readonly status: number;
  /** Every check of every object kube-score scored. */
  readonly checks: KubeScoreCheck[];
  /** The checks that ran and were not fully OK. */
  readonly findings: KubeScoreCheck[];
  readonly out: string;
}

/** kube-score with its default checks, for the target release (it decides e.g. the stable-version check). */
export function kubeScore(files: string[], kubernetesVersion: string): KubeScoreResult {
  const r = run('kube-score', ['score', '--output-format', 'json', '--kubernetes-version', `v${kubernetesVersion}`, ...files]);
  let objects: any[];
  try {
    objects = JSON.parse(r.stdout);
  } catch (e) {
    throw new Error(`kube-score printed no JSON report (exit ${r.status}):\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  }
  const checks = objects.flatMap((o) => o.checks.map((c: any): KubeScoreCheck => ({
    kind: o.type_meta.kind,
    name: o.object_meta.name,
    check: c.check.id,
    grade: KUBE_SCORE_GRADES[c.grade] ?? `grade ${c.grade}`,
    skipped: c.skipped,
    comments: (c.comments ?? []).map((m: any) => [m.path, m.summary, m.description].filter((x) => x).join(': ')),
  })));
  return { status: r.status, checks, findings: checks.filter((c) => !c.skipped && c.grade !== 'OK'), out: r.stdout + r.stderr };
}

export interface KubeconformResult {
  readonly status: number;
  readonly out: string;
  /** The counts of the summary line, undefined when there is none. */
  readonly summary?: { found: number; valid: number; invalid: number; errors: number; skipped: number };
}

/**
 * kubeconform -strict against the schemas of one Kubernetes release, the vendored CRD schemas, and for
 * Gatekeeper constraints the schema Gatekeeper generates from a ConstraintTemplate among the files.
 */
export function kubeconform(version: string, files: string[]): KubeconformResult {
  const schemas = k8sSchemas(version);
  const r = run('kubeconform', ['-strict', '-summary', '-output', 'text',
    '-schema-location', `${schemas}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    '-schema-location', `${CRD_SCHEMAS}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    '-schema-location', `${constraintSchemas(files)}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, ...files]);
  const out = r.stdout + r.stderr;
  const m = out.match(/Summary: (\d+) resources? found in \d+ files? - Valid: (\d+), Invalid: (\d+), Errors: (\d+), Skipped: (\d+)/);
  const summary = m ? { found: +m[1], valid: +m[2], invalid: +m[3], errors: +m[4], skipped: +m[5] } : undefined;
  return { status: r.status, out, summary };
}

/**
 * A directory of kubeconform schemas for the constraint kinds of the ConstraintTemplates in `files`: the
 * CRD schema Gatekeeper would create (shared with the API server suite), made as strict as the vendored
 * ones (`additionalProperties: false` wherever properties are listed, `metadata` left to the API server).
 */
function constraintSchemas(files: string[]): string {
  const dir = tmpDir('constraint-schemas');
  const templates = files.flatMap((f) => Yaml.load(f)).filter((o) => o?.apiVersion === 'templates.gatekeeper.sh/v1' && o.kind === 'ConstraintTemplate');
  for (const crd of templates.map(gatekeeperConstraintCrd)) {
    fs.mkdirSync(path.join(dir, crd.spec.group), { recursive: true });
    for (const v of crd.spec.versions) {
      const { metadata, ...rest } = v.schema.openAPIV3Schema.properties;
      const schema = {
        type: 'object',
        required: ['apiVersion', 'kind', 'metadata'],
        properties: { apiVersion: { type: 'string' }, kind: { type: 'string' }, metadata, ...strict(rest) },
        additionalProperties: false,
      };
      fs.writeFileSync(path.join(dir, crd.spec.group, `${crd.spec.names.kind.toLowerCase()}_${v.name}.json`), JSON.stringify(schema));
    }
  }
  return dir;
}

function strict(properties: Record<string, any>): Record<string, any> {
  const tighten = (s: any): any => {
    if (s === null || typeof s !== 'object' || Array.isArray(s)) return s;
    const out: any = { ...s };
    if (s.properties) {
      out.properties = strict(s.properties);
      if (s.additionalProperties === undefined && !s['x-kubernetes-preserve-unknown-fields']) out.additionalProperties = false;
    }
    if (s.items) out.items = tighten(s.items);
    return out;
  };
  return Object.fromEntries(Object.entries(properties).map(([k, v]) => [k, tighten(v)]));
}

export interface CheckovResult {
  readonly status: number;
  /** `CHECK_ID resource` of every failed check. */
  readonly failed: string[];
  /** The ids of the checks that passed, per resource (`Kind.namespace.name`). */
  readonly passed: Record<string, string[]>;
  readonly out: string;
}

/** Checkov's Kubernetes framework, every check, offline. */
export function checkov(dir: string): CheckovResult {
  const r = run('checkov', ['-d', dir, '--framework', 'kubernetes', '--skip-download', '--output', 'json', '--compact'],
    { ...process.env, BC_SKIP_MAPPING: 'TRUE', CHECKOV_RUN_SCA_PACKAGE_SCAN_V2: 'false', LOG_LEVEL: 'ERROR' });
  let parsed: any;
  try {
    parsed = JSON.parse(r.stdout);
  } catch (e) {
    throw new Error(`checkov printed no JSON report (exit ${r.status}):\n${r.stderr}\n${r.stdout.slice(0, 2000)}`);
  }
  const reports: any[] = Array.isArray(parsed) ? parsed : [parsed];
  const passed: Record<string, string[]> = {};
  for (const c of reports.flatMap((x) => x.results?.passed_checks ?? [])) (passed[c.resource] ??= []).push(c.check_id);
  const failed = reports.flatMap((x) => (x.results?.failed_checks ?? []).map((c: any) => `${c.check_id} ${c.resource}`));
  return { status: r.status, failed, passed, out: r.stdout + r.stderr };
}

export interface PssCheckResult {
  readonly status: number;
  /** One line per failed Pod Security Standards check. */
  readonly violations: string[];
  /** Pod templates evaluated, from the summary line; undefined when there is none. */
  readonly evaluated?: number;
  readonly out: string;
}

/** Pod Security Standards "restricted" by k8s.io/pod-security-admission (tools/pss-check), at `latest` or `v1.x`. */
export function pssCheck(files: string[], version: string): PssCheckResult {
  const r = run('pss-check', ['-version', version, ...files]);
  const summary = r.stdout.match(/^pss-check: (\d+) pod templates evaluated in \d+ files at restricted:(\S+), (\d+) violations$/m);
  if (summary && summary[2] !== version) throw new Error(`pss-check evaluated restricted:${summary[2]}, asked for ${version}`);
  return {
    status: r.status,
    violations: r.stdout.split('\n').filter((l) => l && !l.startsWith('pss-check: ')),
    evaluated: summary ? +summary[1] : undefined,
    out: r.stdout + r.stderr,
  };
}
