// B01–B21: building the image. Each rule is its data and its one check over the ImageModel (B14 and
// B20 also over the workload: a shell wrapper or a digest set in the manifests).
import {
  basePinViolation, cgoLibcViolation, checksumSettingViolation, execFormViolation, goReleaseOfBuilder, goReleaseViolation,
  healthCheckViolation, MODULE_FILES, moduleFileExclusionViolation, globMatches,
} from './build-verdicts';
import { execForm, parseKeyValues } from './dockerfile-parser';
import { describeBase, GO_ENV_W_KEYS, ImageModel } from './image-model';
import { Report, RuleDefinition, RuleSeverity as S, RuleTarget as T } from './rule';
import { WorkloadModel } from './workload-model';
import { PINNED_REFERENCE, SECRET_NAME } from '../core/constants';

function b01(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    if (b.env.CGO_ENABLED !== undefined) continue;
    // Unset: golang images default to CGO_ENABLED=1 when a C compiler is present.
    const none = m.finalBase.libc === 'none';
    report({
      message: `go build without CGO_ENABLED=0: golang images default to cgo when gcc is present, so the binary may be dynamically linked${none ? ` and fail on "${m.finalRef}"` : ''}`,
      line: b.ins.line,
      severity: none ? S.ERROR : S.WARNING,
    });
  }
}

function b02(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    if (b.env.CGO_ENABLED !== '1') continue;
    const builderRef = m.resolve(b.stage).resolvedBase;
    const v = cgoLibcViolation({ ref: builderRef, ...describeBase(builderRef) }, { ref: m.finalRef, ...m.finalBase });
    if (v) report({ ...v, line: b.ins.line });
  }
}

function b03(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    const ins = b.stage.instructions;
    const download = ins.find((i) => i.keyword === 'RUN' && /\bgo\s+mod\s+download\b/.test(i.args));
    const copyAll = ins.find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args) && /(^|\s)\.\/?\s+\S+$/.test(i.args));
    if (!download) report({ message: 'no `go mod download` layer: every source change downloads all modules again', line: b.ins.line });
    else if (copyAll && copyAll.line < download.line) report({ message: 'the source is copied before `go mod download`, so the module layer is rebuilt on every change', line: copyAll.line });
    else if (!/go\s+mod\s+verify/.test(download.args)) report({ message: '`go mod download` without `go mod verify`', line: download.line });
  }
}

function b04(m: ImageModel, report: Report): void {
  if (m.dockerignore === null) {
    report({ message: 'no .dockerignore next to the Dockerfile: .git, .env files and local secrets enter the build context', line: 1 });
  } else if (m.dockerignore !== undefined) {
    checkDockerignoreText(m.dockerignore, report);
  }
}

/** B04 on a .dockerignore alone: the module files must stay in the context, secrets must stay out. */
export function checkDockerignoreText(text: string, report: Report): void {
  const lines = text.split('\n').map((l, i) => ({ p: l.trim(), line: i + 1 })).filter((l) => l.p && !l.p.startsWith('#'));
  // The last matching line decides (a later `!go.sum` takes it back in); report each excluding pattern once.
  const excludedBy = new Map<number, string[]>();
  for (const file of MODULE_FILES) {
    let excluded: number | undefined;
    for (const { p, line } of lines) {
      const neg = p.startsWith('!');
      if (globMatches(neg ? p.slice(1) : p, file)) excluded = neg ? undefined : line;
    }
    if (excluded) excludedBy.set(excluded, [...(excludedBy.get(excluded) ?? []), file]);
  }
  for (const [line, files] of excludedBy) {
    const v = moduleFileExclusionViolation(lines.find((l) => l.line === line)!.p, files);
    if (v) report({ ...v, line });
  }
  const missing = ['.git', '.env'].filter((secret) => !lines.some(({ p }) => !p.startsWith('!') && globMatches(p, secret)));
  if (missing.length) report({ message: `.dockerignore does not exclude ${missing.join(' or ')}`, severity: S.WARNING, line: 1 });
}

function b05(m: ImageModel, report: Report): void {
  const argNames = new Set(m.settings.filter((s) => s.how === 'ARG').map((s) => s.key));
  for (const s of m.settings) {
    if (s.key === 'GOPROXY' && s.how === 'ENV' && !/\$\{?GOPROXY\}?/.test(s.value.trim()) && !argNames.has('GOPROXY')) {
      report({ message: `ENV GOPROXY=${s.value.trim()} is hard-coded: --build-arg GOPROXY cannot change it; declare ARG GOPROXY=<default> and ENV GOPROXY=\${GOPROXY}`, line: s.line });
    }
  }
  for (const stage of m.dockerfile.stages) {
    const declared = new Set<string>();
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ARG') parseKeyValues(ins.args).forEach(([k]) => declared.add(k));
      if (ins.keyword !== 'ENV') continue;
      for (const [k, v] of parseKeyValues(ins.args)) {
        const ref = /\$\{?([A-Z_][A-Z0-9_]*)\}?/.exec(v ?? '')?.[1];
        // ARGs are scoped to their stage: one declared only before FROM is empty here.
        if (ref && GO_ENV_W_KEYS.includes(k) && !declared.has(ref) && ref in m.dockerfile.globalArgs) {
          report({ message: `ENV ${k}=${v} reads ARG ${ref}, which is declared only before FROM: inside the stage it is empty, so --build-arg ${ref} is ignored; redeclare \`ARG ${ref}\` in the stage`, line: ins.line });
        }
      }
    }
  }
  for (const s of m.settings.filter((x) => x.how === 'go env -w' && GO_ENV_W_KEYS.includes(x.key))) {
    const builds = m.goBuilds.filter((b) => b.ins.line > s.line);
    const effective = builds.some((b) => !(s.key in b.env));
    report({
      message: effective
        ? `\`go env -w ${s.key}=…\` persists in the image's Go env file and decides the build, because ${s.key} is not in the build's environment: --build-arg ${s.key} cannot change it; use ARG ${s.key} and ENV ${s.key}=\${${s.key}}`
        : `\`go env -w ${s.key}=…\` is overridden by ENV ${s.key} here, but the Go env file it writes stays in the layer and applies wherever ${s.key} is unset; remove it`,
      line: s.line,
      severity: effective ? S.ERROR : S.WARNING,
    });
  }
}

function b06(m: ImageModel, report: Report): void {
  for (const s of m.settings) {
    const v = checksumSettingViolation(s.key, s.value);
    if (v) report({ ...v, line: s.line });
  }
}

function b07(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    const goflags = `${b.env.GOFLAGS ?? ''} ${b.ins.args}`;
    const missing = [!/-mod=readonly/.test(goflags) ? 'GOFLAGS=-mod=readonly' : '', b.env.GOTOOLCHAIN !== 'local' ? 'GOTOOLCHAIN=local' : ''].filter(Boolean);
    if (missing.length) report({ message: `build without ${missing.join(' and ')}`, line: b.ins.line });
  }
}

function b08(m: ImageModel, report: Report): void {
  for (const s of m.settings) {
    if ((s.how === 'ARG' || s.how === 'ENV') && SECRET_NAME.test(s.key)) {
      report({ message: `${s.how} ${s.key} puts a credential into the image history; use RUN --mount=type=secret`, line: s.line });
    }
  }
}

function b09(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    const noTrim = !/-trimpath/.test(b.ins.args);
    const noStrip = !/-ldflags[= ]+["']?[^"']*-s\b[^"']*-w\b|-ldflags[= ]+["']?[^"']*-w\b[^"']*-s\b/.test(b.ins.args);
    if (noTrim || noStrip) report({ message: `go build without ${[noTrim ? '-trimpath' : '', noStrip ? '-ldflags "-s -w"' : ''].filter(Boolean).join(' and ')}`, line: b.ins.line });
  }
}

function b10(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    if (!/--mount=type=cache/.test(b.ins.args)) report({ message: 'go build without cache mounts for /go/pkg/mod and /root/.cache/go-build', line: b.ins.line });
  }
  // Seed 000 §4.3 offers gocacheverify as protection against a hijacked proxy; it checks the build cache only.
  for (const s of m.settings) {
    if (s.key === 'GOFLAGS' && /(^|\s)--?gocacheverify\b/.test(s.value)) {
      report({ message: `GOFLAGS=${s.value}: -gocacheverify is not a flag, so every go command fails with "parsing $GOFLAGS: unknown flag"; it is the GODEBUG setting gocacheverify=1`, line: s.line, severity: S.ERROR });
    }
    if (s.key === 'GODEBUG' && /(^|,)gocacheverify=1\b/.test(s.value)) {
      report({ message: 'GODEBUG=gocacheverify=1 rebuilds everything and compares with the build cache; it verifies no module, so it is no protection against a hijacked GOPROXY (go.sum and the checksum database are, B06). Remove it from image builds', line: s.line, severity: S.WARNING });
    }
  }
}

function b11(m: ImageModel, report: Report): void {
  // Every FROM that is not a stage or scratch, resolved through ARG defaults.
  const stageNames = new Set(m.dockerfile.stages.map((s) => s.name).filter(Boolean));
  for (const s of m.dockerfile.stages) {
    if (stageNames.has(s.base.toLowerCase()) || s.resolvedBase === 'scratch') continue;
    const v = basePinViolation(s.resolvedBase);
    if (v) report({ ...v, line: s.from.line });
  }
}

function b12(m: ImageModel, report: Report): void {
  const base = m.finalBase;
  if (base.shell === true || (base.libc !== undefined && !base.minimal)) {
    report({
      message: `runtime base "${m.finalRef}" ships a shell${base.libc === 'musl' || base.libc === 'glibc' ? ' and a package manager' : ''}; run on distroless static, Chainguard static or scratch`,
      line: m.finalStage.from.line,
    });
  }
}

function b13(m: ImageModel, report: Report): void {
  const user = [...m.finalStage.instructions].reverse().find((i) => i.keyword === 'USER');
  if (!user) {
    const nonrootBase = /:nonroot|chainguard\/static/.test(m.finalRef);
    report({
      message: nonrootBase ? `no USER: the image relies on "${m.finalRef}" to run as non-root` : 'no USER instruction: the container runs as root',
      line: m.finalStage.from.line,
      severity: nonrootBase ? S.WARNING : S.ERROR,
    });
    return;
  }
  const u = user.args.split(':')[0].trim();
  if (u === '0' || u === 'root') report({ message: `USER ${user.args} runs as root`, line: user.line });
  else if (!/^[0-9]+$/.test(u)) report({ message: `USER ${user.args} is not numeric: runAsNonRoot cannot verify it, the kubelet refuses to start the pod`, line: user.line });
}

function b14(m: ImageModel, report: Report): void {
  const hasEntrypoint = m.finalStage.instructions.some((i) => i.keyword === 'ENTRYPOINT');
  for (const kw of ['ENTRYPOINT', 'CMD']) {
    const ins = [...m.finalStage.instructions].reverse().find((i) => i.keyword === kw);
    if (!ins) continue;
    const argv = execForm(ins.args);
    // A shell-form CMD under an ENTRYPOINT is only its arguments' text: the ENTRYPOINT is PID 1.
    if (!argv && kw === 'CMD' && hasEntrypoint) continue;
    const v = execFormViolation(kw, argv ?? ins.args);
    if (v) report({ ...v, line: ins.line });
  }
}

function b14Workload(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      // A shell wrapper set in the manifest is PID 1 just as in the image.
      if (!c.spec.command) continue;
      const v = execFormViolation('command', [...c.spec.command, ...(c.spec.args ?? [])]);
      if (v) report({ resource: pod.ref, field: `${c.path}.command`, ...v });
    }
  }
}

/** Whether the final stage installs or copies in zoneinfo itself (`apk add tzdata`, `COPY … /usr/share/zoneinfo`). */
function providesZoneinfo(m: ImageModel): boolean {
  return m.finalStage.instructions.some((i) => (i.keyword === 'RUN' && /\btzdata\b/.test(i.args)) || ((i.keyword === 'COPY' || i.keyword === 'ADD') && /zoneinfo/.test(i.args)));
}

function b15(m: ImageModel, report: Report): void {
  const zoneinfo = providesZoneinfo(m) ? true : m.finalBase.zoneinfo;
  // A runtime that carries zoneinfo (distroless, or installed in the stage) makes TZ work without embedding it.
  if (zoneinfo === true) return;
  const tz = m.finalEnv.TZ;
  for (const b of m.goBuilds) {
    if (/-tags[= ]+["']?[^\s"']*\btimetzdata\b/.test(b.ins.args)) continue;
    if (tz && zoneinfo === false) {
      report({ message: `TZ=${tz} is set but "${m.finalRef}" has no zoneinfo and the binary does not embed it (-tags timetzdata): Go silently uses UTC`, line: b.ins.line, severity: S.ERROR });
    } else {
      const base = zoneinfo === false ? `"${m.finalRef}" has no zoneinfo` : `whether "${m.finalRef}" carries zoneinfo is not known`;
      report({ message: `go build without -tags timetzdata and ${base}: a TZ set at run time falls back to UTC`, line: b.ins.line, severity: S.WARNING });
    }
  }
  // TZ with no zoneinfo even without a visible go build (for example a pre-built binary).
  if (m.goBuilds.length === 0 && tz && zoneinfo === false) {
    const tzLine = m.finalStage.instructions.find((i) => i.keyword === 'ENV' && /\bTZ\b/.test(i.args))?.line;
    report({ message: `TZ=${tz} is set but "${m.finalRef}" has no zoneinfo: Go silently uses UTC unless the binary embeds time/tzdata`, line: tzLine, severity: S.ERROR });
  }
}

function b16(m: ImageModel, report: Report): void {
  const hc = [...m.finalStage.instructions].reverse().find((i) => i.keyword === 'HEALTHCHECK');
  if (!hc || /^NONE$/i.test(hc.args.trim())) return;
  const cmd = hc.args.replace(/^(--\S+\s+)*/, '').replace(/^CMD\s+/i, '');
  const v = healthCheckViolation(execForm(cmd) ?? cmd, { ref: m.finalRef, shell: m.finalBase.shell });
  if (v) report({ ...v, line: hc.line });
}

function b17(m: ImageModel, report: Report): void {
  const labels = new Set(m.finalStage.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => parseKeyValues(i.args).map(([k]) => k)));
  const wanted = ['title', 'source', 'version', 'revision', 'created', 'base.name', 'base.digest']
    .filter((k) => !labels.has(`org.opencontainers.image.${k}`))
    .filter((k) => !(k === 'base.digest' && m.finalRef === 'scratch'));
  if (wanted.length) report({ message: `missing OCI labels: ${wanted.map((k) => `org.opencontainers.image.${k}`).join(', ')}`, line: m.finalStage.from.line });
}

function b18(m: ImageModel, report: Report): void {
  const stages = m.dockerfile.stages;
  const versionCheck = stages.flatMap((s) => s.instructions).find((i) => i.keyword === 'RUN' && /go\s+version\s+-m/.test(i.args));
  // Running the binary is opt-in (HardenedGoImage selfCheck): only the program knows which arguments
  // exit 0, so an audit cannot demand a run; the static proof is always possible.
  if (m.goBuilds.length && !versionCheck) {
    report({ message: 'no build-time self-check (`go version -m` on the binary)', line: m.finalStage.from.line });
  }
  // The release the self-check greps `go version` for (": go1\.26([.]|$)") against the golang builder's tag.
  const declared = versionCheck && /: go((?:\d+\\\.)+\d+)/.exec(versionCheck.args)?.[1].replace(/\\\./g, '.');
  for (const b of declared ? m.goBuilds : []) {
    const builderRef = m.resolve(b.stage).resolvedBase;
    const v = goReleaseViolation(declared as string, builderRef, goReleaseOfBuilder(builderRef));
    if (v) report({ ...v, line: versionCheck!.line });
  }
}

function b19(m: ImageModel, report: Report): void {
  for (const b of m.goBuilds) {
    if (b.env.CGO_ENABLED === '1') continue;
    if (!(b.stage.platform ?? '').includes('BUILDPLATFORM')) {
      report({ message: 'the build stage is not FROM --platform=$BUILDPLATFORM: other platforms compile under emulation', line: b.stage.from.line });
    } else if (!/TARGETARCH/.test(b.ins.args + JSON.stringify(b.env))) {
      report({ message: 'go build does not take GOARCH from $TARGETARCH: every platform gets the build platform\'s binary', line: b.ins.line });
    }
  }
}

function b20(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const recorded = pod.podMeta.annotations?.['golden-go.dev/image-digest'];
    const field = `${pod.templatePath}metadata.annotations[golden-go.dev/image-digest]`;
    const digests = pod.containers.map((c) => PINNED_REFERENCE.exec(c.spec.image ?? '')?.[1]).filter(Boolean);
    if (!recorded) {
      report({ resource: pod.ref, field, message: 'no pipeline-recorded digest (golden-go.dev/image-digest): nothing ties the pods to the signed, SBOM-attested build' });
    } else if (!digests.includes(recorded)) {
      report({ resource: pod.ref, field, message: `golden-go.dev/image-digest ${recorded} is not the digest the containers run (${digests.join(', ') || 'none'})`, severity: S.ERROR });
    }
  }
}

function b21(m: ImageModel, report: Report): void {
  if (!/^docker\/dockerfile:1(\.\d+)*(-labs)?$/.test(m.dockerfile.directives.syntax ?? '')) {
    report({ message: 'no "# syntax=docker/dockerfile:1" parser directive on the first line', line: 1 });
  }
}

type Meta = Omit<RuleDefinition, 'id' | 'image' | 'workload'>;
const E = S.ERROR;
const W = S.WARNING;
const meta = (title: string, severity: S, target: T, rationale: string, source: string, remediation: string, neverSuppressible?: string): Meta =>
  ({ title, severity, target, rationale, source, remediation, ...(neverSuppressible ? { neverSuppressible } : {}) });

/** The image rules, in id order. */
export const BUILD_RULES: RuleDefinition[] = [
  { id: 'B01', ...meta('static binary', E, T.IMAGE, 'A cgo binary needs the builder\'s C library at run time; on distroless static, Chainguard static or scratch it fails with "no such file or directory".', 'seed 000 §2.4, §3.1', 'Build with CGO_ENABLED=0 and prove it in the build (`go version -m` shows CGO_ENABLED=0).'), image: b01 },
  { id: 'B02', ...meta('libc coherence', E, T.IMAGE, 'glibc symbols are versioned: a binary linked on a newer glibc, or on musl, does not load on an older glibc or on a libc-less base.', 'seed 000 §2.1–2.3', 'With cgo, use a runtime base of the builder\'s libc family and the same or a newer release (golang:*-trixie → distroless base-debian13).'), image: b02 },
  { id: 'B03', ...meta('module layer first', W, T.IMAGE, 'Copying go.mod/go.sum and downloading modules before the source keeps the module layer cached and verified.', 'seed 000 ch.1', 'COPY go.mod go.sum → RUN go mod download && go mod verify → COPY the source.'), image: b03 },
  { id: 'B04', ...meta('.dockerignore', E, T.IMAGE, 'Without one, .git, local .env files and secrets enter the build context; excluding go.mod or go.sum breaks the module layer.', 'seed 000 §3.2', 'Use the generated .dockerignore; never exclude go.mod or go.sum.'), image: b04 },
  { id: 'B05', ...meta('GOPROXY as ARG→ENV', E, T.IMAGE, 'The build must take its module proxy from --build-arg GOPROXY. An ARG declared only before FROM is empty inside a stage, and a `go env -w` file left in the image decides wherever the variable is not in the environment. Correction of seed 000 ch.1: an ENV beats `go env -w`, so the file is a risk only where no ENV is set.', 'seed 000 ch.1, §4; go help environment', 'ARG GOPROXY=<default>, `ARG GOPROXY` again inside the build stage, then ENV GOPROXY=${GOPROXY}; no `go env -w`.'), image: b05 },
  {
    id: 'B06',
    ...meta('checksum database stays on', E, T.IMAGE, 'GONOSUMDB=*, GOPRIVATE=*, GOSUMDB=off or GOINSECURE switch off tamper detection: exactly what a hijacked GOPROXY exploits. Correction of seed 000 §4.3 and ch.5, which recommend GONOSUMDB="*".', 'seed 000 §4', 'List private module prefixes in GOPRIVATE/GONOSUMDB (github.com/acme/*), keep GOSUMDB.',
      'the checksum database off for every module protects nobody: every consumer of the image inherits modules nobody verified, and no reason written for one service can vouch for that'),
    image: b06,
  },
  { id: 'B07', ...meta('locked module graph', W, T.IMAGE, 'Without -mod=readonly the build may rewrite go.mod; without GOTOOLCHAIN=local it may download another toolchain.', 'seed 000 §4', 'ENV GOFLAGS=-mod=readonly GOTOOLCHAIN=local.'), image: b07 },
  {
    id: 'B08',
    ...meta('secrets never in build args', E, T.IMAGE, 'Build arguments and ENV stay in the image history and in provenance attestations.', 'Docker build reference', 'Pass credentials with RUN --mount=type=secret (for example a netrc).',
      'a credential in a build argument or ENV is in the image history of every copy of the image, forever: a suppression cannot take it back out'),
    image: b08,
  },
  { id: 'B09', ...meta('reproducible build', W, T.IMAGE, 'Without -trimpath, fixed ldflags and SOURCE_DATE_EPOCH, two builds of the same commit differ and cannot be compared or verified.', 'seed 000 ch.5', 'go build -trimpath -ldflags "-s -w -X …", build time from SOURCE_DATE_EPOCH.'), image: b09 },
  { id: 'B10', ...meta('build caches', W, T.IMAGE, 'Without cache mounts every build downloads modules and recompiles the standard library.', 'seed 000 ch.5', 'RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build go build …'), image: b10 },
  { id: 'B11', ...meta('bases pinned by digest', W, T.IMAGE, 'A tag can be moved to other bytes at any time; only a digest names what was scanned and tested.', 'seed 000 ch.5', 'FROM name:tag@sha256:…; let Renovate bump the digest.'), image: b11 },
  { id: 'B12', ...meta('minimal runtime', W, T.IMAGE, 'A shell and a package manager in the runtime image are attack surface and CVE noise.', 'seed 000 ch.5', 'Run on distroless static (Debian 13, nonroot), Chainguard static or an assembled scratch.'), image: b12 },
  { id: 'B13', ...meta('numeric non-root user', E, T.IMAGE, 'runAsNonRoot can only verify a numeric user; root in the image defeats the restricted profile.', 'seeds 000 ch.5, 004', 'USER 65532:65532.'), image: b13 },
  { id: 'B14', ...meta('exec-form entrypoint', E, T.IMAGE, 'A shell as PID 1 ignores SIGTERM: in-flight requests are cut off by SIGKILL after the grace period.', 'seed 004 ch.4', 'ENTRYPOINT ["/app"] (exec form, the Go binary itself).'), image: b14, workload: b14Workload },
  { id: 'B15', ...meta('zoneinfo always present', E, T.IMAGE, 'An unknown TZ silently falls back to UTC in Go; scratch and musl images often have no zoneinfo.', 'seed 004 ch.2', 'Build with -tags timetzdata (or import time/tzdata), or run on a base that carries zoneinfo (distroless ships it).'), image: b15 },
  { id: 'B16', ...meta('no shell healthcheck', E, T.IMAGE, 'Distroless and scratch have no wget, curl or shell: the HEALTHCHECK always fails. Correction of seed 004 ch.5.', 'seed 004 ch.5', 'HEALTHCHECK CMD ["/app", "healthcheck"] (exec form, the service binary), or none: Kubernetes uses probes.'), image: b16 },
  { id: 'B17', ...meta('OCI labels', W, T.IMAGE, 'Without source/revision/version/created/base labels, registries and Renovate cannot trace the image.', 'seed 000 ch.5', 'LABEL org.opencontainers.image.{title,source,version,revision,created,base.name,base.digest}.'), image: b17 },
  { id: 'B18', ...meta('build-time self-check', W, T.IMAGE, 'A build that never inspects its binary ships images built with the wrong Go release or linking.', 'seed 004 ch.1', 'A build step that checks `go version -m` of the binary (CGO_ENABLED, Go release); running the binary on the runtime base only where its arguments are declared.'), image: b18 },
  { id: 'B19', ...meta('cross-compilation', W, T.IMAGE, 'Compiling under emulation is slow and fragile; Go cross-compiles natively.', 'seed 000 §3.3', 'FROM --platform=$BUILDPLATFORM for the builder, GOOS=$TARGETOS GOARCH=$TARGETARCH.'), image: b19 },
  { id: 'B20', ...meta('SBOM and signature', W, T.KUBERNETES, 'Only a signed digest with an SBOM ties what runs to what was built; the manifests must carry that digest.', 'seed 000 ch.5', 'Sign the pushed digest with cosign, attach an SPDX SBOM, and pin exactly that digest (golden-go.dev/image-digest).'), workload: b20 },
  { id: 'B21', ...meta('BuildKit syntax', W, T.IMAGE, 'Without the syntax directive, older builders miss cache/secret mounts.', 'seed 000 ch.5', '# syntax=docker/dockerfile:1 as the first line.'), image: b21 },
];
