import type { GoApp } from './app';
import type { Monitoring } from './monitoring';
import type { NetworkEgress } from './network-egress';
import type { ServiceProbes } from './probes';
import type { Sysctl } from '../core/sysctls';
import type { ImageReference } from '../image/image-reference';
import type { ImageSigner } from '../publish/image-signer';

/** Log levels understood by `log/slog` through `LOG_LEVEL`. */
export enum LogLevel {
  /** Debug. */
  DEBUG = 'debug',
  /** Info. */
  INFO = 'info',
  /** Warn. */
  WARN = 'warn',
  /** Error. */
  ERROR = 'error',
}

/** Container resources (rule R03). Quantities use Kubernetes notation (`256Mi`, `1Gi`, `500M`). */
export interface GoResources {
  /**
   * CPU request in millicores.
   * @default 100
   */
  readonly cpuRequestMillis?: number;
  /**
   * CPU limit in millicores; 0 means no CPU limit. Go 1.25+ sizes GOMAXPROCS from it (R05). Polaris,
   * kube-score and Checkov flag a missing CPU limit; CFS throttling is the price of having one.
   * @default 1000
   */
  readonly cpuLimitMillis?: number;
  /**
   * Memory request.
   * @default '128Mi'
   */
  readonly memoryRequest?: string;
  /**
   * Memory limit; GOMEMLIMIT is derived from it (R04).
   * @default '256Mi'
   */
  readonly memoryLimit?: string;
  /**
   * Ephemeral-storage request (logs and the /tmp emptyDir count against it).
   * @default '128Mi'
   */
  readonly ephemeralStorageRequest?: string;
  /**
   * Ephemeral-storage limit.
   * @default '256Mi'
   */
  readonly ephemeralStorageLimit?: string;
}

/** Horizontal autoscaling (then the Deployment has no fixed `replicas`, R12). */
export interface GoAutoscaling {
  /**
   * Minimum replicas; at least 2.
   * @default 2
   */
  readonly minReplicas?: number;
  /** Maximum replicas; more than `minReplicas`. */
  readonly maxReplicas: number;
  /**
   * Target average CPU utilization in percent of the request.
   * @default 70
   */
  readonly cpuUtilization?: number;
}

/** A Secret mounted as files (rule R16: never as environment variables). */
export interface SecretFiles {
  /** Name of the Secret in the service's namespace. */
  readonly secretName: string;
  /** Directory the keys appear in, one file each. */
  readonly mountPath: string;
}

/** Props of `GoMicroservice`. Every default follows the golden checklist (R01–R17). */
export interface GoMicroserviceProps {
  /** The image, pinned by digest (R01). */
  readonly image: ImageReference;
  /**
   * Namespace of every object. Required, here or on the chart: objects in `default` fail Checkov and Kyverno.
   * @default - the chart's namespace
   */
  readonly namespace?: string;
  /**
   * Name of every object and `app.kubernetes.io/name`/`instance`.
   * @default - the construct id
   */
  readonly name?: string;
  /**
   * `app.kubernetes.io/version`.
   * @default - the image tag, else the first 12 hex characters of the digest
   */
  readonly version?: string;
  /**
   * `app.kubernetes.io/component`.
   * @default 'server'
   */
  readonly component?: string;
  /**
   * `app.kubernetes.io/part-of`.
   * @default - the name
   */
  readonly partOf?: string;
  /**
   * Go release the binary was built with (decides GOMAXPROCS handling, R05).
   * @default - the image's (`ImageReference.fromHardenedGoImage`), else '1.26'
   */
  readonly goVersion?: string;
  /**
   * The `go` directive of the main module's go.mod, such as `1.23` (`HardenedGoImage.goModGoVersion`
   * reads it). Container-aware GOMAXPROCS (R05) needs Go 1.25+ here as well as in goVersion: an older
   * `go` line turns it off, so GOMAXPROCS is then set from `limits.cpu`.
   * @default - the image's (`ImageReference.fromHardenedGoImage` carries what HardenedGoImage read), else
   * goVersion (the module is taken to declare the toolchain's release)
   */
  readonly goModGoVersion?: string;
  /**
   * Kubernetes release the manifests target. Decides the preStop sleep action (1.30+; otherwise the app
   * delays its own shutdown) and which sysctls are safe.
   * @default '1.35' (the oldest release maintained upstream in late 2026)
   */
  readonly kubernetesVersion?: string;
  /**
   * How the program is written: its port, args, the variables it reads, probes, metrics, shutdown and
   * writable directories. `port`, `metricsPort`, `probes`, `drainTimeoutSeconds` and `env` are shorthand
   * for the default app and are not allowed together with it.
   * @default - the golden conventions: `new GoApp({})` with the shorthand props applied
   */
  readonly app?: GoApp;
  /**
   * Container port of the service, named `http` (also `PORT` in the environment). Shorthand for
   * `app.port: PortBinding.env('PORT', port)`. A port below 1024 adds the sysctl
   * `net.ipv4.ip_unprivileged_port_start`.
   * @default 8080
   */
  readonly port?: number;
  /**
   * Container port serving `/metrics`, named `metrics` (also `METRICS_PORT`). Shorthand for
   * `app.metrics: Metrics.onPort(metricsPort)`.
   * @default 9090
   */
  readonly metricsPort?: number;
  /**
   * Port of the Service in front of `http`.
   * @default 80
   */
  readonly servicePort?: number;
  /**
   * Probes (R02). Shorthand for `app.probes`.
   * @default ServiceProbes.http() — /startupz, /readyz, /healthz on `http`
   */
  readonly probes?: ServiceProbes;
  /**
   * Resources (R03).
   * @default - see `GoResources`
   */
  readonly resources?: GoResources;
  /**
   * Share of the memory limit given to GOMEMLIMIT (R04).
   * @default 0.9
   */
  readonly goMemLimitRatio?: number;
  /**
   * Fixed replica count, at least 2 (R12). Not allowed together with `autoscaling`.
   * @default 2
   */
  readonly replicas?: number;
  /**
   * A HorizontalPodAutoscaler instead of fixed replicas.
   * @default - none
   */
  readonly autoscaling?: GoAutoscaling;
  /**
   * Seconds the app keeps draining in-flight requests after SIGTERM (`SHUTDOWN_DRAIN_TIMEOUT`).
   * Shorthand for `app.shutdown: ShutdownBehavior.drains(seconds)`.
   * @default 20
   */
  readonly drainTimeoutSeconds?: number;
  /**
   * Seconds between the start of termination and SIGTERM, while endpoints are removed: a preStop
   * `sleep` on 1.30+, else `SHUTDOWN_DELAY` for the app.
   * @default 5
   */
  readonly preStopDelaySeconds?: number;
  /**
   * Grace period; must cover preStop delay + drain + 5 s (R06).
   * @default - preStop delay + drain timeout + 5
   */
  readonly terminationGracePeriodSeconds?: number;
  /**
   * IANA time zone for `TZ`, validated at synth (R09).
   * @default 'UTC'
   */
  readonly timeZone?: string;
  /**
   * `LOG_LEVEL` (R10); only for a program that reads it (`app.reads`).
   * @default LogLevel.INFO
   */
  readonly logLevel?: LogLevel;
  /**
   * Fluent Bit parser suggested through the `fluentbit.io/parser` pod annotation (R10).
   * @default - none: JSON lines need none with the fluent-bit Helm chart's Merge_Log
   */
  readonly fluentBitParser?: string;
  /**
   * Plain environment variables. Names that look like secrets are rejected (R16); runtime variables
   * golden-go derives (GOMEMLIMIT, GOMAXPROCS, TZ, LANG, LOG_*, NO_COLOR, PORT, METRICS_PORT,
   * SHUTDOWN_*) have props of their own. Shorthand for `app.env` with `AppEnv.value`.
   * @default - none
   */
  readonly env?: Record<string, string>;
  /**
   * Secrets mounted read-only as files (R16).
   * @default - none
   */
  readonly secretFiles?: SecretFiles[];
  /**
   * Size limit of the writable `/tmp` emptyDir (the root filesystem is read-only, R07).
   * @default '64Mi'
   */
  readonly tmpSizeLimit?: string;
  /**
   * Pod sysctls, classified for `kubernetesVersion` (R08).
   * @default - none
   */
  readonly sysctls?: Sysctl[];
  /**
   * Namespaced sysctls outside the safe set that the cluster's kubelets allow (`--allowed-unsafe-sysctls`)
   * and whose namespace admits them. Listing one is the explicit opt-in; it is flagged in a pod annotation.
   * @default - none
   */
  readonly allowedUnsafeSysctls?: string[];
  /**
   * Run in the node's network namespace. Rejected together with any `net.*` sysctl (R08).
   * @default false
   */
  readonly hostNetwork?: boolean;
  /**
   * How Prometheus finds the metrics port (R11).
   * @default Monitoring.annotations()
   */
  readonly monitoring?: Monitoring;
  /**
   * Destinations the pods may reach besides DNS (R13).
   * @default - DNS only
   */
  readonly egress?: NetworkEgress[];
  /**
   * Expected signer of the image, recorded in pod annotations (R14).
   * @default - none recorded
   */
  readonly signer?: ImageSigner;
  /**
   * PriorityClass of the pods. Without one, a Polaris exemption with its reason is recorded.
   * @default - none
   */
  readonly priorityClassName?: string;
  /**
   * Rules this service is exempt from, rule id → written reason (at least a sentence). Recorded as
   * `golden-go.dev/suppressed.<id>` annotations and in the checklist report. Same as
   * `Checklist.suppress(service, …)`; a suppression on a parent applies too.
   * @default - none
   */
  readonly suppressions?: Record<string, string>;
}
/** Annotation keys golden-go writes on the pod template. */
export class GoldenAnnotations {
  /** The image digest the pod must run. */
  public static readonly IMAGE_DIGEST = 'golden-go.dev/image-digest';
  /** The image repository the signature policy covers. */
  public static readonly IMAGE_REPOSITORY = 'golden-go.dev/image-repository';
  /** The expected signer: `keyless <issuer> <subject>` or `key sha256:<fingerprint>`. */
  public static readonly SIGNER = 'golden-go.dev/signer';
  /** Golden settings the program reads (`app.reads`), comma-separated, or `none`; written when `app` is given. */
  public static readonly APP_READS = 'golden-go.dev/app-reads';
  /** Namespaced-unsafe sysctls the service opted into. */
  public static readonly UNSAFE_SYSCTLS = 'golden-go.dev/unsafe-sysctls';

  private constructor() {}
}

