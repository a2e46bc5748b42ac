import * as fs from 'fs';
import * as path from 'path';
import type { Runner } from './runner';

/** What the preflight looks at: the publish options it needs. */
export interface PreflightInput {
  readonly imageJson: string;
  readonly engine: 'buildah' | 'docker';
  /** Repository to push to; default: the one in image.json's command. */
  readonly repository?: string;
  /** Build argument overrides of the publish. */
  readonly buildArgs: Record<string, string>;
  readonly insecureRegistry: boolean;
  readonly syft: string;
  readonly go: string;
}

/** What the preflight found usable. */
export interface PreflightResult {
  /** image.json, parsed. */
  readonly image: any;
  /** The build command of image.json for the engine (`buildah bud …` or `docker buildx build …`). */
  readonly command: string[];
  /** The repository pushed to. */
  readonly repository: string;
  /** syft's version; undefined when the Go-modules-only SBOM fallback will be used. */
  readonly syftVersion?: string;
}

/** The image.json and its command, as far as they are readable. */
interface Build {
  readonly engine: 'buildah' | 'docker';
  readonly image: any;
  readonly command: string[];
  readonly repository: string;
}

/** Every preflight problem at once, one line each; nothing was built. */
export class PreflightError extends Error {
  public readonly problems: string[];
  constructor(problems: string[]) {
    super(`preflight failed, nothing was built (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.problems = problems;
  }
}

/** How long the registry probe waits: long enough for a slow registry, short enough to fail before a build would. */
export const REGISTRY_PROBE_TIMEOUT_MS = 5000;

/**
 * Run as `node -e REGISTRY_PROBE <url> <timeoutMs>` through the Runner, so publish stays synchronous and
 * a fake runner answers it in tests. Prints the HTTP status, or `error <code>`; always exits 0.
 */
export const REGISTRY_PROBE = `const [url, ms] = process.argv.slice(1);
fetch(url, { redirect: 'manual', signal: AbortSignal.timeout(Number(ms)) }).then(
  (r) => process.stdout.write('status ' + r.status),
  (e) => process.stdout.write('error ' + (e.name === 'TimeoutError' ? 'timeout after ' + ms + ' ms' : (e.cause && (e.cause.code || e.cause.message)) || e.message)));`;

/** A tool that failed to run. */
interface Failure {
  /** The command's exit and the first line it printed. */
  readonly line: string;
  /** Whether the command is not on PATH at all. */
  readonly absent: boolean;
}

/** A runner error in one line. */
function failure(e: unknown): Failure {
  const [first, ...rest] = (e as Error).message.split('\n');
  const said = rest.map((l) => l.trim()).find((l) => l !== '');
  return { line: said ? `${first}: ${said.slice(0, 200)}` : first, absent: /\bENOENT\b/.test(first) };
}

/** Runs a version command; returns its output, or undefined after adding the problem `why` describes. */
function tryTool(run: Runner, problems: string[], cmd: string, args: string[], why: (f: Failure) => string): string | undefined {
  try {
    return run(cmd, args);
  } catch (e) {
    problems.push(why(failure(e)));
    return undefined;
  }
}

function checkEngine(engine: 'buildah' | 'docker', run: Runner, problems: string[]): void {
  if (engine === 'buildah') {
    // buildah builds; podman pushes (it writes the digest file) and, without syft, extracts the binary.
    for (const tool of ['buildah', 'podman']) {
      tryTool(run, problems, tool, ['version'], (f) => (f.absent
        ? `${tool} is not on PATH: --engine buildah needs buildah and podman (apt-get install buildah podman), or use --engine docker`
        : `${tool} is not usable (\`${tool} version\`: ${f.line}): fix its installation, or use --engine docker`));
    }
    return;
  }
  try {
    run('docker', ['buildx', 'version']);
  } catch (e) {
    const f = failure(e);
    if (f.absent) {
      problems.push('docker is not on PATH: --engine docker needs the docker CLI with buildx, or use --engine buildah');
      return;
    }
    problems.push(`docker has no working buildx (\`docker buildx version\`: ${f.line}): install the buildx plugin (apt-get install docker-buildx), or use --engine buildah`);
  }
  // buildx itself runs without a daemon; the build and the push do not.
  tryTool(run, problems, 'docker', ['version', '--format', '{{.Server.Version}}'], (f) => `docker has no reachable daemon (\`docker version\`: ${f.line}): start dockerd or set DOCKER_HOST, or use --engine buildah`);
}

const NEEDS_COSIGN_V3 = 'publish needs cosign v3 (scripts/install-tools.sh installs it)';

/** cosign v2 writes no bundle by default and knows no signing config: publish's cosign flags would mean something else. */
function checkCosign(run: Runner, problems: string[]): void {
  const out = tryTool(run, problems, 'cosign', ['version'], (f) => (f.absent ? `cosign is not on PATH: ${NEEDS_COSIGN_V3}` : `cosign is not usable (\`cosign version\`: ${f.line}): ${NEEDS_COSIGN_V3}`));
  if (out === undefined) return;
  const major = /GitVersion:\s*v?(\d+)\./.exec(out)?.[1];
  if (major !== undefined && Number(major) >= 3) return;
  problems.push(`${NEEDS_COSIGN_V3}; \`cosign version\` says: ${out.trim().split('\n').find((l) => l.startsWith('GitVersion')) ?? out.trim().slice(0, 200)}`);
}

/**
 * syft, or the documented fallback: without it the SBOM lists the binary's Go modules only (a loud
 * warning), which CI=true refuses. The fallback reads the binary with the Go toolchain, so that must work.
 */
function checkSyft(i: PreflightInput, run: Runner, problems: string[], log: (s: string) => void): string | undefined {
  let out: string;
  try {
    out = run(i.syft, ['version']);
  } catch (e) {
    const why = `syft (${i.syft}) is not usable: ${failure(e).line}`;
    if (process.env.CI === 'true') {
      problems.push(`${why}; with CI=true the Go-modules-only SBOM is not accepted (install syft: scripts/install-tools.sh)`);
      return undefined;
    }
    log(`######## WARNING: ${why}: the SBOM lists the binary's Go modules only (go version -m), not the base image's packages ########`);
    tryTool(run, problems, i.go, ['version'], (f) => `${i.go} is not usable (${f.line}): without syft the SBOM is read from the binary with \`go version -m\`: install syft (scripts/install-tools.sh), or pass --go`);
    return undefined;
  }
  return /^Version:[ \t]*(.+)$/m.exec(out)?.[1].trim() ?? 'unknown';
}

function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** The build context, the Dockerfile and (buildah) the ignore file the command names. */
function checkFiles(b: Build, problems: string[]): void {
  const context = b.command[b.command.length - 1];
  const cwd = process.cwd();
  if (!fs.statSync(context, { throwIfNoEntry: false })?.isDirectory()) {
    problems.push(`build context "${context}" (the last argument of image.json's ${b.engine} command) is not a directory under ${cwd}: run publish from the directory the context is relative to, or set HardenedGoImage's context`);
  } else if (!fs.existsSync(path.join(context, 'go.mod'))) {
    problems.push(`build context "${context}" holds no go.mod: the context must be the Go module root (HardenedGoImage's context)`);
  }
  for (const flag of ['--file', '--ignorefile']) {
    const file = flagValue(b.command, flag);
    if (file !== undefined && !fs.existsSync(file)) {
      problems.push(`${flag === '--file' ? 'Dockerfile' : 'ignore file'} "${file}" (image.json's ${flag}) does not exist: write it with HardenedGoImage.writeFiles, and run publish from the directory its path is relative to`);
    }
  }
}

/**
 * Whether a reference names its registry: the first path component has a "." or ":" or is `localhost`,
 * as in Docker's reference grammar. Short names resolve differently per engine (docker: docker.io;
 * buildah/podman: registries.conf's unqualified-search-registries, often none).
 */
export function isFullyQualified(ref: string): boolean {
  const slash = ref.indexOf('/');
  if (slash < 0) return false;
  const first = ref.slice(0, slash);
  return first.includes('.') || first.includes(':') || first === 'localhost';
}

/** The Docker Hub form of a short name: `golang:1.26` → `docker.io/library/golang:1.26`. */
export function qualify(ref: string): string {
  return ref.includes('/') ? `docker.io/${ref}` : `docker.io/library/${ref}`;
}

/** The value of each build argument: the overrides, else the command's, else the Dockerfile's ARG default. */
function buildArgValues(b: Build, overrides: Record<string, string>, dockerfile: string[]): Record<string, string> {
  const values: Record<string, string> = {};
  for (const line of dockerfile) {
    const m = /^ARG\s+([A-Za-z_][A-Za-z0-9_]*)=(\S*)/i.exec(line);
    if (m && !(m[1] in values)) values[m[1]] = m[2];
  }
  b.command.forEach((a, n) => {
    if (b.command[n - 1] === '--build-arg') values[a.split('=')[0]] = a.slice(a.indexOf('=') + 1);
  });
  return { ...values, ...overrides };
}

/** Every `FROM` of the Dockerfile names its registry, directly or through its build argument. */
function checkBaseImages(b: Build, overrides: Record<string, string>, problems: string[]): void {
  const file = flagValue(b.command, '--file');
  if (file === undefined || !fs.existsSync(file)) return;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  const values = buildArgValues(b, overrides, lines);
  const stages = new Set<string>(['scratch']);
  for (const line of lines) {
    const m = /^FROM\s+(?:--\S+\s+)*(\S+)(?:\s+AS\s+(\S+))?/i.exec(line.trim());
    if (!m) continue;
    const arg = /^\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?$/.exec(m[1])?.[1];
    const ref = arg ? values[arg] ?? '' : m[1];
    const fine = stages.has(ref) || isFullyQualified(ref);
    if (m[2]) stages.add(m[2]);
    if (fine) continue;
    const why = 'a short name, which buildah/podman resolve through registries.conf (often not at all)';
    if (!arg) problems.push(`base image "${ref}" in ${file} is ${why}: write FROM ${qualify(ref)}`);
    else if (!ref) problems.push(`base image ${arg} has no value: pass --build-arg ${arg}=<registry>/<name>:<tag>@sha256:<digest>`);
    else problems.push(`base image ${arg}="${ref}" is ${why}: pass --build-arg ${arg}=${qualify(ref)}`);
  }
}

/** The registry host of the repository, or undefined after adding the problem. */
function registryOf(repository: string, problems: string[]): string | undefined {
  if (isFullyQualified(repository)) return repository.slice(0, repository.indexOf('/'));
  problems.push(`repository "${repository}" names no registry (docker would push to Docker Hub, buildah/podman may refuse): pass --repository with the registry host, such as registry.example.com/team/${repository.split('/').pop()}, or set HardenedGoImage's imageName`);
  return undefined;
}

/** `GET /v2/` of the registry: any answer of the distribution API (200, or 401 before login) means reachable. */
function checkRegistry(i: PreflightInput, repository: string, run: Runner, problems: string[]): void {
  const host = registryOf(repository, problems);
  if (host === undefined) return;
  const api = host === 'docker.io' || host === 'index.docker.io' ? 'registry-1.docker.io' : host;
  const url = `${i.insecureRegistry ? 'http' : 'https'}://${api}/v2/`;
  const fix = i.insecureRegistry ? 'start it, or check --repository' : 'check --repository and the network (a plain-HTTP registry needs --insecure-registry)';
  let answer: string;
  try {
    answer = run(process.execPath, ['-e', REGISTRY_PROBE, url, String(REGISTRY_PROBE_TIMEOUT_MS)]).trim();
  } catch (e) {
    answer = `error ${failure(e).line}`;
  }
  const status = /^status (\d+)$/.exec(answer)?.[1];
  if (status === '200' || status === '401') return;
  problems.push(status
    ? `registry ${host} answered GET ${url} with HTTP ${status}, not 200 or 401: it is not an OCI registry endpoint; ${fix}`
    : `registry ${host} is not reachable (GET ${url}: ${answer.replace(/^error /, '') || 'no answer'}): ${fix}`);
}

/** The engine's build command of image.json and the repository it pushes to, or undefined after adding the problem. */
function readBuild(i: PreflightInput, problems: string[]): Build | undefined {
  let image: any;
  try {
    image = JSON.parse(fs.readFileSync(i.imageJson, 'utf8'));
  } catch (e) {
    problems.push(`--image-json ${i.imageJson} is not readable JSON (${failure(e).line}): write it with HardenedGoImage.writeFiles`);
    return undefined;
  }
  const key = i.engine === 'buildah' ? 'buildahCommand' : 'buildxCommand';
  const command = image?.[key];
  if (!Array.isArray(command) || command.length < 3) {
    problems.push(`${i.imageJson} has no ${key}: write it with HardenedGoImage.writeFiles`);
    return undefined;
  }
  const defaultRef = i.engine === 'buildah' ? flagValue(command, '--tag') ?? '' : /name=([^,]+)/.exec(flagValue(command, '--output') ?? '')?.[1] ?? '';
  return { engine: i.engine, image, command, repository: i.repository ?? defaultRef.replace(/:[^:/]+$/, '') };
}

/**
 * What publish needs before it builds anything: the engine (and docker's buildx and daemon), cosign v3,
 * syft (or its fallback), image.json, the context with its go.mod, the Dockerfile, fully qualified base
 * images and a reachable registry. Every problem is collected, so one run names them all: throws a
 * PreflightError listing them.
 */
export function preflight(i: PreflightInput, run: Runner, log: (s: string) => void): PreflightResult {
  const problems: string[] = [];
  checkEngine(i.engine, run, problems);
  checkCosign(run, problems);
  const syftVersion = checkSyft(i, run, problems, log);
  const build = readBuild(i, problems);
  if (build) {
    checkFiles(build, problems);
    checkBaseImages(build, i.buildArgs, problems);
    checkRegistry(i, build.repository, run, problems);
  }
  if (problems.length) throw new PreflightError(problems);
  return { image: build!.image, command: build!.command, repository: build!.repository, syftVersion };
}
