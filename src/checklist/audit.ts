import * as fs from 'fs';
import * as path from 'path';
import * as YAML from 'yaml';
import { checkDockerfile, checkDockerignore, checkManifests, IMAGE_RULE_IDS, KUBERNETES_RULE_IDS } from './checks';
import { parseDockerfile } from './dockerfile-parser';
import { SUPPRESSION_ANNOTATION_PREFIX } from './engine';
import { Finding, toFindings } from './findings';
import { Suppression } from './suppressions';
import { objectRef } from './workload-model';

/** Options of an audit. */
export interface AuditOptions {
  /** Target Kubernetes release for sysctl classification. */
  readonly kubernetesVersion: string;
  /** Called with (done, total) while files are read. */
  readonly progress?: (done: number, total: number) => void;
}

/** A file the audit could not use. */
export interface AuditProblem {
  readonly file: string;
  readonly line?: number;
  readonly message: string;
}

/** What an audit found and what it read. */
export interface AuditResult {
  readonly findings: Finding[];
  readonly subjects: Array<{ where: string; ruleIds: string[] }>;
  readonly dockerfiles: number;
  readonly manifests: number;
  readonly objects: number;
  /** Files that are neither Dockerfiles, .dockerignore nor Kubernetes YAML/JSON. */
  readonly skipped: string[];
  /** Files that looked like ours but could not be parsed (the rest is still audited). */
  readonly invalid: AuditProblem[];
}

const DOCKERFILE = /^(Dockerfile|Containerfile)(\.[^/]+)?$|\.(dockerfile|containerfile)$/i;
const MANIFEST = /\.(ya?ml|json)$/i;
const IGNORED_DIRS = new Set(['.git', 'node_modules', 'vendor', '.terraform']);

/** Every file under the given paths, sorted, skipping VCS and dependency folders. */
export function listFiles(paths: string[]): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = fs.statSync(p);
    if (st.isDirectory()) {
      for (const e of fs.readdirSync(p).sort()) {
        if (!IGNORED_DIRS.has(e)) walk(path.join(p, e));
      }
    } else if (st.isFile()) {
      out.push(p);
    }
  };
  for (const p of paths) {
    if (!fs.existsSync(p)) throw new Error(`audit: ${p} does not exist`);
    walk(p);
  }
  return [...new Set(out)];
}

interface LocatedObject {
  readonly obj: any;
  readonly file: string;
  readonly line: number;
  /** The object's YAML node and the file's line counter, to place a finding on its field. */
  readonly node?: YAML.Node;
  readonly lines?: YAML.LineCounter;
}

/** What the audit collects while it reads the files. */
interface Collected {
  readonly findings: Finding[];
  readonly subjects: Array<{ where: string; ruleIds: string[] }>;
  readonly skipped: string[];
  readonly invalid: AuditProblem[];
  readonly objects: LocatedObject[];
  dockerfiles: number;
  manifests: number;
}

/** Audits Dockerfiles, .dockerignore files and Kubernetes manifests that golden-go did not write. */
export function audit(paths: string[], options: AuditOptions): AuditResult {
  const files = listFiles(paths);
  const c: Collected = { findings: [], subjects: [], skipped: [], invalid: [], objects: [], dockerfiles: 0, manifests: 0 };
  files.forEach((file, i) => {
    options.progress?.(i, files.length);
    const base = path.basename(file);
    if (DOCKERFILE.test(base) && !base.endsWith('.dockerignore')) auditDockerfile(file, c);
    else if (base === '.dockerignore' || base.endsWith('.dockerignore')) auditLoneDockerignore(file, c);
    else if (MANIFEST.test(base)) readManifests(file, c);
    else c.skipped.push(file);
  });
  options.progress?.(files.length, files.length);
  auditObjects(c, options.kubernetesVersion);
  const { findings, subjects, dockerfiles, manifests, skipped, invalid } = c;
  return { findings, subjects, dockerfiles, manifests, objects: c.objects.length, skipped, invalid };
}

function auditDockerfile(file: string, c: Collected): void {
  const text = fs.readFileSync(file, 'utf8');
  const parsed = parseDockerfile(text);
  if (text.includes('\0') || parsed.stages.length === 0) {
    c.skipped.push(file);
    return;
  }
  c.dockerfiles++;
  const ignore = [`${file}.dockerignore`, path.join(path.dirname(file), '.dockerignore')].find((f) => fs.existsSync(f));
  const raw = checkDockerfile(text, ignore ? fs.readFileSync(ignore, 'utf8') : null);
  const suppressions = Object.entries(parsed.suppressions)
    .map(([ruleId, reason]): Suppression => ({ ruleId, reason, location: `${file} (# golden-go:suppress ${ruleId})` }));
  c.findings.push(...toFindings(raw, file, suppressions, file));
  c.subjects.push({ where: file, ruleIds: IMAGE_RULE_IDS });
}

/** A .dockerignore is checked with its Dockerfile; a lone one on its own. */
function auditLoneDockerignore(file: string, c: Collected): void {
  const siblings = fs.readdirSync(path.dirname(file)).filter((f) => DOCKERFILE.test(f) && !f.endsWith('.dockerignore'));
  if (siblings.length > 0) return;
  c.findings.push(...toFindings(checkDockerignore(fs.readFileSync(file, 'utf8')), file, [], file));
  c.subjects.push({ where: file, ruleIds: ['B04'] });
}

/** Collects the Kubernetes objects of a YAML/JSON file (Lists unpacked), or says why it cannot. */
function readManifests(file: string, c: Collected): void {
  const text = fs.readFileSync(file, 'utf8');
  // An unquoted `{{` where a key or value starts is a Go template: rendered Helm output never has one.
  const template = /^\s*(-\s+)?([\w.-]+:\s+)?\{\{/m.exec(text);
  if (template) {
    c.invalid.push({
      file,
      line: text.slice(0, template.index).split('\n').length + (template[0].startsWith('\n') ? 1 : 0),
      message: 'an unrendered Helm template: run `helm template` and audit its output',
    });
    return;
  }
  const lineOf = (offset: number) => text.slice(0, offset).split('\n').length;
  const lines = new YAML.LineCounter();
  let kubernetes = 0;
  let broken = false;
  for (const doc of YAML.parseAllDocuments(text, { prettyErrors: true, uniqueKeys: false, lineCounter: lines })) {
    if (doc.errors.length) {
      const e = doc.errors[0];
      const templated = /\{\{[^}]*\}\}/.test(text);
      c.invalid.push({
        file,
        line: e.linePos?.[0]?.line ?? lineOf(e.pos[0]),
        message: templated ? `not valid YAML: an unrendered Helm template? Run \`helm template\` and audit its output (${e.code})` : `not valid YAML: ${e.message.split('\n')[0]}`,
      });
      broken = true;
      continue;
    }
    const value = doc.toJS();
    const line = lineOf(doc.contents?.range?.[0] ?? 0);
    const list = value?.kind === 'List' && Array.isArray(value.items);
    const items = list ? value.items : [value];
    items.forEach((obj: any, i: number) => {
      if (obj && typeof obj === 'object' && typeof obj.apiVersion === 'string' && typeof obj.kind === 'string') {
        const node = (list ? doc.getIn(['items', i], true) : doc.contents) as YAML.Node | undefined;
        c.objects.push({ obj, file, line: node?.range ? lines.linePos(node.range[0]).line : line, node, lines });
        kubernetes++;
      }
    });
  }
  if (kubernetes > 0) c.manifests++;
  else if (!broken) c.skipped.push(file);
}

/** The workload rules need every object at once (PDBs, NetworkPolicies and HPAs live in other files). */
function auditObjects(c: Collected, kubernetesVersion: string): void {
  const raw = checkManifests(c.objects.map((o) => o.obj), { kubernetesVersion });
  const byRef = new Map(c.objects.map((o) => [objectRef(o.obj), o]));
  for (const r of raw) {
    const located = r.resource !== undefined ? byRef.get(r.resource) : undefined;
    const suppressions = Object.entries(located?.obj?.metadata?.annotations ?? {})
      .filter(([k]) => k.startsWith(SUPPRESSION_ANNOTATION_PREFIX))
      .map(([k, v]): Suppression => ({ ruleId: k.slice(SUPPRESSION_ANNOTATION_PREFIX.length), reason: String(v), location: `${located!.file} (annotation ${k})` }));
    c.findings.push(...toFindings([{ ...r, ...position(located, r.field) }], located?.file ?? '(manifests)', suppressions, located?.file));
  }
  for (const file of [...new Set(c.objects.map((o) => o.file))]) c.subjects.push({ where: file, ruleIds: KUBERNETES_RULE_IDS });
}

/**
 * Line and column of a finding's field (`spec.template.spec.containers[app].env[TZ]`) in its file: the
 * deepest part of the path that exists (a missing field is reported where it belongs), else the object.
 * A map entry is placed at its key (`env:`), a list item at its first line.
 */
function position(located: LocatedObject | undefined, field: string | undefined): { line?: number; column?: number } {
  if (!located?.node?.range || !located.lines) return { line: located?.line };
  let node: unknown = located.node;
  let offset = located.node.range[0];
  for (const [, key, item] of (field ?? '').matchAll(/([^.[\]]+)|\[([^\]]*)\]/g)) {
    const step = key !== undefined ? entryOf(node, key) : itemOf(node, item);
    if (!step) break;
    [node, offset] = step;
  }
  const pos = located.lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** A map entry's value and the offset of its key. */
function entryOf(node: unknown, key: string): [unknown, number] | undefined {
  if (!YAML.isMap(node)) return undefined;
  const pair = node.items.find((p) => YAML.isScalar(p.key) && String(p.key.value) === key);
  const at = YAML.isNode(pair?.key) ? pair!.key.range?.[0] : undefined;
  return pair && at !== undefined ? [pair.value, at] : undefined;
}

/** `containers[app]` and `env[TZ]` name list items by their `name` (or index); `annotations[key]` a map key. */
function itemOf(node: unknown, item: string): [unknown, number] | undefined {
  if (!YAML.isSeq(node)) return entryOf(node, item);
  const found = node.items.find((i) => YAML.isMap(i) && String(i.get('name')) === item) ?? (/^\d+$/.test(item) ? node.items[Number(item)] : undefined);
  return YAML.isNode(found) && found.range ? [found, found.range[0]] : undefined;
}
