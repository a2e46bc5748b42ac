import { expandArgs, Instruction, ParsedDockerfile, parseDockerfile, parseKeyValues, Stage } from './dockerfile-parser';
import { DEBIAN_GLIBC } from '../core/constants';

/**
 * The typed model the image rules (B01–B21) check: a Dockerfile as parsed, with the facts the rules
 * share derived once (final stage and its base, the go builds and the environment they see, every
 * module setting). Built the same way from golden-go's rendering and from a foreign Dockerfile.
 */
export interface ImageModel {
  readonly dockerfile: ParsedDockerfile;
  /** The .dockerignore text; `null` when the file is known to be missing, undefined when unknown. */
  readonly dockerignore?: string | null;
  readonly finalStage: Stage;
  /** What the final stage runs on, resolved through stage aliases and ARG defaults. */
  readonly finalRef: string;
  readonly finalBase: BaseFacts;
  readonly goBuilds: GoBuild[];
  /** Module and credential settings anywhere (global ARGs, ARG/ENV, inline RUN env, `go env -w`). */
  readonly settings: Setting[];
  /** Environment of the final stage. */
  readonly finalEnv: Record<string, string>;
  /** The stage a stage builds on, followed through aliases. */
  resolve(stage: Stage): Stage;
}

export interface GoBuild {
  readonly stage: Stage;
  readonly ins: Instruction;
  readonly env: Record<string, string>;
}

export interface Setting {
  readonly key: string;
  readonly value: string;
  readonly line: number;
  readonly how: 'ARG' | 'ENV' | 'RUN' | 'go env -w';
}

export type LibcFamily = 'none' | 'glibc' | 'musl' | undefined;

/** What a base image reference says about the image, from its name. */
export interface BaseFacts {
  readonly libc: LibcFamily;
  /** The glibc release of a Debian line the name gives away (bookworm, trixie, debian12, debian13). */
  readonly libcVersion?: string;
  readonly shell: boolean | undefined;
  readonly zoneinfo: boolean | undefined;
  readonly minimal: boolean;
}

/** A model of the Dockerfile text (and, when known, its .dockerignore); undefined when it has no FROM. */
export function buildImageModel(text: string, dockerignore?: string | null): ImageModel | undefined {
  const df = parseDockerfile(text);
  if (df.stages.length === 0) return undefined;
  const resolve = (s: Stage): Stage => {
    const parent = df.stages.find((p) => p.name && p.name === s.base.toLowerCase() && p !== s);
    return parent ? resolve(parent) : s;
  };
  const finalStage = df.stages[df.stages.length - 1];
  const finalRef = resolve(finalStage).resolvedBase;
  const goBuilds: GoBuild[] = [];
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (runsGoBuild(ins)) goBuilds.push({ stage, ins, env: { ...stageEnv(df, stage, ins), ...inlineEnv(ins.args) } });
    }
  }
  return {
    dockerfile: df,
    dockerignore,
    finalStage,
    finalRef,
    finalBase: describeBase(finalRef),
    goBuilds,
    settings: moduleSettings(df),
    finalEnv: stageEnv(df, finalStage),
    resolve,
  };
}

/** Module settings a `go env -w` file can hold; it decides wherever the variable is not in the environment (B05). */
export const GO_ENV_W_KEYS = ['GOPROXY', 'GOSUMDB', 'GONOSUMDB', 'GOPRIVATE', 'GOFLAGS', 'GOINSECURE', 'GONOPROXY'];

function moduleSettings(df: ParsedDockerfile): Setting[] {
  const settings: Setting[] = [];
  for (const [k, v] of Object.entries(df.globalArgs)) settings.push({ key: k, value: v, line: 1, how: 'ARG' });
  for (const stage of df.stages) {
    for (const ins of stage.instructions) {
      if (ins.keyword === 'ENV' || ins.keyword === 'ARG') {
        for (const [k, v] of parseKeyValues(ins.args)) settings.push({ key: k, value: v ?? '', line: ins.line, how: ins.keyword });
      }
      if (ins.keyword !== 'RUN') continue;
      for (const [k, v] of Object.entries(inlineEnv(ins.args))) settings.push({ key: k, value: v, line: ins.line, how: 'RUN' });
      for (const m of ins.args.matchAll(/\bgo\s+env\s+-w\s+((?:[A-Z_][A-Z0-9_]*=("[^"]*"|'[^']*'|\S*)\s*)+)/g)) {
        for (const [k, v] of parseKeyValues(m[1])) settings.push({ key: k, value: v ?? '', line: ins.line, how: 'go env -w' });
      }
    }
  }
  return settings;
}


/** Debian release names of distroless's `-debianNN` suffixes. */
const DEBIAN_RELEASES: Record<string, string> = { debian10: 'buster', debian11: 'bullseye', debian12: 'bookworm', debian13: 'trixie' };

/** What a base image reference says about the image, from its name. */
export function describeBase(ref: string): BaseFacts {
  const facts = describeByName(ref.toLowerCase());
  if (facts.libc !== 'glibc') return facts;
  const line = /buster|bullseye|bookworm|trixie|debian1[0-3]/.exec(ref.toLowerCase())?.[0];
  return line ? { ...facts, libcVersion: DEBIAN_GLIBC[DEBIAN_RELEASES[line] ?? line] } : facts;
}

function describeByName(r: string): BaseFacts {
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

