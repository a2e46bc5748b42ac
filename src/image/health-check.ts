import type { BaseImage } from './base-image';
import { healthCheckViolation } from '../checklist/build-verdicts';
import { RuleGate } from '../checklist/engine';
import { checkPattern, PATTERNS } from '../core/patterns';

/** Timing of an image HEALTHCHECK. */
export interface ImageHealthCheckOptions {
  /**
   * Seconds between checks.
   * @default 30
   */
  readonly intervalSeconds?: number;
  /**
   * Seconds before a check counts as failed.
   * @default 5
   */
  readonly timeoutSeconds?: number;
  /**
   * Seconds after start during which failures do not count.
   * @default 5
   */
  readonly startPeriodSeconds?: number;
  /**
   * Consecutive failures before the container is unhealthy.
   * @default 3
   */
  readonly retries?: number;
}

/**
 * A Docker HEALTHCHECK for images without a shell (rule B16).
 *
 * Distroless and scratch images have neither wget nor curl, and Kubernetes ignores HEALTHCHECK
 * anyway (it uses probes), so the only sound form is exec-form and calls the service binary itself:
 * `ImageHealthCheck.fromSubcommand('healthcheck')`.
 */
export class ImageHealthCheck {
  /**
   * Runs `<binary> <subcommand> [args…]`, for example `/app healthcheck`.
   * @param subcommand the subcommand the service implements
   */
  public static fromSubcommand(subcommand: string, args: string[] = [], options: ImageHealthCheckOptions = {}): ImageHealthCheck {
    if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(subcommand)) {
      throw new Error(`healthCheck: subcommand must be a single word such as "healthcheck", got "${subcommand}"`);
    }
    return new ImageHealthCheck([subcommand, ...args], true, options);
  }

  /**
   * An arbitrary exec-form command. Only accepted when it calls the service binary itself:
   * wget, curl and shells are rejected (B16, B14), because distroless and scratch images have none.
   */
  public static fromCommand(command: string[], options: ImageHealthCheckOptions = {}): ImageHealthCheck {
    if (command.length === 0) {
      throw new Error('healthCheck: command must not be empty');
    }
    return new ImageHealthCheck(command, false, options);
  }

  /** The command (for `fromSubcommand`, the arguments after the binary). */
  public readonly command: string[];
  /** Whether `command` is relative to the service binary. */
  public readonly usesServiceBinary: boolean;
  /** The timing options. */
  public readonly options: ImageHealthCheckOptions;

  private constructor(command: string[], usesServiceBinary: boolean, options: ImageHealthCheckOptions) {
    this.command = [...command];
    this.usesServiceBinary = usesServiceBinary;
    this.options = options;
    for (const [key, value] of Object.entries(options)) {
      if (value !== undefined && (!Number.isInteger(value) || value < (key === 'retries' ? 1 : 0))) {
        throw new Error(`healthCheck: ${key} must be a non-negative whole number${key === 'retries' ? ' of at least 1' : ''}, got ${value}`);
      }
    }
  }

  /**
   * The HEALTHCHECK instruction for a binary at `binaryPath` on the runtime base `base`.
   * @internal
   */
  public _render(binaryPath: string, base: BaseImage, gate: RuleGate): string {
    const argv = this.usesServiceBinary ? [binaryPath, ...this.command] : this.command;
    gate.check('B16', 'healthCheck', healthCheckViolation(argv, { ref: base.ref, shell: base.hasShell }, binaryPath));
    for (const a of argv) checkPattern('healthCheck', a, PATTERNS.argument, 'exec-form arguments made of letters, digits and _ . , : = / @ % + -');
    const o = this.options;
    const flags = `--interval=${o.intervalSeconds ?? 30}s --timeout=${o.timeoutSeconds ?? 5}s --start-period=${o.startPeriodSeconds ?? 5}s --retries=${o.retries ?? 3}`;
    return `HEALTHCHECK ${flags} CMD ${JSON.stringify(argv)}`;
  }
}
