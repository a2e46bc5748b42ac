/**
 * The typed model the workload rules (R01–R17, B14, B20) check: the final Kubernetes objects of one
 * service (at synth, after every escape hatch) or of a whole audited set, with every pod template
 * found once and the objects that other rules look up (HPAs, PDBs, NetworkPolicies).
 */
export interface WorkloadModel {
  readonly objects: any[];
  readonly pods: PodModel[];
  readonly hpas: any[];
  readonly pdbs: any[];
  readonly policies: any[];
  /** Prometheus Operator ServiceMonitors. */
  readonly monitors: any[];
  /** Target Kubernetes release (sysctl classes). */
  readonly kubernetesVersion: string;
}

/** One pod template and the workload that owns it. */
export interface PodModel {
  readonly kind: string;
  /** `Kind/namespace/name`. */
  readonly ref: string;
  readonly object: any;
  readonly meta: any;
  readonly podMeta: any;
  readonly spec: any;
  readonly namespace: string;
  /** Path of the pod template in the object, such as `spec.template.` (empty for a Pod). */
  readonly templatePath: string;
  readonly containers: ContainerModel[];
}

export interface ContainerModel {
  readonly spec: any;
  /** Path such as `spec.template.spec.containers[app]`. */
  readonly path: string;
  /** Environment variables by name. */
  readonly env: Record<string, any>;
  /** Whether the container runs a Go program (see `GO_CONTAINERS_ANNOTATION`); the Go-only checks skip the others. */
  readonly go: boolean;
}

/**
 * Pod annotation naming the containers that run Go programs (comma-separated, or `*`), for workloads
 * golden-go did not write. Without it a container counts as Go when the workload is golden-go's
 * (`app.kubernetes.io/managed-by: golden-go`) or its environment sets a Go runtime variable.
 */
export const GO_CONTAINERS_ANNOTATION = 'golden-go.dev/go-containers';

/** Environment variables only the Go runtime reads: setting one says the program is Go. */
export const GO_RUNTIME_ENV = ['GOMEMLIMIT', 'GOMAXPROCS', 'GOGC', 'GODEBUG', 'GOTRACEBACK', 'AUTOMEMLIMIT'];

const MANAGED_BY = 'app.kubernetes.io/managed-by';

/** The kinds whose pod templates the workload rules check (and the admission policy judges). */
export const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

/** `Kind/namespace/name` of an object. */
export function objectRef(o: any): string {
  return `${o?.kind ?? '?'}/${o?.metadata?.namespace ?? '-'}/${o?.metadata?.name ?? '?'}`;
}

/** The model of a set of objects. */
export function buildWorkloadModel(objects: any[], kubernetesVersion: string): WorkloadModel {
  return {
    objects,
    pods: objects.map(podModel).filter((p): p is PodModel => p !== undefined),
    hpas: objects.filter((o) => o?.kind === 'HorizontalPodAutoscaler'),
    pdbs: objects.filter((o) => o?.kind === 'PodDisruptionBudget'),
    policies: objects.filter((o) => o?.kind === 'NetworkPolicy'),
    monitors: objects.filter((o) => o?.kind === 'ServiceMonitor'),
    kubernetesVersion,
  };
}

function podModel(o: any): PodModel | undefined {
  if (!o || typeof o !== 'object' || !WORKLOADS.has(o.kind)) return undefined;
  const namespace = o.metadata?.namespace ?? 'default';
  const templatePath = o.kind === 'Pod' ? '' : o.kind === 'CronJob' ? 'spec.jobTemplate.spec.template.' : 'spec.template.';
  const template = o.kind === 'Pod' ? o : o.kind === 'CronJob' ? o.spec?.jobTemplate?.spec?.template : o.spec?.template;
  if (!template) return undefined;
  const spec = template.spec ?? {};
  const golden = o.metadata?.labels?.[MANAGED_BY] === 'golden-go' || template.metadata?.labels?.[MANAGED_BY] === 'golden-go';
  const declared = String(template.metadata?.annotations?.[GO_CONTAINERS_ANNOTATION] ?? '').split(',').map((n) => n.trim());
  const containers = (spec.containers ?? []).map((c: any): ContainerModel => {
    const env = Object.fromEntries((c.env ?? []).map((e: any) => [e.name, e]));
    const go = golden || declared.includes('*') || declared.includes(c.name) || GO_RUNTIME_ENV.some((n) => n in env);
    return { spec: c, path: `${templatePath}spec.containers[${c.name}]`, env, go };
  });
  return {
    kind: o.kind, ref: objectRef(o), object: o, meta: o.metadata ?? {}, podMeta: template.metadata ?? {}, spec, namespace, templatePath, containers,
  };
}

/** Whether a `matchLabels` selector selects pods with these labels; an empty selector selects every pod. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
