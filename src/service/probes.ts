import { validateSuppression } from '../checklist/suppressions';
import { checkPattern, PATTERNS } from '../core/patterns';

/** Paths of the HTTP probe endpoints. */
export interface HttpProbePaths {
  /**
   * Startup probe path.
   * @default '/startupz'
   */
  readonly startup?: string;
  /**
   * Readiness probe path.
   * @default '/readyz'
   */
  readonly readiness?: string;
  /**
   * Liveness probe path.
   * @default '/healthz'
   */
  readonly liveness?: string;
}

/** Options of gRPC probes. */
export interface GrpcProbeOptions {
  /**
   * Container port serving `grpc.health.v1.Health` (gRPC probes name ports by number).
   * @default - the service port
   */
  readonly port?: number;
  /**
   * `service` sent to the health check for readiness; startup asks for the server ("").
   * @default - the server as a whole ("")
   */
  readonly readinessService?: string;
  /**
   * `service` for a gRPC liveness probe. Without one, liveness is a TCP check on the same port: it must
   * not mirror readiness (a busy server would be restarted instead of taken out of rotation).
   * @default - a TCP socket probe
   */
  readonly livenessService?: string;
}

const KINDS = ['startup', 'readiness', 'liveness'] as const;
type Kind = typeof KINDS[number];

/** One probe of the program (rule R02). */
export class AppProbe {
  /** HTTP GET on the service port (named `http`); the query string does not make it another endpoint. */
  public static http(path: string): AppProbe {
    checkPattern('probes: path', path, PATTERNS.httpPath, 'an HTTP path starting with "/" such as "/healthz"');
    return new AppProbe({ httpGet: { path, port: 'http' } });
  }

  /**
   * gRPC health check (`grpc.health.v1.Health/Check`, GA since Kubernetes 1.27) on the service port.
   * @param service the `service` asked about; "" is the server as a whole
   */
  public static grpc(service: string = ''): AppProbe {
    return AppProbe._grpcOn(service, undefined);
  }

  /** A TCP connect to the service port (by number): proves the program accepts connections, nothing more. */
  public static tcp(): AppProbe {
    return AppProbe._tcpOn(undefined);
  }

  /**
   * No probe, for a reason recorded like a suppression of R02 for this probe (in the report and a
   * `golden-go.dev/suppressed.R02` annotation).
   * @param reason why the program cannot be probed this way: at least a sentence
   */
  public static none(reason: string): AppProbe {
    try {
      return new AppProbe(undefined, validateSuppression('R02', reason));
    } catch (e) {
      throw new Error(`probes: AppProbe.none ${(e as Error).message}`);
    }
  }

  /** @internal */
  public static _tcpOn(port: number | undefined): AppProbe {
    return new AppProbe({ tcpSocket: { port } });
  }

  /** @internal */
  public static _grpcOn(service: string, port: number | undefined): AppProbe {
    checkPattern('probes: grpc service', service, PATTERNS.grpcService, 'a gRPC service name such as "orders.v1.Orders"');
    return new AppProbe({ grpc: { port, ...(service ? { service } : {}) } });
  }

  /** Why there is no probe, for `none`. */
  public readonly reason?: string;
  private readonly action?: Record<string, any>;

  private constructor(action: Record<string, any> | undefined, reason?: string) {
    this.action = action;
    this.reason = reason;
  }

  /**
   * The probe's action as Kubernetes JSON; gRPC names the port by number.
   * @internal
   */
  public _action(portNumber: number): Record<string, any> | undefined {
    const a = this.action;
    if (a?.grpc) return { grpc: { ...a.grpc, port: a.grpc.port ?? portNumber } };
    if (a?.tcpSocket) return { tcpSocket: { port: a.tcpSocket.port ?? portNumber } };
    return a;
  }
}

/** The probes of `ServiceProbes.of`. */
export interface ProbeSet {
  /** Readiness: whether the pod gets traffic now. */
  readonly readiness: AppProbe;
  /** Liveness: whether the program must be restarted. */
  readonly liveness: AppProbe;
  /**
   * Startup: holds liveness and readiness back until the program has started.
   * @default - the liveness probe (Kubernetes' documented pattern: the same check, more patience)
   */
  readonly startup?: AppProbe;
}

/**
 * The startup, readiness and liveness probes of the service (rule R02). Readiness and liveness on the
 * same endpoint is reported as an R02 warning (suppressible with a reason): a busy pod would be
 * restarted instead of taken out of rotation.
 */
export class ServiceProbes {
  /** HTTP GET probes on the named `http` port. */
  public static http(paths: HttpProbePaths = {}): ServiceProbes {
    const p = { startup: paths.startup ?? '/startupz', readiness: paths.readiness ?? '/readyz', liveness: paths.liveness ?? '/healthz' };
    for (const [k, v] of Object.entries(p)) {
      if (!PATTERNS.httpPath.test(v)) throw new Error(`probes: ${k} path ${JSON.stringify(v)} must start with "/" and contain no spaces (pattern ${PATTERNS.httpPath})`);
    }
    return new ServiceProbes('http', { startup: AppProbe.http(p.startup), readiness: AppProbe.http(p.readiness), liveness: AppProbe.http(p.liveness) });
  }

  /** gRPC health probes (GA since Kubernetes 1.27). */
  public static grpc(options: GrpcProbeOptions = {}): ServiceProbes {
    if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 1024 && options.port <= 65535)) {
      throw new Error(`probes: grpc port ${options.port} is not valid; allowed: 1024-65535 (a health port of its own gets no unprivileged-port sysctl)`);
    }
    for (const prop of ['readinessService', 'livenessService'] as const) {
      if (options[prop] !== undefined) checkPattern(`probes.${prop}`, options[prop]!, PATTERNS.grpcService, 'a gRPC service name such as "orders.v1.Orders"');
    }
    const port = options.port;
    const liveness = options.livenessService !== undefined ? AppProbe._grpcOn(options.livenessService, port) : AppProbe._tcpOn(port);
    return new ServiceProbes('grpc', {
      startup: AppProbe._grpcOn('', port),
      readiness: AppProbe._grpcOn(options.readinessService ?? '', port),
      liveness,
    });
  }

  /** Each probe on its own: HTTP, gRPC, TCP, or none with a reason. */
  public static of(probes: ProbeSet): ServiceProbes {
    for (const k of ['readiness', 'liveness'] as const) {
      if (!(probes[k] instanceof AppProbe)) throw new Error(`probes: ${k} is required; allowed: AppProbe.http(path), .grpc(service), .tcp() or .none(reason)`);
    }
    return new ServiceProbes('custom', { ...probes, startup: probes.startup ?? probes.liveness });
  }

  /** `http`, `grpc` or `custom`. */
  public readonly kind: string;
  private readonly probes: Required<ProbeSet>;

  private constructor(kind: string, probes: ProbeSet) {
    this.kind = kind;
    this.probes = { ...probes, startup: probes.startup ?? probes.liveness };
  }

  /**
   * The probes as Kubernetes JSON (absent ones omitted).
   * @internal
   */
  public _toKube(portNumber: number): Record<string, any> {
    const timing: Record<Kind, object> = {
      startup: { periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
      readiness: { periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
      liveness: { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
    };
    const out: Record<string, any> = {};
    for (const k of KINDS) {
      const action = this.probes[k]._action(portNumber);
      if (action) out[`${k}Probe`] = { ...action, ...timing[k] };
    }
    return out;
  }

  /**
   * The probes declared absent, with their reasons, by Kubernetes field (`livenessProbe`).
   * @internal
   */
  public _absent(): Array<{ readonly field: string; readonly reason: string }> {
    return KINDS.filter((k) => this.probes[k].reason !== undefined).map((k) => ({ field: `${k}Probe`, reason: this.probes[k].reason! }));
  }
}
