import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import {
  AppProbe, Checklist, EgressProtocol, GoApp, GoldenAnnotations, GoldenSetting, GoMicroservice, GoMicroserviceProps, HardenedGoImage, ImageReference,
  ImageSigner, LogLevel, Metrics, Monitoring, NetworkEgress, ServiceProbes, WritableDir,
} from '../src';

const DIGEST = `sha256:${'c0'.repeat(32)}`;
const image = ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST, '1.4.2');

function synth(props: Partial<GoMicroserviceProps> = {}, chartNamespace?: string) {
  const chart = chartNamespace ? new Chart(Testing.app(), 'test', { namespace: chartNamespace }) : Testing.chart();
  const svc = new GoMicroservice(chart, 'orders', { image, namespace: chartNamespace ? undefined : 'shop', ...props });
  const manifests = Testing.synth(chart);
  const byKind = (kind: string) => manifests.filter((m) => m.kind === kind);
  const deployment = byKind('Deployment')[0];
  const pod = deployment.spec.template.spec;
  const container = pod.containers[0];
  const env = Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));
  return { svc, manifests, byKind, deployment, pod, container, env };
}

const build = (props: Partial<GoMicroserviceProps>) => () => new GoMicroservice(Testing.chart(), 'orders', { image, namespace: 'shop', ...props });

describe('objects and wiring', () => {
  test('Deployment, Service, ServiceAccount, PDB, NetworkPolicy; names, namespace and labels (R15, R17)', () => {
    const { manifests } = synth();
    expect(manifests.map((m) => m.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    for (const m of manifests) {
      expect(m.metadata.name).toBe('orders');
      expect(m.metadata.namespace).toBe('shop');
      expect(m.metadata.labels).toEqual({
        'app.kubernetes.io/name': 'orders',
        'app.kubernetes.io/instance': 'orders',
        'app.kubernetes.io/version': '1.4.2',
        'app.kubernetes.io/component': 'server',
        'app.kubernetes.io/part-of': 'orders',
        'app.kubernetes.io/managed-by': 'golden-go',
      });
    }
  });

  test('the construct is a thin wrapper: ApiObject.of reaches the KubeDeployment', () => {
    const { svc } = synth();
    expect(ApiObject.of(svc).kind).toBe('Deployment');
  });

  test('namespace comes from the chart when not given, and is required', () => {
    expect(synth({}, 'payments').deployment.metadata.namespace).toBe('payments');
    expect(() => new GoMicroservice(Testing.chart(), 'orders', { image })).toThrow(/^namespace: required/);
    expect(build({ namespace: 'default' })).toThrow(/^namespace: "default" is not valid/);
  });

  test('selectors all match the pod labels; no construct-path label on the pods', () => {
    const { deployment, byKind } = synth();
    const podLabels = deployment.spec.template.metadata.labels;
    expect(podLabels['cdk8s.io/metadata.addr']).toBeUndefined();
    const selectors = [deployment.spec.selector.matchLabels, byKind('Service')[0].spec.selector, byKind('PodDisruptionBudget')[0].spec.selector.matchLabels,
      byKind('NetworkPolicy')[0].spec.podSelector.matchLabels];
    for (const s of selectors) for (const [k, v] of Object.entries(s)) expect(podLabels[k]).toBe(v);
    expect(Object.keys(byKind('NetworkPolicy')[0].spec.podSelector.matchLabels)).toHaveLength(1);
  });

  test('identical input gives byte-identical output (R17)', () => {
    expect(JSON.stringify(synth().manifests)).toBe(JSON.stringify(synth().manifests));
    expect(JSON.stringify(synth().manifests)).not.toMatch(/[0-9]{4}-[0-9]{2}-[0-9]{2}T/);
  });
});

describe('image (R01, R14)', () => {
  test('pinned by digest, pulled Always, digest and repository recorded on the pod', () => {
    const { container, deployment } = synth({ signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main') });
    expect(container.image).toBe(`registry.example.com/acme/orders:1.4.2@${DIGEST}`);
    expect(container.imagePullPolicy).toBe('Always');
    expect(deployment.spec.template.metadata.annotations).toMatchObject({
      [GoldenAnnotations.IMAGE_DIGEST]: DIGEST,
      [GoldenAnnotations.IMAGE_REPOSITORY]: 'registry.example.com/acme/orders',
      [GoldenAnnotations.SIGNER]: 'keyless https://token.actions.githubusercontent.com https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main',
    });
  });

  test('a tag-only image cannot even be constructed; a plain object is refused', () => {
    expect(() => ImageReference.parse('registry.example.com/acme/orders:latest')).toThrow(/^\[R01\]/);
    expect(build({ image: { toString: () => 'nginx:latest' } as any })).toThrow(/^\[R01\] image: must be an ImageReference pinned by digest/);
  });

  test('version defaults to the tag, else a short digest', () => {
    const untagged = ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST);
    expect(synth({ image: untagged }).deployment.metadata.labels['app.kubernetes.io/version']).toBe('c0c0c0c0c0c0');
  });
});

describe('probes (R02)', () => {
  test('three distinct HTTP endpoints on the named port', () => {
    const { container } = synth();
    expect(container.startupProbe.httpGet).toEqual({ path: '/startupz', port: 'http' });
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
    expect(container.ports).toEqual([{ containerPort: 8080, name: 'http' }, { containerPort: 9090, name: 'metrics' }]);
  });

  test('gRPC probes by port number', () => {
    const { container } = synth({ probes: ServiceProbes.grpc({ readinessService: 'orders.v1.Orders' }) });
    expect(container.startupProbe.grpc).toEqual({ port: 8080 });
    expect(container.readinessProbe.grpc).toEqual({ port: 8080, service: 'orders.v1.Orders' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 8080 });
    expect(synth({ probes: ServiceProbes.grpc({ livenessService: 'liveness' }) }).container.livenessProbe.grpc).toEqual({ port: 8080, service: 'liveness' });
  });

  // One endpoint for readiness and liveness is what many real programs have: a warning with the fix, never a throw.
  test('readiness and liveness on one endpoint: an R02 warning, suppressible with a reason; a query string is the same endpoint', () => {
    const r02 = (props: Partial<GoMicroserviceProps>) => Checklist.findings(synth(props).svc).filter((f) => f.ruleId === 'R02');
    for (const probes of [ServiceProbes.http({ readiness: '/healthz' }), ServiceProbes.http({ readiness: '/healthz?ready', liveness: '/healthz?live' }),
      ServiceProbes.grpc({ livenessService: 'x', readinessService: 'x' })]) {
      expect(r02({ probes })).toEqual([expect.objectContaining({
        severity: 'warning',
        status: 'fail',
        field: 'spec.template.spec.containers[app].livenessProbe',
        message: expect.stringMatching(/^readiness and liveness probe the same endpoint \((http http \/healthz|grpc 8080 x)\)/),
      })]);
    }
    const reason = 'the program has one health handler that only proves it answers';
    expect(r02({ probes: ServiceProbes.http({ readiness: '/healthz' }), suppressions: { R02: reason } })).toEqual([expect.objectContaining({ status: 'suppressed', reason })]);
    expect(r02({})).toEqual([]);
  });

  test('bad probe input', () => {
    expect(() => ServiceProbes.http({ startup: 'healthz' })).toThrow('probes: startup path "healthz" must start with "/" and contain no spaces');
    expect(() => ServiceProbes.grpc({ port: 80 })).toThrow('probes: grpc port 80 is not valid; allowed: 1024-65535');
  });
});

describe('resources and the Go runtime (R03, R04, R05)', () => {
  test('defaults: requests cpu/memory/ephemeral-storage, limits with a CPU limit, GOMEMLIMIT 90 % in MiB, no GOMAXPROCS on Go 1.26', () => {
    const { container, env } = synth();
    expect(container.resources).toEqual({
      requests: { 'cpu': '100m', 'memory': '128Mi', 'ephemeral-storage': '128Mi' },
      limits: { 'cpu': '1000m', 'memory': '256Mi', 'ephemeral-storage': '256Mi' },
    });
    expect(env.GOMEMLIMIT).toBe('230MiB');
    expect(env.GOMAXPROCS).toBeUndefined();
  });

  test.each([['512Mi', '460MiB'], ['2Gi', '1843MiB'], ['500M', '429MiB'], ['1G', '858MiB']])('memoryLimit %s gives GOMEMLIMIT %s and keeps the quantity as written', (limit, expected) => {
    const { container, env } = synth({ resources: { memoryLimit: limit } });
    expect(env.GOMEMLIMIT).toBe(expected);
    expect(container.resources.limits.memory).toBe(limit);
  });

  test('no CPU limit when asked; GOMAXPROCS from limits.cpu on Go 1.24, with a warning when there is no limit', () => {
    expect(synth({ resources: { cpuLimitMillis: 0 } }).container.resources.limits.cpu).toBeUndefined();
    expect(synth({ goVersion: '1.24' }).env.GOMAXPROCS).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } });
    const { svc, env } = synth({ goVersion: '1.24', resources: { cpuLimitMillis: 0 } });
    expect(env.GOMAXPROCS).toBeUndefined();
    expect(svc.warnings).toEqual([expect.stringMatching(/^\[R05\] resources\.cpuLimitMillis: Go 1\.24 does not read the cgroup CPU limit/)]);
  });

  test('R05 follows go.mod: `go 1.23` on a 1.26 toolchain gets GOMAXPROCS from limits.cpu, `go 1.25` does not', () => {
    expect(synth({ goVersion: '1.26', goModGoVersion: '1.23' }).env.GOMAXPROCS).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } });
    expect(synth({ goVersion: '1.26', goModGoVersion: '1.25' }).env.GOMAXPROCS).toBeUndefined();
    const { svc, env } = synth({ goVersion: '1.26', goModGoVersion: '1.23', resources: { cpuLimitMillis: 0 } });
    expect(env.GOMAXPROCS).toBeUndefined();
    expect(svc.warnings).toEqual([expect.stringMatching(/^\[R05\] resources\.cpuLimitMillis: a module declaring go 1\.23 \(goModGoVersion\) does not read the cgroup CPU limit/)]);
    expect(() => synth({ goModGoVersion: 'go1.25' })).toThrow(/^goModGoVersion: "go1\.25" is not valid/);
  });

  test('R05 without repeating the image: an ImageReference from a HardenedGoImage carries its Go release and go.mod directive', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-gomod-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), 'module example.com/old\n\ngo 1.23\n');
    const built = new HardenedGoImage(Testing.chart(), 'img', { name: 'svc', imageName: 'registry.example.com/acme/svc', context: dir });
    const ref = ImageReference.fromHardenedGoImage(built, `sha256:${'c'.repeat(64)}`);
    expect([ref.goVersion, ref.goModGoVersion]).toEqual(['1.26', '1.23']);
    expect(synth({ image: ref }).env.GOMAXPROCS).toEqual({ resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } });
    // A prop that contradicts the image is refused rather than silently preferred.
    expect(() => synth({ image: ref, goModGoVersion: '1.25' })).toThrow(/^goModGoVersion: "1\.25" is not valid; allowed: the image's own value "1\.23"/);
    expect(synth({ image: ref, goModGoVersion: '1.23' }).env.GOMAXPROCS).toBeDefined();
  });

  test.each<[Partial<GoMicroserviceProps>, RegExp]>([
    [{ resources: { memoryLimit: '400Mb' } }, /^resources\.memoryLimit: "400Mb" is not valid; allowed: a Kubernetes quantity/],
    [{ resources: { memoryLimit: '64Mi' } }, /^resources\.memoryLimit: "64Mi" is not valid; allowed: at least the memory request \(128Mi\)/],
    [{ resources: { cpuLimitMillis: 50 } }, /^resources\.cpuLimitMillis: 50 is not valid; allowed: at least the CPU request \(100\), or 0/],
    [{ resources: { cpuRequestMillis: 0.5 } }, /^resources\.cpuRequestMillis: 0\.5 is not valid/],
    [{ resources: { ephemeralStorageLimit: '1Mi' } }, /^resources\.ephemeralStorageLimit: "1Mi" is not valid; allowed: at least the ephemeral-storage request/],
    [{ goMemLimitRatio: 1.5 }, /^\[R04\] goMemLimitRatio: 1\.5 is outside \(0, 1\]/],
    [{ env: { GOMEMLIMIT: '400Mi' } }, /^env\.GOMEMLIMIT: set by golden-go from its own prop/],
  ])('%p is rejected', (props, msg) => {
    expect(build(props)).toThrow(msg);
  });
});

describe('shutdown budget (R06)', () => {
  test('default target (1.35): preStop sleep, grace = sleep + drain + margin, drain timeout passed to the app', () => {
    const { container, pod, env } = synth();
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.terminationGracePeriodSeconds).toBe(30);
    expect(env.SHUTDOWN_DRAIN_TIMEOUT).toBe('20');
    expect(env.SHUTDOWN_DELAY).toBe('0');
  });

  test.each(['1.27', '1.29'])('Kubernetes %s has no sleep action: the app delays its own shutdown instead', (v) => {
    const { container, env, pod } = synth({ kubernetesVersion: v, preStopDelaySeconds: 8, drainTimeoutSeconds: 15 });
    expect(container.lifecycle).toBeUndefined();
    expect(env.SHUTDOWN_DELAY).toBe('8');
    expect(pod.terminationGracePeriodSeconds).toBe(28);
  });

  test('1.30 is the first release with the sleep action', () => {
    expect(synth({ kubernetesVersion: '1.30' }).container.lifecycle.preStop.sleep.seconds).toBe(5);
  });

  test('a longer grace period is kept; a shorter one is an error', () => {
    expect(synth({ terminationGracePeriodSeconds: 60 }).pod.terminationGracePeriodSeconds).toBe(60);
    expect(build({ terminationGracePeriodSeconds: 10 })).toThrow(/^\[R06\] terminationGracePeriodSeconds: 10 is less than preStop delay 5 s \+ drain timeout 20 s \+ margin 5 s = 30 s/);
    expect(build({ drainTimeoutSeconds: 0 })).toThrow(/^drainTimeoutSeconds: 0 is not valid; allowed: whole seconds from 1 to 3600/);
    expect(build({ kubernetesVersion: '1.26' })).toThrow(/^kubernetesVersion: "1\.26" is not valid; allowed: a Kubernetes release from 1\.27 on/);
  });

  test('no preStop delay: no lifecycle at all', () => {
    expect(synth({ preStopDelaySeconds: 0 }).container.lifecycle).toBeUndefined();
  });
});

describe('restricted security context (R07)', () => {
  test('pod and container', () => {
    const { pod, container, byKind } = synth();
    expect(pod.securityContext).toEqual({
      fsGroup: 65532, fsGroupChangePolicy: 'OnRootMismatch', runAsGroup: 65532, runAsNonRoot: true, runAsUser: 65532, seccompProfile: { type: 'RuntimeDefault' },
    });
    expect(container.securityContext).toEqual({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 65532,
      runAsNonRoot: true,
      runAsUser: 65532,
    });
    expect(pod.automountServiceAccountToken).toBe(false);
    expect(pod.serviceAccountName).toBe('orders');
    expect(byKind('ServiceAccount')[0].automountServiceAccountToken).toBe(false);
    expect(pod.volumes).toEqual([{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }]);
    expect(container.volumeMounts).toEqual([{ name: 'tmp', mountPath: '/tmp' }]);
    expect(pod.hostNetwork).toBe(false);
    expect(pod.enableServiceLinks).toBe(false);
  });
});

describe('sysctls (R08)', () => {
  test('safe sysctls pass, with the kube-linter exemption and its reason', () => {
    const { pod, deployment } = synth({ sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net/ipv4/tcp_keepalive_time', value: '600' }] });
    expect(pod.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }, { name: 'net.ipv4.tcp_keepalive_time', value: '600' }]);
    expect(deployment.metadata.annotations['ignore-check.kube-linter.io/unsafe-sysctls']).toMatch(/safe set/);
  });

  test('namespaced-unsafe sysctls need the explicit opt-in and are flagged', () => {
    expect(build({ sysctls: [{ name: 'net.core.somaxconn', value: '4096' }] })).toThrow(/^\[R08\] sysctls: net\.core\.somaxconn is namespaced but unsafe: it is not in the Kubernetes safe set/);
    const { svc, deployment } = synth({ sysctls: [{ name: 'net.core.somaxconn', value: '4096' }], allowedUnsafeSysctls: ['net.core.somaxconn'] });
    expect(deployment.spec.template.metadata.annotations[GoldenAnnotations.UNSAFE_SYSCTLS]).toBe('net.core.somaxconn');
    expect(deployment.metadata.annotations['ignore-check.kube-linter.io/unsafe-sysctls']).toBeUndefined();
    expect(svc.warnings).toEqual([expect.stringMatching(/^\[R08\] allowedUnsafeSysctls: net\.core\.somaxconn is unsafe/)]);
  });

  test('a sysctl that became safe later is unsafe for an older target', () => {
    expect(build({ kubernetesVersion: '1.31', sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] }))
      .toThrow(/^\[R08\] sysctls: net\.ipv4\.tcp_rmem is namespaced but unsafe: it only joined the safe set in Kubernetes 1\.32 and kubernetesVersion is 1\.31/);
    expect(synth({ kubernetesVersion: '1.32', sysctls: [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }] }).pod.securityContext.sysctls).toHaveLength(1);
  });

  test.each<[Partial<GoMicroserviceProps>, RegExp]>([
    [{ sysctls: [{ name: 'vm.swappiness', value: '10' }] }, /^\[R08\] sysctls: vm\.swappiness is a node-level sysctl/],
    [{ sysctls: [{ name: 'fs.file-max', value: '100000' }], allowedUnsafeSysctls: ['fs.file-max'] }, /^\[R08\] sysctls: fs\.file-max is a node-level sysctl/],
    [{ hostNetwork: true, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }] }, /^\[R08\] sysctls: net\.ipv4\.ip_unprivileged_port_start is a net\.\* sysctl and hostNetwork is true/],
    [{ sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }, { name: 'kernel.shm_rmid_forced', value: '0' }] }, /^sysctls: "kernel\.shm_rmid_forced" is not valid; allowed: each sysctl once/],
    [{ sysctls: [{ name: 'kernel.shm_rmid_forced', value: '1' }], allowedUnsafeSysctls: ['net.core.somaxconn'] }, /^allowedUnsafeSysctls: "net\.core\.somaxconn" is not valid; allowed: names that also appear in sysctls/],
  ])('%p is rejected', (props, msg) => {
    expect(build(props)).toThrow(msg);
  });
});

describe('time zone, encoding and logs (R09, R10)', () => {
  test('defaults', () => {
    const { env, container, deployment } = synth();
    expect(env).toMatchObject({ TZ: 'UTC', LANG: 'C.UTF-8', LOG_LEVEL: 'info', LOG_FORMAT: 'json', NO_COLOR: '1', PORT: '8080', METRICS_PORT: '9090' });
    expect(container.terminationMessagePolicy).toBe('FallbackToLogsOnError');
    expect(deployment.spec.template.metadata.annotations['fluentbit.io/parser']).toBeUndefined();
  });

  test('time zone, log level and Fluent Bit parser', () => {
    const { env, deployment } = synth({ timeZone: 'Asia/Shanghai', logLevel: LogLevel.DEBUG, fluentBitParser: 'json' });
    expect(env.TZ).toBe('Asia/Shanghai');
    expect(env.LOG_LEVEL).toBe('debug');
    expect(deployment.spec.template.metadata.annotations['fluentbit.io/parser']).toBe('json');
  });

  test.each(['Mars/Olympus_Mons', 'CEST+2', 'Europe/../etc/passwd', ''])('time zone %p is rejected', (tz) => {
    expect(build({ timeZone: tz })).toThrow(/^\[R09\] timeZone: ".*" is not an IANA time zone; Go would silently fall back to UTC/);
  });
});

describe('metrics (R11)', () => {
  test('default: prometheus.io annotations and a named metrics port on the Service', () => {
    const { deployment, byKind } = synth();
    expect(deployment.spec.template.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': '9090', 'prometheus.io/path': '/metrics' });
    expect(byKind('Service')[0].spec.ports).toEqual([
      { name: 'http', port: 80, protocol: 'TCP', targetPort: 'http' },
      { name: 'metrics', port: 9090, protocol: 'TCP', targetPort: 'metrics' },
    ]);
    expect(byKind('ServiceMonitor')).toEqual([]);
  });

  test('ServiceMonitor selecting the Service, no annotations', () => {
    const { deployment, byKind } = synth({ monitoring: Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' }, interval: '30s' }) });
    const sm = byKind('ServiceMonitor')[0];
    expect(sm.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(sm.metadata.labels.release).toBe('kube-prometheus-stack');
    expect(sm.spec).toEqual({
      selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } },
      namespaceSelector: { matchNames: ['shop'] },
      endpoints: [{ port: 'metrics', path: '/metrics', interval: '30s' }],
    });
    for (const [k, v] of Object.entries(sm.spec.selector.matchLabels)) expect(byKind('Service')[0].metadata.labels[k]).toBe(v);
    expect(deployment.spec.template.metadata.annotations['prometheus.io/scrape']).toBeUndefined();
    expect(() => Monitoring.serviceMonitor({ interval: 'often' })).toThrow('monitoring: interval "often" is not valid');
  });
});

describe('availability (R12)', () => {
  test('2 replicas, RollingUpdate maxUnavailable 0, PDB maxUnavailable 1, soft zone+host spread and anti-affinity', () => {
    const { deployment, pod, byKind } = synth();
    expect(deployment.spec.replicas).toBe(2);
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } });
    expect(byKind('PodDisruptionBudget')[0].spec).toEqual({
      maxUnavailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/name': 'orders', 'app.kubernetes.io/instance': 'orders' } },
    });
    expect(pod.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable, t.maxSkew])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway', 1], ['kubernetes.io/hostname', 'ScheduleAnyway', 1],
    ]);
    expect(pod.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey).toBe('kubernetes.io/hostname');
    expect(deployment.metadata.annotations['polaris.fairwinds.com/priorityClassNotSet-exempt']).toBe('true');
    expect(deployment.metadata.annotations['golden-go.dev/exempt-reason.priorityClassNotSet']).toMatch(/PriorityClass/);
  });

  test('priorityClassName removes the exemption', () => {
    const { pod, deployment } = synth({ priorityClassName: 'business-critical' });
    expect(pod.priorityClassName).toBe('business-critical');
    expect(deployment.metadata.annotations ?? {}).toEqual({});
  });

  test('autoscaling: HPA with min ≥ 2, no fixed replicas, Polaris exemption with its reason', () => {
    const { deployment, byKind } = synth({ autoscaling: { minReplicas: 3, maxReplicas: 10 } });
    expect(deployment.spec.replicas).toBeUndefined();
    const hpa = byKind('HorizontalPodAutoscaler')[0];
    expect(hpa.spec).toMatchObject({ minReplicas: 3, maxReplicas: 10, scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'orders' } });
    expect(hpa.spec.metrics[0].resource).toEqual({ name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } });
    expect(deployment.metadata.annotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt']).toBe('true');
  });

  test.each<[Partial<GoMicroserviceProps>, RegExp]>([
    [{ replicas: 1 }, /^\[R12\] replicas: 1 leaves the service down during every node drain and rollout; use at least 2/],
    [{ autoscaling: { minReplicas: 1, maxReplicas: 5 } }, /^\[R12\] autoscaling\.minReplicas: 1 can scale the service down to a single pod/],
    [{ autoscaling: { maxReplicas: 2 } }, /^autoscaling\.maxReplicas: 2 is not valid; allowed: a whole number greater than minReplicas \(2\)/],
    [{ autoscaling: { maxReplicas: 5, cpuUtilization: 0 } }, /^autoscaling\.cpuUtilization: 0 is not valid/],
    [{ replicas: 3, autoscaling: { maxReplicas: 5 } }, /^replicas: not allowed together with autoscaling/],
  ])('%p is rejected', (props, msg) => {
    expect(build(props)).toThrow(msg);
  });
});

describe('network policy (R13)', () => {
  test('deny by default: ingress to the service ports, egress to DNS plus declared dependencies', () => {
    const { byKind } = synth({
      egress: [NetworkEgress.toPods('data', { 'app.kubernetes.io/name': 'postgres' }, [5432]), NetworkEgress.toCidr('10.20.0.0/16', [443]),
        NetworkEgress.toNamespace('queue', [4222], EgressProtocol.TCP)],
    });
    const np = byKind('NetworkPolicy')[0].spec;
    expect(np.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(np.ingress).toEqual([{ from: [{ namespaceSelector: {} }], ports: [{ port: 'http', protocol: 'TCP' }, { port: 'metrics', protocol: 'TCP' }] }]);
    expect(np.egress[0].ports).toEqual([{ port: 53, protocol: 'UDP' }, { port: 53, protocol: 'TCP' }]);
    expect(np.egress.slice(1)).toEqual([
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'data' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'postgres' } } }], ports: [{ port: 5432, protocol: 'TCP' }] },
      { to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ port: 443, protocol: 'TCP' }] },
      { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'queue' } } }], ports: [{ port: 4222, protocol: 'TCP' }] },
    ]);
  });

  test('egress rules are validated', () => {
    expect(() => NetworkEgress.toCidr('10.0.0.0', [443])).toThrow('egress: "10.0.0.0" is not a CIDR such as "10.0.0.0/16"');
    expect(() => NetworkEgress.toPods('data', {}, [5432])).toThrow(/egress: podLabels must select something/);
    expect(() => NetworkEgress.toNamespace('data', [])).toThrow(/egress: give at least one port/);
    expect(() => NetworkEgress.toNamespace('Data', [1])).toThrow('egress: namespace "Data" is not a valid namespace name');
  });
});

describe('secrets (R16)', () => {
  test('mounted read-only as files', () => {
    const { pod, container } = synth({ secretFiles: [{ secretName: 'orders-db', mountPath: '/var/run/secrets/orders-db' }] });
    const vol = pod.volumes.find((v: any) => v.secret);
    expect(vol.secret).toEqual({ secretName: 'orders-db', defaultMode: 0o440 });
    expect(container.volumeMounts).toContainEqual({ name: vol.name, mountPath: '/var/run/secrets/orders-db', readOnly: true });
    expect(JSON.stringify(container.env)).not.toMatch(/secretKeyRef/);
  });

  test.each<[Partial<GoMicroserviceProps>, RegExp]>([
    [{ env: { DB_PASSWORD: 'hunter2' } }, /^\[R16\] env\.DB_PASSWORD: looks like a secret/],
    [{ env: { GITHUB_TOKEN: 'x' } }, /^\[R16\] env\.GITHUB_TOKEN: looks like a secret/],
    [{ env: { 'BAD-NAME': 'x' } }, /^env\.BAD-NAME: "BAD-NAME" is not valid/],
    [{ secretFiles: [{ secretName: 'db', mountPath: '/tmp' }] }, /^secretFiles\[0\]\.mountPath: "\/tmp" is not valid/],
  ])('%p is rejected', (props, msg) => {
    expect(build(props)).toThrow(msg);
  });

  test('plain env is kept after the runtime variables', () => {
    expect(synth({ env: { FEATURE_FLAGS: 'a,b' } }).env.FEATURE_FLAGS).toBe('a,b');
  });
});

describe('other bad input', () => {
  test.each<[Partial<GoMicroserviceProps>, RegExp]>([
    [{ name: 'Orders' }, /^name: "Orders" is not valid; allowed: a DNS label/],
    [{ port: 0 }, /^port: 0 is not valid; allowed: 1-65535/],
    [{ metricsPort: 8080 }, /^metricsPort: 8080 is not valid; allowed: a port other than port \(8080\)/],
    [{ version: 'v1 beta' }, /^version: "v1 beta" is not valid; allowed: a label value/],
    [{ fluentBitParser: 'json parser' }, /^fluentBitParser: "json parser" is not valid/],
    [{ tmpSizeLimit: 'lots' }, /^tmpSizeLimit: "lots" is not valid/],
  ])('%p', (props, msg) => {
    expect(build(props)).toThrow(msg);
  });
});

test('snapshot of the default service', () => {
  expect(synth().manifests).toMatchSnapshot();
});

test('snapshot with autoscaling, ServiceMonitor, gRPC probes and Kubernetes 1.27', () => {
  expect(synth({ kubernetesVersion: '1.27', autoscaling: { maxReplicas: 6 }, monitoring: Monitoring.serviceMonitor(), probes: ServiceProbes.grpc() }).manifests).toMatchSnapshot();
});

describe('the app contract through the construct and the checklist', () => {
  const REASON = 'the process exits by itself when it cannot serve';
  const findings = (svc: GoMicroservice) => Checklist.findings(svc).filter((f) => f.status === 'suppressed' || f.status === 'fail');

  test('AppProbe.none: the probe is left out and R02 for it is recorded as suppressed, with the reason', () => {
    const probes = ServiceProbes.of({ readiness: AppProbe.http('/ready'), liveness: AppProbe.none(REASON), startup: AppProbe.http('/ready') });
    const { svc, container, deployment } = synth({ app: new GoApp({ probes }) });
    expect(container.livenessProbe).toBeUndefined();
    expect(findings(svc).filter((f) => f.ruleId === 'R02')).toEqual([expect.objectContaining({
      status: 'suppressed', reason: REASON, field: 'spec.template.spec.containers[app].livenessProbe',
    })]);
    expect(deployment.metadata.annotations['golden-go.dev/suppressed.R02']).toBe(REASON);
  });

  test('Metrics.none(): R11 is a warning, suppressible with a reason', () => {
    const app = new GoApp({ metrics: Metrics.none() });
    expect(findings(synth({ app }).svc).filter((f) => f.ruleId === 'R11')).toEqual([expect.objectContaining({ severity: 'warning', status: 'fail' })]);
    const reason = 'the service exposes no metrics; its load balancer reports traffic';
    expect(findings(synth({ app, suppressions: { R11: reason } }).svc).filter((f) => f.ruleId === 'R11')).toEqual([expect.objectContaining({ status: 'suppressed', reason })]);
  });

  test('R10 asks for NO_COLOR only from a program that reads it; terminationMessagePolicy always', () => {
    const r10 = (reads: GoldenSetting[]) => findings(synth({ app: new GoApp({ reads, metrics: Metrics.none() }) }).svc).filter((f) => f.ruleId === 'R10');
    expect(r10([])).toEqual([]);
    expect(r10([GoldenSetting.NO_COLOR])).toEqual([]);
    const { svc } = synth({ app: new GoApp({ reads: [GoldenSetting.NO_COLOR] }) });
    ApiObject.of(svc.deployment).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/env/3'));
    expect(findings(svc).filter((f) => f.ruleId === 'R10').map((f) => f.message)).toEqual(['NO_COLOR is not set']);
  });

  test('writable directories are emptyDirs mounted next to /tmp; the root filesystem stays read-only', () => {
    const { container, pod } = synth({ app: new GoApp({ writableDirs: [WritableDir.memory('/run/cache', '32Mi')] }) });
    expect(container.volumeMounts).toEqual(expect.arrayContaining([{ mountPath: '/tmp', name: 'tmp' }, { mountPath: '/run/cache', name: 'writable-0' }]));
    expect(pod.volumes).toContainEqual({ name: 'writable-0', emptyDir: { medium: 'Memory', sizeLimit: '32Mi' } });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });
});
