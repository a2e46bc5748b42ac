// The service builders are pure: props → model → object props, tested without a construct tree.
import { ImageReference, Monitoring, NetworkEgress, ServiceProbes } from '../src';
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
