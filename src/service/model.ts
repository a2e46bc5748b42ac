import * as kplus from 'cdk8s-plus-27';
import { Monitoring } from './monitoring';
import type { NetworkEgress } from './network-egress';
import { ServiceProbes } from './probes';
import { GoldenAnnotations, GoMicroserviceProps, GoResources, LogLevel, SecretFiles } from './props';
import { GoRuntime } from './runtime-env';
import { RuleGate } from '../checklist/engine';
import {
  imagePinViolation, minReplicasViolation, replicasViolation, secretEnvViolation, SHUTDOWN_MARGIN_SECONDS, shutdownBudgetViolation, sysctlViolation,
  timeZoneViolation,
} from '../checklist/runtime-rules';
import { RuleSeverity } from '../checklist/severity';
import { DNS_LABEL } from '../core/constants';
import { invalidValue, ruleError } from '../core/errors';
import { atLeast, parseKubernetesVersion } from '../core/kubernetes-version';
import { checkPattern, PATTERNS } from '../core/patterns';
import { Sysctl, Sysctls } from '../core/sysctls';
import { ImageReference } from '../image/image-reference';
import { ImageSigner } from '../publish/image-signer';

const RESERVED_ENV = ['GOMEMLIMIT', 'GOMAXPROCS', 'GOGC', 'TZ', 'LANG', 'LOG_LEVEL', 'LOG_FORMAT', 'NO_COLOR', 'PORT', 'METRICS_PORT',
  'SHUTDOWN_DRAIN_TIMEOUT', 'SHUTDOWN_DELAY'];
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
  readonly port: number;
  readonly metricsPort: number;
  readonly servicePort: number;
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
  const ports = resolvePorts(props);
  const resources = resolveResources(props.resources ?? {});
  const goVersion = props.goVersion ?? '1.26';
  const setGoMaxProcs = !GoRuntime.readsCgroupCpuLimit(goVersion, props.goModGoVersion);
  const goMemLimit = GoRuntime.goMemLimit(resources.memoryLimit, props.goMemLimitRatio ?? 0.9);
  if (setGoMaxProcs && resources.cpuLimitMillis === 0) {
    const why = GoRuntime.readsCgroupCpuLimit(goVersion) ? `a module declaring go ${props.goModGoVersion} (goModGoVersion)` : `Go ${goVersion}`;
    gate.warn('R05', 'resources.cpuLimitMillis', `${why} does not read the cgroup CPU limit and there is none: GOMAXPROCS will be the node's CPU count`);
  }
  const shutdown = resolveShutdown(props, atLeast(version, 30), gate);
  const goMaxProcs = setGoMaxProcs && resources.cpuLimitMillis > 0;
  const env = runtimeEnv(props, { port: ports.port, metricsPort: ports.metricsPort, goMemLimit, goMaxProcs, shutdown }, gate);
  if (props.priorityClassName !== undefined) checkPattern('priorityClassName', props.priorityClassName, PATTERNS.dnsSubdomain, 'a PriorityClass name');
  const sysctls = (props.sysctls ?? []).map((s) => ({ name: Sysctls.normalize(s.name), value: s.value }));
  const unsafeSysctls = classifySysctls(props.sysctls ?? [], props.allowedUnsafeSysctls ?? [], kubernetesVersion, props.hostNetwork ?? false, gate);
  const monitoring = props.monitoring ?? Monitoring.annotations();
  const podAnnotations = buildPodAnnotations(props, monitoring, ports.metricsPort, unsafeSysctls);
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
    port: ports.port,
    metricsPort: ports.metricsPort,
    servicePort: ports.servicePort,
    resources,
    shutdown,
    env,
    sysctls,
    unsafeSysctls,
    hostNetwork: props.hostNetwork ?? false,
    podAnnotations,
    deploymentAnnotations: buildDeploymentAnnotations(props, sysctls, unsafeSysctls, kubernetesVersion),
    replicas,
    autoscaling: resolveAutoscaling(props, gate),
    tmpSizeMiB,
    secretFiles,
    priorityClassName: props.priorityClassName,
    probes: props.probes ?? ServiceProbes.http(),
    monitoring,
    egress: props.egress ?? [],
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

function resolvePorts(props: GoMicroserviceProps) {
  const port = checkPort('port', props.port ?? 8080);
  const metricsPort = checkPort('metricsPort', props.metricsPort ?? 9090);
  if (port === metricsPort) throw invalidValue('metricsPort', metricsPort, `a port other than port (${port})`);
  const servicePort = props.servicePort ?? 80;
  if (!(Number.isInteger(servicePort) && servicePort >= 1 && servicePort <= 65535)) throw invalidValue('servicePort', servicePort, '1-65535');
  return { port, metricsPort, servicePort };
}

function resolveShutdown(props: GoMicroserviceProps, sleepAction: boolean, gate: RuleGate): Shutdown {
  const drainSeconds = checkSeconds('drainTimeoutSeconds', props.drainTimeoutSeconds ?? 20, 1);
  const preStopSeconds = checkSeconds('preStopDelaySeconds', props.preStopDelaySeconds ?? 5, 0);
  const budget = preStopSeconds + drainSeconds + SHUTDOWN_MARGIN_SECONDS;
  const graceSeconds = props.terminationGracePeriodSeconds ?? budget;
  if (!Number.isInteger(graceSeconds) || graceSeconds < 0) throw invalidValue('terminationGracePeriodSeconds', graceSeconds, 'whole seconds');
  gate.check('R06', 'terminationGracePeriodSeconds', shutdownBudgetViolation(graceSeconds, preStopSeconds, drainSeconds));
  return { drainSeconds, preStopSeconds, graceSeconds, sleepAction };
}

interface RuntimeFacts {
  readonly port: number;
  readonly metricsPort: number;
  readonly goMemLimit: string;
  readonly goMaxProcs: boolean;
  readonly shutdown: Shutdown;
}

/** The container environment (R04, R05, R06, R09, R10, R16): golden-go's variables, then the user's. */
function runtimeEnv(props: GoMicroserviceProps, f: RuntimeFacts, gate: RuleGate): Record<string, kplus.EnvValue> {
  const timeZone = props.timeZone ?? 'UTC';
  gate.check('R09', 'timeZone', timeZoneViolation(timeZone));
  const value = kplus.EnvValue.fromValue;
  const env: Record<string, kplus.EnvValue> = {
    PORT: value(String(f.port)), METRICS_PORT: value(String(f.metricsPort)), GOMEMLIMIT: value(f.goMemLimit),
  };
  if (f.goMaxProcs) env.GOMAXPROCS = kplus.EnvValue.fromResource(kplus.ResourceFieldPaths.CPU_LIMIT, { divisor: '1' });
  Object.assign(env, {
    SHUTDOWN_DRAIN_TIMEOUT: value(String(f.shutdown.drainSeconds)),
    SHUTDOWN_DELAY: value(String(f.shutdown.sleepAction ? 0 : f.shutdown.preStopSeconds)),
    TZ: value(timeZone),
    LANG: value('C.UTF-8'),
    LOG_LEVEL: value(props.logLevel ?? LogLevel.INFO),
    LOG_FORMAT: value('json'),
    NO_COLOR: value('1'),
  });
  for (const [k, v] of Object.entries(props.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw invalidValue(`env.${k}`, k, 'environment variable names: letters, digits and "_"');
    if (RESERVED_ENV.includes(k)) {
      throw new Error(`env.${k}: set by golden-go from its own prop (GOMEMLIMIT from resources.memoryLimit, TZ from timeZone, LOG_LEVEL from logLevel, SHUTDOWN_* from drainTimeoutSeconds/preStopDelaySeconds, PORT from port); remove it from env`);
    }
    gate.check('R16', `env.${k}`, secretEnvViolation({ name: k, value: v }));
    // The kubelet expands $(VAR) in values: a value must not reach other variables (secrets included).
    env[k] = value(checkPattern(`env.${k}`, v, PATTERNS.envValue, 'one line of printable ASCII without "$("'));
  }
  return env;
}

function buildPodAnnotations(props: GoMicroserviceProps, monitoring: Monitoring, metricsPort: number, unsafe: string[]): Record<string, string> {
  const a: Record<string, string> = { [GoldenAnnotations.IMAGE_REPOSITORY]: props.image.repository };
  if (props.image.digest) a[GoldenAnnotations.IMAGE_DIGEST] = props.image.digest;
  if (props.signer) a[GoldenAnnotations.SIGNER] = `${props.signer.mode} ${props.signer.identity}`;
  if (!monitoring.usesServiceMonitor) Object.assign(a, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(metricsPort), 'prometheus.io/path': '/metrics' });
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
    a['ignore-check.kube-linter.io/unsafe-sysctls'] = `every sysctl is in the Kubernetes ${k8sVersion} safe set (${(props.sysctls ?? []).map((s) => s.name).join(', ')})`;
  }
  return a;
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
