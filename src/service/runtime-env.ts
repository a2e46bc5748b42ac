import { invalidValue, ruleError } from '../core/errors';
import { parseGoDirective } from '../core/go-mod';
import { quantityToBytes } from '../core/quantity';

/** Go runtime settings derived from Kubernetes resources (rules R04, R05). */
export class GoRuntime {
  /**
   * Bytes in a Kubernetes memory quantity such as `512Mi`, `1Gi`, `500M`, `1G` or `268435456`.
   * @param prop the prop named in the error
   */
  public static quantityToBytes(quantity: string, prop: string = 'memoryLimit'): number {
    return quantityToBytes(quantity, prop);
  }

  /**
   * GOMEMLIMIT for a container memory limit: `ratio` of it, rounded down to whole MiB and written in
   * Go's units (`MiB`). Never a Kubernetes suffix: Go rejects `Mi` and `M` and the program dies at start.
   * @param memoryLimit Kubernetes quantity
   * @param ratio share of the limit the Go heap may use, in (0, 1]; the rest covers memory Go does not see
   */
  public static goMemLimit(memoryLimit: string, ratio: number = 0.9): string {
    if (!(ratio > 0 && ratio <= 1)) {
      throw ruleError('R04', 'goMemLimitRatio', `${ratio} is outside (0, 1]; 0.9 leaves the 10 % headroom the Go GC guide recommends`);
    }
    const mib = Math.floor((GoRuntime.quantityToBytes(memoryLimit) * ratio) / 2 ** 20);
    if (mib < 1) {
      throw ruleError('R04', 'memoryLimit', `"${memoryLimit}" × ${ratio} is below 1 MiB: no Go program runs in that`);
    }
    return `${mib}MiB`;
  }

  /**
   * Whether the program sizes GOMAXPROCS from the cgroup CPU limit by itself. That takes a Go 1.25+
   * toolchain and a main module whose go.mod says `go 1.25` or later: an older `go` line keeps the old
   * behaviour (GODEBUG `containermaxprocs=0`) even on a newer toolchain. Otherwise GOMAXPROCS must be
   * set from `limits.cpu`.
   * @param goVersion Go release the binary is built with
   * @param goModGoVersion the `go` directive of the main module's go.mod; defaults to goVersion
   */
  public static readsCgroupCpuLimit(goVersion: string, goModGoVersion?: string): boolean {
    const m = /^1\.(\d+)(?:\.\d+)?$/.exec(goVersion);
    if (!m) throw new Error(`goVersion: "${goVersion}" is not valid; allowed: a Go release such as "1.26" or "1.24.3"`);
    const moduleMinor = goModGoVersion === undefined ? Number(m[1]) : parseGoDirective('goModGoVersion', goModGoVersion).minor;
    return Number(m[1]) >= 25 && moduleMinor >= 25;
  }

  private constructor() {}
}

/**
 * GOGC: how much the heap may grow over the live heap before the next collection (R04). Golden-go always
 * sets GOMEMLIMIT from the memory limit, so `off` is the Go GC guide's "GOGC=off + GOMEMLIMIT" pattern:
 * no proportional collections, the heap fills up to GOMEMLIMIT and is collected there.
 */
export class GoGc {
  /**
   * A percent such as 50 (collect twice as often as the default 100, for less memory and more CPU).
   * @param percent a whole number from 1 to 10000
   */
  public static percent(percent: number): GoGc {
    if (!(Number.isInteger(percent) && percent >= 1 && percent <= 10000)) {
      throw invalidValue('goGc', percent, 'GoGc.percent(1-10000) or GoGc.off(); GOGC=0 would collect continuously');
    }
    return new GoGc(String(percent));
  }

  /**
   * GOGC=off: collections only when the heap reaches GOMEMLIMIT. The pod's memory then sits near GOMEMLIMIT
   * all the time (memory-based alerts and autoscaling see a full pod), and a live heap close to the limit
   * makes the GC run continuously (up to half the CPU). Right for batch-like services with a small live heap.
   */
  public static off(): GoGc {
    return new GoGc('off');
  }

  /** The GOGC value. */
  public readonly value: string;

  private constructor(value: string) {
    this.value = value;
  }
}
