import { ApiObject, Chart, Duration, Size } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Construct } from 'constructs';
import { Monitoring } from './monitoring';
import { RenderedDefaults } from './overlay';
import { ServiceProbes } from './probes';
import { GoMicroserviceProps, GoResources, LogLevel } from './props';
import { GoRuntime } from './runtime-env';
import { Checklist } from '../checklist/checklist';
import { checkManifests, KUBERNETES_RULE_IDS } from '../checklist/checks';
import { displayFinding, RuleGate } from '../checklist/engine';
import { isValidTimeZone, TIME_ZONE_NAME } from '../checklist/runtime-rules';
import { DNS_LABEL, SECRET_NAME } from '../core/constants';
import { ruleError, invalidValue } from '../core/errors';
import { atLeast, parseKubernetesVersion } from '../core/kubernetes-version';
import { checkPattern, PATTERNS } from '../core/patterns';
import { Sysctl, SysctlClass, Sysctls } from '../core/sysctls';
import { ImageReference } from '../image/image-reference';
import { ISignedService } from '../policy/image-signature-policy';
import { ImageSigner } from '../publish/image-signer';

const RESERVED_ENV = ['GOMEMLIMIT', 'GOMAXPROCS', 'GOGC', 'TZ', 'LANG', 'LOG_LEVEL', 'LOG_FORMAT', 'NO_COLOR', 'PORT', 'METRICS_PORT',
  'SHUTDOWN_DRAIN_TIMEOUT', 'SHUTDOWN_DELAY'];
const SHUTDOWN_MARGIN_SECONDS = 5;
const UID = 65532;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Annotation keys golden-go writes on the pod template. */
export class GoldenAnnotations {
  /** The image digest the pod must run. */
  public static readonly IMAGE_DIGEST = 'golden-go.dev/image-digest';
  /** The image repository the signature policy covers. */
  public static readonly IMAGE_REPOSITORY = 'golden-go.dev/image-repository';
  /** The expected signer: `keyless <issuer> <subject>` or `key sha256:<fingerprint>`. */
  public static readonly SIGNER = 'golden-go.dev/signer';
  /** Namespaced-unsafe sysctls the service opted into. */
  public static readonly UNSAFE_SYSCTLS = 'golden-go.dev/unsafe-sysctls';

  private constructor() {}
}

/**
 * One Go service on Kubernetes: Deployment, Service, ServiceAccount, PodDisruptionBudget,
 * NetworkPolicy, optional HorizontalPodAutoscaler and ServiceMonitor, with every R rule of the golden
 * checklist as a default. Bad props fail at construction with the rule id and the prop.
 */
export class GoMicroservice extends Construct implements ISignedService {
  /** The Deployment (`ApiObject.of(this)` reaches its KubeDeployment). */
  public readonly deployment: kplus.Deployment;
  /** The ClusterIP Service. */
  public readonly service: kplus.k8s.KubeService;
  /** The ServiceAccount (token automount off). */
  public readonly serviceAccount: kplus.ServiceAccount;
  /** The PodDisruptionBudget. */
  public readonly podDisruptionBudget: kplus.k8s.KubePodDisruptionBudget;
  /** The NetworkPolicy. */
  public readonly networkPolicy: kplus.k8s.KubeNetworkPolicy;
  /** The HorizontalPodAutoscaler, when `autoscaling` is set. */
  public readonly autoscaler?: kplus.HorizontalPodAutoscaler;
  /** The ServiceMonitor, when `monitoring` asks for one. */
  public readonly serviceMonitor?: ApiObject;
  /** The name of every object. */
  public readonly name: string;
  /** The namespace of every object. */
  public readonly namespace: string;
  /** The image. */
  public readonly image: ImageReference;
  /** The expected signer of the image, when given. */
  public readonly signer?: ImageSigner;
  /** Labels on every object (`app.kubernetes.io/*`, R15). */
  public readonly labels: Record<string, string>;
  /** Labels the Deployment, Service, PDB and NetworkPolicy select pods by. */
  public readonly selectorLabels: Record<string, string>;
  /** The environment the container gets, as rendered. */
  public readonly environment: Record<string, string>;
  /** Checklist warnings (rule id first). */
  public readonly warnings: string[] = [];
  /** Effective termination grace period in seconds. */
  public readonly terminationGracePeriodSeconds: number;
  /** Target Kubernetes release. */
  public readonly kubernetesVersion: string;
  private readonly gate: RuleGate;

  constructor(scope: Construct, id: string, props: GoMicroserviceProps) {
    super(scope, id);
    this.image = props.image;
    this.signer = props.signer;
    if (!(props.image instanceof ImageReference)) {
      throw ruleError('R01', 'image', 'must be an ImageReference pinned by digest: ImageReference.fromDigest(...) or ImageReference.parse("repo:tag@sha256:…")');
    }
    for (const [ruleId, reason] of Object.entries(props.suppressions ?? {})) Checklist.suppress(this, ruleId, reason);
    const gate = new RuleGate(Checklist._suppressions(this));
    this.gate = gate;
    if (!props.image.digest) {
      gate.error('R01', 'image', `"${props.image}" is not pinned by digest: a tag can be moved to other bytes at any time`);
    }
    this.name = props.name ?? id;
    if (this.name.length > 63 || !DNS_LABEL.test(this.name)) {
      throw invalidValue('name', this.name, 'a DNS label: lower-case letters, digits and "-", at most 63 characters');
    }
    const namespace = props.namespace ?? Chart.of(this).namespace;
    if (!namespace) {
      throw new Error('namespace: required (set it on GoMicroservice or the Chart); objects in the default namespace fail Checkov CKV_K8S_21 and Kyverno disallow-default-namespace');
    }
    if (!DNS_LABEL.test(namespace) || namespace === 'default') {
      throw invalidValue('namespace', namespace, 'a DNS label other than "default"');
    }
    this.namespace = namespace;

    const k8sVersion = props.kubernetesVersion ?? '1.35';
    const version = parseKubernetesVersion('kubernetesVersion', k8sVersion);
    this.kubernetesVersion = k8sVersion;
    const goVersion = props.goVersion ?? '1.26';

    const appVersion = props.version ?? props.image.tag ?? (props.image.digest ?? 'unversioned').slice(7, 19);
    const component = props.component ?? 'server';
    const partOf = props.partOf ?? this.name;
    for (const [prop, v] of [['version', appVersion], ['component', component], ['partOf', partOf]]) {
      if (v.length > 63 || !LABEL_VALUE.test(v)) throw invalidValue(prop, v, 'a label value: letters, digits, "-", "_" and ".", at most 63 characters');
    }
    // instance equals metadata.name: Polaris metadataAndInstanceMismatched.
    this.selectorLabels = { 'app.kubernetes.io/name': this.name, 'app.kubernetes.io/instance': this.name };
    this.labels = {
      ...this.selectorLabels,
      'app.kubernetes.io/version': appVersion,
      'app.kubernetes.io/component': component,
      'app.kubernetes.io/part-of': partOf,
      'app.kubernetes.io/managed-by': 'golden-go',
    };
    const metadata = (extra: Record<string, string> = {}) => ({ name: this.name, namespace, labels: { ...this.labels }, annotations: extra });

    // ---- ports
    const port = checkPort('port', props.port ?? 8080);
    const metricsPort = checkPort('metricsPort', props.metricsPort ?? 9090);
    if (port === metricsPort) throw invalidValue('metricsPort', metricsPort, `a port other than port (${port})`);
    const servicePort = props.servicePort ?? 80;
    if (!(Number.isInteger(servicePort) && servicePort >= 1 && servicePort <= 65535)) throw invalidValue('servicePort', servicePort, '1-65535');

    // ---- resources (R03) and Go runtime (R04, R05)
    const res = resolveResources(props.resources ?? {});
    const goMemLimit = GoRuntime.goMemLimit(res.memoryLimit, props.goMemLimitRatio ?? 0.9);
    const setGoMaxProcs = !GoRuntime.readsCgroupCpuLimit(goVersion);
    if (setGoMaxProcs && res.cpuLimitMillis === 0) {
      gate.warn('R05', 'resources.cpuLimitMillis', `Go ${goVersion} does not read the cgroup CPU limit and there is none: GOMAXPROCS will be the node's CPU count`);
    }

    // ---- shutdown budget (R06)
    const drain = checkSeconds('drainTimeoutSeconds', props.drainTimeoutSeconds ?? 20, 1);
    const preStop = checkSeconds('preStopDelaySeconds', props.preStopDelaySeconds ?? 5, 0);
    const budget = preStop + drain + SHUTDOWN_MARGIN_SECONDS;
    const grace = props.terminationGracePeriodSeconds ?? budget;
    if (!Number.isInteger(grace) || grace < 0) throw invalidValue('terminationGracePeriodSeconds', grace, 'whole seconds');
    if (grace < budget) {
      gate.error('R06', 'terminationGracePeriodSeconds', `${grace} is less than preStop delay ${preStop} s + drain timeout ${drain} s + margin ${SHUTDOWN_MARGIN_SECONDS} s = ${budget} s; in-flight requests would be cut off by SIGKILL`);
    }
    this.terminationGracePeriodSeconds = grace;
    const sleepAction = atLeast(version, 30);

    // ---- environment (R04, R05, R06, R09, R10)
    const timeZone = props.timeZone ?? 'UTC';
    checkTimeZone(timeZone, gate);
    const env: Record<string, kplus.EnvValue> = {
      PORT: kplus.EnvValue.fromValue(String(port)),
      METRICS_PORT: kplus.EnvValue.fromValue(String(metricsPort)),
      GOMEMLIMIT: kplus.EnvValue.fromValue(goMemLimit),
    };
    if (setGoMaxProcs && res.cpuLimitMillis > 0) {
      env.GOMAXPROCS = kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.CPU_LIMIT, { divisor: '1' });
    }
    Object.assign(env, {
      SHUTDOWN_DRAIN_TIMEOUT: kplus.EnvValue.fromValue(String(drain)),
      SHUTDOWN_DELAY: kplus.EnvValue.fromValue(String(sleepAction ? 0 : preStop)),
      TZ: kplus.EnvValue.fromValue(timeZone),
      LANG: kplus.EnvValue.fromValue('C.UTF-8'),
      LOG_LEVEL: kplus.EnvValue.fromValue(props.logLevel ?? LogLevel.INFO),
      LOG_FORMAT: kplus.EnvValue.fromValue('json'),
      NO_COLOR: kplus.EnvValue.fromValue('1'),
    });
    for (const [k, v] of Object.entries(props.env ?? {})) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw invalidValue(`env.${k}`, k, 'environment variable names: letters, digits and "_"');
      if (RESERVED_ENV.includes(k)) {
        throw new Error(`env.${k}: set by golden-go from its own prop (GOMEMLIMIT from resources.memoryLimit, TZ from timeZone, LOG_LEVEL from logLevel, SHUTDOWN_* from drainTimeoutSeconds/preStopDelaySeconds, PORT from port); remove it from env`);
      }
      if (SECRET_NAME.test(k)) {
        gate.error('R16', `env.${k}`, 'looks like a secret; environment variables leak through /proc, crash dumps and `kubectl describe`. Mount the Secret as files with secretFiles');
      }
      // The kubelet expands $(VAR) in values: a value must not reach other variables (secrets included).
      env[k] = kplus.EnvValue.fromValue(checkPattern(`env.${k}`, v, PATTERNS.envValue, 'one line of printable ASCII without "$("'));
    }
    this.environment = {};
    for (const [k, v] of Object.entries(env)) this.environment[k] = v.value ?? `(from ${k === 'GOMAXPROCS' ? 'limits.cpu' : 'a reference'})`;

    // ---- sysctls (R08)
    const sysctls = props.sysctls ?? [];
    if (props.priorityClassName !== undefined) checkPattern('priorityClassName', props.priorityClassName, PATTERNS.dnsSubdomain, 'a PriorityClass name');
    const unsafe = this.classifySysctls(sysctls, props.allowedUnsafeSysctls ?? [], k8sVersion, props.hostNetwork ?? false);

    // ---- pod annotations (R11, R10, R14)
    const monitoring = props.monitoring ?? Monitoring.annotations();
    const podAnnotations: Record<string, string> = { [GoldenAnnotations.IMAGE_REPOSITORY]: props.image.repository };
    if (props.image.digest) podAnnotations[GoldenAnnotations.IMAGE_DIGEST] = props.image.digest;
    if (props.signer) podAnnotations[GoldenAnnotations.SIGNER] = `${props.signer.mode} ${props.signer.identity}`;
    if (!monitoring.usesServiceMonitor) {
      Object.assign(podAnnotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' });
    }
    if (props.fluentBitParser !== undefined) {
      if (!/^[A-Za-z0-9_.-]+$/.test(props.fluentBitParser)) throw invalidValue('fluentBitParser', props.fluentBitParser, 'the name of a registered Fluent Bit parser');
      podAnnotations['fluentbit.io/parser'] = props.fluentBitParser;
    }
    if (unsafe.length) podAnnotations[GoldenAnnotations.UNSAFE_SYSCTLS] = unsafe.join(',');

    // ---- ServiceAccount (R07)
    this.serviceAccount = new kplus.ServiceAccount(this, 'ServiceAccount', { metadata: metadata(), automountToken: false });

    // ---- replicas (R12)
    if (props.replicas !== undefined && props.autoscaling) {
      throw new Error('replicas: not allowed together with autoscaling; the HorizontalPodAutoscaler owns the replica count (kube-score flags a Deployment with both)');
    }
    const replicas = props.autoscaling ? undefined : props.replicas ?? 2;
    if (replicas !== undefined && !Number.isInteger(replicas)) throw invalidValue('replicas', replicas, 'a whole number, at least 2');
    if (replicas !== undefined && replicas < 2) {
      gate.error('R12', 'replicas', `${replicas} leaves the service down during every node drain and rollout; use at least 2`);
    }

    // ---- volumes (R07, R16)
    const tmpSize = props.tmpSizeLimit ?? '64Mi';
    const tmpBytes = GoRuntime.quantityToBytes(tmpSize, 'tmpSizeLimit');
    const tmp = kplus.Volume.fromEmptyDir(this, 'tmp', 'tmp', { sizeLimit: Size.mebibytes(Math.max(1, Math.ceil(tmpBytes / 2 ** 20))) });

    const deploymentAnnotations: Record<string, string> = {};
    if (!props.priorityClassName) {
      deploymentAnnotations['polaris.fairwinds.com/priorityClassNotSet-exempt'] = 'true';
      deploymentAnnotations['golden-go.dev/exempt-reason.priorityClassNotSet'] = 'no PriorityClass is known to exist in the target cluster; a name that does not exist makes pods unschedulable. Set priorityClassName to opt in';
    }
    if (props.autoscaling) {
      deploymentAnnotations['polaris.fairwinds.com/deploymentMissingReplicas-exempt'] = 'true';
      deploymentAnnotations['golden-go.dev/exempt-reason.deploymentMissingReplicas'] = 'the HorizontalPodAutoscaler owns the replica count; a fixed spec.replicas would fight it on every apply';
    }
    if (sysctls.length && unsafe.length === 0) {
      deploymentAnnotations['ignore-check.kube-linter.io/unsafe-sysctls'] = `every sysctl is in the Kubernetes ${k8sVersion} safe set (${sysctls.map((s) => s.name).join(', ')})`;
    }

    this.deployment = new kplus.Deployment(this, 'Resource', {
      metadata: metadata(deploymentAnnotations),
      replicas,
      select: false,
      podMetadata: { labels: { ...this.labels }, annotations: podAnnotations },
      strategy: kplus.DeploymentStrategy.rollingUpdate({
        maxSurge: kplus.PercentOrAbsolute.absolute(1),
        maxUnavailable: kplus.PercentOrAbsolute.absolute(0),
      }),
      serviceAccount: this.serviceAccount,
      automountServiceAccountToken: false,
      terminationGracePeriod: Duration.seconds(grace),
      hostNetwork: props.hostNetwork ?? false,
      securityContext: {
        ensureNonRoot: true,
        user: UID,
        group: UID,
        fsGroup: UID,
        fsGroupChangePolicy: kplus.FsGroupChangePolicy.ON_ROOT_MISMATCH,
        sysctls: sysctls.map((s) => ({ name: Sysctls.normalize(s.name), value: s.value })),
      },
      containers: [{
        name: 'app',
        image: props.image.toString(),
        imagePullPolicy: kplus.ImagePullPolicy.ALWAYS,
        ports: [{ number: port, name: 'http' }, { number: metricsPort, name: 'metrics' }],
        envVariables: env,
        securityContext: {
          ensureNonRoot: true,
          user: UID,
          group: UID,
          privileged: false,
          readOnlyRootFilesystem: true,
          allowPrivilegeEscalation: false,
        },
        volumeMounts: [{ path: '/tmp', volume: tmp }],
        // Exact quantities are set below: cdk8s-plus would round them to Mi/Gi and add its own defaults.
        resources: {},
      }],
    });
    this.deployment.select(kplus.LabelSelector.of({ labels: this.selectorLabels }));
    const container = this.deployment.containers[0];
    for (const [i, s] of (props.secretFiles ?? []).entries()) {
      if (!DNS_LABEL.test(s.secretName)) throw invalidValue(`secretFiles[${i}].secretName`, s.secretName, 'a Secret name');
      checkPattern(`secretFiles[${i}].mountPath`, s.mountPath, PATTERNS.absolutePath, 'an absolute directory of letters, digits and . _ / -');
      if (s.mountPath === '/' || s.mountPath === '/tmp') {
        throw invalidValue(`secretFiles[${i}].mountPath`, s.mountPath, 'an absolute directory other than / and /tmp');
      }
      const volume = kplus.Volume.fromSecret(this, `secret-${i}`, kplus.Secret.fromSecretName(this, `secret-ref-${i}`, s.secretName), { defaultMode: 0o440 });
      container.mount(s.mountPath, volume, { readOnly: true });
    }

    // ---- what cdk8s-plus-27 cannot say
    const podSpec = '/spec/template/spec';
    // cdk8s-plus labels every pod with its construct address; the selector here is the recommended labels.
    const defaults = new RenderedDefaults(ApiObject.of(this.deployment));
    defaults.remove(`/spec/template/metadata/labels/${kplus.Pod.ADDRESS_LABEL.replace(/\//g, '~1')}`);
    const c0 = `${podSpec}/containers/0`;
    defaults.underlay(`${podSpec}/securityContext`, { seccompProfile: { type: 'RuntimeDefault' } });
    defaults.underlay(`${c0}/securityContext`, { capabilities: { drop: ['ALL'] } });
    defaults.underlay(c0, {
      ...(props.probes ?? ServiceProbes.http())._toKube('http', port),
      resources: {
        requests: { 'cpu': `${res.cpuRequestMillis}m`, 'memory': res.memoryRequest, 'ephemeral-storage': res.ephemeralStorageRequest },
        limits: { ...(res.cpuLimitMillis > 0 ? { cpu: `${res.cpuLimitMillis}m` } : {}), 'memory': res.memoryLimit, 'ephemeral-storage': res.ephemeralStorageLimit },
      },
      terminationMessagePolicy: 'FallbackToLogsOnError',
      lifecycle: sleepAction && preStop > 0 ? { preStop: { sleep: { seconds: preStop } } } : undefined,
    });
    defaults.underlay(podSpec, {
      enableServiceLinks: false,
      priorityClassName: props.priorityClassName,
      topologySpreadConstraints: ['topology.kubernetes.io/zone', 'kubernetes.io/hostname'].map((topologyKey) => ({
        maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: { ...this.selectorLabels } },
      })),
      affinity: {
        podAntiAffinity: {
          preferredDuringSchedulingIgnoredDuringExecution: [{
            weight: 100,
            podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: { ...this.selectorLabels } } },
          }],
        },
      },
    });

    // ---- Service (ClusterIP, named target ports)
    this.service = new kplus.k8s.KubeService(this, 'Service', {
      metadata: metadata(),
      spec: {
        type: 'ClusterIP',
        selector: { ...this.selectorLabels },
        ports: [
          { name: 'http', port: servicePort, targetPort: kplus.k8s.IntOrString.fromString('http'), protocol: 'TCP' },
          { name: 'metrics', port: metricsPort, targetPort: kplus.k8s.IntOrString.fromString('metrics'), protocol: 'TCP' },
        ],
      },
    });

    // ---- PodDisruptionBudget (R12): maxUnavailable 1 never blocks drains, even at minimum scale
    this.podDisruptionBudget = new kplus.k8s.KubePodDisruptionBudget(this, 'PodDisruptionBudget', {
      metadata: metadata(),
      spec: {
        maxUnavailable: kplus.k8s.IntOrString.fromNumber(1),
        selector: { matchLabels: { ...this.selectorLabels } },
        unhealthyPodEvictionPolicy: 'AlwaysAllow',
      },
    });

    // ---- HorizontalPodAutoscaler (R12)
    if (props.autoscaling) {
      const a = props.autoscaling;
      const min = a.minReplicas ?? 2;
      if (!Number.isInteger(min) || min < 1) throw invalidValue('autoscaling.minReplicas', min, 'a whole number, at least 2');
      if (min < 2) gate.error('R12', 'autoscaling.minReplicas', `${min} can scale the service down to a single pod; use at least 2`);
      if (!(Number.isInteger(a.maxReplicas) && a.maxReplicas > min)) throw invalidValue('autoscaling.maxReplicas', a.maxReplicas, `a whole number greater than minReplicas (${min})`);
      const util = a.cpuUtilization ?? 70;
      if (!(Number.isInteger(util) && util > 0 && util <= 100)) throw invalidValue('autoscaling.cpuUtilization', util, '1-100 (percent of the CPU request)');
      this.autoscaler = new kplus.HorizontalPodAutoscaler(this, 'HorizontalPodAutoscaler', {
        metadata: metadata(),
        target: this.deployment,
        minReplicas: min,
        maxReplicas: a.maxReplicas,
        metrics: [kplus.Metric.resourceCpu(kplus.MetricTarget.averageUtilization(util))],
      });
    }

    // ---- NetworkPolicy (R13): one matchLabels key, because Polaris matches exactly one pod label
    const dns = {
      to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }],
      ports: [{ port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'UDP' }, { port: kplus.k8s.IntOrString.fromNumber(53), protocol: 'TCP' }],
    };
    this.networkPolicy = new kplus.k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: metadata(),
      spec: {
        podSelector: { matchLabels: { 'app.kubernetes.io/instance': this.name } },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [{ namespaceSelector: {} }],
          ports: [{ port: kplus.k8s.IntOrString.fromString('http'), protocol: 'TCP' }, { port: kplus.k8s.IntOrString.fromString('metrics'), protocol: 'TCP' }],
        }],
        egress: [dns, ...(props.egress ?? []).map((rule) => {
          const kube = rule._toKube();
          return { ...kube, ports: kube.ports.map((p: any) => ({ ...p, port: kplus.k8s.IntOrString.fromNumber(p.port) })) };
        })],
      },
    });


    // ---- ServiceMonitor (R11)
    if (monitoring.usesServiceMonitor) {
      const o = monitoring.options;
      this.serviceMonitor = new ApiObject(this, 'ServiceMonitor', {
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        metadata: { ...metadata(), labels: { ...this.labels, ...(o.labels ?? {}) } },
        spec: {
          selector: { matchLabels: { ...this.selectorLabels } },
          namespaceSelector: { matchNames: [namespace] },
          endpoints: [{ port: 'metrics', path: '/metrics', ...(o.interval ? { interval: o.interval } : {}) }],
        },
      });
    }
    this.warnings.push(...gate.warnings.map(displayFinding));
    Checklist._annotate(this);
    Checklist._register(this);
  }

  /**
   * The rendered objects against the workload rules, plus what construction noticed or was allowed.
   * @internal
   */
  public _checklist() {
    const objects = this.node.findAll().filter(ApiObject.isApiObject).map((o) => o.toJson());
    const raw = checkManifests(objects, { kubernetesVersion: this.kubernetesVersion });
    // A construct-time warning stands for its rule only when the output check did not see the rule.
    const seen = new Set(raw.map((r) => r.ruleId));
    return {
      raw: [...raw, ...this.gate.warnings.filter((w) => !seen.has(w.ruleId)), ...this.gate.suppressed],
      ruleIds: KUBERNETES_RULE_IDS,
    };
  }

  private classifySysctls(sysctls: Sysctl[], allowed: string[], k8sVersion: string, hostNetwork: boolean): string[] {
    const names = new Set<string>();
    const unsafe: string[] = [];
    const allowedSet = new Set(allowed.map((n) => Sysctls.normalize(n)));
    for (const s of sysctls) {
      const name = Sysctls.normalize(s.name);
      if (names.has(name)) throw invalidValue('sysctls', name, 'each sysctl once');
      names.add(name);
      checkPattern(`sysctls.${name}`, s.value, PATTERNS.sysctlValue, 'a sysctl value of letters, digits, spaces and . _ : , / -');
      if (hostNetwork && name.startsWith('net.')) {
        this.gate.error('R08', 'sysctls', `${name} is a net.* sysctl and hostNetwork is true: the API server rejects the pod (it would change the node's own network stack)`);
        continue;
      }
      const cls = Sysctls.classify(name, k8sVersion);
      if (cls === SysctlClass.NODE_LEVEL) {
        this.gate.error('R08', 'sysctls', `${name} is a node-level sysctl: it is not namespaced, no kubelet can allow it, and the pod fails with SysctlForbidden. Set it on the node (or a privileged DaemonSet) instead`);
        unsafe.push(name);
        continue;
      }
      if (cls === SysctlClass.NAMESPACED_UNSAFE) {
        if (!allowedSet.has(name)) {
          const since = Sysctls.safeSince(name);
          const why = since ? `it only joined the safe set in Kubernetes ${since} and kubernetesVersion is ${k8sVersion}` : 'it is not in the Kubernetes safe set';
          this.gate.error('R08', 'sysctls', `${name} is namespaced but unsafe: ${why}. Pods that set it fail to start unless every kubelet runs with --allowed-unsafe-sysctls=${name} and the namespace is PSA privileged; list it in allowedUnsafeSysctls to opt in`);
        }
        unsafe.push(name);
        if (allowedSet.has(name)) this.gate.warn('R08', 'allowedUnsafeSysctls', `${name} is unsafe: pods only start on nodes whose kubelet allows it, in a PSA-privileged namespace`);
      }
    }
    for (const n of allowedSet) {
      if (!names.has(n)) throw invalidValue('allowedUnsafeSysctls', n, 'names that also appear in sysctls');
    }
    return unsafe;
  }
}

function checkPort(prop: string, p: number): number {
  if (!(Number.isInteger(p) && p >= 1024 && p <= 65535)) {
    throw invalidValue(prop, p, '1024-65535 (ports below 1024 need NET_BIND_SERVICE, which the restricted profile drops)');
  }
  return p;
}

function checkSeconds(prop: string, v: number, min: number): number {
  if (!(Number.isInteger(v) && v >= min && v <= 3600)) throw invalidValue(prop, v, `whole seconds from ${min} to 3600`);
  return v;
}

function checkTimeZone(tz: string, gate: RuleGate): void {
  if (!isValidTimeZone(tz)) {
    gate.error('R09', 'timeZone', `"${tz}" is not an IANA time zone; Go would silently fall back to UTC. Use a name such as "UTC", "Europe/Berlin" or "Asia/Shanghai" (allowed: names that match ${TIME_ZONE_NAME} and exist)`);
  }
}

interface ResolvedResources {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  readonly ephemeralStorageRequest: string;
  readonly ephemeralStorageLimit: string;
}

function resolveResources(r: GoResources): ResolvedResources {
  const out: ResolvedResources = {
    cpuRequestMillis: r.cpuRequestMillis ?? 100,
    cpuLimitMillis: r.cpuLimitMillis ?? 1000,
    memoryRequest: r.memoryRequest ?? '128Mi',
    memoryLimit: r.memoryLimit ?? '256Mi',
    ephemeralStorageRequest: r.ephemeralStorageRequest ?? '128Mi',
    ephemeralStorageLimit: r.ephemeralStorageLimit ?? '256Mi',
  };
  if (!(Number.isInteger(out.cpuRequestMillis) && out.cpuRequestMillis >= 1)) throw invalidValue('resources.cpuRequestMillis', out.cpuRequestMillis, 'whole millicores, at least 1');
  if (!(Number.isInteger(out.cpuLimitMillis) && out.cpuLimitMillis >= 0)) throw invalidValue('resources.cpuLimitMillis', out.cpuLimitMillis, 'whole millicores, or 0 for no CPU limit');
  if (out.cpuLimitMillis > 0 && out.cpuLimitMillis < out.cpuRequestMillis) {
    throw invalidValue('resources.cpuLimitMillis', out.cpuLimitMillis, `at least the CPU request (${out.cpuRequestMillis}), or 0`);
  }
  const bytes = (prop: string, q: string) => GoRuntime.quantityToBytes(q, `resources.${prop}`);
  if (bytes('memoryLimit', out.memoryLimit) < bytes('memoryRequest', out.memoryRequest)) {
    throw invalidValue('resources.memoryLimit', out.memoryLimit, `at least the memory request (${out.memoryRequest})`);
  }
  if (bytes('ephemeralStorageLimit', out.ephemeralStorageLimit) < bytes('ephemeralStorageRequest', out.ephemeralStorageRequest)) {
    throw invalidValue('resources.ephemeralStorageLimit', out.ephemeralStorageLimit, `at least the ephemeral-storage request (${out.ephemeralStorageRequest})`);
  }
  return out;
}
