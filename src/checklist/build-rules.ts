import { execForm, expandArgs, Instruction, parseDockerfile, parseKeyValues, ParsedDockerfile, Stage } from './dockerfile-parser';
import { RawFinding } from './findings';
import { RuleSeverity } from './rules';
import { PINNED_REFERENCE, SECRET_NAME } from '../core/constants';

/** Rule ids the Dockerfile checks evaluate (B20 is checked on the manifests). */
export const IMAGE_RULE_IDS = ['B01', 'B02', 'B03', 'B04', 'B05', 'B06', 'B07', 'B08', 'B09', 'B10', 'B11', 'B12', 'B13', 'B14', 'B15', 'B16', 'B17', 'B18', 'B19', 'B21'];

type Libc = 'none' | 'glibc' | 'musl' | undefined;

/** What a base image reference says about the image, from its name. */
function describeBase(ref: string): { libc: Libc; shell: boolean | undefined; zoneinfo: boolean | undefined; minimal: boolean } {
  const r = ref.toLowerCase();
  if (r === 'scratch') return { libc: 'none', shell: false, zoneinfo: false, minimal: true };
  if (/distroless\/static|chainguard\/static|wolfi-base-static/.test(r)) return { libc: 'none', shell: /:debug/.test(r), zoneinfo: true, minimal: !/:debug/.test(r) };
  if (/distroless\/(base|cc)/.test(r)) return { libc: 'glibc', shell: /:debug/.test(r), zoneinfo: true, minimal: !/:debug/.test(r) };
  if (/glibc/.test(r)) return { libc: 'glibc', shell: true, zoneinfo: undefined, minimal: false };
  if (/alpine|musl/.test(r)) return { libc: 'musl', shell: true, zoneinfo: false, minimal: false };
  if (/(^|\/)(golang|debian|ubuntu|buildpack-deps|fedora|centos|rockylinux|almalinux|ubi\d*|amazonlinux)(:|@|$)|bookworm|bullseye|trixie|jammy|noble|-slim/.test(r)) {
    return { libc: 'glibc', shell: true, zoneinfo: !/slim/.test(r) ? undefined : false, minimal: false };
  }
  if (/(^|\/)busybox(:|@|$)/.test(r)) return { libc: undefined, shell: true, zoneinfo: false, minimal: false };
  return { libc: undefined, shell: undefined, zoneinfo: undefined, minimal: false };
}

/** Environment a stage's RUN instructions see: global ARG defaults, stage ARGs and ENVs, inherited from a parent stage. */
function stageEnv(df: ParsedDockerfile, stage: Stage, upTo?: Instruction): Record<string, string> {
  const parent = df.stages.find((s) => s.name && s.name === stage.base.toLowerCase());
  const env: Record<string, string> = parent ? stageEnv(df, parent) : {};
  const args: Record<string, string> = {};
  for (const ins of stage.instructions) {
    if (upTo && ins.line >= upTo.line) break;
    if (ins.keyword === 'ARG') {
      for (const [k, v] of parseKeyValues(ins.args)) args[k] = v ?? df.globalArgs[k] ?? '';
    }
    if (ins.keyword === 'ENV') {
      for (const [k, v] of parseKeyValues(ins.args)) env[k] = expandArgs(v ?? '', { ...args, ...env });
    }
  }
  return env;
}

/** `A=1 B=2 cmd …` prefixes and `export A=1;` inside a RUN shell command. */
function inlineEnv(run: string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const m of run.matchAll(/(?:^|[\s;&|(])(?:export\s+)?([A-Z_][A-Z0-9_]*)=("[^"]*"|'[^']*'|[^\s;&|]*)/g)) {
    env[m[1]] = m[2].replace(/^["']|["']$/g, '');
  }
  return env;
}

const GO_BUILD = /\bgo\s+(build|install)\b/;

function runsGoBuild(ins: Instruction): boolean {
  return ins.keyword === 'RUN' && GO_BUILD.test(ins.args);
}

/** Checks a Dockerfile (and, when known, its .dockerignore) against the image rules. */
export function checkDockerfile(text: string, dockerignore?: string | null): RawFinding[] {
  const df = parseDockerfile(text);
  const out: RawFinding[] = [];
  const f = (ruleId: string, message: string, line?: number, severity?: RuleSeverity) => out.push({ ruleId, message, line, severity });
  if (df.stages.length === 0) {
    f('B21', 'no FROM instruction: this is not a Dockerfile golden-go can check', 1, RuleSeverity.WARNING);
    return out;
  }
  const finalStage = df.stages[df.stages.length - 1];
  const resolve = (s: Stage): Stage => {
    const parent = df.stages.find((p) => p.name && p.name === s.base.toLowerCase() && p !== s);
    return parent ? resolve(parent) : s;
  };
  const finalBase = describeBase(resolve(finalStage).resolvedBase);
  const finalRef = resolve(finalStage).resolvedBase;

  // B21
  if (!/^docker\/dockerfile:1(\.\d+)*(-labs)?$/.test(df.directives.syntax ?? '')) {
    f('B21', 'no "# syntax=docker/dockerfile:1" parser directive on the first line', 1);
  }

  // B11: every FROM that is not a stage or scratch, resolved through ARG defaults.
  const stageNames = new Set(df.stages.map((s) => s.name).filter(Boolean));
  for (const s of df.stages) {
    if (stageNames.has(s.base.toLowerCase()) || s.resolvedBase === 'scratch') continue;
    if (!PINNED_REFERENCE.test(s.resolvedBase)) {
      f('B11', `base "${s.resolvedBase}" is not pinned by digest`, s.from.line);
    }
  }

  const goBuilds: Array<{ stage: Stage; ins: Instruction; env: Record<string, string> }> = [];
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (runsGoBuild(ins)) goBuilds.push({ stage, ins, env: { ...stageEnv(df, stage, ins), ...inlineEnv(ins.args) } });
    }
  }

  // B05, B06, B08: module and secret settings anywhere.
  const settings: Array<{ key: string; value: string; line: number; how: string }> = [];
  for (const [k, v] of Object.entries(df.globalArgs)) settings.push({ key: k, value: v, line: 1, how: 'ARG' });
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        for (const [k, v] of parseKeyValues(ins.args)) settings.push({ key: k, value: v ?? '', line: ins.line, how: ins.keyword });
      }
      if (ins.keyword === 'RUN') {
        for (const [k, v] of Object.entries(inlineEnv(ins.args))) settings.push({ key: k, value: v, line: ins.line, how: 'RUN' });
        for (const m of ins.args.matchAll(/\bgo\s+env\s+-w\s+((?:[A-Z_][A-Z0-9_]*=("[^"]*"|'[^']*'|\S*)\s*)+)/g)) {
          for (const [k, v] of parseKeyValues(m[1])) {
            settings.push({ key: k, value: v ?? '', line: ins.line, how: 'go env -w' });
            if (['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS', 'GOINSECURE', 'GONOPROXY'].includes(k)) {
              f('B05', `\`go env -w ${k}=…\` writes the Go env file, which silently wins over --build-arg ${k}`, ins.line);
            }
          }
        }
      }
    }
  }
  const argNames = new Set(settings.filter((s) => s.how === 'ARG').map((s) => s.key));
  for (const s of settings) {
    const value = s.value.trim();
    if (s.key === 'GOPROXY' && s.how === 'ENV' && !/\$\{?GOPROXY\}?/.test(value) && !argNames.has('GOPROXY')) {
      f('B05', `ENV GOPROXY=${value} is hard-coded: --build-arg GOPROXY cannot change it; declare ARG GOPROXY=<default> and ENV GOPROXY=\${GOPROXY}`, s.line);
    }
    if ((s.key === 'GONOSUMDB' || s.key === 'GOPRIVATE' || s.key === 'GONOSUMCHECK') && value.split(',').some((p) => /^\*+$/.test(p.trim()) || p.trim().startsWith('*/') )) {
      f('B06', `${s.key}=${value} (${s.how}) matches every module and switches the checksum database off for all of them`, s.line);
    }
    if (s.key === 'GOSUMDB' && /^off$/i.test(value)) f('B06', `GOSUMDB=off (${s.how}) switches off tamper detection for every module`, s.line);
    if (s.key === 'GOINSECURE' && value !== '') f('B06', `GOINSECURE=${value} (${s.how}) fetches modules without TLS and without checksum verification`, s.line);
    if (s.key === 'GOFLAGS' && /-insecure\b/.test(value)) f('B06', `GOFLAGS=${value} (${s.how}) allows insecure module fetches`, s.line);
    if ((s.how === 'ARG' || s.how === 'ENV') && SECRET_NAME.test(s.key)) {
      f('B08', `${s.how} ${s.key} puts a credential into the image history; use RUN --mount=type=secret`, s.line);
    }
  }

  // B01/B02: cgo against the runtime base.
  for (const b of goBuilds) {
    const cgo = b.env.CGO_ENABLED;
    const builder = describeBase(resolve(b.stage).resolvedBase);
    if (cgo === '0') continue;
    if (cgo === '1') {
      if (finalBase.libc === 'none') {
        f('B02', `CGO_ENABLED=1 links against the builder's C library, but the runtime base "${finalRef}" has none: the binary cannot start`, b.ins.line);
      } else if (builder.libc && finalBase.libc && builder.libc !== finalBase.libc) {
        f('B02', `cgo build on a ${builder.libc} builder ("${resolve(b.stage).resolvedBase}") runs on a ${finalBase.libc} base ("${finalRef}"): the ELF interpreter and symbols do not match`, b.ins.line);
      }
      continue;
    }
    // Unset: golang images default to CGO_ENABLED=1 when a C compiler is present.
    f('B01', `go build without CGO_ENABLED=0: golang images default to cgo when gcc is present, so the binary may be dynamically linked${finalBase.libc === 'none' ? ` and fail on "${finalRef}"` : ''}`,
      b.ins.line, finalBase.libc === 'none' ? RuleSeverity.ERROR : RuleSeverity.WARNING);
  }

  // B03, B07, B09, B10, B15, B19 per build.
  for (const b of goBuilds) {
    const ins = b.stage.instructions;
    const download = ins.find((i) => i.keyword === 'RUN' && /\bgo\s+mod\s+download\b/.test(i.args));
    const copyAll = ins.find((i) => (i.keyword === 'COPY' || i.keyword === 'ADD') && !/--from=/.test(i.args) && /(^|\s)\.\/?\s+\S+$/.test(i.args));
    if (!download) f('B03', 'no `go mod download` layer: every source change downloads all modules again', b.ins.line);
    else if (copyAll && copyAll.line < download.line) f('B03', 'the source is copied before `go mod download`, so the module layer is rebuilt on every change', copyAll.line);
    else if (!/go\s+mod\s+verify/.test(download.args)) f('B03', '`go mod download` without `go mod verify`', download.line);

    const goflags = `${b.env.GOFLAGS ?? ''} ${b.ins.args}`;
    const missing = [!/-mod=readonly/.test(goflags) ? 'GOFLAGS=-mod=readonly' : '', b.env.GOTOOLCHAIN !== 'local' ? 'GOTOOLCHAIN=local' : ''].filter(Boolean);
    if (missing.length) f('B07', `build without ${missing.join(' and ')}`, b.ins.line);

    const noTrim = !/-trimpath/.test(b.ins.args);
    const noStrip = !/-ldflags[= ]+["']?[^"']*-s\b[^"']*-w\b|-ldflags[= ]+["']?[^"']*-w\b[^"']*-s\b/.test(b.ins.args);
    if (noTrim || noStrip) f('B09', `go build without ${[noTrim ? '-trimpath' : '', noStrip ? '-ldflags "-s -w"' : ''].filter(Boolean).join(' and ')}`, b.ins.line);

    if (!/--mount=type=cache/.test(b.ins.args)) f('B10', 'go build without cache mounts for /go/pkg/mod and /root/.cache/go-build', b.ins.line);

    if (!/-tags[= ]+["']?[^\s"']*\btimetzdata\b/.test(b.ins.args)) {
      const tz = stageEnv(df, finalStage).TZ;
      if (tz && finalBase.zoneinfo === false) {
        f('B15', `TZ=${tz} is set but "${finalRef}" has no zoneinfo and the binary does not embed it (-tags timetzdata): Go silently uses UTC`, b.ins.line, RuleSeverity.ERROR);
      } else {
        f('B15', 'go build without -tags timetzdata: TZ only works where the runtime base carries zoneinfo', b.ins.line, RuleSeverity.WARNING);
      }
    }

    if (b.env.CGO_ENABLED !== '1' && !(b.stage.platform ?? '').includes('BUILDPLATFORM')) {
      f('B19', 'the build stage is not FROM --platform=$BUILDPLATFORM: other platforms compile under emulation', b.stage.from.line);
    } else if (b.env.CGO_ENABLED !== '1' && !/TARGETARCH/.test(b.ins.args + JSON.stringify(b.env))) {
      f('B19', 'go build does not take GOARCH from $TARGETARCH: every platform gets the build platform\'s binary', b.ins.line);
    }
  }

  // TZ with no zoneinfo even without a visible go build (for example a pre-built binary).
  const finalEnv = stageEnv(df, finalStage);
  if (goBuilds.length === 0 && finalEnv.TZ && finalBase.zoneinfo === false) {
    const tzLine = finalStage.instructions.find((i) => i.keyword === 'ENV' && /\bTZ\b/.test(i.args))?.line;
    const installs = finalStage.instructions.some((i) => i.keyword === 'RUN' && /tzdata/.test(i.args));
    if (!installs) f('B15', `TZ=${finalEnv.TZ} is set but "${finalRef}" has no zoneinfo: Go silently uses UTC unless the binary embeds time/tzdata`, tzLine, RuleSeverity.ERROR);
  }

  // B12, B13, B14, B16, B17, B18 on the final stage.
  if (finalBase.shell === true || (finalBase.libc !== undefined && !finalBase.minimal)) {
    f('B12', `runtime base "${finalRef}" ships a shell${finalBase.libc === 'musl' || finalBase.libc === 'glibc' ? ' and a package manager' : ''}; run on distroless static, Chainguard static or scratch`, finalStage.from.line);
  }
  const user = [...finalStage.instructions].reverse().find((i) => i.keyword === 'USER');
  if (!user) {
    const nonrootBase = /:nonroot|chainguard\/static/.test(finalRef);
    f('B13', nonrootBase ? `no USER: the image relies on "${finalRef}" to run as non-root` : 'no USER instruction: the container runs as root',
      finalStage.from.line, nonrootBase ? RuleSeverity.WARNING : RuleSeverity.ERROR);
  } else {
    const u = user.args.split(':')[0].trim();
    if (u === '0' || u === 'root') f('B13', `USER ${user.args} runs as root`, user.line);
    else if (!/^[0-9]+$/.test(u)) f('B13', `USER ${user.args} is not numeric: runAsNonRoot cannot verify it, the kubelet refuses to start the pod`, user.line);
  }

  for (const kw of ['ENTRYPOINT', 'CMD']) {
    const ins = [...finalStage.instructions].reverse().find((i) => i.keyword === kw);
    if (!ins) continue;
    const argv = execForm(ins.args);
    const hasEntrypoint = finalStage.instructions.some((i) => i.keyword === 'ENTRYPOINT');
    if (!argv) {
      if (kw === 'ENTRYPOINT' || !hasEntrypoint) f('B14', `${kw} ${ins.args} is shell form: /bin/sh -c becomes PID 1 and SIGTERM never reaches the Go binary`, ins.line);
    } else if (/^(\/(usr\/)?bin\/)?(sh|bash|ash|dash)$/.test(argv[0]) && argv.includes('-c')) {
      f('B14', `${kw} ${ins.args} wraps the binary in a shell: SIGTERM stops at the shell`, ins.line);
    }
  }

  const hc = [...finalStage.instructions].reverse().find((i) => i.keyword === 'HEALTHCHECK');
  if (hc && !/^NONE$/i.test(hc.args.trim())) {
    const cmd = hc.args.replace(/^(--\S+\s+)*/, '').replace(/^CMD\s+/i, '');
    const argv = execForm(cmd);
    const words = argv ?? cmd.split(/\s+/);
    const tool = (words[0] ?? '').split('/').pop() ?? '';
    const noTools = finalBase.shell === false;
    if (!argv || ['wget', 'curl', 'sh', 'bash'].includes(tool)) {
      f('B16', `HEALTHCHECK ${argv ? tool : 'in shell form'} needs ${argv ? tool : 'a shell'}${noTools ? `, which "${finalRef}" does not have: the check always fails` : ''}; call the service binary in exec form`,
        hc.line, noTools ? RuleSeverity.ERROR : RuleSeverity.WARNING);
    }
  }

  const labels = new Set(finalStage.instructions.filter((i) => i.keyword === 'LABEL').flatMap((i) => parseKeyValues(i.args).map(([k]) => k)));
  const wanted = ['title', 'source', 'version', 'revision', 'created', 'base.name', 'base.digest'].filter((k) => !labels.has(`org.opencontainers.image.${k}`));
  if (finalRef === 'scratch') wanted.splice(wanted.indexOf('base.digest'), wanted.includes('base.digest') ? 1 : 0);
  if (wanted.length) f('B17', `missing OCI labels: ${wanted.map((k) => `org.opencontainers.image.${k}`).join(', ')}`, finalStage.from.line);

  const versionCheck = df.stages.some((s) => s.instructions.some((i) => i.keyword === 'RUN' && /go\s+version\s+-m/.test(i.args)));
  const runOnRuntime = df.stages.some((s) => s !== finalStage && (s.resolvedBase === finalStage.resolvedBase || s.base === finalStage.base)
    && s.instructions.some((i) => i.keyword === 'RUN' && execForm(i.args) !== undefined));
  if (goBuilds.length && (!versionCheck || !runOnRuntime)) {
    f('B18', `no build-time self-check${!versionCheck ? ' (`go version -m` on the binary)' : ''}${!runOnRuntime ? ' (running the binary on the runtime base)' : ''}`, finalStage.from.line);
  }

  // B04: the ignore file, when it is known.
  if (dockerignore === null) {
    f('B04', 'no .dockerignore next to the Dockerfile: .git, .env files and local secrets enter the build context', 1);
  } else if (dockerignore !== undefined) {
    out.push(...checkDockerignore(dockerignore));
  }
  return out;
}

/** Checks a .dockerignore: the module files must stay in the context, secrets must stay out. */
export function checkDockerignore(text: string): RawFinding[] {
  const out: RawFinding[] = [];
  const lines = text.split('\n').map((l, i) => ({ p: l.trim(), line: i + 1 })).filter((l) => l.p && !l.p.startsWith('#'));
  for (const file of ['go.mod', 'go.sum']) {
    let excluded: number | undefined;
    for (const { p, line } of lines) {
      const neg = p.startsWith('!');
      if (globMatches(neg ? p.slice(1) : p, file)) excluded = neg ? undefined : line;
    }
    if (excluded) out.push({ ruleId: 'B04', message: `.dockerignore excludes ${file}; the module layer needs it`, line: excluded });
  }
  const missing = ['.git', '.env'].filter((secret) => !lines.some(({ p }) => !p.startsWith('!') && globMatches(p, secret)));
  if (missing.length) out.push({ ruleId: 'B04', message: `.dockerignore does not exclude ${missing.join(' or ')}`, severity: RuleSeverity.WARNING, line: 1 });
  return out;
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
