import { invalidValue } from './errors';

/** A `go` directive value as go.mod writes it: `1.23`, `1.25.0`, `1.21rc1`. */
const GO_DIRECTIVE = /^1\.(\d+)(?:\.(\d+)|rc\d+)?$/;

/** Minor and patch release of a `go` directive value; `prop` is named in the error. */
export function parseGoDirective(prop: string, value: string): { minor: number; patch?: number } {
  const m = GO_DIRECTIVE.exec(value);
  if (!m) throw invalidValue(prop, value, 'the `go` line of go.mod, such as "1.23" or "1.25.0"');
  return { minor: Number(m[1]), patch: m[2] === undefined ? undefined : Number(m[2]) };
}

/**
 * The `go` directive of a go.mod file. A go.mod without one is treated by the go command as
 * `go 1.16`, which is what decides the module's GODEBUG defaults, so that is what is returned.
 * @param source where the text came from, named in the error
 */
export function goDirectiveOf(goMod: string, source: string): string {
  const line = /^go[ \t]+(\S+)[ \t]*(?:\/\/.*)?$/m.exec(goMod);
  if (!line) return '1.16';
  parseGoDirective(source, line[1]);
  return line[1];
}
