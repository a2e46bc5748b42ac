/** One Dockerfile instruction, continuation lines joined. */
export interface Instruction {
  /** Upper-case keyword (FROM, RUN, …). */
  readonly keyword: string;
  /** Everything after the keyword, continuations joined with a space. */
  readonly args: string;
  /** 1-based line of the keyword. */
  readonly line: number;
}

/** A build stage: its FROM and the instructions after it. */
export interface Stage {
  readonly from: Instruction;
  /** Base image as written (after the flags). */
  readonly base: string;
  /** The base with ${ARG} references replaced by the global ARG defaults. */
  readonly resolvedBase: string;
  /** `--platform=…` value, if any. */
  readonly platform?: string;
  /** `AS name`, lower-case. */
  readonly name?: string;
  readonly instructions: Instruction[];
}

export interface ParsedDockerfile {
  /** Parser directives such as syntax=… from the top comment block, lower-case keys. */
  readonly directives: Record<string, string>;
  /** Global ARGs before the first FROM with their defaults. */
  readonly globalArgs: Record<string, string>;
  readonly stages: Stage[];
  /** `# golden-go:suppress <ID> <reason>` comments. */
  readonly suppressions: Record<string, string>;
}

const SUPPRESS = /^#\s*golden-go:suppress\s+([BR]\d{2})\s+(.+)$/;

/** A small, forgiving Dockerfile parser: enough structure for the checklist, never a build. */
export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/\r\n/g, '\n').split('\n');
  const directives: Record<string, string> = {};
  const suppressions: Record<string, string> = {};
  const instructions: Instruction[] = [];
  let inDirectives = true;
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i];
    const trimmed = raw.trim();
    if (trimmed.startsWith('#')) {
      const d = /^#\s*([a-zA-Z]+)\s*=\s*(\S+)\s*$/.exec(trimmed);
      if (inDirectives && d) directives[d[1].toLowerCase()] = d[2];
      else inDirectives = false;
      const s = SUPPRESS.exec(trimmed);
      if (s) suppressions[s[1]] = s[2].trim();
      i++;
      continue;
    }
    inDirectives = false;
    if (trimmed === '') {
      i++;
      continue;
    }
    const start = i;
    let body = trimmed;
    // Continuation lines (comments inside a continued instruction are dropped, as BuildKit does).
    while (body.endsWith('\\') && i + 1 < lines.length) {
      body = body.slice(0, -1);
      i++;
      const next = lines[i].trim();
      if (next.startsWith('#')) continue;
      body += ' ' + next;
    }
    // Heredocs: `<<EOF` … `EOF` belong to the instruction.
    const heredoc = /<<-?\s*['"]?([A-Za-z_][A-Za-z0-9_]*)['"]?/.exec(body);
    if (heredoc) {
      while (i + 1 < lines.length && lines[i + 1].trim() !== heredoc[1]) {
        i++;
        body += '\n' + lines[i];
      }
      i++;
    }
    const m = /^([A-Za-z]+)\s*(.*)$/s.exec(body);
    if (m) instructions.push({ keyword: m[1].toUpperCase(), args: m[2].trim(), line: start + 1 });
    i++;
  }

  const globalArgs: Record<string, string> = {};
  const stages: Stage[] = [];
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const tokens = ins.args.split(/\s+/);
      let platform: string | undefined;
      while (tokens[0]?.startsWith('--')) {
        const flag = tokens.shift()!;
        const p = /^--platform=(.*)$/.exec(flag);
        if (p) platform = p[1];
      }
      const base = tokens[0] ?? '';
      const name = tokens.length >= 3 && tokens[1].toUpperCase() === 'AS' ? tokens[2].toLowerCase() : undefined;
      stages.push({ from: ins, base, resolvedBase: expandArgs(base, globalArgs), platform, name, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        for (const [k, v] of parseKeyValues(ins.args)) globalArgs[k] = v ?? '';
      }
    } else {
      stages[stages.length - 1].instructions.push(ins);
    }
  }
  return { directives, globalArgs, stages, suppressions };
}

/** `${NAME}`, `$NAME` and `${NAME:-default}` from the given values. */
export function expandArgs(value: string, args: Record<string, string>): string {
  return value.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (whole, a, def, b) => {
    const key = a ?? b;
    if (key in args && args[key] !== '') return args[key];
    return def ?? whole;
  });
}

/** `KEY=VALUE KEY2="v 2"` (ENV, ARG, LABEL) or the legacy `ENV KEY value` form. */
export function parseKeyValues(args: string): Array<[string, string | undefined]> {
  const out: Array<[string, string | undefined]> = [];
  if (!/^\S+=/.test(args)) {
    const m = /^(\S+)(?:\s+(.*))?$/s.exec(args);
    if (m) out.push([m[1], m[2]?.trim()]);
    return out;
  }
  const re = /([A-Za-z_][A-Za-z0-9_.-]*)(?:=("(?:[^"\\]|\\.)*"|'[^']*'|\S*))?/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(args))) {
    let v = m[2];
    if (v !== undefined && /^(["']).*\1$/s.test(v)) v = v.slice(1, -1);
    out.push([m[1], v]);
  }
  return out;
}

/** Whether an ENTRYPOINT/CMD/RUN/HEALTHCHECK argument is in exec (JSON array) form, and its argv. */
export function execForm(args: string): string[] | undefined {
  if (!args.startsWith('[')) return undefined;
  try {
    const v = JSON.parse(args);
    return Array.isArray(v) && v.every((x) => typeof x === 'string') ? v : undefined;
  } catch {
    return undefined;
  }
}
