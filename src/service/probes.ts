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

type ProbePaths = Required<HttpProbePaths>;

/**
 * The startup, readiness and liveness probes of the service (rule R02): distinct endpoints, on the
 * named port.
 */
export class ServiceProbes {
  /** HTTP GET probes on the named `http` port. */
  public static http(paths: HttpProbePaths = {}): ServiceProbes {
    const p = { startup: paths.startup ?? '/startupz', readiness: paths.readiness ?? '/readyz', liveness: paths.liveness ?? '/healthz' };
    for (const [k, v] of Object.entries(p)) {
      if (!PATTERNS.httpPath.test(v)) throw new Error(`probes: ${k} path ${JSON.stringify(v)} must start with "/" and contain no spaces (pattern ${PATTERNS.httpPath})`);
    }
    if (new Set(Object.values(p)).size !== 3) {
      throw new Error(`[R02] probes: startup, readiness and liveness need distinct endpoints (got ${p.startup}, ${p.readiness}, ${p.liveness}); a liveness probe that mirrors readiness restarts pods that are only busy`);
    }
    return new ServiceProbes('http', p, undefined);
  }

  /** gRPC health probes (GA since Kubernetes 1.27). */
  public static grpc(options: GrpcProbeOptions = {}): ServiceProbes {
    if (options.port !== undefined && !(Number.isInteger(options.port) && options.port >= 1024 && options.port <= 65535)) {
      throw new Error(`probes: grpc port ${options.port} is not valid; allowed: 1024-65535`);
    }
    for (const prop of ['readinessService', 'livenessService'] as const) {
      if (options[prop] !== undefined) checkPattern(`probes.${prop}`, options[prop]!, PATTERNS.grpcService, 'a gRPC service name such as "orders.v1.Orders"');
    }
    if (options.livenessService !== undefined && options.livenessService === (options.readinessService ?? '')) {
      throw new Error(`[R02] probes: livenessService "${options.livenessService}" is the readiness service too; give liveness its own service or leave it unset for a TCP check`);
    }
    return new ServiceProbes('grpc', undefined, options);
  }

  /** `http` or `grpc`. */
  public readonly kind: string;
  private readonly paths?: ProbePaths;
  private readonly grpcOptions?: GrpcProbeOptions;

  private constructor(kind: string, paths: ProbePaths | undefined, grpcOptions: GrpcProbeOptions | undefined) {
    this.kind = kind;
    this.paths = paths;
    this.grpcOptions = grpcOptions;
  }

  /**
   * The three probes as Kubernetes JSON.
   * @internal
   */
  public _toKube(portName: string, portNumber: number): { startupProbe: any; readinessProbe: any; livenessProbe: any } {
    const timing = {
      startupProbe: { periodSeconds: 2, failureThreshold: 30, timeoutSeconds: 2 },
      readinessProbe: { periodSeconds: 5, failureThreshold: 2, timeoutSeconds: 2 },
      livenessProbe: { periodSeconds: 10, failureThreshold: 3, timeoutSeconds: 2 },
    };
    if (this.paths) {
      const p = this.paths;
      return {
        startupProbe: { httpGet: { path: p.startup, port: portName }, ...timing.startupProbe },
        readinessProbe: { httpGet: { path: p.readiness, port: portName }, ...timing.readinessProbe },
        livenessProbe: { httpGet: { path: p.liveness, port: portName }, ...timing.livenessProbe },
      };
    }
    const port = this.grpcOptions?.port ?? portNumber;
    const readiness = this.grpcOptions?.readinessService;
    const liveness = this.grpcOptions?.livenessService;
    return {
      startupProbe: { grpc: { port }, ...timing.startupProbe },
      readinessProbe: { grpc: readiness ? { port, service: readiness } : { port }, ...timing.readinessProbe },
      livenessProbe: { ...(liveness ? { grpc: { port, service: liveness } } : { tcpSocket: { port } }), ...timing.livenessProbe },
    };
  }
}
