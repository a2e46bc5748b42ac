// Pure builders: the service model in, Kubernetes object props out. No construct tree needed, so each
// is tested on its own; GoMicroservice only wires their output into cdk8s(-plus) objects.
import { ApiObjectProps, Duration } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { objectMetadata, ServiceModel } from './model';

const UID = 65532;

/** The volumes the construct creates for the model: /tmp and each writable directory, in order. */
export interface ServiceVolumes {
  readonly tmp: kplus.Volume;
  readonly writable: kplus.Volume[];
}

/** The Deployment as cdk8s-plus can say it; what it cannot say is in `podUnderlay`. */
export function deploymentProps(model: ServiceModel, serviceAccount: kplus.IServiceAccount, volumes: ServiceVolumes): kplus.DeploymentProps {
  return {
    metadata: objectMetadata(model, model.deploymentAnnotations),
    replicas: model.replicas,
    select: false,
    podMetadata: { labels: { ...model.labels }, annotations: model.podAnnotations },
    strategy: kplus.DeploymentStrategy.rollingUpdate({
      maxSurge: kplus.PercentOrAbsolute.absolute(1),
      maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
    }),
    serviceAccount,
    automountServiceAccountToken: false,
    terminationGracePeriod: Duration.seconds(model.shutdown.graceSeconds),
    hostNetwork: model.hostNetwork,
    securityContext: {
      ensureNonRoot: true,
      user: UID,
      group: UID,
      fsGroup: UID,
      fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
      sysctls: model.sysctls.map((s) => ({ ...s })),
    },
    containers: [{
      name: 'app',
      image: model.image.toString(),
      imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
      ports: [{ number: model.port, name: 'http' }, ...(model.metrics?.ownPort ? [{ number: model.metrics.port, name: 'metrics' }] : [])],
      command: model.command,
      args: model.args,
      envVariables: model.env,
      securityContext: {
        ensureNonRoot: true, user: UID, group: UID, privileged: false, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false,
      },
      volumeMounts: [{ path: '/tmp', volume: volumes.tmp }, ...model.writableDirs.map((d, i) => ({ path: d.path, volume: volumes.writable[i] }))],
      // Exact quantities come from podUnderlay: cdk8s-plus would round them to Mi/Gi and add its own defaults.
      resources: {},
    }],
  };
}

/** JSON pointer of cdk8s-plus's address label on the pod template: the selector here is the recommended labels. */
export const ADDRESS_LABEL_POINTER = `/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/\//g, '~1')}`;

/** Fields cdk8s-plus-27 cannot express, by JSON pointer; they lie under the rendering (see RenderedDefaults). */
export function podUnderlay(model: ServiceModel): Array<[string, Record<string, unknown>]> {
  const pod = '/spec/template/spec';
  const r = model.resources;
  const matchLabels = () => ({ matchLabels: { ...model.selectorLabels } });
  const { sleepAction, preStopSeconds } = model.shutdown;
  const preStop = sleepAction && preStopSeconds > 0 ? { preStop: { sleep: { seconds: preStopSeconds } } } : undefined;
  // No `{ ...spread, more }` literals here: V8 (Node 20) builds those on a slow path, once per service.
  const limits: Record<string, string> = {};
  if (r.cpuLimitMillis > 0) limits.cpu = `${r.cpuLimitMillis}m`;
  limits.memory = r.memoryLimit;
  limits['ephemeral-storage'] = r.ephemeralStorageLimit;
  return [
    [`${pod}/securityContext`, { seccompProfile: { type: 'RuntimeDefault' } }],
    [`${pod}/containers/0/securityContext`, { capabilities: { drop: ['ALL'] } }],
    [`${pod}/containers/0`, Object.assign(model.probes._toKube(model.port), {
      resources: {
        requests: { 'cpu': `${r.cpuRequestMillis}m`, 'memory': r.memoryRequest, 'ephemeral-storage': r.ephemeralStorageRequest },
        limits,
      },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      lifecycle: preStop,
    })],
    [pod, {
      enableServiceLinks: false,
      priorityClassName: model.priorityClassName,
      topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
        maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: matchLabels(),
      })),
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: matchLabels() } }],
        },
      },
    }],
  ];
}

/** The ClusterIP Service with named target ports. */
export function serviceProps(model: ServiceModel): kplus.k8s.KubeServiceProps {
  return {
    metadata: objectMetadata(model),
    spec: {
      type: 'ClusterIP',
      selector: { ...model.selectorLabels },
      ports: [
        { name: 'http', port: model.servicePort, targetPort: kplus.k8s.IntOrString.fromString('http'), protocol: 'TCP' },
        ...(model.metrics?.ownPort ? [{ name: 'metrics', port: model.metrics.port, targetPort: kplus.k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }] : []),
      ],
    },
  };
}

/** The PodDisruptionBudget (R12): maxUnavailable 1 never blocks drains, even at minimum scale. */
export function disruptionBudgetProps(model: ServiceModel): kplus.k8s.KubePodDisruptionBudgetProps {
  return {
    metadata: objectMetadata(model),
    spec: { maxUnavailable: kplus.k8s.IntOrString.fromNumber(1), selector: { matchLabels: { ...model.selectorLabels } }, unhealthyPodEvictionPolicy: 'AlwaysAllow' },
  };
}

/** The HorizontalPodAutoscaler (R12), when the model scales. */
export function autoscalerProps(model: ServiceModel, target: kplus.IScalable): kplus.HorizontalPodAutoscalerProps | undefined {
  const a = model.autoscaling;
  if (!a) return undefined;
  return {
    metadata: objectMetadata(model),
    target,
    minReplicas: a.min,
    maxReplicas: a.max,
    metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(a.cpuUtilization))],
  };
}

/** The NetworkPolicy (R13): deny by default; one matchLabels key, because Polaris matches exactly one pod label. */
export function networkPolicyProps(model: ServiceModel): kplus.k8s.KubeNetworkPolicyProps {
  const port = kplus.k8s.IntOrString;
  const dns = {
    to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
    ports: [{ port: port.fromNumber(53), protocol: 'UDP' }, { port: port.fromNumber(53), protocol: 'TCP' }],
  };
  const dependencies = model.egress.map((rule) => {
    const kube = rule._toKube();
    return { ...kube, ports: kube.ports.map((p: any) => ({ ...p, port: port.fromNumber(p.port) })) };
  });
  return {
    metadata: objectMetadata(model),
    spec: {
      podSelector: { matchLabels: { 'app.kubernetes.io/instance': model.name } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [{ from: [{ namespaceSelector: {} }], ports: ['http', ...(model.metrics?.ownPort ? ['metrics'] : [])].map((name) => ({ port: port.fromString(name), protocol: 'TCP' })) }],
      egress: [dns, ...dependencies],
    },
  };
}

/** The Prometheus Operator ServiceMonitor (R11), when monitoring asks for one. */
export function serviceMonitorProps(model: ServiceModel): ApiObjectProps | undefined {
  const m = model.metrics;
  if (!m || !model.monitoring.usesServiceMonitor) return undefined;
  const o = model.monitoring.options;
  return {
    apiVersion: 'monitoring.coreos.com/v1',
    kind: 'ServiceMonitor',
    metadata: { ...objectMetadata(model), labels: { ...model.labels, ...(o.labels ?? {}) } },
    spec: {
      selector: { matchLabels: { ...model.selectorLabels } },
      namespaceSelector: { matchNames: [model.namespace] },
      endpoints: [{ port: m.ownPort ? 'metrics' : 'http', path: m.path, ...(o.interval ? { interval: o.interval } : {}) }],
    },
  };
}
