// The six services of examples/services, each described with props only, as its code is written
// (read each main.go: flags, ports, variables, probe paths, metrics, shutdown). test/corpus.test.ts
// proves the objects match the code; the container e2e builds and runs them with these props.
import * as path from 'path';
import {
  AppEnv, AppProbe, BaseImage, GoApp, GoMicroserviceProps, HardenedGoImageProps, ImageReference, ImageSigner, Metrics, PortBinding, SelfCheck,
  ServiceProbes, ShutdownBehavior, WritableDir,
} from '../../src';

export interface CorpusService {
  readonly name: string;
  /** Absolute path to examples/services/<name>. */
  readonly dir: string;
  /** Image-side props only (mainPackage, cgo, runtimeImage, selfCheck, stamped variables). */
  readonly image: Partial<HardenedGoImageProps>;
  /** Props only, no escape hatches. */
  readonly service: (image: ImageReference) => GoMicroserviceProps;
  /** Rule ids the checklist report is expected to warn about (status fail, severity warning). */
  readonly expectedWarnings: string[];
}

const ROOT = path.resolve(__dirname, '..', '..', 'examples', 'services');
const NAMESPACE = 'corpus';
const signer = ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/golden-go/golden-go/.github/workflows/release.yml@refs/heads/main');
const deployed = (name: string, image: ImageReference, app: GoApp): GoMicroserviceProps => ({ name, namespace: NAMESPACE, image, signer, app });
const ONE_HEALTHZ = 'the program has one /healthz handler for every probe; it proves the process answers';
const BUILDINFO = 'github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo';

export const CORPUS: CorpusService[] = [
  {
    name: 'flagsonly',
    dir: path.join(ROOT, 'flagsonly'),
    image: { mainPackage: './cmd/flagsonly', selfCheck: SelfCheck.none() },
    // -listen defaults to loopback: pass an all-interfaces address. No variables, no metrics.
    service: (image) => deployed('flagsonly', image, new GoApp({
      port: PortBinding.flag('-listen', 8080, { listenAddress: true }),
      reads: [],
      probes: ServiceProbes.of({ readiness: AppProbe.http('/readyz'), liveness: AppProbe.http('/livez') }),
      metrics: Metrics.none(),
      shutdown: ShutdownBehavior.drains(10),
    })),
    expectedWarnings: ['R11'],
  },
  {
    name: 'port80',
    dir: path.join(ROOT, 'port80'),
    image: { selfCheck: SelfCheck.none() },
    // Fixed :80 (the unprivileged-port sysctl lets the non-root process bind it); no health endpoints:
    // the page itself for readiness, a TCP connect for liveness; no SIGTERM handler.
    service: (image) => deployed('port80', image, new GoApp({
      port: PortBinding.fixed(80),
      reads: [],
      probes: ServiceProbes.of({ readiness: AppProbe.http('/'), liveness: AppProbe.tcp() }),
      metrics: Metrics.none(),
      shutdown: ShutdownBehavior.exitsImmediately(),
    })),
    expectedWarnings: ['R06', 'R11'],
  },
  {
    name: 'onehealthz',
    dir: path.join(ROOT, 'onehealthz'),
    image: { selfCheck: SelfCheck.none() },
    // One /healthz for readiness and liveness: R02 suppressed with the reason (kube-score is told too).
    service: (image) => ({
      ...deployed('onehealthz', image, new GoApp({
        port: PortBinding.env('PORT', 8080),
        reads: [],
        probes: ServiceProbes.of({ readiness: AppProbe.http('/healthz'), liveness: AppProbe.http('/healthz') }),
        metrics: Metrics.onServicePort('/metrics'),
        shutdown: ShutdownBehavior.drains(15),
      })),
      suppressions: { R02: ONE_HEALTHZ },
    }),
    expectedWarnings: [],
  },
  {
    name: 'grpcsvc',
    dir: path.join(ROOT, 'grpcsvc'),
    image: { selfCheck: SelfCheck.none() },
    // Health service "" for startup and readiness, a TCP connect for liveness. 2 s lame duck + 10 s drain.
    service: (image) => deployed('grpcsvc', image, new GoApp({
      port: PortBinding.env('GRPC_PORT', 50051),
      reads: [],
      probes: ServiceProbes.grpc(),
      metrics: Metrics.none(),
      shutdown: ShutdownBehavior.drains(12),
    })),
    expectedWarnings: ['R11'],
  },
  {
    name: 'cobrasvc',
    dir: path.join(ROOT, 'cobrasvc'),
    image: { selfCheck: SelfCheck.run(['version']), versionVariable: `${BUILDINFO}.Version`, commitVariable: `${BUILDINFO}.Commit`, buildDateVariable: `${BUILDINFO}.BuildDate` },
    // `serve --port=8080`; go.mod says go 1.23, so GOMAXPROCS comes from limits.cpu (R05).
    service: (image) => ({
      ...deployed('cobrasvc', image, new GoApp({
        args: ['serve'],
        port: PortBinding.flag('--port', 8080),
        reads: [],
        probes: ServiceProbes.of({ readiness: AppProbe.http('/health/ready'), liveness: AppProbe.http('/health/live') }),
        metrics: Metrics.none(),
        shutdown: ShutdownBehavior.drains(10),
      })),
      goModGoVersion: '1.23',
    }),
    expectedWarnings: ['R11'],
  },
  {
    name: 'cgosqlite',
    dir: path.join(ROOT, 'cgosqlite'),
    // glibc-linked: distroless base of the builder's Debian release (trixie, glibc 2.41).
    image: { cgo: true, runtimeImage: BaseImage.distrolessBase(), selfCheck: SelfCheck.none() },
    service: (image) => ({
      ...deployed('cgosqlite', image, new GoApp({
        port: PortBinding.env('LISTEN_ADDR', 8080, { listenAddress: true }),
        env: { DB_PATH: AppEnv.value('/var/lib/cgosqlite/data.db') },
        writableDirs: [WritableDir.emptyDir('/var/lib/cgosqlite', '64Mi')],
        reads: [],
        probes: ServiceProbes.of({ readiness: AppProbe.http('/healthz'), liveness: AppProbe.http('/healthz') }),
        metrics: Metrics.none(),
        shutdown: ShutdownBehavior.drains(10),
      })),
      suppressions: { R02: 'the one /healthz handler reads the database; there is no lighter check to restart on' },
    }),
    expectedWarnings: ['R11'],
  },
];
