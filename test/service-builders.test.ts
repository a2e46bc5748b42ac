// The service builders are pure: props → model → object props, tested without a construct tree.
import {
  AppEnv, AppProbe, GoApp, GoAppProps, GoldenAnnotations, GoldenSetting, ImageReference, LogLevel, Metrics, Monitoring, NetworkEgress,
  PortBinding, ServiceProbes, ShutdownBehavior, WritableDir,
} from '../src';
import { RuleGate } from '../src/checklist/engine';
import { networkPolicyProps, podUnderlay, serviceMonitorProps, serviceProps, disruptionBudgetProps } from '../src/service/builders';
import { buildServiceModel, ServiceModel } from '../src/service/model';
import { GoMicroserviceProps } from '../src/service/props';

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');
const model = (props: Partial<GoMicroserviceProps> = {}, gate = new RuleGate()): ServiceModel =>
  buildServiceModel({ image, ...props }, { id: 'orders', chartNamespace: 'shop' }, gate);

describe('model', () => {
  test('derives names, labels, GOMEMLIMIT and the shutdown budget once', () => {
    const m = model({ resources: { memoryLimit: '512Mi' }, drainTimeoutSeconds: 10 });
    expect([m.name, m.namespace, m.labels['app.kubernetes.io/version']]).toEqual(['orders', 'shop', '1.4.2']);
    expect(m.env.GOMEMLIMIT.value).toBe('460MiB');
    expect(m.shutdown).toEqual({ drainSeconds: 10, preStopSeconds: 5, graceSeconds: 20, sleepAction: true });
  });

  test('a construct-time rule error is recorded when the gate allows it, with the prop as field', () => {
    const gate = new RuleGate([{ ruleId: 'R12', reason: 'a single replica is enough for this batch helper', location: 'test' }]);
    expect(model({ replicas: 1 }, gate).replicas).toBe(1);
    expect(gate.suppressed).toEqual([expect.objectContaining({ ruleId: 'R12', field: 'replicas' })]);
  });
});

describe('builders', () => {
  test('pod underlay: what cdk8s-plus cannot say, with the preStop sleep on 1.30+ and the app delaying itself before', () => {
    const byPath = (m: ServiceModel) => Object.fromEntries(podUnderlay(m));
    expect(byPath(model())['/spec/template/spec/containers/0'].lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    const old = model({ kubernetesVersion: '1.29' });
    expect(byPath(old)['/spec/template/spec/containers/0'].lifecycle).toBeUndefined();
    expect(old.env.SHUTDOWN_DELAY.value).toBe('5');
    expect(byPath(model({ probes: ServiceProbes.grpc() }))['/spec/template/spec/containers/0'].startupProbe).toEqual(expect.objectContaining({ grpc: { port: 8080 } }));
  });

  test('network policy: DNS first, then each dependency with numeric ports', () => {
    const np = networkPolicyProps(model({ egress: [NetworkEgress.toCidr('10.0.0.0/8', [5432])] }));
    expect(np.spec!.egress!.map((e) => e.ports!.map((p) => p.port!.value))).toEqual([[53, 53], [5432]]);
    expect(np.spec!.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'orders' });
  });

  test('service, PDB and ServiceMonitor select the same pods', () => {
    const m = model({ monitoring: Monitoring.serviceMonitor({ labels: { release: 'kps' }, interval: '30s' }) });
    expect(serviceProps(m).spec!.selector).toEqual(m.selectorLabels);
    expect(disruptionBudgetProps(m).spec!.selector!.matchLabels).toEqual(m.selectorLabels);
    const sm = serviceMonitorProps(m)!;
    expect(sm.spec.selector.matchLabels).toEqual(m.selectorLabels);
    expect(sm.metadata!.labels!.release).toBe('kps');
    expect(serviceMonitorProps(model())).toBeUndefined();
  });
});

describe('the app contract (GoApp)', () => {
  const app = (props: GoAppProps, rest: Partial<GoMicroserviceProps> = {}, gate = new RuleGate()) => model({ app: new GoApp(props), ...rest }, gate);
  const envNames = (m: ServiceModel) => Object.keys(m.env);
  const container = (m: ServiceModel): any => Object.fromEntries(podUnderlay(m))['/spec/template/spec/containers/0'];

  test('the shorthand props and the default app are one code path: same env, probes, ports and budget', () => {
    const shorthand = model({ port: 8081, metricsPort: 9091, drainTimeoutSeconds: 7, env: { GREETING: 'hi' } });
    const declared = app({ port: PortBinding.env('PORT', 8081), metrics: Metrics.onPort(9091), shutdown: ShutdownBehavior.drains(7), env: { GREETING: AppEnv.value('hi') } });
    expect(Object.entries(declared.env)).toEqual(Object.entries(shorthand.env));
    expect(container(declared)).toEqual(container(shorthand));
    expect([declared.port, declared.metrics, declared.shutdown]).toEqual([shorthand.port, shorthand.metrics, shorthand.shutdown]);
    // Only the declaration is recorded on top.
    const { [GoldenAnnotations.APP_READS]: reads, ...annotations } = declared.podAnnotations;
    expect(annotations).toEqual(shorthand.podAnnotations);
    expect(reads).toBe('LOG_LEVEL,LOG_FORMAT,NO_COLOR,LANG,SHUTDOWN_DRAIN_TIMEOUT,SHUTDOWN_DELAY,METRICS_PORT');
  });

  test.each(['port', 'metricsPort', 'probes', 'drainTimeoutSeconds', 'env'] as const)('%s together with app is an error naming both', (prop) => {
    const value = { port: 8080, metricsPort: 9090, probes: ServiceProbes.http(), drainTimeoutSeconds: 20, env: {} }[prop];
    expect(() => app({}, { [prop]: value })).toThrow(new RegExp(`^${prop}: not allowed together with app; say it in app \\(app\\.`));
  });

  test('only the declared variables: the port variable, the golden settings read, the program\'s own, and the Go runtime\'s', () => {
    const m = app({ port: PortBinding.env('LISTEN_ADDR', 8080, { listenAddress: true }), reads: [GoldenSetting.LOG_LEVEL], env: { POD_IP: AppEnv.podIp(), MODE: AppEnv.value('fast') } });
    expect(envNames(m)).toEqual(['LISTEN_ADDR', 'GOMEMLIMIT', 'TZ', 'LOG_LEVEL', 'POD_IP', 'MODE']);
    expect(m.env.LISTEN_ADDR.value).toBe(':8080');
    expect(m.podAnnotations[GoldenAnnotations.APP_READS]).toBe('LOG_LEVEL');
    expect(app({ reads: [], port: PortBinding.fixed(8080) }).podAnnotations[GoldenAnnotations.APP_READS]).toBe('none');
    expect(() => app({ reads: [] }, { logLevel: LogLevel.DEBUG })).toThrow(/^logLevel: the program does not read LOG_LEVEL \(app\.reads\)/);
    expect(() => app({ reads: [GoldenSetting.METRICS_PORT], metrics: Metrics.onServicePort() })).toThrow(/^app\.reads: METRICS_PORT needs metrics on a port of their own/);
    expect(() => app({ env: { PORT: AppEnv.value('1') } })).toThrow(/^app\.env\.PORT: set by golden-go from its own prop/);
    expect(() => app({ env: { API_TOKEN: AppEnv.value('x') } })).toThrow(/^\[R16\] app\.env\.API_TOKEN: looks like a secret/);
    // A golden setting the program does not read is its own business.
    expect(app({ reads: [], env: { LOG_LEVEL: AppEnv.value('trace') } }).env.LOG_LEVEL.value).toBe('trace');
  });

  test('Downward API values in env, referenced from args; any other $(…) is rejected naming the prop', () => {
    const m = app({ env: { POD_IP: AppEnv.podIp(), POD_NAME: AppEnv.podName(), NS: AppEnv.namespace(), NODE: AppEnv.nodeName() }, args: ['--advertise=$(POD_IP):7946'] });
    expect(['POD_IP', 'POD_NAME', 'NS', 'NODE'].map((k) => m.env[k].valueFrom)).toEqual([
      { fieldRef: { fieldPath: 'status.podIP' } }, { fieldRef: { fieldPath: 'metadata.name' } },
      { fieldRef: { fieldPath: 'metadata.namespace' } }, { fieldRef: { fieldPath: 'spec.nodeName' } },
    ].map((v) => expect.objectContaining({ fieldRef: expect.objectContaining(v.fieldRef) })));
    expect(m.args).toEqual(['--advertise=$(POD_IP):7946']);
    expect(() => app({ args: ['--token=$(API_TOKEN)'] })).toThrow(/^app\.args\[0\]: "--token=\$\(API_TOKEN\)" is not valid; allowed: \$\(NAME\) only for a variable of app\.env \(none declared\)/);
    expect(() => app({ command: ['/app', '$(PATH'] })).toThrow(/^app\.command\[1\]: .* is not valid; allowed: exec-form words/);
  });

  test('port flags follow args (subcommands first); listen addresses cover every interface', () => {
    expect(app({ args: ['serve'], port: PortBinding.flag('--port', 8080) }).args).toEqual(['serve', '--port=8080']);
    expect(app({ port: PortBinding.flag('-listen', 8080, { listenAddress: true }) }).args).toEqual(['-listen=:8080']);
    expect(app({ port: PortBinding.fixed(8080) }).args).toBeUndefined();
    expect(() => PortBinding.flag('port', 8080)).toThrow(/^app\.port: PortBinding\.flag flag: "port" is not valid; allowed: a flag such as "--port"/);
    expect(() => PortBinding.env('PORT', 70000)).toThrow(/^app\.port: 70000 is not valid; allowed: 1-65535/);
  });

  test('a port below 1024 gets the safe unprivileged-port sysctl, merged with the user\'s; not with hostNetwork', () => {
    const low = { port: PortBinding.fixed(80) };
    expect(app(low).sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
    expect(model({ port: 443 }).sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '443' }]);
    const mine = { name: 'net.ipv4.ip_unprivileged_port_start', value: '0' };
    expect(app(low, { sysctls: [mine, { name: 'net.ipv4.tcp_keepalive_time', value: '60' }] }).sysctls).toEqual([mine, { name: 'net.ipv4.tcp_keepalive_time', value: '60' }]);
    expect(() => app(low, { sysctls: [{ ...mine, value: '1024' }] })).toThrow(/^sysctls\.net\.ipv4\.ip_unprivileged_port_start: "1024" is not valid; allowed: at most 80: app\.port listens on 80/);
    expect(() => app(low, { hostNetwork: true })).toThrow(/^app\.port: port 80 needs the sysctl net\.ipv4\.ip_unprivileged_port_start, which a pod with hostNetwork cannot set/);
    expect(app(low).deploymentAnnotations['ignore-check.kube-linter.io/unsafe-sysctls']).toMatch(/safe set \(net\.ipv4\.ip_unprivileged_port_start\)/);
  });

  test('metrics: none, on the service port, or an own port; monitoring follows them', () => {
    const none = app({ metrics: Metrics.none() });
    expect([none.metrics, serviceProps(none).spec!.ports!.map((p) => p.name), none.podAnnotations['prometheus.io/scrape']]).toEqual([undefined, ['http'], undefined]);
    expect(networkPolicyProps(none).spec!.ingress![0].ports!.map((p) => p.port!.value)).toEqual(['http']);
    expect(() => app({ metrics: Metrics.none() }, { monitoring: Monitoring.serviceMonitor() })).toThrow(/^monitoring: not allowed with app\.metrics Metrics\.none\(\)/);
    const onService = app({ metrics: Metrics.onServicePort('/internal/metrics') }, { monitoring: Monitoring.serviceMonitor() });
    expect(serviceMonitorProps(onService)!.spec.endpoints).toEqual([{ port: 'http', path: '/internal/metrics' }]);
    expect(app({ metrics: Metrics.onServicePort() }).podAnnotations).toMatchObject({ 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
    expect(serviceMonitorProps(app({ metrics: Metrics.onPort(9100, '/m') }, { monitoring: Monitoring.serviceMonitor() }))!.spec.endpoints).toEqual([{ port: 'metrics', path: '/m' }]);
    expect(() => app({ metrics: Metrics.onPort(8080) })).toThrow(/^app\.metrics: 8080 is not valid; allowed: a port other than port \(8080\); use Metrics\.onServicePort\(\)/);
  });

  test('shutdown: a program that exits at once keeps the preStop sleep and earns an R06 warning', () => {
    const gate = new RuleGate();
    const m = app({ shutdown: ShutdownBehavior.exitsImmediately(), reads: [] }, {}, gate);
    expect(m.shutdown).toEqual({ drainSeconds: 0, preStopSeconds: 5, graceSeconds: 10, sleepAction: true });
    expect(container(m).lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(gate.warnings).toEqual([expect.objectContaining({ ruleId: 'R06', field: 'app.shutdown', message: expect.stringMatching(/in flight then are dropped/) })]);
    expect(envNames(m)).not.toContain('SHUTDOWN_DRAIN_TIMEOUT');
    const old = new RuleGate();
    app({ reads: [] }, { kubernetesVersion: '1.29' }, old);
    expect(old.warnings).toEqual([expect.objectContaining({ ruleId: 'R06', field: 'app.reads', message: expect.stringMatching(/does not read SHUTDOWN_DELAY/) })]);
  });

  test('writable directories: validated, each its own emptyDir (disk or memory)', () => {
    const m = app({ writableDirs: [WritableDir.emptyDir('/var/lib/app/', '1Gi'), WritableDir.memory('/run/cache')] });
    expect(m.writableDirs).toEqual([{ path: '/var/lib/app', sizeMiB: 1024, inMemory: false }, { path: '/run/cache', sizeMiB: 16, inMemory: true }]);
    expect(() => app({ writableDirs: [WritableDir.emptyDir('/tmp')] })).toThrow(/^app\.writableDirs\[0\]: "\/tmp" is not valid; allowed: a directory other than \/tmp/);
    expect(() => app({ writableDirs: [WritableDir.emptyDir('/etc/db')] }, { secretFiles: [{ secretName: 'db', mountPath: '/etc/db' }] })).toThrow(/^app\.writableDirs\[0\]: "\/etc\/db"/);
    expect(() => WritableDir.emptyDir('/')).toThrow(/^app\.writableDirs: "\/" is not valid/);
    expect(() => WritableDir.emptyDir('/var/../etc')).toThrow(/^app\.writableDirs: "\/var\/\.\.\/etc" is not valid/);
    expect(() => app({ writableDirs: [WritableDir.emptyDir('/data', 'lots')] })).toThrow(/^app\.writableDirs\[0\]\.sizeLimit/);
  });

  test('one endpoint for readiness and liveness: kube-score is told only when R02 is suppressed, with the same reason', () => {
    const probes = ServiceProbes.of({ readiness: AppProbe.http('/healthz'), liveness: AppProbe.http('/healthz?live') });
    expect(app({ probes }).deploymentAnnotations['kube-score/ignore']).toBeUndefined();
    const reason = 'the program has one health handler for every probe';
    const gate = new RuleGate([{ ruleId: 'R02', reason, location: 'test' }]);
    expect(app({ probes }, {}, gate).deploymentAnnotations).toMatchObject({ 'kube-score/ignore': 'pod-probes-identical', 'golden-go.dev/exempt-reason.pod-probes-identical': reason });
    expect(app({}, {}, gate).deploymentAnnotations['kube-score/ignore']).toBeUndefined();
  });

  test('per-kind probes: startup defaults to liveness; absent ones are left out', () => {
    const probes = ServiceProbes.of({ readiness: AppProbe.grpc('orders.v1.Orders'), liveness: AppProbe.tcp() });
    const c = container(app({ port: PortBinding.env('GRPC_PORT', 50051), probes }));
    expect([c.startupProbe.tcpSocket, c.readinessProbe.grpc, c.livenessProbe.tcpSocket]).toEqual([{ port: 50051 }, { port: 50051, service: 'orders.v1.Orders' }, { port: 50051 }]);
    const none = ServiceProbes.of({ readiness: AppProbe.http('/ready'), liveness: AppProbe.none('the process exits by itself when it cannot serve') });
    expect(Object.keys(container(app({ probes: none }))).filter((k) => k.endsWith('Probe'))).toEqual(['readinessProbe']);
    expect(none._absent()).toEqual([{ field: 'startupProbe', reason: 'the process exits by itself when it cannot serve' }, { field: 'livenessProbe', reason: 'the process exits by itself when it cannot serve' }]);
    expect(() => AppProbe.none('n/a')).toThrow(/^probes: AppProbe\.none reason: suppressing R02 needs a written reason of at least a sentence/);
    expect(() => ServiceProbes.of({ readiness: AppProbe.tcp() } as any)).toThrow(/^probes: liveness is required/);
  });
});
