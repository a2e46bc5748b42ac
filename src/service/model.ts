import * as kplus from 'cdk8s-plus-27';
import { GoldenSetting } from './app';
import { appEnvironment, appSysctls, appWritableDirs, resolveApp, ResolvedApp, ResolvedWritableDir } from './app-model';
import { Monitoring } from './monitoring';
import type { NetworkEgress } from './network-egress';
import type { ServiceProbes } from './probes';
import { GoldenAnnotations, GoMicroserviceProps, GoResources, SecretFiles } from './props';
import { GoRuntime } from './runtime-env';
import { RuleGate } from '../checklist/engine';
import {
  APP_READS_ANNOTATION, imagePinViolation, minReplicasViolation, replicasViolation, sharedProbeEndpointViolation, SHUTDOWN_MARGIN_SECONDS,
  shutdownBudgetViolation, sysctlViolation,
} from '../checklist/runtime-rules';
import { RuleSeverity } from '../checklist/severity';
import { DEFAULT_GO_VERSION, DNS_LABEL } from '../core/constants';
import { invalidValue, ruleError } from '../core/errors';
import { atLeast, parseKubernetesVersion } from '../core/kubernetes-version';
import { checkPattern, PATTERNS } from '../core/patterns';
import { Sysctl, Sysctls } from '../core/sysctls';
import { ImageReference } from '../image/image-reference';
import { ImageSigner } from '../publish/image-signer';

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/**
 * Everything the user said about a service, validated once (errors name the prop), plus the facts
 * derived from it (labels, GOMEMLIMIT, shutdown budget, sysctl classes). The builders turn it into
 * Kubernetes objects; nothing downstream reads the props again.
 */
export interface ServiceModel {
  readonly name: string;
  readonly namespace: string;
  readonly kubernetesVersion: string;
  readonly labels: Record<string, string>;
  readonly selectorLabels: Record<string, string>;
  readonly image: ImageReference;
  readonly signer?: ImageSigner;
  /** The container port, named `http`. */
  readonly port: number;
  /** Where metrics are scraped; `ownPort` means a container port named `metrics`. None for `Metrics.none()`. */
  readonly metrics?: { readonly port: number; readonly ownPort: boolean; readonly path: string };
  readonly servicePort: number;
  readonly command?: string[];
  readonly args?: string[];
  /** Writable directories besides /tmp (emptyDir volumes `writable-<i>`). */
  readonly writableDirs: ResolvedWritableDir[];
  readonly resources: ResolvedResources;
  readonly shutdown: Shutdown;
  readonly env: Record<string, kplus.EnvValue>;
  readonly sysctls: Sysctl[];
  readonly unsafeSysctls: string[];
  readonly hostNetwork: boolean;
  readonly podAnnotations: Record<string, string>;
  readonly deploymentAnnotations: Record<string, string>;
  readonly replicas?: number;
  readonly autoscaling?: { readonly min: number; readonly max: number; readonly cpuUtilization: number };
  readonly tmpSizeMiB: number;
  readonly secretFiles: SecretFiles[];
  readonly priorityClassName?: string;
  readonly probes: ServiceProbes;
  readonly monitoring: Monitoring;
  readonly egress: NetworkEgress[];
}

export interface ResolvedResources {
  readonly cpuRequestMillis: number;
  readonly cpuLimitMillis: number;
  readonly memoryRequest: string;
  readonly memoryLimit: string;
  readonly ephemeralStorageRequest: string;
  readonly ephemeralStorageLimit: string;
}

export interface Shutdown {
  readonly drainSeconds: number;
  readonly preStopSeconds: number;
  readonly graceSeconds: number;
  /** Whether the cluster has the preStop sleep action (1.30+); otherwise the app delays itself. */
  readonly sleepAction: boolean;
}

/** What the model needs from the construct tree. */
export interface ServiceContext {
  readonly id: string;
  readonly chartNamespace?: string;
}

/** Validates the props and derives the model, in the order a reader meets the props. */
export function buildServiceModel(props: GoMicroserviceProps, ctx: ServiceContext, gate: RuleGate): ServiceModel {
  if (!(props.image instanceof ImageReference)) {
    throw ruleError('R01', 'image', 'must be an ImageReference pinned by digest: ImageReference.fromDigest(...) or ImageReference.parse("repo:tag@sha256:…")');
  }
  gate.check('R01', 'image', imagePinViolation(props.image.toString()));
  const id = identity(props, ctx);
  const kubernetesVersion = props.kubernetesVersion ?? '1.35';
  const version = parseKubernetesVersion('kubernetesVersion', kubernetesVersion);
  const app = resolveApp(props);
  const servicePort = resolveServicePort(props);
  const resources = resolveResources(props.resources ?? {});
  const { goVersion, goModGoVersion } = goRelease(props);
  const setGoMaxProcs = !GoRuntime.readsCgroupCpuLimit(goVersion, goModGoVersion);
  const goMemLimit = GoRuntime.goMemLimit(resources.memoryLimit, props.goMemLimitRatio ?? 0.9);
  if (setGoMaxProcs && resources.cpuLimitMillis === 0) {
    const why = GoRuntime.readsCgroupCpuLimit(goVersion) ? `a module declaring go ${goModGoVersion} (goModGoVersion)` : `Go ${goVersion}`;
    gate.warn('R05', 'resources.cpuLimitMillis', `${why} does not read the cgroup CPU limit and there is none: GOMAXPROCS will be the node's CPU count`);
  }
  const shutdown = resolveShutdown(props, app, atLeast(version, 30), gate);
  const facts = { goMemLimit, goMaxProcs: setGoMaxProcs && resources.cpuLimitMillis > 0, drainSeconds: shutdown.drainSeconds };
  const env = appEnvironment(props, app, { ...facts, appDelaySeconds: shutdown.sleepAction ? 0 : shutdown.preStopSeconds }, gate);
  if (props.priorityClassName !== undefined) checkPattern('priorityClassName', props.priorityClassName, PATTERNS.dnsSubdomain, 'a PriorityClass name');
  const requested = appSysctls(props, app);
  const sysctls = requested.map((s) => ({ name: Sysctls.normalize(s.name), value: s.value }));
  const unsafeSysctls = classifySysctls(requested, props.allowedUnsafeSysctls ?? [], kubernetesVersion, props.hostNetwork ?? false, gate);
  const monitoring = resolveMonitoring(props, app);
  const podAnnotations = buildPodAnnotations(props, app, monitoring, unsafeSysctls);
  const replicas = resolveReplicas(props, gate);
  const tmpSizeMiB = Math.max(1, Math.ceil(GoRuntime.quantityToBytes(props.tmpSizeLimit ?? '64Mi', 'tmpSizeLimit') / 2 ** 20));
  const secretFiles = checkSecretFiles(props.secretFiles ?? []);
  // Fields are listed, not spread: V8 (Node 20) takes a slow path for an object literal with a spread
  // followed by more properties, and this runs once per service.
  return {
    name: id.name,
    namespace: id.namespace,
    labels: id.labels,
    selectorLabels: id.selectorLabels,
    kubernetesVersion,
    image: props.image,
    signer: props.signer,
    ...appSpec(app),
    servicePort,
    writableDirs: appWritableDirs(app, secretFiles.map((s) => s.mountPath)),
    resources,
    shutdown,
    env,
    sysctls,
    unsafeSysctls,
    hostNetwork: props.hostNetwork ?? false,
    podAnnotations,
    deploymentAnnotations: {
      ...buildDeploymentAnnotations(props, sysctls, unsafeSysctls, kubernetesVersion),
      ...probeExemptions(app, id.name, id.namespace, gate),
    },
    replicas,
    autoscaling: resolveAutoscaling(props, gate),
    tmpSizeMiB,
    secretFiles,
    priorityClassName: props.priorityClassName,
    monitoring,
    egress: props.egress ?? [],
  };
}

/** What the model takes from the resolved app as it is. */
function appSpec(app: ResolvedApp): Pick<ServiceModel, 'port' | 'metrics' | 'command' | 'args' | 'probes'> {
  return { port: app.port.port, metrics: app.metrics, command: app.command, args: app.args, probes: app.probes };
}

/**
 * The Go release and go.mod directive R05 decides on: the props, else what the image reference knows
 * from its HardenedGoImage. A prop that contradicts the image is a mistake, not an override.
 */
function goRelease(props: GoMicroserviceProps): { goVersion: string; goModGoVersion?: string } {
  for (const prop of ['goVersion', 'goModGoVersion'] as const) {
    const own = props[prop];
    const fromImage = props.image[prop];
    if (own !== undefined && fromImage !== undefined && own !== fromImage) {
      throw invalidValue(prop, own, `the image's own value "${fromImage}" (from its HardenedGoImage), or leave ${prop} unset`);
    }
  }
  return {
    goVersion: props.goVersion ?? props.image.goVersion ?? DEFAULT_GO_VERSION,
    goModGoVersion: props.goModGoVersion ?? props.image.goModGoVersion,
  };
}

/** `metadata` of every object of the service. */
export function objectMetadata(model: ServiceModel, annotations: Record<string, string> = {}) {
  return { name: model.name, namespace: model.namespace, labels: { ...model.labels }, annotations };
}

function identity(props: GoMicroserviceProps, ctx: ServiceContext) {
  const name = props.name ?? ctx.id;
  if (name.length > 63 || !DNS_LABEL.test(name)) throw invalidValue('name', name, 'a DNS label: lower-case letters, digits and "-", at most 63 characters');
  const namespace = props.namespace ?? ctx.chartNamespace;
  if (!namespace) {
    throw new Error('namespace: required (set it on GoMicroservice or the Chart); objects in the default namespace fail Checkov CKV_K8S_21 and Kyverno disallow-default-namespace');
  }
  if (!DNS_LABEL.test(namespace) || namespace === 'default') throw invalidValue('namespace', namespace, 'a DNS label other than "default"');
  const appVersion = props.version ?? props.image.tag ?? (props.image.digest ?? 'unversioned').slice(7, 19);
  const component = props.component ?? 'server';
  const partOf = props.partOf ?? name;
  for (const [prop, v] of [['version', appVersion], ['component', component], ['partOf', partOf]]) {
    if (v.length > 63 || !LABEL_VALUE.test(v)) throw invalidValue(prop, v, 'a label value: letters, digits, "-", "_" and ".", at most 63 characters');
  }
  // instance equals metadata.name: Polaris metadataAndInstanceMismatched.
  const selectorLabels = { 'app.kubernetes.io/name': name, 'app.kubernetes.io/instance': name };
  const labels = {
    'app.kubernetes.io/name': name,
    'app.kubernetes.io/instance': name,
    'app.kubernetes.io/version': appVersion,
    'app.kubernetes.io/component': component,
    'app.kubernetes.io/part-of': partOf,
    'app.kubernetes.io/managed-by': 'golden-go',
  };
  return { name, namespace, labels, selectorLabels };
}

function resolveServicePort(props: GoMicroserviceProps): number {
  const servicePort = props.servicePort ?? 80;
  if (!(Number.isInteger(servicePort) && servicePort >= 1 && servicePort <= 65535)) throw invalidValue('servicePort', servicePort, '1-65535');
  return servicePort;
}

function resolveMonitoring(props: GoMicroserviceProps, app: ResolvedApp): Monitoring {
  if (app.metrics === undefined && props.monitoring !== undefined) {
    throw new Error(`monitoring: not allowed with ${app.names.metrics} Metrics.none(); there is nothing to scrape`);
  }
  return props.monitoring ?? Monitoring.annotations();
}

function resolveShutdown(props: GoMicroserviceProps, app: ResolvedApp, sleepAction: boolean, gate: RuleGate): Shutdown {
  const drainSeconds = app.drainSeconds;
  const preStopSeconds = checkSeconds('preStopDelaySeconds', props.preStopDelaySeconds ?? 5, 0);
  const budget = preStopSeconds + drainSeconds + SHUTDOWN_MARGIN_SECONDS;
  const graceSeconds = props.terminationGracePeriodSeconds ?? budget;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) throw invalidValue('terminationGracePeriodSeconds', graceSeconds, 'whole seconds');
  gate.check('R06', 'terminationGracePeriodSeconds', shutdownBudgetViolation(graceSeconds, preStopSeconds, drainSeconds));
  if (drainSeconds === 0) {
    gate.warn('R06', app.names.shutdown, `the program exits at once on SIGTERM: requests in flight then are dropped; the preStop delay (${preStopSeconds} s) only covers endpoint removal`);
  }
  if (!sleepAction && preStopSeconds > 0 && !app.reads.includes(GoldenSetting.SHUTDOWN_DELAY)) {
    gate.warn('R06', 'app.reads', `Kubernetes ${props.kubernetesVersion} has no preStop sleep action and the program does not read SHUTDOWN_DELAY: nothing waits for endpoint removal before SIGTERM`);
  }
  return { drainSeconds, preStopSeconds, graceSeconds, sleepAction };
}

function buildPodAnnotations(props: GoMicroserviceProps, app: ResolvedApp, monitoring: Monitoring, unsafe: string[]): Record<string, string> {
  const a: Record<string, string> = { [GoldenAnnotations.IMAGE_REPOSITORY]: props.image.repository };
  if (props.image.digest) a[GoldenAnnotations.IMAGE_DIGEST] = props.image.digest;
  if (props.signer) a[GoldenAnnotations.SIGNER] = `${props.signer.mode} ${props.signer.identity}`;
  const m = app.metrics;
  if (m && !monitoring.usesServiceMonitor) Object.assign(a, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(m.port), 'prometheus.io/path': m.path });
  // What the program reads, so R10 (here and in `golden-go audit`) does not ask for variables it ignores.
  if (app.declared) a[APP_READS_ANNOTATION] = app.reads.join(',') || 'none';
  if (props.fluentBitParser !== undefined) {
    if (!/^[A-Za-z0-9_.-]+$/.test(props.fluentBitParser)) throw invalidValue('fluentBitParser', props.fluentBitParser, 'the name of a registered Fluent Bit parser');
    a['fluentbit.io/parser'] = props.fluentBitParser;
  }
  if (unsafe.length) a[GoldenAnnotations.UNSAFE_SYSCTLS] = unsafe.join(',');
  return a;
}

function buildDeploymentAnnotations(props: GoMicroserviceProps, sysctls: Sysctl[], unsafe: string[], k8sVersion: string): Record<string, string> {
  const a: Record<string, string> = {};
  if (!props.priorityClassName) {
    a['polaris.fairwinds.com/priorityClassNotSet-exempt'] = 'true';
    a['golden-go.dev/exempt-reason.priorityClassNotSet'] = 'no PriorityClass is known to exist in the target cluster; a name that does not exist makes pods unschedulable. Set priorityClassName to opt in';
  }
  if (props.autoscaling) {
    a['polaris.fairwinds.com/deploymentMissingReplicas-exempt'] = 'true';
    a['golden-go.dev/exempt-reason.deploymentMissingReplicas'] = 'the HorizontalPodAutoscaler owns the replica count; a fixed spec.replicas would fight it on every apply';
  }
  if (sysctls.length && unsafe.length === 0) {
    a['ignore-check.kube-linter.io/unsafe-sysctls'] = `every sysctl is in the Kubernetes ${k8sVersion} safe set (${sysctls.map((s) => s.name).join(', ')})`;
  }
  return a;
}

/**
 * kube-score's pod-probes-identical is R02's shared-endpoint verdict: when R02 is suppressed for it with a
 * reason, kube-score is told the same, with that reason next to it.
 */
function probeExemptions(app: ResolvedApp, name: string, namespace: string, gate: RuleGate): Record<string, string> {
  const probes = app.probes._toKube(app.port.port);
  const v = sharedProbeEndpointViolation(probes.readinessProbe, probes.livenessProbe);
  const field = 'spec.template.spec.containers[app].livenessProbe';
  const s = v && gate.suppressionOf({ ruleId: 'R02', resource: `Deployment/${namespace}/${name}`, field, ...v });
  if (!s) return {};
  return { 'kube-score/ignore': 'pod-probes-identical', 'golden-go.dev/exempt-reason.pod-probes-identical': s.reason };
}

function resolveReplicas(props: GoMicroserviceProps, gate: RuleGate): number | undefined {
  if (props.replicas !== undefined && props.autoscaling) {
    throw new Error('replicas: not allowed together with autoscaling; the HorizontalPodAutoscaler owns the replica count (kube-score flags a Deployment with both)');
  }
  const replicas = props.autoscaling ? undefined : props.replicas ?? 2;
  if (replicas !== undefined && !Number.isInteger(replicas)) throw invalidValue('replicas', replicas, 'a whole number, at least 2');
  if (replicas !== undefined) gate.check('R12', 'replicas', replicasViolation(replicas));
  return replicas;
}

function resolveAutoscaling(props: GoMicroserviceProps, gate: RuleGate): ServiceModel['autoscaling'] {
  const a = props.autoscaling;
  if (!a) return undefined;
  const min = a.minReplicas ?? 2;
  if (!Number.isInteger(min) || min < 1) throw invalidValue('autoscaling.minReplicas', min, 'a whole number, at least 2');
  gate.check('R12', 'autoscaling.minReplicas', minReplicasViolation(min));
  if (!(Number.isInteger(a.maxReplicas) && a.maxReplicas > min)) throw invalidValue('autoscaling.maxReplicas', a.maxReplicas, `a whole number greater than minReplicas (${min})`);
  const util = a.cpuUtilization ?? 70;
  if (!(Number.isInteger(util) && util > 0 && util <= 100)) throw invalidValue('autoscaling.cpuUtilization', util, '1-100 (percent of the CPU request)');
  return { min, max: a.maxReplicas, cpuUtilization: util };
}

function checkSecretFiles(files: SecretFiles[]): SecretFiles[] {
  for (const [i, s] of files.entries()) {
    if (!DNS_LABEL.test(s.secretName)) throw invalidValue(`secretFiles[${i}].secretName`, s.secretName, 'a Secret name');
    checkPattern(`secretFiles[${i}].mountPath`, s.mountPath, PATTERNS.absolutePath, 'an absolute directory of letters, digits and . _ / -');
    if (s.mountPath === '/' || s.mountPath === '/tmp') {
      throw invalidValue(`secretFiles[${i}].mountPath`, s.mountPath, 'an absolute directory other than / and /tmp');
    }
  }
  return [...files];
}

/** Classifies every sysctl for the target release (R08); returns the unsafe ones the service opted into. */
function classifySysctls(sysctls: Sysctl[], allowed: string[], k8sVersion: string, hostNetwork: boolean, gate: RuleGate): string[] {
  const names = new Set<string>();
  const unsafe: string[] = [];
  const allowedSet = new Set(allowed.map((n) => Sysctls.normalize(n)));
  for (const s of sysctls) {
    const name = Sysctls.normalize(s.name);
    if (names.has(name)) throw invalidValue('sysctls', name, 'each sysctl once');
    names.add(name);
    checkPattern(`sysctls.${name}`, s.value, PATTERNS.sysctlValue, 'a sysctl value of letters, digits, spaces and . _ : , / -');
    const optedIn = allowedSet.has(name);
    const verdict = sysctlViolation(name, k8sVersion, hostNetwork, optedIn);
    gate.check('R08', verdict?.severity === RuleSeverity.WARNING ? 'allowedUnsafeSysctls' : 'sysctls', verdict);
    // The pod annotation lists what the service opted into, and what it sets against the rule.
    if (verdict && !(hostNetwork && name.startsWith('net.'))) unsafe.push(name);
  }
  for (const n of allowedSet) {
    if (!names.has(n)) throw invalidValue('allowedUnsafeSysctls', n, 'names that also appear in sysctls');
  }
  return unsafe;
}

function checkSeconds(prop: string, v: number, min: number): number {
  if (!(Number.isInteger(v) && v >= min && v <= 3600)) throw invalidValue(prop, v, `whole seconds from ${min} to 3600`);
  return v;
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
