// R01–R17: running it. Each rule is its data and its one check over the WorkloadModel.
import { Report, RuleDefinition, RuleSeverity as S, RuleTarget as T, Violation } from './rule';
import { ContainerModel, GO_CONTAINERS_ANNOTATION, GO_RUNTIME_ENV, PodModel, selects, WorkloadModel, WORKLOADS } from './workload-model';
import { PINNED_REFERENCE, SECRET_NAME } from '../core/constants';
import { quantityToBytes } from '../core/quantity';
import { NAMESPACED_EXACT, NAMESPACED_PREFIXES, SYSCTL_NAME } from '../core/sysctl-names';
import { SysctlClass, Sysctls } from '../core/sysctls';

/** Pod annotation listing the golden settings (LOG_LEVEL, NO_COLOR, …) the program reads, when declared. */
export const APP_READS_ANNOTATION = 'golden-go.dev/app-reads';
/** Pod annotation listing the unsafe sysctls the pod opted into (R08 then warns instead of failing). */
const UNSAFE_SYSCTLS_ANNOTATION = 'golden-go.dev/unsafe-sysctls';

const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
const K8S_UNIT = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E|m)$/;
const GO_MEMLIMIT = /^([0-9]+)(B|KiB|MiB|GiB|TiB)?$/;
const GO_UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** What an IANA time zone name looks like; Intl then decides whether it exists. */
export const TIME_ZONE_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/;
const TIME_ZONES = new Map<string, boolean>();

/** Whether `tz` names an IANA time zone that Go's embedded tzdata resolves (cached: ICU lookups are slow). */
export function isValidTimeZone(tz: string): boolean {
  let valid = TIME_ZONES.get(tz);
  if (valid === undefined) {
    valid = TIME_ZONE_NAME.test(tz) && resolvesTimeZone(tz);
    TIME_ZONES.set(tz, valid);
  }
  return valid;
}

function resolvesTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^[0-9]+$/.test(value)) return Number(value);
  const m = /^([0-9.]+)(ms|s|m|h)$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

// ---- Rule logic shared with the constructs: each function is the one implementation of its rule's
// verdict and message. The checks below call it on the final objects (synth and audit); the
// constructs call it on their props at construction, naming the prop.

export type { Violation } from './rule';

/** R01: an image reference that is not pinned by digest. */
export function imagePinViolation(image: string): Violation | undefined {
  if (PINNED_REFERENCE.test(image)) return undefined;
  const hint = /:latest$/.test(image) || !/:[^/]+$/.test(image) ? '":latest" (or no tag) names whatever was pushed last' : 'a tag can be moved to other bytes at any time';
  return { message: `"${image}" is not pinned by digest: ${hint}` };
}

/** Seconds the shutdown needs beyond preStop and drain. */
export const SHUTDOWN_MARGIN_SECONDS = 5;

/** R06: a grace period shorter than the pre-SIGTERM delay + drain + margin. */
export function shutdownBudgetViolation(graceSeconds: number, delaySeconds: number, drainSeconds: number): Violation | undefined {
  const budget = delaySeconds + drainSeconds + SHUTDOWN_MARGIN_SECONDS;
  if (graceSeconds >= budget) return undefined;
  return {
    message: `${graceSeconds} is less than preStop delay ${delaySeconds} s + drain timeout ${drainSeconds} s + margin ${SHUTDOWN_MARGIN_SECONDS} s = ${budget} s; in-flight requests would be cut off by SIGKILL`,
  };
}

/** R08: a pod sysctl that cannot work on the target release (an unsafe one the pod opted into is a warning). */
export function sysctlViolation(name: string, kubernetesVersion: string, hostNetwork: boolean, optedIn: boolean): Violation | undefined {
  if (hostNetwork && name.startsWith('net.')) {
    return { message: `${name} is a net.* sysctl and hostNetwork is true: the API server rejects the pod (it would change the node's own network stack)` };
  }
  const cls = Sysctls.classify(name, kubernetesVersion);
  if (cls === SysctlClass.NODE_LEVEL) {
    return { message: `${name} is a node-level sysctl: it is not namespaced, no kubelet can allow it, and the pod fails with SysctlForbidden. Set it on the node (or a privileged DaemonSet) instead` };
  }
  if (cls !== SysctlClass.NAMESPACED_UNSAFE) return undefined;
  if (optedIn) return { message: `${name} is unsafe: pods only start on nodes whose kubelet allows it, in a PSA-privileged namespace`, severity: S.WARNING };
  const since = Sysctls.safeSince(name);
  const why = since ? `it only joined the safe set in Kubernetes ${since} and kubernetesVersion is ${kubernetesVersion}` : 'it is not in the Kubernetes safe set';
  return {
    message: `${name} is namespaced but unsafe: ${why}. Pods that set it fail to start unless every kubelet runs with --allowed-unsafe-sysctls=${name} and the namespace is PSA privileged; list it in allowedUnsafeSysctls (the golden-go.dev/unsafe-sysctls pod annotation) to opt in`,
  };
}

/**
 * The endpoint a probe checks, as `kind port [path|service]`: an HTTP path without its query string
 * (`/healthz?live` is `/healthz`), so two probes on one handler are seen as one endpoint.
 */
export function probeEndpoint(p: any): string | undefined {
  if (!p) return undefined;
  if (p.httpGet) return `http ${p.httpGet.port} ${String(p.httpGet.path ?? '/').split(/[?#]/)[0]}`;
  if (p.grpc) return `grpc ${p.grpc.port} ${p.grpc.service ?? ''}`;
  if (p.tcpSocket) return `tcp ${p.tcpSocket.port}`;
  if (p.exec) return `exec ${JSON.stringify(p.exec.command)}`;
  return undefined;
}

/** R02: readiness and liveness on one endpoint (a warning: suppressible with a reason when the program has only one). */
export function sharedProbeEndpointViolation(readiness: any, liveness: any): Violation | undefined {
  const r = probeEndpoint(readiness);
  if (!r || r !== probeEndpoint(liveness)) return undefined;
  return {
    message: `readiness and liveness probe the same endpoint (${r}): a busy pod gets restarted instead of taken out of rotation. Give liveness its own check, or suppress R02 with the reason the program has only this one`,
    severity: S.WARNING,
  };
}

/** R09: a TZ that Go would silently replace with UTC. */
export function timeZoneViolation(tz: string): Violation | undefined {
  if (isValidTimeZone(tz)) return undefined;
  return { message: `"${tz}" is not an IANA time zone; Go would silently fall back to UTC. Use a name such as "UTC", "Europe/Berlin" or "Asia/Shanghai" (allowed: names that match ${TIME_ZONE_NAME} and exist)` };
}

/** R12: a fixed replica count that leaves the service down on every drain. */
export function replicasViolation(replicas: number): Violation | undefined {
  if (replicas >= 2) return undefined;
  return { message: `${replicas} leaves the service down during every node drain and rollout; use at least 2`, severity: S.ERROR };
}

/** R12: an autoscaler that may scale down to one pod. */
export function minReplicasViolation(minReplicas: number): Violation | undefined {
  if (minReplicas >= 2) return undefined;
  return { message: `${minReplicas} can scale the service down to a single pod; use at least 2`, severity: S.ERROR };
}

/** R16: a secret in an environment variable (read from a Secret, or a plain value under a secret's name). */
export function secretEnvViolation(env: { readonly name: string; readonly value?: unknown; readonly valueFrom?: any }): Violation | undefined {
  if (env.valueFrom?.secretKeyRef) return { message: `reads Secret ${env.valueFrom.secretKeyRef.name}: environment variables leak through /proc, crash dumps and \`kubectl describe\`; mount the Secret as files` };
  if (env.value !== undefined && SECRET_NAME.test(env.name)) {
    return { message: 'looks like a secret; environment variables leak through /proc, crash dumps and `kubectl describe`. Mount the Secret as files (secretFiles)' };
  }
  return undefined;
}

const podSpec = (pod: PodModel, field: string) => `${pod.templatePath}spec.${field}`;

function r01(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      const v = imagePinViolation(c.spec.image ?? '');
      if (v) report({ resource: pod.ref, field: `${c.path}.image`, ...v });
    }
  }
}

function r02(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods.filter((p) => LONG_RUNNING.has(p.kind))) {
    for (const c of pod.containers) {
      // One finding per probe, so a probe declared absent (AppProbe.none) is suppressed on its own field.
      for (const p of ['startupProbe', 'readinessProbe', 'livenessProbe'].filter((k) => !c.spec[k])) {
        report({ resource: pod.ref, field: `${c.path}.${p}`, message: `missing ${p}` });
      }
      const v = sharedProbeEndpointViolation(c.spec.readinessProbe, c.spec.livenessProbe);
      if (v) report({ resource: pod.ref, field: `${c.path}.livenessProbe`, ...v });
    }
  }
}

function r03(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      const req = c.spec.resources?.requests ?? {};
      const lim = c.spec.resources?.limits ?? {};
      const missing = [...['cpu', 'memory', 'ephemeral-storage'].filter((k) => req[k] === undefined).map((k) => `requests.${k}`),
        ...['memory', 'ephemeral-storage'].filter((k) => lim[k] === undefined).map((k) => `limits.${k}`)];
      if (missing.length) report({ resource: pod.ref, field: `${c.path}.resources`, message: `missing ${missing.join(', ')}` });
      // The API server refuses these itself, so the admission policy needs no CEL for it; files are judged here.
      const below = ['cpu', 'memory', 'ephemeral-storage'].filter((k) => req[k] !== undefined && lim[k] !== undefined && quantityValue(k, lim[k]) < quantityValue(k, req[k]));
      for (const k of below) report({ resource: pod.ref, field: `${c.path}.resources.limits.${k}`, message: `limits.${k} ${lim[k]} is below requests.${k} ${req[k]}: the API server refuses the pod` });
    }
  }
}

/** A resource quantity as a number to compare: cores for cpu (`500m`, `0.5`, `2`), bytes otherwise; NaN when malformed. */
function quantityValue(resource: string, q: unknown): number {
  const v = String(q);
  if (resource !== 'cpu') return memoryLimitBytes(v) ?? NaN;
  if (/^[0-9]+(\.[0-9]+)?m$/.test(v)) return Number(v.slice(0, -1)) / 1000;
  return /^([0-9]+(\.[0-9]*)?|\.[0-9]+)$/.test(v) ? Number(v) : NaN;
}

function memoryLimitBytes(limit: unknown): number | undefined {
  try {
    return limit !== undefined ? quantityToBytes(String(limit)) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * R04: a GOGC value. `off` (or a negative percent, which Go reads as off) turns the proportional GC off,
 * so only a memory limit ever starts a collection: without GOMEMLIMIT the heap grows until the OOM killer
 * (Go GC guide: GOGC=off is meant to be paired with GOMEMLIMIT). A value Go cannot parse is silently 100.
 * @param hasMemoryLimit whether a GOMEMLIMIT (fixed, from a reference or set at start by automemlimit) applies
 */
export function goGcViolation(gogc: string, hasMemoryLimit: boolean): Violation | undefined {
  const v = gogc.trim();
  const off = v === 'off' || /^-[0-9]+$/.test(v);
  if (off && !hasMemoryLimit) {
    return { message: `GOGC=${v} without GOMEMLIMIT: the collector never runs and the heap grows until the OOM killer stops the program; pair it with GOMEMLIMIT below the memory limit` };
  }
  if (!off && !/^[0-9]+$/.test(v)) {
    return { message: `GOGC=${v} is not a percent or "off": Go ignores it silently and collects at GOGC=100`, severity: S.WARNING };
  }
  return undefined;
}

/**
 * R04: GODEBUG settings that change what memory the cgroup is charged for. `madvdontneed=0` returns
 * freed memory with MADV_FREE: the pages stay in the container's RSS and memory cgroup until the kernel
 * reclaims them, so RSS-based alerts, memory HPA and eviction see memory the heap no longer holds.
 * `madvdontneed=1` is the Linux default since Go 1.16: reported as redundant only when the Go release is
 * known (an older binary does need it).
 * @param goMinor the Go 1.x release the binary is built with, when known
 */
export function goDebugViolations(godebug: string, goMinor?: number): Violation[] {
  const settings = new Map(godebug.split(',').map((kv) => kv.trim().split('=') as [string, string | undefined]));
  const madv = settings.get('madvdontneed');
  if (madv === '0') {
    return [{ message: 'GODEBUG madvdontneed=0 returns freed memory with MADV_FREE: it stays charged to the container\'s memory cgroup until the kernel reclaims it, so RSS-based alerts, memory autoscaling and eviction see memory the Go heap already released; remove it', severity: S.WARNING }];
  }
  if (madv === '1' && goMinor !== undefined && goMinor >= 16) {
    return [{ message: `GODEBUG madvdontneed=1 is the Linux default since Go 1.16 (this binary: Go 1.${goMinor}); remove it`, severity: S.WARNING }];
  }
  return [];
}

/** Whether a GOMEMLIMIT applies to the container: fixed (not `off`), from a reference, or set at start by automemlimit. */
function hasGoMemLimit(env: Record<string, any>): boolean {
  const gml = env.GOMEMLIMIT;
  return Boolean(env.AUTOMEMLIMIT) || gml?.valueFrom !== undefined || (gml?.value !== undefined && String(gml.value).trim() !== 'off');
}

function r04(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      const gogc = c.env.GOGC?.value;
      const gcv = gogc !== undefined ? goGcViolation(String(gogc), hasGoMemLimit(c.env)) : undefined;
      if (gcv) report({ resource: pod.ref, field: `${c.path}.env[GOGC]`, ...gcv });
      const godebug = c.env.GODEBUG?.value;
      for (const v of godebug !== undefined ? goDebugViolations(String(godebug)) : []) report({ resource: pod.ref, field: `${c.path}.env[GODEBUG]`, ...v });
      r04MemLimit(pod.ref, c, report);
    }
  }
}

function r04MemLimit(ref: string, c: ContainerModel, report: Report): void {
  const lim = c.spec.resources?.limits ?? {};
  const limitBytes = memoryLimitBytes(lim.memory);
  const gml = c.env.GOMEMLIMIT;
  const field = `${c.path}.env[GOMEMLIMIT]`;
  if (gml?.value !== undefined) {
    const v = String(gml.value).trim();
    const parsed = GO_MEMLIMIT.exec(v);
    if (v === 'off') return; // an explicit choice
    if (!parsed) {
      report({ resource: ref, field, message: `GOMEMLIMIT=${v} is malformed for Go${K8S_UNIT.test(v) ? ' (a Kubernetes unit: Go accepts B, KiB, MiB, GiB, TiB)' : ''}: the program dies at start with "malformed GOMEMLIMIT"` });
    } else if (limitBytes !== undefined && Number(parsed[1]) * GO_UNITS[parsed[2] ?? 'B'] >= limitBytes) {
      report({ resource: ref, field, message: `GOMEMLIMIT=${v} is not below the memory limit ${lim.memory}: the OOM killer strikes before the GC reacts` });
    }
  } else if (c.go && limitBytes !== undefined && !c.env.AUTOMEMLIMIT && !gml?.valueFrom) {
    report({ resource: ref, field, message: `no GOMEMLIMIT for the ${lim.memory} memory limit: Go does not read the cgroup limit and grows until the OOM killer stops it`, severity: S.WARNING });
  }
}

function r05(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      const gmp = c.env.GOMAXPROCS;
      if (gmp?.value === undefined) continue;
      const lim = c.spec.resources?.limits ?? {};
      const n = Number(gmp.value);
      const cpu = lim.cpu !== undefined ? Math.ceil(String(lim.cpu).endsWith('m') ? Number(String(lim.cpu).slice(0, -1)) / 1000 : Number(lim.cpu)) : undefined;
      report({
        resource: pod.ref,
        field: `${c.path}.env[GOMAXPROCS]`,
        message: cpu !== undefined && n > cpu
          ? `GOMAXPROCS=${gmp.value} is pinned above the CPU limit ${lim.cpu}: the process is throttled`
          : `GOMAXPROCS=${gmp.value} is pinned: Go 1.25+ would follow the CPU limit (and in-place resizes) by itself`,
      });
    }
  }
}

/** Images without a shell or coreutils, where `exec sleep` in a hook fails. */
const SHELL_LESS_IMAGE = /distroless|chainguard|scratch/;

function r06(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
    for (const c of pod.containers) {
      const pre = c.spec.lifecycle?.preStop;
      let preStopSeconds = 0;
      if (pre?.sleep) preStopSeconds = Number(pre.sleep.seconds ?? 0);
      if (pre?.exec) {
        const cmd: string[] = pre.exec.command ?? [];
        const sleep = /\bsleep\s+([0-9.]+)/.exec(cmd.join(' '));
        if (sleep) {
          preStopSeconds = Number(sleep[1]);
          const shellLess = SHELL_LESS_IMAGE.test(c.spec.image ?? '');
          report({
            resource: pod.ref,
            field: `${c.path}.lifecycle.preStop`,
            severity: shellLess ? S.ERROR : S.WARNING,
            message: `preStop runs \`${cmd.join(' ')}\`: ${shellLess ? 'the image has no sleep binary, so the hook fails and the delay never happens' : 'it needs a sleep binary in the image'}; use the preStop sleep action (Kubernetes 1.30+)`,
          });
        }
      }
      const drain = seconds(c.env.SHUTDOWN_DRAIN_TIMEOUT?.value) ?? 0;
      const appDelay = seconds(c.env.SHUTDOWN_DELAY?.value) ?? 0;
      const v = shutdownBudgetViolation(grace, preStopSeconds + appDelay, drain);
      if (v) report({ resource: pod.ref, field: podSpec(pod, 'terminationGracePeriodSeconds'), ...v });
    }
  }
}

function r07(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const spec = pod.spec;
    const podSc = spec.securityContext ?? {};
    const podProblems: string[] = [];
    if (spec.automountServiceAccountToken !== false) podProblems.push('automountServiceAccountToken is not false');
    if (!spec.serviceAccountName || spec.serviceAccountName === 'default') podProblems.push('runs as the default ServiceAccount');
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) podProblems.push('shares a host namespace');
    if (podProblems.length) report({ resource: pod.ref, field: podSpec(pod, ''), message: podProblems.join('; ') });
    // The default namespace is shared by everything and rarely carries a Pod Security level (Checkov CKV_K8S_21).
    if ((pod.meta.namespace ?? 'default') === 'default') {
      report({ resource: pod.ref, field: 'metadata.namespace', message: 'runs in the default namespace (none set): shared with everything else and usually without a Pod Security level' });
    }
    const unprivilegedFrom = unprivilegedPortStart(podSc.sysctls);
    for (const c of pod.containers) {
      const sc = c.spec.securityContext ?? {};
      const problems: string[] = [];
      if (!(sc.runAsNonRoot ?? podSc.runAsNonRoot)) problems.push('runAsNonRoot is not true');
      if ((sc.runAsUser ?? podSc.runAsUser) === 0) problems.push('runAsUser is 0');
      if (sc.allowPrivilegeEscalation !== false) problems.push('allowPrivilegeEscalation is not false');
      if (sc.privileged) problems.push('privileged');
      if (!(sc.capabilities?.drop ?? []).includes('ALL')) problems.push('capabilities do not drop ALL');
      if ((sc.capabilities?.add ?? []).length) problems.push(`adds capabilities ${sc.capabilities.add.join(', ')}`);
      const seccomp = sc.seccompProfile?.type ?? podSc.seccompProfile?.type;
      if (seccomp !== 'RuntimeDefault' && seccomp !== 'Localhost') problems.push('no RuntimeDefault seccomp profile');
      if (sc.readOnlyRootFilesystem !== true) problems.push('the root filesystem is writable');
      // A non-root process without capabilities binds a port below 1024 only where the pod lowers the bound.
      const low = (c.spec.ports ?? []).map((p: any) => Number(p.containerPort)).filter((p: number) => p < 1024 && p < unprivilegedFrom);
      if (low.length && !(sc.capabilities?.add ?? []).includes('NET_BIND_SERVICE')) {
        problems.push(`port ${low.join(', ')} cannot be bound without root or NET_BIND_SERVICE: set the safe sysctl net.ipv4.ip_unprivileged_port_start=${Math.min(...low)}`);
      }
      if (problems.length) report({ resource: pod.ref, field: `${c.path}.securityContext`, message: problems.join('; ') });
    }
  }
}

/** The pod's `net.ipv4.ip_unprivileged_port_start` (either spelling), else the kernel's 1024. */
function unprivilegedPortStart(sysctls: any[] | undefined): number {
  const s = (sysctls ?? []).find((x) => UNPRIVILEGED_PORT_START.includes(x?.name) && /^[0-9]+$/.test(String(x.value)));
  return s ? Number(s.value) : 1024;
}
const UNPRIVILEGED_PORT_START = ['net.ipv4.ip_unprivileged_port_start', 'net/ipv4/ip_unprivileged_port_start'];

function r08(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const field = podSpec(pod, 'securityContext.sysctls');
    const optedIn = new Set(String(pod.podMeta.annotations?.[UNSAFE_SYSCTLS_ANNOTATION] ?? '').split(',').filter(Boolean));
    for (const s of pod.spec.securityContext?.sysctls ?? []) {
      let name: string;
      try {
        name = Sysctls.normalize(s.name);
      } catch {
        report({ resource: pod.ref, field, message: `sysctl "${s.name}" is not a valid name` });
        continue;
      }
      const v = sysctlViolation(name, m.kubernetesVersion, pod.spec.hostNetwork === true, optedIn.has(name));
      if (v) report({ resource: pod.ref, field, ...v });
    }
  }
}

function r09(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      const tz = c.env.TZ?.value;
      const v = tz === undefined ? undefined : timeZoneViolation(String(tz));
      if (v) report({ resource: pod.ref, field: `${c.path}.env[TZ]`, ...v });
    }
  }
}

function r10(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      const logs: string[] = [];
      if (c.spec.terminationMessagePolicy !== 'FallbackToLogsOnError') logs.push('terminationMessagePolicy is not FallbackToLogsOnError');
      // A program declared not to read NO_COLOR (golden-go.dev/app-reads) is not given it.
      const reads = pod.podMeta.annotations?.[APP_READS_ANNOTATION];
      const readsNoColor = reads === undefined || String(reads).split(',').includes('NO_COLOR');
      // NO_COLOR is golden-go's convention for Go programs; another language's container is not judged on it.
      if (c.go && readsNoColor && !c.env.NO_COLOR) logs.push('NO_COLOR is not set');
      if (logs.length) report({ resource: pod.ref, field: c.path, message: logs.join('; ') });
    }
  }
}

function r11(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const a = pod.podMeta.annotations ?? {};
    const monitored = m.monitors.some((s) => (s.metadata?.namespace ?? 'default') === pod.namespace && selects(s.spec?.selector?.matchLabels, pod.podMeta.labels));
    for (const c of pod.containers) {
      const ports = c.spec.ports ?? [];
      const scraped = a['prometheus.io/scrape'] === 'true' && ports.some((p: any) => String(p.containerPort) === String(a['prometheus.io/port']));
      if (!(scraped || monitored || ports.some((p: any) => p.name === 'metrics'))) {
        report({ resource: pod.ref, field: `${c.path}.ports`, message: 'no metrics: no container port named "metrics", no prometheus.io/scrape annotation naming a container port, no ServiceMonitor selecting the pods' });
      }
    }
  }
}

function r12(m: WorkloadModel, report: Report): void {
  for (const h of m.hpas) {
    const v = minReplicasViolation(h.spec?.minReplicas ?? 1);
    if (v) report({ resource: `HorizontalPodAutoscaler/${h.metadata?.namespace ?? '-'}/${h.metadata?.name ?? '?'}`, field: 'spec.minReplicas', ...v });
  }
  for (const pod of m.pods.filter((p) => p.kind === 'Deployment' || p.kind === 'StatefulSet')) {
    const o = pod.object;
    const hpa = m.hpas.find((h) => h.spec?.scaleTargetRef?.kind === pod.kind && h.spec?.scaleTargetRef?.name === pod.meta.name);
    const replicas = hpa ? undefined : replicasViolation(o.spec?.replicas ?? 1);
    if (replicas) report({ resource: pod.ref, field: 'spec.replicas', ...replicas });
    if (!m.pdbs.some((p) => (p.metadata?.namespace ?? 'default') === pod.namespace && selects(p.spec?.selector?.matchLabels ?? {}, pod.podMeta.labels))) {
      report({ resource: pod.ref, field: 'spec.template.metadata.labels', message: 'no PodDisruptionBudget selects the pods' });
    }
    const mu = o.spec?.strategy?.rollingUpdate?.maxUnavailable;
    if (pod.kind === 'Deployment' && (o.spec?.strategy?.type === 'Recreate' || (mu !== undefined && mu !== 0 && mu !== '0%'))) {
      report({ resource: pod.ref, field: 'spec.strategy', message: `rollouts may remove pods before new ones are ready (${o.spec?.strategy?.type === 'Recreate' ? 'Recreate' : `maxUnavailable ${mu}`})` });
    }
    if (!pod.spec.topologySpreadConstraints?.length) report({ resource: pod.ref, field: podSpec(pod, 'topologySpreadConstraints'), message: 'no topologySpreadConstraints: replicas may share a node or zone' });
  }
}

function r13(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const covered = m.policies.some((p) => (p.metadata?.namespace ?? 'default') === pod.namespace && selects(p.spec?.podSelector?.matchLabels ?? {}, pod.podMeta.labels)
      && (p.spec?.policyTypes ?? []).includes('Ingress') && (p.spec?.policyTypes ?? []).includes('Egress'));
    if (!covered) report({ resource: pod.ref, field: `${pod.templatePath}metadata.labels`, message: 'no NetworkPolicy in the set selects the pods for both ingress and egress' });
  }
}

function r14(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    if (!pod.podMeta.annotations?.['golden-go.dev/signer']) {
      report({ resource: pod.ref, field: `${pod.templatePath}metadata.annotations[golden-go.dev/signer]`, message: 'no expected signer recorded (golden-go.dev/signer): an admission policy has nothing to enforce' });
    }
  }
}

const R15_LABELS = ['name', 'instance', 'version', 'component', 'part-of', 'managed-by'];

function r15(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    const wanted = R15_LABELS.filter((k) => !(pod.meta.labels ?? {})[`app.kubernetes.io/${k}`]);
    if (wanted.length) report({ resource: pod.ref, field: 'metadata.labels', message: `missing recommended labels: ${wanted.map((k) => `app.kubernetes.io/${k}`).join(', ')}` });
  }
}

function r16(m: WorkloadModel, report: Report): void {
  for (const pod of m.pods) {
    for (const c of pod.containers) {
      for (const e of c.spec.env ?? []) {
        const v = secretEnvViolation(e);
        if (v) report({ resource: pod.ref, field: `${c.path}.env[${e.name}]`, ...v });
      }
      for (const e of c.spec.envFrom ?? []) {
        if (e.secretRef) report({ resource: pod.ref, field: `${c.path}.envFrom`, message: `envFrom Secret ${e.secretRef.name}: mount it as files` });
      }
    }
  }
}

function r17(m: WorkloadModel, report: Report): void {
  for (const o of m.objects) {
    const meta = o?.metadata;
    if (!meta || !(meta.creationTimestamp || meta.generateName)) continue;
    report({
      resource: `${o.kind ?? '?'}/${meta.namespace ?? '-'}/${meta.name ?? '?'}`,
      field: meta.generateName ? 'metadata.generateName' : 'metadata.creationTimestamp',
      message: meta.generateName ? 'generateName makes every apply create a new, differently named object' : 'metadata.creationTimestamp is set: every synth becomes a diff',
    });
  }
}

// ---- The rules as CEL, for the API server (ValidatingAdmissionPolicy, see src/policy): each expression
// is the same verdict as the check above, written over the one object the server admits. It is true
// when the object passes. A rule that needs other objects (a PDB, a NetworkPolicy) or data CEL does
// not have (the time zone database) says so instead, and is enforced only where synth or audit runs.

/** The kinds whose pod templates the admission policy judges: the ones `WorkloadModel` finds. */
export const CEL_WORKLOAD_KINDS = [...WORKLOADS];

/**
 * The variables every rule expression may use (`variables.<name>`): the pod template of any workload
 * kind, as `podModel` finds it. Only evaluated for the kinds in CEL_WORKLOAD_KINDS.
 */
export const CEL_VARIABLES: Array<{ readonly name: string; readonly expression: string }> = [
  { name: 'pod', expression: "object.kind == 'Pod' ? object : object.kind == 'CronJob' ? object.spec.jobTemplate.spec.template : object.spec.template" },
  { name: 'podMeta', expression: 'variables.pod.?metadata.orValue({})' },
  { name: 'podSpec', expression: 'variables.pod.?spec.orValue({})' },
  { name: 'podSc', expression: 'variables.podSpec.?securityContext.orValue({})' },
  { name: 'containers', expression: 'variables.podSpec.?containers.orValue([])' },
];

/** How the API server enforces a workload rule. */
export interface RuleCel {
  /** Kinds the expression judges; other objects pass. */
  readonly kinds: string[];
  /** CEL that is true when the object passes, over `object` and CEL_VARIABLES; R08 depends on the target release. */
  readonly expression: (kubernetesVersion: string) => string;
  /** The part of the rule the expression cannot judge, and why; the rest is enforced. */
  readonly partial?: string;
  /**
   * The part of the rule the check reports at the other severity (a `Violation.severity` override, such as
   * R02's shared probe endpoint, a warning of an error rule): the admission policy of that severity judges it.
   */
  readonly override?: RuleCelPart;
}

/** A part of a rule judged at a severity other than the rule's. */
export interface RuleCelPart {
  readonly severity: S;
  /** CEL that is true when the object passes this part, over `object` and CEL_VARIABLES, for a target release. */
  readonly expression: (kubernetesVersion: string) => string;
  /** What the part finds and its fix. */
  readonly message: string;
}

/** A workload rule: its definition, its check and its CEL (or why there is none). */
export interface RuntimeRuleDefinition extends RuleDefinition {
  readonly cel: RuleCel | { readonly notExpressible: string };
}

/** A CEL string literal (JSON's escapes are CEL's). */
export const celString = (s: string): string => JSON.stringify(s);

const envOf = (c: string) => `${c}.?env.orValue([])`;
const hasEnv = (c: string, name: string, extra = '') => `${envOf(c)}.exists(e, e.name == ${celString(name)}${extra})`;
const eachContainer = (body: string) => `variables.containers.all(c, ${body})`;
const sc = (field: string) => `c.?securityContext.${field}`;

/** CEL of `probeEndpoint`: what a probe probes (an HTTP path without its query string), '' when it has no handler. */
function probeKeyCel(p: string): string {
  return `(has(${p}.httpGet) ? 'http ' + string(${p}.httpGet.port) + ' ' + ${p}.httpGet.?path.orValue('/').split('?')[0].split('#')[0]`
    + ` : has(${p}.grpc) ? 'grpc ' + string(${p}.grpc.port) + ' ' + ${p}.grpc.?service.orValue('')`
    + ` : has(${p}.tcpSocket) ? 'tcp ' + string(${p}.tcpSocket.port)`
    + ` : has(${p}.exec) ? 'exec ' + ${p}.exec.?command.orValue([]).join('\\u001f') : '')`;
}

/**
 * CEL of `seconds`: a Go duration or a number of seconds as a double, 0 when it is neither. A malformed
 * number (`1.2.3s`) is NaN for `Number()`, which fails every comparison; CEL refuses to order NaN, so it
 * is an unbounded duration here, which no grace period covers either (and `double()` never sees a string it fails on).
 */
function secondsCel(v: string): string {
  const unit = `{'ms': 0.001, 's': 1.0, 'm': 60.0, 'h': 3600.0}[${v}.find('(ms|s|m|h)$')]`;
  return `(${v}.matches('^[0-9]+$') ? double(${v})`
    + ` : !${v}.matches('^[0-9.]+(ms|s|m|h)$') ? 0.0`
    + ` : ${v}.matches('^([0-9]+[.]?[0-9]*|[.][0-9]+)(ms|s|m|h)$') ? double(${v}.find('^[0-9.]+')) * ${unit}`
    + ' : 1.0e18)';
}

/** CEL of an env variable's seconds: the values of every entry with that name, and 0 for none. */
const envSecondsCel = (name: string) => `(${envOf('c')}.filter(e, e.name == ${celString(name)} && has(e.value)).map(e, ${secondsCel('e.value')}) + [0.0])`;

/** CEL of a GOMEMLIMIT value in bytes (only called on values matching GO_MEMLIMIT). */
function goBytesCel(v: string): string {
  const units = Object.entries(GO_UNITS).map(([u, n]) => `${celString(u)}: ${n}.0`).join(', ');
  return `(double(${v}.find('^[0-9]+')) * {'': 1.0, ${units}}[${v}.find('[A-Za-z]+$')])`;
}

const memLimit = 'c.?resources.?limits[?"memory"]';

/** CEL of `ContainerModel.go`: golden-go's workload, a container named in the annotation, or a Go runtime variable. */
const GO_CONTAINER_CEL = '(object.metadata.?labels[?\'app.kubernetes.io/managed-by\'].orValue(\'\') == \'golden-go\''
  + ' || variables.podMeta.?labels[?\'app.kubernetes.io/managed-by\'].orValue(\'\') == \'golden-go\''
  + ` || variables.podMeta.?annotations[?${celString(GO_CONTAINERS_ANNOTATION)}].orValue('').split(',').exists(n, n.trim() == '*' || n.trim() == c.name)`
  + ` || ${envOf('c')}.exists(e, e.name in [${GO_RUNTIME_ENV.map(celString).join(', ')}]))`;

/** CEL of `hasGoMemLimit`. */
const goMemLimitCel = `(${hasEnv('c', 'AUTOMEMLIMIT')} || ${hasEnv('c', 'GOMEMLIMIT', " && (has(e.valueFrom) || (has(e.value) && e.value.trim() != 'off'))")})`;
const envValues = (name: string) => `${envOf('c')}.filter(e, e.name == ${celString(name)} && has(e.value)).map(e, e.value.trim())`;
const GOGC_OFF = "(v == 'off' || v.matches('^-[0-9]+$'))";

/** CEL of `goDebugViolations` without a Go release: the last madvdontneed setting of GODEBUG is not 0. */
function madvCel(godebug: string): string {
  const values = `${godebug}.split(',').map(kv, kv.trim().split('=')).filter(kv, kv[0] == 'madvdontneed').map(kv, kv.size() > 1 ? kv[1] : '')`;
  return `(${values}.size() == 0 || ${values}[${values}.size() - 1] != '0')`;
}

// The errors of R04: a malformed GOMEMLIMIT or one not below the limit, GOGC off without a GOMEMLIMIT.
const R04_CEL = eachContainer(`${envValues('GOMEMLIMIT')}.all(v, v == 'off' || (v.matches(${celString(GO_MEMLIMIT.source)})`
  + ` && (!${memLimit}.hasValue() || ${goBytesCel('v')} < quantity(${memLimit}.value()).asApproximateFloat())))`
  + ` && (${goMemLimitCel} || ${envValues('GOGC')}.all(v, !${GOGC_OFF}))`);

// Its warnings: no GOMEMLIMIT for a memory limit, a GOGC Go ignores, GODEBUG madvdontneed=0.
const R04_WARNING_CEL = eachContainer(`(!${GO_CONTAINER_CEL} || !${memLimit}.hasValue() || ${hasEnv('c', 'AUTOMEMLIMIT')} || ${hasEnv('c', 'GOMEMLIMIT', ' && (has(e.value) || has(e.valueFrom))')})`
  + ` && ${envValues('GOGC')}.all(v, ${GOGC_OFF} || v.matches('^[0-9]+$'))`
  + ` && ${envValues('GODEBUG')}.all(v, ${madvCel('v')})`);

/** CEL: the `sleep N` of an exec preStop hook, '' when it has none. */
const execSleep = "c.?lifecycle.?preStop.?exec.?command.orValue([]).join(' ').find('\\\\bsleep\\\\s+[0-9.]+')";
const shellLessCel = `c.?image.orValue('').matches(${celString(SHELL_LESS_IMAGE.source)})`;
// The hook's seconds go through secondsCel as a duration, so a malformed number is unbounded there too.
const preStopSeconds = `(${execSleep} != '' ? ${secondsCel(`(${execSleep}.find('[0-9.]+$') + 's')`)} : double(c.?lifecycle.?preStop.?sleep.?seconds.orValue(0)))`;

// An exec sleep is an error on a shell-less image, a warning elsewhere (R06_WARNING_CEL); its seconds count in the budget.
const R06_CEL = eachContainer(`!(${execSleep} != '' && ${shellLessCel})`
  + ` && ${envSecondsCel('SHUTDOWN_DRAIN_TIMEOUT')}.all(drain, ${envSecondsCel('SHUTDOWN_DELAY')}.all(delay,`
  + ` double(variables.podSpec.?terminationGracePeriodSeconds.orValue(30)) >= ${preStopSeconds} + delay + drain + ${SHUTDOWN_MARGIN_SECONDS}.0))`);
const R06_WARNING_CEL = eachContainer(`${execSleep} == '' || ${shellLessCel}`);

const celList = (items: string[]) => `[${items.map(celString).join(', ')}]`;
const R07_CEL = 'variables.podSpec.?automountServiceAccountToken.orValue(true) == false'
  + " && !(variables.podSpec.?serviceAccountName.orValue('') in ['', 'default'])"
  + ' && !variables.podSpec.?hostNetwork.orValue(false) && !variables.podSpec.?hostPID.orValue(false) && !variables.podSpec.?hostIPC.orValue(false)'
  + ' && ' + eachContainer([
  `${sc('?runAsNonRoot')}.orValue(variables.podSc.?runAsNonRoot.orValue(false)) == true`,
  `${sc('?runAsUser')}.orValue(variables.podSc.?runAsUser.orValue(-1)) != 0`,
  `${sc('?allowPrivilegeEscalation')}.orValue(true) == false`,
  `${sc('?privileged')}.orValue(false) == false`,
  `'ALL' in ${sc('?capabilities.?drop')}.orValue([])`,
  `${sc('?capabilities.?add')}.orValue([]).size() == 0`,
  `${sc('?seccompProfile.?type')}.orValue(variables.podSc.?seccompProfile.?type.orValue('')) in ['RuntimeDefault', 'Localhost']`,
  `${sc('?readOnlyRootFilesystem')}.orValue(false) == true`,
  `c.?ports.orValue([]).all(p, p.containerPort >= 1024 || 'NET_BIND_SERVICE' in ${sc('?capabilities.?add')}.orValue([])`
  + ` || variables.podSc.?sysctls.orValue([]).exists(s, s.name in ${celList(UNPRIVILEGED_PORT_START)} && s.value.matches('^[0-9]+$') && int(s.value) <= p.containerPort))`,
].join(' && '))
  + " && object.metadata.?namespace.orValue('default') != 'default'";

/** CEL of `Sysctls.normalize` (the slash form swaps "." and "/"); invalid names are in no safe set. */
const sysctlName = "(s.name.contains('/') ? s.name.replace('.', '|').replace('/', '.').replace('|', '/') : s.name)";
const hostNetworkNet = `(variables.podSpec.?hostNetwork.orValue(false) && ${sysctlName}.startsWith('net.'))`;
const isSafe = (kubernetesVersion: string) => `${sysctlName} in ${celList(Sysctls.safeNames(kubernetesVersion))}`;
/** A valid namespaced sysctl the pod opted into (the golden-go.dev/unsafe-sysctls annotation): a warning when unsafe. */
const optedInNamespaced = `(s.name.matches(${celString(SYSCTL_NAME.source)}) && ${sysctlName} in variables.podMeta.?annotations[?${celString(UNSAFE_SYSCTLS_ANNOTATION)}].orValue('').split(',')`
  + ` && (${sysctlName} in ${celList(NAMESPACED_EXACT)} || ${celList(NAMESPACED_PREFIXES)}.exists(p, ${sysctlName}.startsWith(p))))`;
const eachSysctl = (body: string) => `variables.podSc.?sysctls.orValue([]).all(s, ${body})`;
const r08Cel = (kubernetesVersion: string) => eachSysctl(`!${hostNetworkNet} && (${isSafe(kubernetesVersion)} || ${optedInNamespaced})`);
const r08WarningCel = (kubernetesVersion: string) => eachSysctl(`${hostNetworkNet} || ${isSafe(kubernetesVersion)} || !${optedInNamespaced}`);

const maxUnavailable = 'object.spec.?strategy.?rollingUpdate.?maxUnavailable';
// An HPA's minReplicas is the error part of R12 (R12_ERROR_CEL).
const R12_CEL = "object.kind == 'HorizontalPodAutoscaler'"
  + " || variables.podSpec.?topologySpreadConstraints.orValue([]).size() > 0 && (object.kind != 'Deployment'"
  + ` || (object.spec.?strategy.?type.orValue('') != 'Recreate' && (!${maxUnavailable}.hasValue() || string(${maxUnavailable}.value()) in ['0', '0%'])))`;
const R12_ERROR_CEL = "object.kind != 'HorizontalPodAutoscaler' || object.spec.?minReplicas.orValue(1) >= 2";

/** CEL of r02's shared endpoint: readiness and liveness probe different endpoints (or one has no handler). */
const R02_WARNING_CEL = eachContainer(`!has(c.readinessProbe) || !has(c.livenessProbe) || ${probeKeyCel('c.readinessProbe')} == ''`
  + ` || ${probeKeyCel('c.readinessProbe')} != ${probeKeyCel('c.livenessProbe')}`);

/** CEL of r10: the container is given NO_COLOR unless the pod declares (APP_READS_ANNOTATION) that the program does not read it. */
const appReads = `variables.podMeta.?annotations[?${celString(APP_READS_ANNOTATION)}]`;
const R10_CEL = eachContainer('c.?terminationMessagePolicy.orValue(\'\') == \'FallbackToLogsOnError\''
  + ` && (!${GO_CONTAINER_CEL} || ${hasEnv('c', 'NO_COLOR')} || (${appReads}.hasValue() && !${appReads}.value().split(',').exists(s, s == 'NO_COLOR')))`);

/** CEL of r11 within the pod: a port named metrics, or scrape annotations naming a container port. */
const podAnnotation = (key: string) => `variables.podMeta.?annotations[?${celString(key)}].orValue('')`;
const R11_CEL = eachContainer("c.?ports.orValue([]).exists(p, p.?name.orValue('') == 'metrics')"
  + ` || (${podAnnotation('prometheus.io/scrape')} == 'true' && c.?ports.orValue([]).exists(p, string(p.containerPort) == ${podAnnotation('prometheus.io/port')}))`);

type CelOptions = Partial<Pick<RuleCel, 'kinds' | 'partial' | 'override'>>;
const cel = (expression: string | ((kubernetesVersion: string) => string), more: CelOptions = {}): RuleCel =>
  ({ ...more, kinds: more.kinds ?? CEL_WORKLOAD_KINDS, expression: typeof expression === 'string' ? () => expression : expression });
const part = (severity: S, expression: string | ((kubernetesVersion: string) => string), message: string): RuleCelPart =>
  ({ severity, expression: typeof expression === 'string' ? () => expression : expression, message });
const warningPart = (expression: string | ((kubernetesVersion: string) => string), message: string) => part(S.WARNING, expression, message);
const notExpressible = (why: string) => ({ notExpressible: why });

type Meta = Omit<RuleDefinition, 'id' | 'image' | 'workload'>;
const E = S.ERROR;
const W = S.WARNING;
const K = T.KUBERNETES;
const meta = (title: string, severity: S, rationale: string, source: string, remediation: string): Meta =>
  ({ title, severity, target: K, rationale, source, remediation });

/** The workload rules, in id order. */
export const RUNTIME_RULES: RuntimeRuleDefinition[] = [
  {
    id: 'R01',
    ...meta('image by digest', E, ':latest or a tag names whatever was pushed last; rollbacks and signatures need a digest.', 'seed 000 ch.5', 'image: repo[:tag]@sha256:…'),
    workload: r01,
    cel: cel(eachContainer(`c.?image.orValue('').matches(${celString(PINNED_REFERENCE.source)})`)),
  },
  {
    id: 'R02',
    ...meta('three probes', E, 'Without startup/readiness/liveness probes on distinct endpoints, traffic reaches pods that are not ready and busy pods get restarted.', 'seed 004 ch.5', 'startupProbe /startupz, readinessProbe /readyz, livenessProbe /healthz on the named port; readiness and liveness on distinct endpoints (a query string does not make another endpoint). A probe the program cannot answer is declared absent with a reason.'),
    workload: r02,
    cel: cel(eachContainer('has(c.startupProbe) && has(c.readinessProbe) && has(c.livenessProbe)'), {
      kinds: [...LONG_RUNNING],
      override: warningPart(R02_WARNING_CEL, 'readiness and liveness probe the same endpoint (a query string does not make another one): a busy pod gets restarted instead of taken out of rotation. Fix: give liveness its own check, or suppress R02 with the reason the program has only this one'),
    }),
  },
  {
    id: 'R03',
    ...meta('resources', E, 'Without requests the scheduler overcommits; without memory and ephemeral-storage limits one pod can starve a node.', 'seed 004 ch.5', 'requests cpu/memory/ephemeral-storage; limits memory/ephemeral-storage (CPU limit optional).'),
    workload: r03,
    cel: cel(eachContainer("['cpu', 'memory', 'ephemeral-storage'].all(k, k in c.?resources.?requests.orValue({})) && ['memory', 'ephemeral-storage'].all(k, k in c.?resources.?limits.orValue({}))")),
  },
  {
    id: 'R04',
    ...meta('GOMEMLIMIT from the limit', E, 'Go rejects Kubernetes units: GOMEMLIMIT=400Mi kills the program at start. Correction of seed 004 ch.5. A limit above the container limit never triggers before the OOM killer.', 'seed 004 ch.5', 'GOMEMLIMIT ≈ 90 % of the memory limit in MiB/GiB (512Mi → 460MiB); GOGC=off only with GOMEMLIMIT; no GODEBUG madvdontneed=0.'),
    workload: r04,
    cel: cel(R04_CEL, {
      override: warningPart(R04_WARNING_CEL, 'no GOMEMLIMIT for the memory limit, a GOGC that is not a percent or "off" (Go ignores it), or GODEBUG madvdontneed=0 (freed memory stays charged to the cgroup). Fix: GOMEMLIMIT ≈ 90 % of the memory limit in MiB/GiB, GOGC a percent or off, no madvdontneed=0'),
    }),
  },
  {
    id: 'R05',
    ...meta('GOMAXPROCS', W, 'Go ≥ 1.25 follows the cgroup CPU limit itself; a fixed GOMAXPROCS disables that and overshoots a smaller limit (throttling).', 'seed 004 ch.5', 'Leave GOMAXPROCS unset on Go ≥ 1.25; on older Go take it from limits.cpu (downward API).'),
    workload: r05,
    cel: cel(eachContainer(`!${hasEnv('c', 'GOMAXPROCS', ' && has(e.value)')}`)),
  },
  {
    id: 'R06',
    ...meta('graceful shutdown budget', E, 'If preStop + drain exceed terminationGracePeriodSeconds, SIGKILL cuts off in-flight requests; `exec sleep` fails on images without a sleep binary.', 'seed 004 ch.4', 'terminationGracePeriodSeconds ≥ preStop + drain + margin; preStop `sleep` action (1.30+), never exec sleep on distroless.'),
    workload: r06,
    cel: cel(R06_CEL, {
      override: warningPart(R06_WARNING_CEL, 'preStop runs `sleep` through exec: it needs a sleep binary in the image. Fix: use the preStop sleep action (Kubernetes 1.30+)'),
    }),
  },
  {
    id: 'R07',
    ...meta('restricted security context', E, 'Root, privilege escalation, capabilities and a writable root filesystem turn any RCE into a node compromise.', 'seed 004 ch.5', 'runAsNonRoot, 65532, allowPrivilegeEscalation false, drop ALL, seccomp RuntimeDefault, readOnlyRootFilesystem with an emptyDir /tmp.'),
    workload: r07,
    cel: cel(R07_CEL),
  },
  {
    id: 'R08',
    ...meta('sysctls that can work', E, 'Node-level sysctls (vm.*, fs.*) are rejected by the kubelet; unsafe ones need kubelet flags; net.* with hostNetwork is invalid. Correction of seed 004 ch.5 (vm.swappiness, somaxconn, tcp_tw_reuse).', 'seed 004 ch.5', 'Only sysctls in the safe set of the target release, or explicitly allowed unsafe ones; node-level ones on the node.'),
    workload: r08,
    cel: cel(r08Cel, {
      override: warningPart(r08WarningCel, 'an unsafe namespaced sysctl the pod opted into (golden-go.dev/unsafe-sysctls): pods only start on nodes whose kubelet allows it, in a PSA-privileged namespace. Fix: make sure every kubelet runs with --allowed-unsafe-sysctls for it, or drop it'),
    }),
  },
  {
    id: 'R09',
    ...meta('time zone and encoding', E, 'An invalid TZ silently becomes UTC in Go.', 'seed 004 ch.2–3', 'TZ as an IANA name (Europe/Berlin), LANG=C.UTF-8.'),
    workload: r09,
    cel: notExpressible('whether a name is an IANA time zone needs the time zone database (Go embeds tzdata; CEL has none), and a list of zones in the policy would drift from it'),
  },
  {
    id: 'R10',
    ...meta('logs', W, 'Without JSON logs and FallbackToLogsOnError, crashes leave no trace in `kubectl describe`.', 'seeds 000 ch.5, 004 ch.5', 'LOG_LEVEL, LOG_FORMAT=json, NO_COLOR=1, terminationMessagePolicy: FallbackToLogsOnError.'),
    workload: r10,
    cel: cel(R10_CEL),
  },
  {
    id: 'R11',
    ...meta('metrics', W, 'Prometheus finds metrics through a named port (ServiceMonitor) or scrape annotations.', 'seed 004 ch.5', 'A container port named metrics; a ServiceMonitor or prometheus.io/* annotations.'),
    workload: r11,
    cel: cel(R11_CEL, { partial: 'a ServiceMonitor selecting the pods is not seen: it is another object, and an admission request holds only the workload; a workload monitored only that way is warned by the API server' }),
  },
  {
    id: 'R12',
    ...meta('availability', W, 'One replica, no PDB or a rollout that removes pods first means downtime on every drain and deploy.', 'common practice', '≥ 2 replicas (or HPA min ≥ 2), a PDB, topology spread, RollingUpdate maxUnavailable 0.'),
    workload: r12,
    cel: cel(R12_CEL, {
      kinds: ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler'],
      override: part(E, R12_ERROR_CEL, 'the HorizontalPodAutoscaler can scale the service down to a single pod. Fix: minReplicas of at least 2'),
      partial: 'replicas ≥ 2 and "a PodDisruptionBudget selects the pods" are not enforced: an admission request holds one object, the HPA that may own the replica count and the PDB are others (and the server defaults an absent replicas to 1 before admission)',
    }),
  },
  {
    id: 'R13',
    ...meta('network policy', W, 'Without a NetworkPolicy every pod can reach and be reached by everything.', 'common practice', 'Deny by default; ingress to the service ports, egress to DNS plus declared dependencies.'),
    workload: r13,
    cel: notExpressible('whether a NetworkPolicy selects the pods depends on other objects; an admission request holds only the workload'),
  },
  {
    id: 'R14',
    ...meta('signed-image enforcement', W, 'An admission policy can only enforce what the manifests declare: repository and signer.', 'seed 000 ch.5', 'Record the expected signer (golden-go.dev/signer) and enforce it with ImageSignaturePolicy.'),
    workload: r14,
    cel: cel("variables.podMeta.?annotations[?'golden-go.dev/signer'].orValue('') != ''"),
  },
  {
    id: 'R15',
    ...meta('recommended labels', W, 'Tools and people find workloads by app.kubernetes.io/* labels.', 'common practice', 'app.kubernetes.io/{name,instance,version,component,part-of,managed-by}.'),
    workload: r15,
    cel: cel(`[${R15_LABELS.map(celString).join(', ')}].all(k, object.metadata.?labels[?('app.kubernetes.io/' + k)].orValue('') != '')`),
  },
  {
    id: 'R16',
    ...meta('secrets as files', E, 'Secrets in environment variables leak through /proc, crash dumps and kubectl describe.', 'seed 004 ch.5', 'Mount Secrets as read-only files.'),
    workload: r16,
    cel: cel(eachContainer(`!${envOf('c')}.exists(e, e.?valueFrom.?secretKeyRef.hasValue() || (has(e.value) && e.name.matches(${celString(`(?i)${SECRET_NAME.source}`)})))`
    + ' && !c.?envFrom.orValue([]).exists(e, has(e.secretRef))')),
  },
  {
    id: 'R17',
    ...meta('deterministic output', W, 'Timestamps and generated names make every synth a diff and hide real changes in GitOps.', 'seed 000 ch.5', 'No creationTimestamp, no generateName, stable names, one file per object.'),
    workload: r17,
    cel: notExpressible('it is about the manifest in Git: the API server sets metadata.creationTimestamp on every object before admission, and a generateName is resolved to a name by then'),
  },
];
