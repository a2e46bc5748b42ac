import { Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { IMAGE, runSide } from './common';

const UID = 65532;
const PORT = 8080;
const METRICS_PORT = 9090;

/**
 * The baseline: what a team writes with cdk8s-plus-27 alone for the same service, with the settings
 * golden-go defaults to wherever cdk8s-plus can say them (replicas, rolling update, resources, probes
 * and their timings, security contexts, ports, environment, /tmp emptyDir, labels, Prometheus
 * annotations, grace period, PDB). README.md lists what golden-go emits on top.
 */
function addService(chart: Construct, name: string): void {
  // One construct per service, like GoMicroservice, so both trees have the same shape.
  const scope = new Construct(chart, name);
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/version': '1.0.0',
    'app.kubernetes.io/component': 'server',
    'app.kubernetes.io/part-of': 'bench',
  };
  const probe = (path: string, period: number, failureThreshold: number) => kplus.Probe.fromHttpGet(path, {
    port: PORT, periodSeconds: Duration.seconds(period), failureThreshold, timeoutSeconds: Duration.seconds(2),
  });
  const env = (vars: Record<string, string>) => Object.fromEntries(Object.entries(vars).map(([k, v]) => [k, kplus.EnvValue.fromValue(v)]));
  const deployment = new kplus.Deployment(scope, 'Resource', {
    metadata: { name, labels },
    replicas: 2,
    podMetadata: {
      labels,
      annotations: { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/path': '/metrics' },
    },
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(1),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    automountServiceAccountToken: false,
    terminationGracePeriod: Duration.seconds(30),
    securityContext: { ensureNonRoot: true, user: UID, group: UID, fsGroup: UID, fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH },
    containers: [{
      name: 'app',
      image: IMAGE,
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      ports: [{ number: PORT, name: 'http' }, { number: METRICS_PORT, name: 'metrics' }],
      envVariables: env({
        PORT: String(PORT),
        METRICS_PORT: String(METRICS_PORT),
        GOMEMLIMIT: '230MiB',
        SHUTDOWN_DRAIN_TIMEOUT: '20',
        SHUTDOWN_DELAY: '0',
        TZ: 'UTC',
        LANG: 'C.UTF-8',
        LOG_LEVEL: 'info',
        LOG_FORMAT: 'json',
        NO_COLOR: '1',
      }),
      securityContext: {
        ensureNonRoot: true,
        user: UID,
        group: UID,
        privileged: false,
        readOnlyRootFilesystem: true,
        allowPrivilegeEscalation: false,
      },
      resources: {
        cpu: { request: kplus.Cpu.millis(100), limit: kplus.Cpu.millis(1000) },
        memory: { request: Size.mebibytes(128), limit: Size.mebibytes(256) },
        // cdk8s-plus-27 renders ephemeral storage in whole GiB only, so not 128Mi/256Mi as golden-go.
        ephemeralStorage: { request: Size.gibibytes(1), limit: Size.gibibytes(1) },
      },
      startup: probe('/startupz', 2, 30),
      readiness: probe('/readyz', 5, 2),
      liveness: probe('/healthz', 10, 3),
      volumeMounts: [{ path: '/tmp', volume: kplus.Volume.fromEmptyDir(scope, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(64) }) }],
    }],
  });
  deployment.exposeViaService({
    name,
    ports: [{ name: 'http', port: 80, targetPort: PORT }, { name: 'metrics', port: METRICS_PORT, targetPort: METRICS_PORT }],
  });
  new kplus.k8s.KubePodDisruptionBudget(scope, 'PodDisruptionBudget', {
    metadata: { name, labels },
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { 'app.kubernetes.io/instance': name } } },
  });
}

runSide(addService);
