// Rule logic shared by HardenedGoImage and the image checks (B02, B04, B06, B11, B14, B16, B18): each
// function is the one implementation of its rule's verdict and message. The checks in build-rules.ts
// call it on the Dockerfile as written (synth and `golden-go audit`); the renderer calls it on its
// props at construction, naming the prop. Only facts differ between the two callers (typed props
// against what a reference or an instruction says), never the logic.
import { Violation, RuleSeverity as S } from './rule';
import { PINNED_REFERENCE } from '../core/constants';

/** What B02 needs to know about a base image's C library. */
export interface LibcFacts {
  readonly ref: string;
  /** `none`, `glibc`, `musl`; undefined when unknown. */
  readonly libc?: string;
  /** The C library release, such as "2.41"; undefined when unknown. */
  readonly libcVersion?: string;
}

/** B02: a cgo binary whose builder's C library does not exist, or is older, on the runtime base. */
export function cgoLibcViolation(builder: LibcFacts, runtime: LibcFacts): Violation | undefined {
  if (runtime.libc === 'none') {
    return {
      message: `cgo links against ${builder.libc ?? 'the C library'} of ${builder.ref}, but the runtime base ${runtime.ref} has no C library: the binary fails with "no such file or directory" at start. Use a runtime base with the same C library (BaseImage.distrolessBase() for glibc) or turn cgo off`,
    };
  }
  // An unknown family on either side cannot be compared; the build self-check on the runtime base remains.
  if (!builder.libc || !runtime.libc) return undefined;
  if (runtime.libc !== builder.libc) {
    return { message: `cgo binary built against ${builder.libc} (${builder.ref}) cannot run on ${runtime.ref}, which carries ${runtime.libc}: the ELF interpreter and symbols do not match; use a runtime base of the same libc family` };
  }
  if (!builder.libcVersion || !runtime.libcVersion) {
    return { message: `the ${builder.libc} releases of ${builder.ref} and ${runtime.ref} are not both known; the build self-check on the runtime base is the only guard`, severity: S.WARNING };
  }
  if (compareVersions(builder.libcVersion, runtime.libcVersion) <= 0) return undefined;
  return {
    message: `builder ${builder.ref} has ${builder.libc} ${builder.libcVersion}, newer than ${runtime.libcVersion} on ${runtime.ref}; symbols versioned ${builder.libc.toUpperCase()}_${builder.libcVersion} will be missing at run time. Use a runtime base of the same release or newer`,
  };
}

function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** The module files the build's module layer (B03) needs in the context. */
export const MODULE_FILES = ['go.mod', 'go.sum'];

/** B04: a .dockerignore pattern that takes module files out of the build context. */
export function moduleFileExclusionViolation(pattern: string, excluded: string[]): Violation | undefined {
  if (excluded.length === 0) return undefined;
  return { message: `"${pattern}" excludes ${excluded.join(' and ')}; the module layer (B03) needs ${excluded.length > 1 ? 'both' : 'it'} in the build context` };
}

/** The module files a (non-negated) .dockerignore pattern matches. */
export function moduleFilesMatched(pattern: string): string[] {
  return pattern.startsWith('!') ? [] : MODULE_FILES.filter((f) => globMatches(pattern, f));
}

/** Matches a .dockerignore pattern (filepath.Match syntax plus `**`) against a top-level file name. */
export function globMatches(pattern: string, file: string): boolean {
  const p = pattern.replace(/^\/+/, '').replace(/^(\*\*\/)+/, '').replace(/\/+$/, '');
  const re = p.split('').map((c) => (c === '*' ? '[^/]*' : c === '?' ? '[^/]' : c.replace(/[.+^${}()|\\]/g, '\\$&'))).join('');
  try {
    return new RegExp(`^${re}$`).test(file);
  } catch {
    return false;
  }
}

/**
 * Whether one GOPRIVATE/GONOSUMDB pattern covers modules of every origin: its first path element (the
 * host) is empty or only wildcards, such as `*`, `*\/acme` or `?*`.
 */
export function matchesEveryModule(pattern: string): boolean {
  const first = pattern.trim().split('/')[0];
  return first === '' || /^[*?]*\*[*?]*$/.test(first);
}

/** B06: a module setting that switches checksum verification (or TLS) off for every module. */
export function checksumSettingViolation(key: string, value: string): Violation | undefined {
  const v = value.trim();
  if (['GONOSUMDB', 'GOPRIVATE', 'GONOSUMCHECK'].includes(key)) {
    const every = v.split(',').filter((p) => p.trim() !== '').find(matchesEveryModule);
    if (every === undefined) return undefined;
    return { message: `${key}=${v} matches every module ("${every.trim()}") and switches the checksum database off for all of them: exactly what a hijacked GOPROXY exploits. List your private module prefixes, such as "github.com/acme/*"` };
  }
  if (key === 'GOSUMDB' && /^off$/i.test(v)) {
    return { message: `GOSUMDB=${v} switches off tamper detection for every module, exactly what a hijacked GOPROXY exploits; list private module patterns in GOPRIVATE instead` };
  }
  if (key === 'GOINSECURE' && v !== '') return { message: `GOINSECURE=${v} fetches modules without TLS and without checksum verification` };
  if (key === 'GOFLAGS' && /-insecure\b/.test(v)) return { message: `GOFLAGS=${v} allows insecure module fetches` };
  return undefined;
}

/** B11: a base image that is not pinned by digest (scratch has no bytes to pin). */
export function basePinViolation(ref: string): Violation | undefined {
  if (ref === 'scratch' || PINNED_REFERENCE.test(ref)) return undefined;
  return { message: `${ref} is tag-only; pin it as name:tag@sha256:… so every build starts from the same bytes` };
}

const SHELL = /^(\/(usr\/)?bin\/)?(sh|bash|ash|dash|zsh|busybox)$/;
const HTTP_TOOLS = new Set(['wget', 'curl']);

function basename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

/** A one-element argv that is a command line with arguments: it runs through no shell and names no file. */
function isCommandLine(argv: string[]): boolean {
  return argv.length === 1 && /\s/.test(argv[0]) && !argv[0].startsWith('-');
}

/**
 * B14: how the process that becomes PID 1 is started. `argv` is the exec form, or a string for the shell
 * form (ENTRYPOINT/CMD as text). `binary`, when known (golden-go's images), is what must come first.
 */
export function execFormViolation(what: string, argv: string[] | string, binary?: string): Violation | undefined {
  if (typeof argv === 'string') return { message: `${what} ${argv} is shell form: /bin/sh -c becomes PID 1 and SIGTERM never reaches the Go binary` };
  if (argv.length === 0) return undefined;
  if (SHELL.test(argv[0])) {
    return { message: `${what} ${JSON.stringify(argv)} wraps the service in a shell: the shell becomes PID 1, ignores SIGTERM and the pod is killed after the grace period; run the Go binary directly in exec form` };
  }
  if (isCommandLine(argv)) {
    return { message: `${what} "${argv[0]}" is a shell-form command line in an exec-form array; split it into arguments such as ${JSON.stringify(argv[0].trim().split(/\s+/))}` };
  }
  if (binary !== undefined && what === 'ENTRYPOINT' && argv[0] !== binary) {
    return { message: `ENTRYPOINT must start with the service binary ${binary} so it runs as PID 1 and receives SIGTERM; got ${JSON.stringify(argv)}` };
  }
  return undefined;
}

/** What B16 needs to know about the runtime base. */
export interface ToolFacts {
  readonly ref: string;
  /** Whether it has a shell (and so possibly wget/curl); undefined when unknown. */
  readonly shell?: boolean;
}

/**
 * B16: a HEALTHCHECK that needs a shell or an HTTP tool (`argv` as in `execFormViolation`). With the
 * service `binary` known, any other program is missing from a base without tools too.
 */
export function healthCheckViolation(argv: string[] | string, base: ToolFacts, binary?: string): Violation | undefined {
  const noTools = base.shell === false;
  const severity = noTools ? S.ERROR : S.WARNING;
  const missing = noTools ? `, which "${base.ref}" does not have: the check always fails` : '';
  const fix = `; call the service binary in exec form, such as ["${binary ?? '/app'}", "healthcheck"]`;
  if (typeof argv === 'string' || isCommandLine(argv)) return { message: `HEALTHCHECK in shell form needs a shell${missing}${fix}`, severity };
  const tool = basename(argv[0] ?? '');
  if (HTTP_TOOLS.has(tool) || SHELL.test(argv[0] ?? '')) return { message: `HEALTHCHECK ${tool} needs ${tool}${missing}${fix}`, severity };
  if (binary !== undefined && noTools && argv[0] !== binary) {
    return { message: `HEALTHCHECK ${argv[0]} is not in the image: "${base.ref}" holds only the service binary ${binary}${fix}` };
  }
  return undefined;
}

/** Whether two Go releases are the same line: "1.26" matches "1.26.8"; two full versions must be equal. */
export function sameGoLine(a: string, b: string): boolean {
  const [x, y] = a.length <= b.length ? [a, b] : [b, a];
  return y === x || y.startsWith(`${x}.`);
}

/** B18: the Go release the build self-check expects is not the one the builder ships, so the build fails late. */
export function goReleaseViolation(declared: string, builderRef: string, builderGo: string | undefined): Violation | undefined {
  if (builderGo === undefined || sameGoLine(builderGo, declared)) return undefined;
  return { message: `declares Go ${declared} but builder ${builderRef} ships Go ${builderGo}; make them agree (the build self-check compares \`go version\`)` };
}

/** The Go release a golang builder reference names in its tag (`golang:1.26.8-trixie`), if any. */
export function goReleaseOfBuilder(ref: string): string | undefined {
  return /(^|\/)golang:(1\.\d+(?:\.\d+)?)(?=[-@]|$)/.exec(ref)?.[2];
}
