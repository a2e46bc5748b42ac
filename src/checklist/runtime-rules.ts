import { RawFinding } from './findings';
import { RuleSeverity } from './rules';
import { PINNED_REFERENCE, SECRET_NAME } from '../core/constants';
import { quantityToBytes } from '../core/quantity';
import { SysctlClass, Sysctls } from '../core/sysctls';

/** Rule ids the manifest checks evaluate. */
export const KUBERNETES_RULE_IDS = ['B14', 'B20', 'R01', 'R02', 'R03', 'R04', 'R05', 'R06', 'R07', 'R08', 'R09', 'R10', 'R11', 'R12', 'R13', 'R14', 'R15', 'R16', 'R17'];

const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);
const LONG_RUNNING = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Pod']);
const K8S_UNIT = /^[0-9]+(\.[0-9]+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|K|M|G|T|P|E|m)$/;
const GO_MEMLIMIT = /^([0-9]+)(B|KiB|MiB|GiB|TiB)?$/;
const GO_UNITS: Record<string, number> = { B: 1, KiB: 2 ** 10, MiB: 2 ** 20, GiB: 2 ** 30, TiB: 2 ** 40 };

/** Options of the manifest checks. */
export interface K8sCheckOptions {
  /** Target Kubernetes release for sysctl classification. */
  readonly kubernetesVersion: string;
}

interface PodView {
  readonly kind: string;
  readonly ref: string;
  readonly meta: any;
  readonly podMeta: any;
  readonly spec: any;
  readonly namespace: string;
}

export function objectRef(o: any): string {
  return `${o?.kind ?? '?'}/${o?.metadata?.namespace ?? '-'}/${o?.metadata?.name ?? '?'}`;
}

function podView(o: any): PodView | undefined {
  if (!o || typeof o !== 'object' || !WORKLOADS.has(o.kind)) return undefined;
  const ns = o.metadata?.namespace ?? 'default';
  if (o.kind === 'Pod') return { kind: o.kind, ref: objectRef(o), meta: o.metadata ?? {}, podMeta: o.metadata ?? {}, spec: o.spec ?? {}, namespace: ns };
  const template = o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  if (!template) return undefined;
  return { kind: o.kind, ref: objectRef(o), meta: o.metadata ?? {}, podMeta: template.metadata ?? {}, spec: template.spec ?? {}, namespace: ns };
}

/** Whether a `matchLabels` selector selects pods with these labels; an empty selector selects every pod. */
function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}

function envMap(container: any): Record<string, any> {
  return Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e]));
}

function seconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (/^[0-9]+$/.test(value)) return Number(value);
  const m = /^([0-9.]+)(ms|s|m|h)$/.exec(value);
  if (!m) return undefined;
  return Number(m[1]) * { ms: 0.001, s: 1, m: 60, h: 3600 }[m[2] as 'ms' | 's' | 'm' | 'h'];
}

function probeKey(p: any): string | undefined {
  if (!p) return undefined;
  if (p.httpGet) return `http ${p.httpGet.path ?? '/'} ${p.httpGet.port}`;
  if (p.grpc) return `grpc ${p.grpc.port} ${p.grpc.service ?? ''}`;
  if (p.tcpSocket) return `tcp ${p.tcpSocket.port}`;
  if (p.exec) return `exec ${JSON.stringify(p.exec.command)}`;
  return undefined;
}

/** Whether `tz` names an IANA time zone that Go's embedded tzdata resolves. */
export function isValidTimeZone(tz: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(tz)) return false;
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

/** Checks Kubernetes objects (one service's, or a whole audited set) against the workload rules. */
export function checkManifests(objects: any[], options: K8sCheckOptions): RawFinding[] {
  const out: RawFinding[] = [];
  const f = (ruleId: string, object: string, message: string, severity?: RuleSeverity) => out.push({ ruleId, object, message, severity });
  const hpas = objects.filter((o) => o?.kind === 'HorizontalPodAutoscaler');
  const pdbs = objects.filter((o) => o?.kind === 'PodDisruptionBudget');
  const policies = objects.filter((o) => o?.kind === 'NetworkPolicy');

  for (const o of objects) {
    if (o?.metadata && (o.metadata.creationTimestamp || o.metadata.generateName)) {
      f('R17', objectRef(o), o.metadata.generateName ? 'generateName makes every apply create a new, differently named object' : 'metadata.creationTimestamp is set: every synth becomes a diff');
    }
    if (o?.kind === 'HorizontalPodAutoscaler' && (o.spec?.minReplicas ?? 1) < 2) {
      f('R12', objectRef(o), `HorizontalPodAutoscaler minReplicas ${o.spec?.minReplicas ?? 1} can scale the service down to one pod`);
    }
  }

  for (const o of objects) {
    const pod = podView(o);
    if (!pod) continue;
    const { ref, spec, podMeta } = pod;
    const containers: any[] = spec.containers ?? [];
    const podSc = spec.securityContext ?? {};
    const annotations = podMeta.annotations ?? {};

    // R15 on the workload.
    const wanted = ['name', 'instance', 'version', 'component', 'part-of', 'managed-by'].filter((k) => !(pod.meta.labels ?? {})[`app.kubernetes.io/${k}`]);
    if (wanted.length) f('R15', ref, `missing recommended labels: ${wanted.map((k) => `app.kubernetes.io/${k}`).join(', ')}`);

    // R14 and B20 from the pod annotations.
    if (!annotations['golden-go.dev/signer']) f('R14', ref, 'no expected signer recorded (golden-go.dev/signer): an admission policy has nothing to enforce');
    const recorded = annotations['golden-go.dev/image-digest'];
    const digests = containers.map((c) => PINNED_REFERENCE.exec(c.image ?? '')?.[1]).filter(Boolean);
    if (!recorded) f('B20', ref, 'no pipeline-recorded digest (golden-go.dev/image-digest): nothing ties the pods to the signed, SBOM-attested build');
    else if (!digests.includes(recorded)) f('B20', ref, `golden-go.dev/image-digest ${recorded} is not the digest the containers run (${digests.join(', ') || 'none'})`, RuleSeverity.ERROR);

    // R08 sysctls.
    for (const s of podSc.sysctls ?? []) {
      let name: string;
      try {
        name = Sysctls.normalize(s.name);
      } catch {
        f('R08', ref, `sysctl "${s.name}" is not a valid name`);
        continue;
      }
      if (spec.hostNetwork && name.startsWith('net.')) {
        f('R08', ref, `${name} is a net.* sysctl and hostNetwork is true: the API server rejects the pod`);
        continue;
      }
      const cls = Sysctls.classify(name, options.kubernetesVersion);
      if (cls === SysctlClass.NODE_LEVEL) f('R08', ref, `${name} is a node-level sysctl: no kubelet accepts it from a pod (SysctlForbidden)`);
      if (cls === SysctlClass.NAMESPACED_UNSAFE) {
        f('R08', ref, `${name} is not in the Kubernetes ${options.kubernetesVersion} safe set: pods start only where kubelets allow it (--allowed-unsafe-sysctls) in a PSA-privileged namespace`, RuleSeverity.WARNING);
      }
    }

    // R07 pod level.
    const podProblems: string[] = [];
    if (spec.automountServiceAccountToken !== false) podProblems.push('automountServiceAccountToken is not false');
    if (!spec.serviceAccountName || spec.serviceAccountName === 'default') podProblems.push('runs as the default ServiceAccount');
    if (spec.hostNetwork || spec.hostPID || spec.hostIPC) podProblems.push('shares a host namespace');
    if (podProblems.length) f('R07', ref, podProblems.join('; '));

    const grace = spec.terminationGracePeriodSeconds ?? 30;
    for (const c of containers) {
      const cref = `${ref} container ${c.name}`;
      const env = envMap(c);
      const sc = c.securityContext ?? {};

      // R01
      if (!PINNED_REFERENCE.test(c.image ?? '')) {
        f('R01', cref, `image "${c.image}" is not pinned by digest${/:latest$/.test(c.image ?? '') || !/:[^/]+$/.test(c.image ?? '') ? ' (":latest" or no tag)' : ''}`);
      }

      // B14: a shell wrapper set in the manifest is PID 1 just as in the image.
      const argv: string[] = [...(c.command ?? []), ...(c.args ?? [])];
      if (/^(\/(usr\/)?bin\/)?(sh|bash|ash|dash)$/.test(argv[0] ?? '') && argv.includes('-c')) {
        f('B14', cref, `command ${JSON.stringify(argv)} runs a shell as PID 1: SIGTERM stops at the shell and the pod is killed after the grace period`);
      }

      // R02
      if (LONG_RUNNING.has(pod.kind)) {
        const missing = ['startupProbe', 'readinessProbe', 'livenessProbe'].filter((p) => !c[p]);
        if (missing.length) f('R02', cref, `missing ${missing.join(', ')}`);
        const r = probeKey(c.readinessProbe);
        const l = probeKey(c.livenessProbe);
        if (r && l && r === l) f('R02', cref, `readiness and liveness probe the same endpoint (${r}): a busy pod gets restarted instead of taken out of rotation`);
      }

      // R03
      const req = c.resources?.requests ?? {};
      const lim = c.resources?.limits ?? {};
      const missingRes = [...['cpu', 'memory', 'ephemeral-storage'].filter((k) => req[k] === undefined).map((k) => `requests.${k}`),
        ...['memory', 'ephemeral-storage'].filter((k) => lim[k] === undefined).map((k) => `limits.${k}`)];
      if (missingRes.length) f('R03', cref, `missing ${missingRes.join(', ')}`);

      // R04
      let limitBytes: number | undefined;
      try {
        limitBytes = lim.memory !== undefined ? quantityToBytes(String(lim.memory)) : undefined;
      } catch {
        limitBytes = undefined;
      }
      const gml = env.GOMEMLIMIT;
      if (gml?.value !== undefined) {
        const v = String(gml.value).trim();
        const m = GO_MEMLIMIT.exec(v);
        if (v === 'off') {
          // an explicit choice
        } else if (!m) {
          f('R04', cref, `GOMEMLIMIT=${v} is malformed for Go${K8S_UNIT.test(v) ? ' (a Kubernetes unit: Go accepts B, KiB, MiB, GiB, TiB)' : ''}: the program dies at start with "malformed GOMEMLIMIT"`);
        } else if (limitBytes !== undefined && Number(m[1]) * GO_UNITS[m[2] ?? 'B'] >= limitBytes) {
          f('R04', cref, `GOMEMLIMIT=${v} is not below the memory limit ${lim.memory}: the OOM killer strikes before the GC reacts`);
        }
      } else if (limitBytes !== undefined && !env.AUTOMEMLIMIT && !gml?.valueFrom) {
        f('R04', cref, `no GOMEMLIMIT for the ${lim.memory} memory limit: Go does not read the cgroup limit and grows until the OOM killer stops it`, RuleSeverity.WARNING);
      }

      // R05
      const gmp = env.GOMAXPROCS;
      if (gmp?.value !== undefined) {
        const n = Number(gmp.value);
        const cpu = lim.cpu !== undefined ? Math.ceil(String(lim.cpu).endsWith('m') ? Number(String(lim.cpu).slice(0, -1)) / 1000 : Number(lim.cpu)) : undefined;
        f('R05', cref, cpu !== undefined && n > cpu
          ? `GOMAXPROCS=${gmp.value} is pinned above the CPU limit ${lim.cpu}: the process is throttled`
          : `GOMAXPROCS=${gmp.value} is pinned: Go 1.25+ would follow the CPU limit (and in-place resizes) by itself`);
      }

      // R06
      const pre = c.lifecycle?.preStop;
      let preStopSeconds = 0;
      if (pre?.sleep) preStopSeconds = Number(pre.sleep.seconds ?? 0);
      if (pre?.exec) {
        const cmd: string[] = pre.exec.command ?? [];
        const m = /\bsleep\s+([0-9.]+)/.exec(cmd.join(' '));
        if (m) {
          preStopSeconds = Number(m[1]);
          const shellLess = /distroless|chainguard|scratch/.test(c.image ?? '');
          f('R06', cref, `preStop runs \`${cmd.join(' ')}\`: ${shellLess ? 'the image has no sleep binary, so the hook fails and the delay never happens' : 'it needs a sleep binary in the image'}; use the preStop sleep action (Kubernetes 1.30+)`,
            shellLess ? RuleSeverity.ERROR : RuleSeverity.WARNING);
        }
      }
      const drain = seconds(env.SHUTDOWN_DRAIN_TIMEOUT?.value) ?? 0;
      const appDelay = seconds(env.SHUTDOWN_DELAY?.value) ?? 0;
      if (preStopSeconds + appDelay + drain > grace) {
        f('R06', cref, `terminationGracePeriodSeconds ${grace} is shorter than preStop ${preStopSeconds} s + app delay ${appDelay} s + drain ${drain} s: SIGKILL cuts off in-flight requests`);
      }

      // R07 container level
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
      if (problems.length) f('R07', cref, problems.join('; '));

      // R09
      const tz = env.TZ?.value;
      if (tz !== undefined && !isValidTimeZone(String(tz))) f('R09', cref, `TZ=${tz} is not an IANA time zone: Go silently uses UTC`);

      // R10
      const logs: string[] = [];
      if (c.terminationMessagePolicy !== 'FallbackToLogsOnError') logs.push('terminationMessagePolicy is not FallbackToLogsOnError');
      if (!env.NO_COLOR) logs.push('NO_COLOR is not set');
      if (logs.length) f('R10', cref, logs.join('; '));

      // R11
      if (!(c.ports ?? []).some((p: any) => p.name === 'metrics')) f('R11', cref, 'no container port named "metrics"');

      // R16
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef) f('R16', cref, `env ${e.name} reads Secret ${e.valueFrom.secretKeyRef.name}: mount it as a file`);
        else if (e.value !== undefined && SECRET_NAME.test(e.name)) f('R16', cref, `env ${e.name} holds what looks like a secret in plain text`);
      }
      for (const e of c.envFrom ?? []) {
        if (e.secretRef) f('R16', cref, `envFrom Secret ${e.secretRef.name}: mount it as files`);
      }
    }

    // R12 and R13 need the other objects.
    if (pod.kind === 'Deployment' || pod.kind === 'StatefulSet') {
      const hpa = hpas.find((h) => h.spec?.scaleTargetRef?.kind === pod.kind && h.spec?.scaleTargetRef?.name === pod.meta.name);
      if (!hpa && (o.spec?.replicas ?? 1) < 2) f('R12', ref, `${o.spec?.replicas ?? 1} replica(s) and no HorizontalPodAutoscaler: every drain and rollout is downtime`);
      if (!pdbs.some((p) => (p.metadata?.namespace ?? 'default') === pod.namespace && selects(p.spec?.selector?.matchLabels ?? {}, podMeta.labels))) f('R12', ref, 'no PodDisruptionBudget selects the pods');
      const mu = o.spec?.strategy?.rollingUpdate?.maxUnavailable;
      if (pod.kind === 'Deployment' && (o.spec?.strategy?.type === 'Recreate' || (mu !== undefined && mu !== 0 && mu !== '0%'))) {
        f('R12', ref, `rollouts may remove pods before new ones are ready (${o.spec?.strategy?.type === 'Recreate' ? 'Recreate' : `maxUnavailable ${mu}`})`);
      }
      if (!spec.topologySpreadConstraints?.length) f('R12', ref, 'no topologySpreadConstraints: replicas may share a node or zone');
    }
    const covered = policies.some((p) => (p.metadata?.namespace ?? 'default') === pod.namespace && selects(p.spec?.podSelector?.matchLabels ?? {}, podMeta.labels)
      && (p.spec?.policyTypes ?? []).includes('Ingress') && (p.spec?.policyTypes ?? []).includes('Egress'));
    if (!covered) f('R13', ref, 'no NetworkPolicy in the set selects the pods for both ingress and egress');
  }
  return out;
}
