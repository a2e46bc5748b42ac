import type { ServiceProbes } from './probes';
import { invalidValue } from '../core/errors';
import { checkPattern, checkPort, PATTERNS } from '../core/patterns';

/** Options of a `PortBinding` given to the program as a value. */
export interface PortBindingOptions {
  /**
   * Pass a listen address `:8080` (all interfaces) instead of the bare port `8080`: for programs that
   * take `host:port`. A loopback default such as `127.0.0.1:8080` must be overridden this way, or no
   * probe and no client reaches the program.
   * @default false
   */
  readonly listenAddress?: boolean;
}

/**
 * How the program learns which port to listen on. Ports below 1024 are allowed: the pod then gets the
 * safe sysctl `net.ipv4.ip_unprivileged_port_start` so the non-root process may bind them.
 */
export class PortBinding {
  /**
   * The program reads the port from an environment variable, such as `PORT` or `LISTEN_ADDR`.
   * @param name the variable
   * @param port the container port
   */
  public static env(name: string, port: number, options: PortBindingOptions = {}): PortBinding {
    checkPattern('app.port: PortBinding.env name', name, PATTERNS.envName, 'an environment variable name');
    return new PortBinding(checkPort('app.port', port), name, undefined, options.listenAddress ?? false);
  }

  /**
   * The program reads the port from a command-line flag, passed as one argument `<flag>=<value>` after
   * `args` (so after a subcommand such as `serve`), e.g. `--port=8080` or `-listen=:8080`.
   * @param flag the flag with its dashes, such as `--port` or `-listen`
   * @param port the container port
   */
  public static flag(flag: string, port: number, options: PortBindingOptions = {}): PortBinding {
    checkPattern('app.port: PortBinding.flag flag', flag, PATTERNS.flagName, 'a flag such as "--port" or "-listen"');
    return new PortBinding(checkPort('app.port', port), undefined, flag, options.listenAddress ?? false);
  }

  /** The port is built into the program; nothing is passed. */
  public static fixed(port: number): PortBinding {
    return new PortBinding(checkPort('app.port', port), undefined, undefined, false);
  }

  /** The container port. */
  public readonly port: number;
  /** The environment variable that carries it, when the program reads one. */
  public readonly envName?: string;
  /** The flag that carries it, when the program takes one. */
  public readonly flagName?: string;
  /** Whether the value is a listen address `:port`. */
  public readonly listenAddress: boolean;
  /** What the program is given: `8080`, or `:8080` as a listen address. */
  public readonly value: string;

  private constructor(port: number, envName: string | undefined, flag: string | undefined, listenAddress: boolean) {
    this.port = port;
    this.envName = envName;
    this.flagName = flag;
    this.listenAddress = listenAddress;
    this.value = listenAddress ? `:${port}` : String(port);
  }
}

/** Downward API fields a program may read through `AppEnv`. */
const FIELD_PATHS = { podIp: 'status.podIP', podName: 'metadata.name', namespace: 'metadata.namespace', nodeName: 'spec.nodeName' } as const;

/** The value of an environment variable the program reads: fixed, or known only at run time (Downward API). */
export class AppEnv {
  /** A fixed value: one line of printable ASCII, no `$(` (the kubelet would expand it). */
  public static value(value: string): AppEnv {
    return new AppEnv(value, undefined);
  }

  /** The pod's IP address (`status.podIP`). */
  public static podIp(): AppEnv {
    return new AppEnv(undefined, FIELD_PATHS.podIp);
  }

  /** The pod's name (`metadata.name`). */
  public static podName(): AppEnv {
    return new AppEnv(undefined, FIELD_PATHS.podName);
  }

  /** The pod's namespace (`metadata.namespace`). */
  public static namespace(): AppEnv {
    return new AppEnv(undefined, FIELD_PATHS.namespace);
  }

  /** The node's name (`spec.nodeName`). */
  public static nodeName(): AppEnv {
    return new AppEnv(undefined, FIELD_PATHS.nodeName);
  }

  /** The fixed value, for `AppEnv.value`. */
  public readonly fixedValue?: string;
  /** The Downward API field path, for the run-time values. */
  public readonly fieldPath?: string;

  private constructor(value: string | undefined, fieldPath: string | undefined) {
    this.fixedValue = value;
    this.fieldPath = fieldPath;
  }
}

/**
 * Environment variables of the golden conventions, set only when the program reads them. GOMEMLIMIT,
 * GOMAXPROCS (when the Go release needs it) and TZ are read by the Go runtime and standard library and
 * are always set.
 */
export enum GoldenSetting {
  /** `LOG_LEVEL` from `logLevel`. */
  LOG_LEVEL = 'LOG_LEVEL',
  /** `LOG_FORMAT=json`. */
  LOG_FORMAT = 'LOG_FORMAT',
  /** `NO_COLOR=1`. */
  NO_COLOR = 'NO_COLOR',
  /** `LANG=C.UTF-8`. */
  LANG = 'LANG',
  /** `SHUTDOWN_DRAIN_TIMEOUT`: seconds the program drains after SIGTERM. */
  SHUTDOWN_DRAIN_TIMEOUT = 'SHUTDOWN_DRAIN_TIMEOUT',
  /** `SHUTDOWN_DELAY`: seconds the program waits before draining (0 when the preStop sleep action does it). */
  SHUTDOWN_DELAY = 'SHUTDOWN_DELAY',
  /** `METRICS_PORT`: the metrics port, with `Metrics.onPort`. */
  METRICS_PORT = 'METRICS_PORT',
}

/** Where the program serves Prometheus metrics (rule R11). */
export class Metrics {
  /**
   * No metrics: no scrape annotations, no ServiceMonitor, no metrics port. R11 is then reported as a
   * warning (suppress it with a reason).
   */
  public static none(): Metrics {
    return new Metrics(undefined, undefined);
  }

  /** Metrics on the service port, at `path`. */
  public static onServicePort(path: string = '/metrics'): Metrics {
    return new Metrics(undefined, checkPattern('app.metrics: path', path, PATTERNS.httpPath, 'an HTTP path such as "/metrics"'));
  }

  /** Metrics on a port of their own, named `metrics`, at `path`. */
  public static onPort(port: number, path: string = '/metrics'): Metrics {
    return new Metrics(checkPort('app.metrics', port), checkPattern('app.metrics: path', path, PATTERNS.httpPath, 'an HTTP path such as "/metrics"'));
  }

  /** The port of its own, for `onPort`. */
  public readonly port?: number;
  /** The path; undefined for `none`. */
  public readonly path?: string;

  private constructor(port: number | undefined, path: string | undefined) {
    this.port = port;
    this.path = path;
  }
}

/** What the program does on SIGTERM (rule R06). */
export class ShutdownBehavior {
  /** It stops accepting, lets in-flight requests finish within `seconds`, and exits. */
  public static drains(seconds: number): ShutdownBehavior {
    if (!(Number.isInteger(seconds) && seconds >= 1 && seconds <= 3600)) throw invalidValue('app.shutdown: ShutdownBehavior.drains seconds', seconds, 'whole seconds from 1 to 3600');
    return new ShutdownBehavior(seconds);
  }

  /**
   * It exits at once (no SIGTERM handler): in-flight requests are dropped. The preStop sleep still covers
   * endpoint removal; R06 reports a warning.
   */
  public static exitsImmediately(): ShutdownBehavior {
    return new ShutdownBehavior(0);
  }

  /** Seconds the program drains; 0 when it exits at once. */
  public readonly drainSeconds: number;

  private constructor(drainSeconds: number) {
    this.drainSeconds = drainSeconds;
  }
}

/** A writable directory the program needs; the root filesystem stays read-only (R07). */
export class WritableDir {
  /** An emptyDir on the node's disk (counts against ephemeral-storage). */
  public static emptyDir(path: string, sizeLimit: string = '64Mi'): WritableDir {
    return new WritableDir(checkDir(path), sizeLimit, false);
  }

  /** A tmpfs emptyDir (counts against the memory limit, not against GOMEMLIMIT's heap). */
  public static memory(path: string, sizeLimit: string = '16Mi'): WritableDir {
    return new WritableDir(checkDir(path), sizeLimit, true);
  }

  /** The mount path. */
  public readonly path: string;
  /** Kubernetes quantity. */
  public readonly sizeLimit: string;
  /** Whether it is a tmpfs. */
  public readonly inMemory: boolean;

  private constructor(path: string, sizeLimit: string, inMemory: boolean) {
    this.path = path;
    this.sizeLimit = sizeLimit;
    this.inMemory = inMemory;
  }
}

/** How the program is written: what it reads, where it listens, how it answers probes and SIGTERM. */
export interface GoAppProps {
  /**
   * How the program takes its port.
   * @default PortBinding.env('PORT', 8080)
   */
  readonly port?: PortBinding;
  /**
   * The container command, replacing the image's ENTRYPOINT.
   * @default - the image's ENTRYPOINT
   */
  readonly command?: string[];
  /**
   * Arguments, replacing the image's CMD. `$(NAME)` may only name a variable of `env` (the kubelet expands it).
   * @default - none
   */
  readonly args?: string[];
  /**
   * Environment variables the program reads besides the golden settings. Secret-looking names are
   * rejected (R16: mount Secrets as files).
   * @default - none
   */
  readonly env?: Record<string, AppEnv>;
  /**
   * Golden settings the program reads; only these are set.
   * @default - every GoldenSetting (METRICS_PORT only with `Metrics.onPort`)
   */
  readonly reads?: GoldenSetting[];
  /**
   * Probes (R02).
   * @default ServiceProbes.http()
   */
  readonly probes?: ServiceProbes;
  /**
   * Where metrics are served (R11).
   * @default Metrics.onPort(9090)
   */
  readonly metrics?: Metrics;
  /**
   * What the program does on SIGTERM (R06).
   * @default ShutdownBehavior.drains(20)
   */
  readonly shutdown?: ShutdownBehavior;
  /**
   * Writable directories besides `/tmp`.
   * @default - none
   */
  readonly writableDirs?: WritableDir[];
}

/**
 * The typed contract of a Go program, separate from how it is deployed (`GoMicroserviceProps`).
 * The defaults are the golden conventions: env `PORT`, every golden setting, /startupz /readyz /healthz,
 * metrics on 9090, a 20 s drain.
 */
export class GoApp {
  /** What the program does. */
  public readonly props: GoAppProps;

  constructor(props: GoAppProps = {}) {
    this.props = { ...props };
  }
}

function checkDir(path: string): string {
  checkPattern('app.writableDirs', path, PATTERNS.absolutePath, 'an absolute directory of letters, digits and . _ / -');
  if (path === '/' || path.split('/').some((s) => s === '..' || s === '.')) throw invalidValue('app.writableDirs', path, 'an absolute directory other than /, without . or .. segments');
  return path.replace(/\/+$/, '');
}
