import { BaseImage, BuilderImage, Libc } from './base-image';
import type { HardenedGoImageProps } from './props';
import { SelfCheck } from './self-check';
import {
  basePinViolation, cgoLibcViolation, checksumSettingViolation, execFormViolation, goReleaseViolation,
  moduleFileExclusionViolation, moduleFilesMatched,
} from '../checklist/build-verdicts';
import { displayFinding, RuleGate } from '../checklist/engine';
import { RawFinding, RuleSeverity } from '../checklist/rule';
import { Suppression, validateSuppression } from '../checklist/suppressions';
import { BINARY_PATH, DEFAULT_GO_VERSION, GENERATED_MARKER, REPOSITORY } from '../core/constants';
import { invalidValue } from '../core/errors';
import { parseGoDirective } from '../core/go-mod';
import { checkPattern, PATTERNS } from '../core/patterns';

/** Everything `GoImageRenderer.render` produces: files, build arguments and build commands. */
export interface GoImageRendering {
  /** The Dockerfile text. */
  readonly dockerfile: string;
  /** The .dockerignore text. */
  readonly dockerignore: string;
  /** Build arguments with their values for this rendering, in a stable order. */
  readonly buildArgs: Record<string, string>;
  /** Target platforms, such as `linux/amd64`. */
  readonly platforms: string[];
  /** `docker buildx build` argv (multi-platform, pushed, timestamps rewritten to SOURCE_DATE_EPOCH). */
  readonly buildxCommand: string[];
  /** `buildah bud` argv for the build host's platform (reproducible with `--timestamp`). */
  readonly buildahCommand: string[];
  /** Checklist warnings, each starting with the rule id. */
  readonly warnings: string[];
  /** Error-rule violations that `suppressions` allowed, each starting with the rule id. */
  readonly suppressedViolations: string[];
}

const DEFAULT_PLATFORMS = ['linux/amd64', 'linux/arm64'];
const DEFAULT_GOPROXY = 'https://proxy.golang.org,direct';
const GO_SUMDB = /^[A-Za-z0-9.+:/_-]+( [A-Za-z0-9.:/_-]+)?$/;
// Keys with a dedicated prop (and a rule behind it) may not be smuggled in through goEnv.
const RESERVED_GO_ENV: Record<string, string> = {
  CGO_ENABLED: 'B01 (use the cgo prop)',
  GOPROXY: 'B05 (use the goProxy prop)',
  GOPRIVATE: 'B06 (use the goPrivate prop)',
  GONOSUMDB: 'B06 (use the goNoSumDb prop)',
  GONOSUMCHECK: 'B06',
  GONOSUMCHECKS: 'B06',
  GOSUMDB: 'B06 (use the goSumDb prop)',
  GOINSECURE: 'B06',
  GOFLAGS: 'B07 (GOFLAGS is fixed to -mod=readonly)',
  GOTOOLCHAIN: 'B07 (GOTOOLCHAIN is fixed to local)',
  GOOS: 'B19 (use the platforms prop)',
  GOARCH: 'B19 (use the platforms prop)',
};

/**
 * The pure renderer under `HardenedGoImage`: turns a typed description of a Go module into a
 * hardened multi-stage Dockerfile. Usable without a construct tree.
 */
export class GoImageRenderer {
  /**
   * Renders the Dockerfile, .dockerignore, build arguments and build commands.
   * Throws an error naming the rule id and the prop when the props break a golden-checklist error rule.
   */
  public static render(props: HardenedGoImageProps): GoImageRendering {
    const suppressions = Object.entries(props.suppressions ?? {})
      .map(([ruleId, reason]): Suppression => ({ ruleId, reason: validateSuppression(ruleId, reason), location: 'props.suppressions' }));
    return renderGoImage(props, suppressions).rendering;
  }

  private constructor() {}
}

interface Resolved {
  readonly name: string;
  readonly builder: BuilderImage;
  readonly runtime: BaseImage;
  readonly goVersion: string;
  readonly cgo: boolean;
  readonly mainPackage: string;
  readonly platforms: string[];
  readonly tags: string[];
  /** The -X targets by prop, each with whether the user named it (only a named target fails the build). */
  readonly stamps: Stamp[];
  /** The RFC 3339 build date is computed from SOURCE_DATE_EPOCH before `go build` (buildDateVariable). */
  readonly stampsBuildDate: boolean;
  readonly selfCheck: SelfCheck;
  readonly entrypoint: string[];
  readonly cmd: string[];
}

/** One `-X variable=value`: the prop that asked for it, and the value as the build shell expands it. */
interface Stamp {
  readonly prop: string;
  readonly variable: string;
  readonly value: string;
  readonly declared: boolean;
}

/** The shell variable the build stage sets to SOURCE_DATE_EPOCH as an RFC 3339 UTC time. */
const BUILD_DATE = 'BUILD_DATE';

/** What rendering produced and noticed, as typed findings. */
export interface ImageRenderResult {
  readonly rendering: GoImageRendering;
  readonly warnings: RawFinding[];
  readonly suppressed: RawFinding[];
}

/** Renders an image; `suppressions` cover construct-time errors, which name `where` (the construct path). */
export function renderGoImage(props: HardenedGoImageProps, suppressions: Suppression[], where?: string): ImageRenderResult {
  const gate = new RuleGate(suppressions, where);
  const r = resolve(props, gate);
  const buildArgs = renderBuildArgs(props, r);
  const dockerfile = renderDockerfile(props, r, gate);
  const dockerignore = renderDockerignore(props, gate);
  const context = props.context ?? '.';
  const dockerfileDir = props.dockerfileDir ?? context;
  const dockerfilePath = joinPath(dockerfileDir, 'Dockerfile');
  const image = `${props.imageName ?? r.name}:${props.version ?? 'dev'}`;
  const argFlags = (flag: string, args = buildArgs) => Object.entries(args).flatMap(([k, v]) => [flag, `${k}=${v}`]);
  // buildah takes the image times from --timestamp; the SOURCE_DATE_EPOCH argument only feeds a build
  // date, and passing it unused makes buildah warn. BuildKit reads it itself, so buildx always gets it.
  const buildahArgs = Object.fromEntries(Object.entries(buildArgs).filter(([k]) => k !== 'SOURCE_DATE_EPOCH' || r.stampsBuildDate));
  const secret = (props.goPrivate ?? []).length > 0 ? ['--secret', `id=${props.netrcSecretId ?? 'netrc'},src=$HOME/.netrc`] : [];

  const buildxCommand = [
    'docker', 'buildx', 'build',
    '--file', dockerfilePath,
    '--platform', r.platforms.join(','),
    ...argFlags('--build-arg'),
    ...secret,
    '--provenance=false',
    '--output', `type=image,name=${image},push=true,rewrite-timestamp=true`,
    '--metadata-file', joinPath(dockerfileDir, 'buildx-metadata.json'),
    context,
  ];
  const buildahCommand = [
    'buildah', 'bud',
    '--file', dockerfilePath,
    '--ignorefile', joinPath(dockerfileDir, '.dockerignore'),
    ...argFlags('--build-arg', buildahArgs),
    ...secret,
    '--timestamp', String(props.sourceDateEpoch ?? 0),
    // The io.buildah.version label would tie the digest to the buildah release.
    '--identity-label=false',
    // HEALTHCHECK only exists in the Docker image format; OCI images drop it.
    ...(props.healthCheck ? ['--format', 'docker'] : []),
    '--tag', image,
    context,
  ];
  const rendering: GoImageRendering = {
    dockerfile,
    dockerignore,
    buildArgs,
    platforms: r.platforms,
    buildxCommand,
    buildahCommand,
    warnings: gate.warnings.map(displayFinding),
    suppressedViolations: gate.suppressed.map(displayFinding),
  };
  return { rendering, warnings: gate.warnings, suppressed: gate.suppressed };
}

function joinPath(dir: string, file: string): string {
  return dir === '.' || dir === '' ? file : `${dir.replace(/\/+$/, '')}/${file}`;
}

function resolve(props: HardenedGoImageProps, gate: RuleGate): Resolved {
  if (!props.name || !/^[a-z0-9]([a-z0-9._-]*[a-z0-9])?$/.test(props.name)) {
    throw invalidValue('name', props.name, 'lower-case letters, digits, ".", "_" and "-", starting and ending with a letter or digit');
  }
  const bases = resolveBases(props, gate);
  const build = resolveBuild(props);
  checkGoEnv(props, gate);
  const run = resolveRun(props, gate);
  checkLabelsAndStamps(props, gate);
  return { name: props.name, ...bases, ...build, ...run, selfCheck: resolveSelfCheck(props) };
}

/** `selfCheck`, or the deprecated `selfCheckArgs` it replaces (not both: one of them would be ignored). */
function resolveSelfCheck(props: HardenedGoImageProps): SelfCheck {
  if (props.selfCheck !== undefined && props.selfCheckArgs !== undefined) {
    throw invalidValue('selfCheckArgs', props.selfCheckArgs, 'nothing when selfCheck is set (selfCheckArgs is deprecated: use selfCheck only)');
  }
  if (props.selfCheck !== undefined) return props.selfCheck;
  const legacy = props.selfCheckArgs ?? [];
  return legacy.length ? SelfCheck.run(legacy) : SelfCheck.none();
}

/** Builder and runtime bases: the Go release they agree on (B18), pinning (B11) and libc coherence (B02). */
function resolveBases(props: HardenedGoImageProps, gate: RuleGate) {
  const strict = props.strict ?? false;
  const goVersion = props.goVersion ?? DEFAULT_GO_VERSION;
  if (!/^1\.\d+(\.\d+)?$/.test(goVersion)) {
    throw invalidValue('goVersion', goVersion, 'a Go release such as "1.26" or "1.26.8"');
  }
  checkGoDirective(goVersion, props.goModGoVersion);
  const builder = props.builderImage ?? BuilderImage.golang({ goVersion });
  gate.check('B18', 'goVersion', goReleaseViolation(goVersion, builder.ref, builder.goVersion));
  const runtime = props.runtimeImage ?? BaseImage.distrolessStatic();
  const cgo = props.cgo ?? false;

  for (const [prop, ref] of [['builderImage', builder.ref], ['runtimeImage', runtime.ref]] as const) {
    // B11 is a warning unless the image is strict.
    const v = basePinViolation(ref);
    if (v) gate.check('B11', prop, { ...v, severity: strict ? RuleSeverity.ERROR : RuleSeverity.WARNING });
  }

  // A base without a C library makes cgo itself the mistake; otherwise the runtime base is.
  if (cgo) gate.check('B02', runtime.libc === Libc.NONE ? 'cgo' : 'runtimeImage', cgoLibcViolation(builder, runtime));
  return { builder, runtime, goVersion, cgo };
}

/** go.mod's `go` line may not ask for a newer release than the toolchain: GOTOOLCHAIN=local refuses to build. */
function checkGoDirective(goVersion: string, goModGoVersion: string | undefined): void {
  if (goModGoVersion === undefined) return;
  const mod = parseGoDirective('goModGoVersion', goModGoVersion);
  const [, minor, patch] = /^1\.(\d+)(?:\.(\d+))?$/.exec(goVersion)!.map(Number);
  // A goVersion without a patch level is the newest patch of that release.
  if (mod.minor > minor || (mod.minor === minor && mod.patch !== undefined && !Number.isNaN(patch) && mod.patch > patch)) {
    throw invalidValue('goVersion', goVersion, `Go ${goModGoVersion} or later: go.mod declares go ${goModGoVersion} (goModGoVersion) and GOTOOLCHAIN=local downloads no newer toolchain`);
  }
}

/** What `go build` builds: the package, the platforms, tags and the variables stamped by -ldflags. */
function resolveBuild(props: HardenedGoImageProps) {
  const mainPackage = props.mainPackage ?? '.';
  if (!/^\.(\/[A-Za-z0-9._~-]+)*(\/\.\.\.)?$/.test(mainPackage) || mainPackage.includes('/../')) {
    throw invalidValue('mainPackage', mainPackage, 'a relative package path inside the module such as "." or "./cmd/server"');
  }

  const platforms = props.platforms ?? DEFAULT_PLATFORMS;
  if (platforms.length === 0) throw invalidValue('platforms', platforms, 'at least one "os/arch[/variant]" such as "linux/amd64"');
  for (const p of platforms) {
    if (!/^linux\/(amd64|arm64|arm\/v[5-7]|386|ppc64le|s390x|riscv64)$/.test(p)) {
      throw invalidValue('platforms', p, 'linux/amd64, linux/arm64, linux/arm/v7, linux/arm/v6, linux/arm/v5, linux/386, linux/ppc64le, linux/s390x, linux/riscv64');
    }
  }
  if (new Set(platforms).size !== platforms.length) throw invalidValue('platforms', platforms, 'each platform once');

  const tags = ['timetzdata', ...(props.buildTags ?? [])];
  for (const t of props.buildTags ?? []) {
    if (!/^[A-Za-z0-9_.!]+$/.test(t)) throw invalidValue('buildTags', t, 'build tags made of letters, digits, "_", "." and "!"');
  }

  return { mainPackage, platforms, tags, ...resolveStamps(props) };
}

const GO_VARIABLE = /^[A-Za-z0-9_./-]+\.[A-Za-z_][A-Za-z0-9_]*$/;
const GO_VARIABLE_ALLOWED = 'an import path and variable name such as "main.version" or "example.com/app/internal/build.Version"';

/**
 * Every `-X` of the build: version and commit (build arguments), the build date, and the `stamp` map.
 * Each variable gets one value: two props naming the same variable is an error naming both.
 */
function resolveStamps(props: HardenedGoImageProps): { stamps: Stamp[]; stampsBuildDate: boolean } {
  const stamps: Stamp[] = [
    { prop: 'versionVariable', variable: props.versionVariable ?? 'main.version', value: '${VERSION}', declared: props.versionVariable !== undefined },
    { prop: 'commitVariable', variable: props.commitVariable ?? 'main.commit', value: '${COMMIT}', declared: props.commitVariable !== undefined },
  ];
  if (props.buildDateVariable !== undefined) {
    stamps.push({ prop: 'buildDateVariable', variable: props.buildDateVariable, value: `\${${BUILD_DATE}}`, declared: true });
  }
  for (const [variable, value] of Object.entries(props.stamp ?? {})) {
    // The value sits inside the double-quoted -ldflags of a RUN line: nothing the shell would expand or split.
    checkPattern(`stamp.${variable}`, value, PATTERNS.argument, 'letters, digits and _ . , : = / @ % + - (no spaces, quotes, "$" or backslashes)');
    stamps.push({ prop: `stamp.${variable}`, variable, value, declared: true });
  }
  const seen = new Map<string, string>();
  for (const { prop, variable } of stamps) {
    if (!GO_VARIABLE.test(variable)) throw invalidValue(prop.startsWith('stamp.') ? 'stamp' : prop, variable, GO_VARIABLE_ALLOWED);
    const other = seen.get(variable);
    if (other !== undefined) throw invalidValue(prop, variable, `a variable no other prop stamps (${other} already sets ${variable})`);
    seen.set(variable, prop);
  }
  return { stamps, stampsBuildDate: props.buildDateVariable !== undefined };
}

/** What runs and how it is built: exec-form entrypoint and command (B14), build secret, image name and paths. */
function resolveRun(props: HardenedGoImageProps, gate: RuleGate) {
  const entrypoint = props.entrypoint ?? [BINARY_PATH];
  checkEntrypoint(entrypoint, gate);
  const cmd = props.command ?? [];
  gate.check('B14', 'command', execFormViolation('CMD', cmd));
  checkNoNewlines('command', cmd);
  for (const [prop, argv] of [['entrypoint', entrypoint], ['command', cmd], ['selfCheckArgs', props.selfCheckArgs ?? []], ['selfCheck', props.selfCheck?.args ?? []]] as const) {
    for (const a of argv) checkPattern(prop, a, PATTERNS.argument, 'exec-form arguments made of letters, digits and _ . , : = / @ % + -');
  }
  if (props.netrcSecretId !== undefined) checkPattern('netrcSecretId', props.netrcSecretId, PATTERNS.secretId, 'a build secret id such as "netrc"');
  if (props.imageName !== undefined) checkPattern('imageName', props.imageName, REPOSITORY, 'an image repository such as "registry.example.com/team/hello"');
  for (const prop of ['context', 'dockerfileDir'] as const) {
    if (props[prop] !== undefined) checkPattern(prop, props[prop]!, PATTERNS.buildPath, 'a path of letters, digits and . _ / -');
  }
  if (props.description !== undefined) checkPattern('description', props.description, PATTERNS.description, 'one line of letters, digits, spaces and . , : ; ! ? ( ) / _ + -');
  return { entrypoint, cmd };
}

/** Source URL (B17), build time (B09), version and commit stamped into the binary and labels. */
function checkLabelsAndStamps(props: HardenedGoImageProps, gate: RuleGate): void {
  if (!props.sourceUrl) {
    gate.warn('B17', 'sourceUrl', 'not set: the org.opencontainers.image.source label is left out, so registries and Renovate cannot link the image to its repository');
  } else {
    checkPattern('sourceUrl', props.sourceUrl, PATTERNS.url, 'an http(s) URL of the source repository');
  }
  const epoch = props.sourceDateEpoch ?? 0;
  if (!Number.isInteger(epoch) || epoch < 0) throw invalidValue('sourceDateEpoch', epoch, 'whole seconds since 1970-01-01 (for example `git log -1 --format=%ct`)');

  for (const [prop, v] of [['version', props.version], ['commit', props.commit]]) {
    if (v !== undefined && !/^[A-Za-z0-9._+-]+$/.test(v)) throw invalidValue(prop!, v, 'letters, digits, ".", "_", "+" and "-"');
  }
}

function checkGoEnv(props: HardenedGoImageProps, gate: RuleGate): void {
  for (const [k, v] of Object.entries(props.goEnv ?? {})) {
    if (!/^[A-Z][A-Z0-9_]*$/.test(k)) throw invalidValue(`goEnv.${k}`, k, 'upper-case environment variable names');
    if (RESERVED_GO_ENV[k]) {
      const why = RESERVED_GO_ENV[k];
      const rule = why.slice(0, 3);
      gate.error(rule, `goEnv.${k}`, `${k}=${v} may not be set through goEnv: rule ${why}`);
    }
    checkPattern(`goEnv.${k}`, v, PATTERNS.argument, 'letters, digits and _ . , : = / @ % + - (no quotes, "$", backslashes, spaces or newlines)');
  }
  checkModulePatterns('goPrivate', 'GOPRIVATE', props.goPrivate ?? [], gate);
  checkModulePatterns('goNoSumDb', 'GONOSUMDB', props.goNoSumDb ?? [], gate);
  if (props.goSumDb !== undefined) gate.check('B06', 'goSumDb', checksumSettingViolation('GOSUMDB', props.goSumDb));
  if (props.goSumDb !== undefined && !/^off$/i.test(props.goSumDb.trim()) && !GO_SUMDB.test(props.goSumDb)) {
    throw invalidValue('goSumDb', props.goSumDb, `a checksum database name, optionally followed by its URL, such as "sum.golang.org" (pattern ${GO_SUMDB})`);
  }
  const proxy = props.goProxy ?? DEFAULT_GOPROXY;
  for (const entry of proxy.split(/[,|]/)) {
    if (!(entry === 'direct' || entry === 'off' || PATTERNS.url.test(entry))) {
      throw invalidValue('goProxy', proxy, `a comma- or pipe-separated list of proxy URLs, "direct" and "off" (pattern ${PATTERNS.url} for each URL)`);
    }
  }
}

/** GOPRIVATE/GONOSUMDB patterns as rendered (one ENV value, comma-separated): B06 on the value, then the syntax. */
function checkModulePatterns(prop: string, key: string, patterns: string[], gate: RuleGate): void {
  if (patterns.length) gate.check('B06', prop, checksumSettingViolation(key, patterns.join(',')));
  for (const p of patterns) {
    if (!/^[A-Za-z0-9.*?_~\-[\]/]+$/.test(p)) throw invalidValue(prop, p, 'module path patterns such as "github.com/acme/*" (no commas or spaces: give one pattern per entry)');
  }
}

/** ENTRYPOINT (B14): exec form, starting with the service binary itself. */
function checkEntrypoint(entrypoint: string[], gate: RuleGate): void {
  if (entrypoint.length === 0) throw invalidValue('entrypoint', entrypoint, `an exec-form array starting with ${BINARY_PATH}`);
  gate.check('B14', 'entrypoint', execFormViolation('ENTRYPOINT', entrypoint, BINARY_PATH));
  checkNoNewlines('entrypoint', entrypoint);
}

function checkNoNewlines(prop: string, argv: string[]): void {
  for (const a of argv) {
    if (/[\n\r]/.test(a)) throw invalidValue(prop, a, 'arguments without newlines');
  }
}

function renderBuildArgs(props: HardenedGoImageProps, r: Resolved): Record<string, string> {
  const epoch = props.sourceDateEpoch ?? 0;
  const args: Record<string, string> = {
    BUILDER_IMAGE: r.builder.ref,
    RUNTIME_IMAGE: r.runtime.ref,
  };
  if (!r.runtime.isScratch) args.RUNTIME_IMAGE_DIGEST = r.runtime.digest ?? '';
  args.GOPROXY = props.goProxy ?? DEFAULT_GOPROXY;
  args.VERSION = props.version ?? 'dev';
  args.COMMIT = props.commit ?? 'unknown';
  args.SOURCE_DATE_EPOCH = String(epoch);
  args.CREATED = new Date(epoch * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');
  return args;
}

/** Joins Dockerfile instruction lines continued with ` \`. */
function continued(lines: string[], indent = '    '): string {
  return lines.map((l, i) => (i === 0 ? l : indent + l)).join(' \\\n');
}

type Emit = (...lines: string[]) => void;

/** How a stage starts from the runtime base (scratch gets the root file system the build assembled). */
function runtimeBase(runtime: BaseImage): { fromRuntime: string; rootfs: string[] } {
  return runtime.isScratch
    ? { fromRuntime: 'FROM scratch', rootfs: ['COPY --from=build /rootfs/ /'] }
    : { fromRuntime: 'FROM ${RUNTIME_IMAGE}', rootfs: [] };
}

function renderDockerfile(props: HardenedGoImageProps, r: Resolved, gate: RuleGate): string {
  const out: string[] = [];
  const emit: Emit = (...lines) => out.push(...lines);
  renderBuildStage(props, r, emit);
  renderChecks(r, emit);
  renderRuntimeStage(props, r, gate, emit);
  return out.join('\n') + '\n';
}

/** Header, base-image arguments and the build stage: module layer first, then a reproducible build. */
function renderBuildStage(props: HardenedGoImageProps, r: Resolved, emit: Emit): void {
  const { builder, runtime, cgo } = r;
  const goPrivate = props.goPrivate ?? [];
  const goNoSumDb = props.goNoSumDb ?? [];
  const netrc = props.netrcSecretId ?? 'netrc';
  emit('# syntax=docker/dockerfile:1',
    `# Generated by golden-go (HardenedGoImage "${r.name}"); ${GENERATED_MARKER}.`,
    '# Do not edit: change the construct props and synthesize again. Rule ids (B01…B21) refer to the',
    '# golden checklist. Base images are build arguments: override them for mirrors or local bases.',
    ...Object.entries(props.suppressions ?? {}).sort(([a], [b]) => a.localeCompare(b))
      .map(([id, reason]) => `# golden-go:suppress ${id} ${reason.replace(/\s+/g, ' ')}`),
    '',
    `ARG BUILDER_IMAGE=${builder.ref}`,
    `ARG RUNTIME_IMAGE=${runtime.ref}`,
    '');

  if (cgo) {
    emit('# cgo needs a C toolchain for the target: compile natively per platform (emulated when foreign)', '# instead of cross-compiling from $BUILDPLATFORM (B19).',
      'FROM ${BUILDER_IMAGE} AS build');
  } else {
    emit('# Cross-compile on the build platform for each target platform (B19).',
      'FROM --platform=$BUILDPLATFORM ${BUILDER_IMAGE} AS build');
  }
  emit('ARG TARGETOS', 'ARG TARGETARCH', 'ARG TARGETVARIANT',
    '# GOPROXY comes from --build-arg: an ARG of this stage turned into ENV, which also beats any `go env -w` file (B05).',
    `ARG GOPROXY=${props.goProxy ?? DEFAULT_GOPROXY}`);
  const env = ['ENV GOPROXY=${GOPROXY}'];
  if (goPrivate.length) env.push(`GOPRIVATE=${goPrivate.join(',')}`);
  if (goNoSumDb.length) env.push(`GONOSUMDB=${goNoSumDb.join(',')}`);
  if (props.goSumDb) env.push(`GOSUMDB="${props.goSumDb}"`);
  env.push('GOFLAGS=-mod=readonly', 'GOTOOLCHAIN=local', `CGO_ENABLED=${cgo ? 1 : 0}`);
  for (const [k, v] of Object.entries(props.goEnv ?? {}).sort(([a], [b]) => a.localeCompare(b))) env.push(`${k}="${v}"`);
  emit('# Checksum database stays on (B06); the module graph is locked and no toolchain is downloaded (B07).',
    continued(env), 'WORKDIR /src', '');

  emit('# Module graph first, so this layer is reused until go.mod/go.sum change (B03).',
    'COPY go.mod go.sum* ./');
  const download = ['RUN --mount=type=cache,target=/go/pkg/mod'];
  if (goPrivate.length) {
    emit(`# Private modules authenticate through a build secret (--secret id=${netrc},src=$HOME/.netrc), never ARG/ENV (B08).`);
    download.push(`--mount=type=secret,id=${netrc},target=/root/.netrc,required=true`);
  }
  download.push('go mod download && go mod verify');
  emit(continued(download), 'COPY . .', '');

  emit('ARG VERSION=dev', 'ARG COMMIT=unknown');
  // The date is derived in the build, so overriding the SOURCE_DATE_EPOCH build argument moves it too.
  const buildDate = r.stampsBuildDate ? [`${BUILD_DATE}="$(date -u -d "@\${SOURCE_DATE_EPOCH}" +%Y-%m-%dT%H:%M:%SZ)"`, '&&'] : [];
  if (r.stampsBuildDate) emit(`ARG SOURCE_DATE_EPOCH=${props.sourceDateEpoch ?? 0}`);
  const goarm = 'GOARM="${TARGETVARIANT#v}"';
  const stamps = r.stamps.map(({ variable, value }) => `-X ${variable}=${value}`).join(' ');
  const goBuild = (ldflags: string, out: string) => [
    `GOOS="$TARGETOS" GOARCH="$TARGETARCH" ${goarm}`,
    `go build -trimpath -buildvcs=false -tags ${r.tags.join(',')}`,
    `-ldflags "${ldflags}"`,
    `-o ${out} ${r.mainPackage}`,
  ];
  emit('# Reproducible (B09), cached (B10), with the IANA time zone database embedded (B15).',
    '# -s -w strips the symbol table, so a second link keeps it for proving the -X targets exist.');
  const [first, ...rest] = goBuild(`-s -w ${stamps}`, '/out/app');
  const [symFirst, ...symRest] = goBuild(stamps, '/tmp/app.symbols');
  emit(continued([
    'RUN --mount=type=cache,target=/go/pkg/mod',
    '--mount=type=cache,target=/root/.cache/go-build',
    ...buildDate,
    first, ...rest,
    `&& ${symFirst}`, ...symRest,
    '&& go tool nm /tmp/app.symbols > /tmp/symbols && rm /tmp/app.symbols',
  ]), '');
  renderStampChecks(r, emit);
}

/**
 * A -X whose target does not exist (absent, a constant, another package, or dropped because nothing
 * reads it) is a silent linker no-op; a stamped string variable is a data symbol of the unstripped link.
 * A target the user named fails the build; the default targets only warn, as many programs have neither.
 */
function renderStampChecks(r: Resolved, emit: Emit): void {
  const checks = r.stamps.map(({ prop, variable, declared }) => {
    const what = `${prop} ${variable}: no package-level string variable of that name is linked into /out/app (missing, a constant, in another package, or never read), so -X ${variable}=... does nothing`;
    const fail = declared
      ? `{ echo "golden-go: ${what}; set ${prop} to the variable the program reads" >&2; exit 1; }`
      : `echo "golden-go warning: ${what}; set ${prop} (default ${variable}) to the variable the program reads" >&2`;
    return `grep -Eq ' D ${variable.replace(/\./g, '\\.')}$' /tmp/symbols || ${fail}`;
  });
  emit('# The stamped variables exist: -X on a missing variable is silently ignored by the linker.',
    continued([`RUN ${checks[0]}`, ...checks.slice(1).map((c) => `; ${c}`)]), '');
}

/** The build-time self-checks (B01, B18) and, for scratch, the assembled root file system. */
function renderChecks(r: Resolved, emit: Emit): void {
  const { runtime, cgo } = r;
  const goLine = r.goVersion.replace(/\./g, '\\.');
  emit(`# Self-check: ${cgo ? 'a cgo build' : 'a static CGO_ENABLED=0 binary (B01)'} by the declared Go ${r.goVersion} (B18).`,
    continued([
      'RUN go version -m /out/app > /tmp/buildinfo',
      `&& grep -Eq '^[[:space:]]+build[[:space:]]+CGO_ENABLED=${cgo ? 1 : 0}$' /tmp/buildinfo`,
      `|| { echo "golden-go B01: /out/app is not a CGO_ENABLED=${cgo ? 1 : 0} build" >&2; cat /tmp/buildinfo >&2; exit 1; }`,
      `; head -n 1 /tmp/buildinfo | grep -Eq ': go${goLine}([.]|$)'`,
      `|| { echo "golden-go B18: built with $(head -n 1 /tmp/buildinfo), expected go${r.goVersion}" >&2; exit 1; }`,
    ]));

  if (runtime.isScratch) {
    emit('', '# scratch has nothing: assemble what distroless would carry (B12). Time zones are embedded (B15).',
      continued([
        'RUN mkdir -p /rootfs/etc/ssl/certs /rootfs/tmp /rootfs/home/nonroot',
        '&& cp /etc/ssl/certs/ca-certificates.crt /rootfs/etc/ssl/certs/ca-certificates.crt',
        "&& printf 'root:x:0:0:root:/root:/sbin/nologin\\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\\n' > /rootfs/etc/passwd",
        "&& printf 'root:x:0:\\nnobody:x:65534:\\nnonroot:x:65532:\\n' > /rootfs/etc/group",
        '&& chmod 1777 /rootfs/tmp && chmod 0700 /rootfs/home/nonroot && chown 65532:65532 /rootfs/home/nonroot',
      ]));
  }

  const args = r.selfCheck.args;
  if (args.length === 0) return;
  // Exec form (the only form a shell-less runtime base can run) cannot attach a message to a failure,
  // so the build platform runs the binary first under sh, where a failure can name the prop. A binary
  // cross-compiled for another architecture cannot run there; the runtime-base run below still covers it.
  const argv = ['/out/app', ...args.map(a => `'${a}'`)].join(' ');
  const declared = `selfCheck (${r.selfCheck})`;
  emit('', `# golden-go: ${declared}: the binary must exit 0, first on the build platform.`,
    continued([
      'RUN if [ "$TARGETARCH" != "$(go env GOHOSTARCH)" ]; then',
      `echo "golden-go: ${declared} not run on the build platform for $TARGETARCH; the runtime-base step runs it" >&2;`,
      `elif ! ${argv}; then`,
      `echo "golden-go: the self-check declared by ${declared} failed: ${argv} exited non-zero; declare arguments the program accepts, or SelfCheck.none()" >&2; exit 1;`,
      'fi',
    ]));

  const { fromRuntime, rootfs } = runtimeBase(runtime);
  emit('', `# golden-go: ${declared}: the binary must also start on the runtime base itself (B18).`,
    `${fromRuntime} AS verify`, ...rootfs,
    `COPY --from=build /out/app ${BINARY_PATH}`,
    `RUN ${JSON.stringify([BINARY_PATH, ...args])}`);
}

/** The runtime stage: the binary, a numeric user, OCI labels, health check and exec-form entrypoint. */
function renderRuntimeStage(props: HardenedGoImageProps, r: Resolved, gate: RuleGate, emit: Emit): void {
  const { runtime } = r;
  const { fromRuntime, rootfs } = runtimeBase(runtime);
  emit('', `# Runtime: ${runtime.description}, no shell, no package manager (B12).`, fromRuntime);
  emit('ARG VERSION=dev', 'ARG COMMIT=unknown', 'ARG CREATED=1970-01-01T00:00:00Z');
  if (!runtime.isScratch) emit('ARG RUNTIME_IMAGE', 'ARG RUNTIME_IMAGE_DIGEST');
  emit(...rootfs);
  if (runtime.isScratch) emit('ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt');
  const [stage, source] = r.selfCheck.args.length > 0 ? ['verify', BINARY_PATH] : ['build', '/out/app'];
  emit(`COPY --from=${stage} --chown=0:0 --chmod=0555 ${source} ${BINARY_PATH}`);
  emit('# Numeric, so runAsNonRoot can verify it without reading /etc/passwd (B13).', 'USER 65532:65532');

  const labels: Array<[string, string]> = [['title', r.name]];
  if (props.sourceUrl) labels.push(['source', props.sourceUrl], ['url', props.sourceUrl]);
  labels.push(['version', '${VERSION}'], ['revision', '${COMMIT}'], ['created', '${CREATED}']);
  labels.push(['base.name', runtime.isScratch ? 'scratch' : '${RUNTIME_IMAGE}']);
  if (!runtime.isScratch) labels.push(['base.digest', '${RUNTIME_IMAGE_DIGEST}']);
  if (props.description) labels.push(['description', props.description]);
  emit('# OCI labels, set explicitly so labels inherited from the base image do not leak (B17).',
    continued(labels.map(([k, v], i) => `${i === 0 ? 'LABEL ' : ''}org.opencontainers.image.${k}=${JSON.stringify(v)}`)));

  if (props.healthCheck) {
    emit('# Exec form calling the service binary: there is no wget, curl or shell here (B16).',
      props.healthCheck._render(BINARY_PATH, runtime, gate));
  }
  emit('# Exec form: the Go binary is PID 1 and receives SIGTERM itself (B14).',
    `ENTRYPOINT ${JSON.stringify(r.entrypoint)}`);
  if (r.cmd.length) emit(`CMD ${JSON.stringify(r.cmd)}`);
}

const DOCKERIGNORE_BASE = [
  '# version control and CI metadata',
  '.git', '**/.git', '.github', '.gitlab-ci.yml',
  '# Docker files themselves (changing them must not invalidate the source layer)',
  'Dockerfile*', '**/Dockerfile*', '.dockerignore', '*.dockerignore',
  '# local environment and secrets: never in the build context',
  '.env', '.env.*', '**/.env', '**/.env.*', '.netrc', '**/.netrc', '*.pem', '*.key', '**/*.pem', '**/*.key', '.aws', '.ssh', '.kube',
  '# build output, test artefacts, editor state',
  'bin/', 'dist/', 'out/', '*.test', '*.out', 'coverage.*', '*.prof', 'node_modules/', '.idea/', '.vscode/', '*.swp', '.DS_Store', 'tmp/',
];

function renderDockerignore(props: HardenedGoImageProps, gate: RuleGate): string {
  const extra = props.dockerignore ?? [];
  for (const pattern of extra) {
    // Judged per pattern: the rendering re-includes the module files at the end, so the user's intent is the mistake.
    gate.check('B04', 'dockerignore', moduleFileExclusionViolation(pattern, moduleFilesMatched(pattern)));
    if (/[\n\r]/.test(pattern)) throw invalidValue('dockerignore', pattern, 'one pattern per entry, without newlines');
    checkPattern('dockerignore', pattern, PATTERNS.ignorePattern, '.dockerignore patterns of letters, digits and . _ * ? / [ ] ~ + - (optionally starting with !)');
  }
  return [
    `# Generated by golden-go; ${GENERATED_MARKER}. Keeps secrets and noise out of the build context (B04).`,
    ...DOCKERIGNORE_BASE,
    ...(extra.length ? ['# project-specific', ...extra] : []),
    '# the module files are always part of the context (B03)',
    '!go.mod', '!go.sum',
  ].join('\n') + '\n';
}
