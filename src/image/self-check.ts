import { checkPattern, PATTERNS } from '../core/patterns';

/**
 * Whether the image build runs the built binary, and with which arguments.
 *
 * The build always proves the binary statically (`go version -m`: CGO_ENABLED and the Go release).
 * Running it is only sound when the program is known to accept the arguments and exit 0, so it is
 * opt-in: a service without a `-version` flag must still build.
 */
export class SelfCheck {
  /**
   * Static proof only: the binary is never run during the build.
   */
  public static none(): SelfCheck {
    return new SelfCheck([]);
  }

  /**
   * Runs `/app <args…>` during the build, on the build platform (with an error naming `selfCheck`)
   * and on the runtime base (so a binary that cannot start there fails the build, B18).
   * The program must exit 0, for example `SelfCheck.run(['version'])` or `SelfCheck.run(['-version'])`.
   * @param args exec-form arguments, at least one
   */
  public static run(args: string[]): SelfCheck {
    if (args.length === 0) {
      throw new Error('selfCheck: SelfCheck.run needs at least one argument such as ["version"]; use SelfCheck.none() to not run the binary');
    }
    for (const a of args) checkPattern('selfCheck', a, PATTERNS.argument, 'exec-form arguments made of letters, digits and _ . , : = / @ % + -');
    return new SelfCheck([...args]);
  }

  /** The arguments the binary is run with; empty when it is not run. */
  public readonly args: string[];

  private constructor(args: string[]) {
    this.args = args;
  }

  /** How the declaration reads in props, for build comments and errors. */
  public toString(): string {
    return this.args.length ? `SelfCheck.run([${this.args.map(a => `'${a}'`).join(', ')}])` : 'SelfCheck.none()';
  }
}
