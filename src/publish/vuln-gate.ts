import { createHash } from 'crypto';
import * as path from 'path';
import { Runner } from './runner';

/** Severities the gate orders, lowest first (GitHub advisory words; MEDIUM is read as MODERATE). */
export const VULN_SEVERITIES = ['low', 'moderate', 'high', 'critical'] as const;
export type VulnSeverity = typeof VULN_SEVERITIES[number];

/** How far govulncheck got: the vulnerable function is called, its package imported, or its module only required. */
export type VulnReach = 'called' | 'imported' | 'required';

/** Options of the reachability-aware vulnerability gate (govulncheck, source mode). */
export interface VulnerabilityGateOptions {
  /** Directory of the Go module that is built (govulncheck `-C`); every package of it is scanned (`./...`). */
  readonly module: string;
  /**
   * Vulnerability database: an http(s) or file URL, or a directory (made a file URL).
   * @default https://vuln.go.dev
   */
  readonly db?: string;
  /**
   * The lowest severity of a reachable vulnerability that fails the gate. A vulnerability whose entry has
   * no severity (the Go database gives none) always fails: the gate cannot tell it is below the threshold.
   * @default 'low' (every reachable vulnerability)
   */
  readonly failOn?: VulnSeverity;
  /** Reachable vulnerabilities accepted anyway: OSV id → the reason (required). */
  readonly allow?: Record<string, string>;
  /** @default 'govulncheck' on PATH */
  readonly govulncheck?: string;
  /** Extra environment of the scan (GOFLAGS, GOPROXY, GOTOOLCHAIN, …). */
  readonly env?: Record<string, string>;
}

/** One vulnerability govulncheck found, with the most precise level it reached. */
export interface VulnFinding {
  readonly id: string;
  readonly reach: VulnReach;
  /** The vulnerable module as built (the version of the module graph, replacements applied). */
  readonly module: string;
  readonly version: string;
  /** The first version that fixes it, if there is one. */
  readonly fixedVersion?: string;
  /** Called vulnerable symbols, `pkg.Func` or `pkg.Recv.Method`, each with where the module's code calls in. */
  readonly calls: string[];
  readonly severity: VulnSeverity | 'unknown';
  readonly summary: string;
}

/** What the gate decided. */
export interface VulnGateResult {
  /** Reachable, at or above the threshold (or of unknown severity) and not allow-listed: these fail the gate. */
  readonly failing: VulnFinding[];
  /** Reachable but below the threshold. */
  readonly belowThreshold: VulnFinding[];
  /** Reachable and allow-listed, with the reason. */
  readonly allowed: Array<{ finding: VulnFinding; reason: string }>;
  /** Present (imported or required) but not called: the OpenVEX not_affected statements. */
  readonly notReachable: VulnFinding[];
  /** govulncheck's config message (scanner version, database, Go version). */
  readonly config: Record<string, unknown>;
}

interface Frame {
  readonly module: string;
  readonly version?: string;
  readonly package?: string;
  readonly function?: string;
  readonly receiver?: string;
  readonly position?: { filename?: string; line?: number; column?: number };
}

interface GovulncheckStream {
  readonly config: Record<string, unknown>;
  readonly osv: Map<string, any>;
  readonly findings: Array<{ osv: string; fixed_version?: string; trace: Frame[] }>;
}

/**
 * Splits govulncheck's `-format json` output, a stream of indented JSON objects one after the other
 * (not JSON Lines), into its messages.
 */
export function parseGovulncheckJson(text: string): GovulncheckStream {
  const messages: any[] = [];
  let depth = 0;
  let start = -1;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
    } else if (c === '{') {
      if (depth++ === 0) start = i;
    } else if (c === '}') {
      if (--depth === 0) messages.push(JSON.parse(text.slice(start, i + 1)));
    }
  }
  const config = messages.find((m) => m.config)?.config;
  if (!config || depth !== 0) throw new Error('vulnerability gate: not the output of `govulncheck -format json` (no config message, or a truncated stream)');
  return {
    config,
    osv: new Map(messages.filter((m) => m.osv).map((m) => [m.osv.id, m.osv])),
    findings: messages.filter((m) => m.finding).map((m) => m.finding),
  };
}

/** The severity of an OSV entry: `database_specific.severity` as GitHub advisories write it; `unknown` otherwise. */
function severityOf(entry: any): VulnSeverity | 'unknown' {
  const word = String(entry?.database_specific?.severity ?? '').toLowerCase();
  if (word === 'medium') return 'moderate';
  return (VULN_SEVERITIES as readonly string[]).includes(word) ? word as VulnSeverity : 'unknown';
}

function symbolOf(f: Frame): string {
  return `${f.package}.${f.receiver ? `${f.receiver.replace(/^\*/, '')}.` : ''}${f.function}`;
}

function callOf(trace: Frame[]): string {
  const entry = trace[trace.length - 1];
  const at = entry.position?.filename ? ` (${entry.position.filename}:${entry.position.line}:${entry.position.column})` : '';
  return trace.length > 1 ? `${symbolOf(trace[0])} called from ${symbolOf(entry)}${at}` : symbolOf(trace[0]);
}

/**
 * One finding per OSV id at its most precise level: govulncheck reports each vulnerability at module,
 * package and, when a call path reaches it, symbol level (trace[0] is the vulnerable frame, the last
 * frame the module's own code).
 */
export function findingsOf(stream: GovulncheckStream): VulnFinding[] {
  const byId = new Map<string, { reach: VulnReach; frame: Frame; fixed?: string; calls: Set<string> }>();
  const rank: Record<VulnReach, number> = { required: 0, imported: 1, called: 2 };
  for (const f of stream.findings) {
    const top = f.trace?.[0];
    if (!top) continue;
    const reach: VulnReach = top.function ? 'called' : top.package ? 'imported' : 'required';
    const seen = byId.get(f.osv) ?? { reach, frame: top, fixed: f.fixed_version, calls: new Set<string>() };
    if (rank[reach] > rank[seen.reach]) Object.assign(seen, { reach, frame: top });
    if (reach === 'called') seen.calls.add(callOf(f.trace));
    byId.set(f.osv, seen);
  }
  return [...byId.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([id, s]) => {
    const entry = stream.osv.get(id);
    return {
      id,
      reach: s.reach,
      module: s.frame.module,
      version: s.frame.version ?? '',
      fixedVersion: s.fixed || undefined,
      calls: [...s.calls].sort(),
      severity: severityOf(entry),
      summary: entry?.summary ?? entry?.details ?? '',
    };
  });
}

/** Sorts findings into failing, below the threshold, allow-listed and not reachable. */
export function classifyVulnerabilities(stream: GovulncheckStream, o: Pick<VulnerabilityGateOptions, 'failOn' | 'allow'> = {}): VulnGateResult {
  const failOn = o.failOn ?? 'low';
  if (!VULN_SEVERITIES.includes(failOn)) throw new Error(`vulnerabilityGate.failOn "${failOn}" is not valid; allowed: ${VULN_SEVERITIES.join(', ')}`);
  for (const [id, reason] of Object.entries(o.allow ?? {})) {
    if (!reason?.trim()) throw new Error(`vulnerabilityGate.allow["${id}"] needs a reason: say why the reachable vulnerability is accepted`);
  }
  const result: VulnGateResult = { failing: [], belowThreshold: [], allowed: [], notReachable: [], config: stream.config };
  for (const f of findingsOf(stream)) {
    const reason = o.allow?.[f.id];
    if (f.reach !== 'called') result.notReachable.push(f);
    else if (reason) result.allowed.push({ finding: f, reason });
    else if (f.severity !== 'unknown' && VULN_SEVERITIES.indexOf(f.severity) < VULN_SEVERITIES.indexOf(failOn)) result.belowThreshold.push(f);
    else result.failing.push(f);
  }
  return result;
}

/** One line per finding: id, module@version, the called symbols, the fix. */
export function describeFinding(f: VulnFinding): string {
  const fix = f.fixedVersion ? `fixed in ${f.module}@${f.fixedVersion}` : 'no fixed version yet';
  const calls = f.calls.length ? `: ${f.calls.join('; ')}` : ` (${f.reach}, not called)`;
  return `${f.id} in ${f.module}@${f.version}${calls}; ${fix}; severity ${f.severity}${f.summary ? ` — ${f.summary}` : ''}`;
}

/** The error message of a failed gate, naming every failing vulnerability. */
export function gateFailureMessage(result: VulnGateResult, failOn: VulnSeverity = 'low'): string {
  return `vulnerability gate: ${result.failing.length} reachable vulnerabilit${result.failing.length === 1 ? 'y' : 'ies'} at or above "${failOn}" `
    + `(or of unknown severity):\n${result.failing.map((f) => `  ${describeFinding(f)}`).join('\n')}\n`
    + 'Upgrade to the fixed versions, or accept one with a reason (vulnerabilityGate.allow / --vuln-allow ID=REASON).';
}

/** The govulncheck `-db` value: URLs as given, a directory as a file URL. */
function dbUrl(db: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(db) ? db : `file://${path.resolve(db)}`;
}

/** Runs govulncheck in source mode on the module and classifies what it found. */
export function runVulnerabilityGate(o: VulnerabilityGateOptions, run: Runner): VulnGateResult {
  const args = ['-format', 'json', '-mode', 'source', '-db', dbUrl(o.db ?? 'https://vuln.go.dev'), '-C', o.module, './...'];
  return classifyVulnerabilities(parseGovulncheckJson(run(o.govulncheck ?? 'govulncheck', args, o.env)), o);
}

/** Options of `renderOpenVex`. */
export interface OpenVexOptions {
  /** The image repository, such as `registry.example.com/acme/orders`. */
  readonly repository: string;
  /** The pushed image digest. */
  readonly digest: string;
  /** Unix seconds of the statements (SOURCE_DATE_EPOCH), so a rebuild gives the same bytes. */
  readonly timestamp: number;
  /** @default 'golden-go' */
  readonly author?: string;
}

/** The package URL of an image by digest (purl-spec `oci` type). */
export function ociPurl(repository: string, digest: string): string {
  const name = repository.split('/').pop()!.toLowerCase();
  return `pkg:oci/${name}@${encodeURIComponent(digest)}?repository_url=${encodeURIComponent(repository.toLowerCase())}`;
}

/**
 * An OpenVEX 0.2.0 document: the image is not_affected by each vulnerability that is in its modules
 * but whose code no call path reaches (justification vulnerable_code_not_in_execute_path).
 */
export function renderOpenVex(findings: VulnFinding[], o: OpenVexOptions): string {
  const product = ociPurl(o.repository, o.digest);
  const timestamp = new Date(o.timestamp * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  const goPurl = (f: VulnFinding) => `pkg:golang/${f.module}${f.version ? `@${f.version}` : ''}`;
  const statements = findings.map((f) => {
    if (f.reach === 'called') throw new Error(`renderOpenVex: ${f.id} is called: it cannot be stated not_affected`);
    return {
      vulnerability: { name: f.id },
      products: [{ '@id': product, 'subcomponents': [{ '@id': goPurl(f) }] }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: `govulncheck (source mode) found no call path to the vulnerable code of ${f.module}@${f.version} (${f.reach}, not called).`,
    };
  });
  const seed = `${product}|${statements.map((s) => `${s.vulnerability.name}:${s.products[0].subcomponents[0]['@id']}`).join(',')}`;
  return JSON.stringify({
    '@context': 'https://openvex.dev/ns/v0.2.0',
    '@id': `https://golden-go.dev/vex/${createHash('sha256').update(seed).digest('hex')}`,
    'author': o.author ?? 'golden-go',
    timestamp,
    'version': 1,
    'tooling': 'golden-go vulnerability gate (govulncheck source mode)',
    statements,
  }, undefined, 2) + '\n';
}
