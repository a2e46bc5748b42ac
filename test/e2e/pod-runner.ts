// Runs the container of a synthesized Deployment with podman the way the kubelet would start it, and
// executes its probes and its termination from the host. Not `podman kube play`: that rewrites httpGet
// probes into shell health checks (issue 12 item 10), so it cannot prove the probes themselves.
//
// What is reproduced: command/args/env with the kubelet's `$(VAR)` expansion, Downward API fieldRefs
// (test values; status.podIP is the container's real address), resourceFieldRefs from the limits,
// user/group/fsGroup/supplementalGroups, read-only root, capabilities, no-new-privileges, seccomp,
// emptyDir volumes (host directories, tmpfs-backed for medium Memory, owned like the kubelet makes
// them), pod sysctls, CPU/memory limits, the binary as PID 1. What is not: sizeLimit (the kubelet
// enforces it by eviction), Services, NetworkPolicy, configMap/secret sources (rejected, not guessed).
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { sh } from './containers';
import { grpcHealthCheck } from './grpc';

/* eslint-disable @typescript-eslint/no-explicit-any */
type Obj = Record<string, any>;

/** Test values of the Downward API. */
export interface PodIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly uid: string;
  readonly nodeName: string;
  readonly hostIP: string;
}

/** How one container of a Deployment becomes a `podman run`. */
export interface PodmanRunPlan {
  /** `podman run` arguments without `run` and without the image-independent name. */
  readonly runArgs: string[];
  /** The environment the process gets, after expansion, in manifest order. */
  readonly env: Array<[string, string]>;
  /** containerPort by port name, and every port to publish. */
  readonly portsByName: Record<string, number>;
  readonly publish: number[];
  /** Host directories backing emptyDir volumes (removed with the run). */
  readonly volumeDirs: string[];
  /** The container spec it came from. */
  readonly container: Obj;
  /** Seconds the process has to exit after SIGTERM: terminationGracePeriodSeconds minus the preStop sleep. */
  readonly terminationBudgetSeconds: number;
}

/** The kubelet's `$(VAR)` expansion (k8s.io/kubernetes third_party/forked/golang/expansion): `$$` escapes, unknown names stay. */
export function expandKubeletVars(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  for (let i = 0; i < input.length; i++) {
    if (input[i] !== '$' || i + 1 >= input.length) {
      out += input[i];
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      out += '$';
      i++;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) return out + input.slice(i);
      const name = input.slice(i + 2, close);
      out += lookup(name) ?? `$(${name})`;
      i = close;
    } else {
      out += `$${next}`;
      i++;
    }
  }
  return out;
}

const SUFFIX: Record<string, number> = {
  'n': 1e-9,
  'u': 1e-6,
  'm': 1e-3,
  '': 1,
  'k': 1e3,
  'M': 1e6,
  'G': 1e9,
  'T': 1e12,
  'P': 1e15,
  'E': 1e18,
  'Ki': 2 ** 10,
  'Mi': 2 ** 20,
  'Gi': 2 ** 30,
  'Ti': 2 ** 40,
  'Pi': 2 ** 50,
  'Ei': 2 ** 60,
};

/** A Kubernetes resource quantity (`500m`, `1`, `256Mi`, `1e3`) as a number. */
export function parseQuantity(q: string | number): number {
  if (typeof q === 'number') return q;
  const m = /^([+-]?[0-9.]+)(?:([eE][+-]?[0-9]+)|(n|u|m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?)$/.exec(q);
  if (!m) throw new Error(`not a Kubernetes quantity: ${JSON.stringify(q)}`);
  return m[2] ? Number(m[1] + m[2]) : Number(m[1]) * SUFFIX[m[3] ?? ''];
}

/** A resourceFieldRef the way the kubelet computes it: ceil(value / divisor); a missing limit has no node to fall back on here. */
function resourceField(container: Obj, ref: Obj): string {
  const [kind, resource] = String(ref.resource).split('.', 2) as ['limits' | 'requests', string];
  const value = container.resources?.[kind]?.[resource];
  if (value === undefined) {
    throw new Error(`resourceFieldRef ${ref.resource}: not set on the container; the kubelet would use the node's allocatable, which this harness does not have`);
  }
  return String(Math.ceil(parseQuantity(value) / parseQuantity(ref.divisor ?? '1') - 1e-9));
}

function fieldRef(pod: Obj, identity: PodIdentity, podIP: string, fieldPath: string): string {
  const labelOrAnnotation = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(fieldPath);
  if (labelOrAnnotation) return pod.metadata?.[labelOrAnnotation[1]]?.[labelOrAnnotation[2]] ?? '';
  const values: Record<string, string> = {
    'metadata.name': identity.name,
    'metadata.namespace': identity.namespace,
    'metadata.uid': identity.uid,
    'spec.nodeName': identity.nodeName,
    'spec.serviceAccountName': pod.spec.serviceAccountName ?? 'default',
    'status.hostIP': identity.hostIP,
    'status.hostIPs': identity.hostIP,
    'status.podIP': podIP,
    'status.podIPs': podIP,
  };
  if (!(fieldPath in values)) throw new Error(`fieldRef ${fieldPath}: not a Downward API field this harness knows`);
  return values[fieldPath];
}

/** The container's environment: each value expanded with the variables defined before it, like the kubelet. */
function containerEnv(pod: Obj, container: Obj, identity: PodIdentity, podIP: string): Array<[string, string]> {
  if (container.envFrom?.length) throw new Error('envFrom: configMap/secret sources are not supported by this harness');
  const defined = new Map<string, string>();
  for (const e of container.env ?? []) {
    let value: string;
    if (e.valueFrom?.fieldRef) value = fieldRef(pod, identity, podIP, e.valueFrom.fieldRef.fieldPath);
    else if (e.valueFrom?.resourceFieldRef) value = resourceField(container, e.valueFrom.resourceFieldRef);
    else if (e.valueFrom) throw new Error(`env ${e.name}: ${Object.keys(e.valueFrom).join(', ')} is not supported by this harness`);
    else value = expandKubeletVars(e.value ?? '', (n) => defined.get(n));
    defined.set(e.name, value);
  }
  return [...defined.entries()];
}

/** Pod-level security settings overridden by the container's, as the kubelet merges them. */
function securityArgs(podSc: Obj, sc: Obj, imageUser: string): string[] {
  const uid = sc.runAsUser ?? podSc.runAsUser;
  const gid = sc.runAsGroup ?? podSc.runAsGroup;
  const nonRoot = sc.runAsNonRoot ?? podSc.runAsNonRoot;
  const effectiveUid = uid ?? imageUser.split(':')[0];
  if (nonRoot && !(/^[0-9]+$/.test(String(effectiveUid)) && Number(effectiveUid) !== 0)) {
    // The kubelet refuses to start it (CreateContainerConfigError).
    throw new Error(`runAsNonRoot: the container would run as ${JSON.stringify(String(effectiveUid || 'root'))}; the kubelet refuses a user that is not a non-zero number`);
  }
  const args: string[] = [];
  if (uid !== undefined) args.push('--user', gid !== undefined ? `${uid}:${gid}` : String(uid));
  else if (gid !== undefined) throw new Error('runAsGroup without runAsUser is not supported by this harness');
  for (const g of [podSc.fsGroup, ...(podSc.supplementalGroups ?? [])]) if (g !== undefined) args.push('--group-add', String(g));
  if (sc.readOnlyRootFilesystem) args.push('--read-only', '--read-only-tmpfs=false');
  if (sc.privileged) throw new Error('privileged containers are not run by this harness');
  for (const cap of sc.capabilities?.drop ?? []) args.push(`--cap-drop=${cap}`);
  for (const cap of sc.capabilities?.add ?? []) args.push(`--cap-add=${cap}`);
  if (sc.allowPrivilegeEscalation === false) args.push('--security-opt', 'no-new-privileges');
  const seccomp = (sc.seccompProfile ?? podSc.seccompProfile)?.type;
  // podman's default profile is the runtime default; Unconfined and Localhost are deliberate choices.
  if (seccomp !== undefined && seccomp !== 'RuntimeDefault') throw new Error(`seccompProfile ${seccomp}: only RuntimeDefault is supported by this harness`);
  for (const s of podSc.sysctls ?? []) args.push('--sysctl', `${s.name}=${s.value}`);
  return args;
}

/** emptyDir volumes as host directories, 0777 and group fsGroup with setgid, as the kubelet leaves them. */
function volumeArgs(pod: Obj, container: Obj): { args: string[]; dirs: string[] } {
  const volumes = new Map<string, Obj>((pod.spec.volumes ?? []).map((v: Obj) => [v.name, v]));
  const fsGroup = pod.spec.securityContext?.fsGroup;
  const args: string[] = [];
  const dirs: string[] = [];
  for (const m of container.volumeMounts ?? []) {
    const v = volumes.get(m.name);
    if (!v?.emptyDir) throw new Error(`volumeMount ${m.name}: only emptyDir volumes are supported by this harness`);
    const parent = v.emptyDir.medium === 'Memory' && fs.existsSync('/dev/shm') ? '/dev/shm' : os.tmpdir();
    const dir = fs.mkdtempSync(path.join(parent, `golden-go-emptydir-${m.name}-`));
    dirs.push(dir);
    fs.chmodSync(dir, 0o777);
    if (fsGroup !== undefined) {
      fs.chownSync(dir, 0, fsGroup);
      fs.chmodSync(dir, 0o2777);
    }
    const sub = m.subPath ? path.join(dir, m.subPath) : dir;
    fs.mkdirSync(sub, { recursive: true });
    args.push('--volume', `${sub}:${m.mountPath}:${m.readOnly ? 'ro' : 'rw'}`);
  }
  return { args, dirs };
}

function resourceArgs(container: Obj): string[] {
  const limits = container.resources?.limits ?? {};
  const args: string[] = [];
  if (limits.cpu !== undefined) args.push('--cpus', String(parseQuantity(limits.cpu)));
  if (limits.memory !== undefined) args.push('--memory', String(Math.floor(parseQuantity(limits.memory))));
  return args;
}

/** The one container of a Deployment (or the named one). */
export function podContainer(deployment: Obj, name?: string): { pod: Obj; container: Obj } {
  if (deployment.kind !== 'Deployment') throw new Error(`expected a Deployment, got ${deployment.kind}`);
  const pod = deployment.spec.template;
  const containers: Obj[] = pod.spec.containers;
  const container = name ? containers.find((c) => c.name === name) : containers.length === 1 ? containers[0] : undefined;
  if (!container) throw new Error(`container ${name ?? '(the only one)'} not found among ${containers.map((c) => c.name).join(', ')}`);
  if (pod.spec.initContainers?.length) throw new Error('initContainers are not supported by this harness');
  return { pod, container };
}

/** Seconds between SIGTERM and SIGKILL: the grace period minus the preStop sleep the kubelet runs first. */
export function terminationBudget(pod: Obj, container: Obj): number {
  const grace = pod.spec.terminationGracePeriodSeconds ?? 30;
  const preStop = container.lifecycle?.preStop;
  if (preStop && !preStop.sleep) throw new Error(`preStop ${Object.keys(preStop).join(', ')}: only the sleep action is supported by this harness`);
  return grace - (preStop?.sleep?.seconds ?? 0);
}

/** Every port a probe or the test may reach: the declared containerPorts and numeric probe ports. */
function portsOf(container: Obj): { portsByName: Record<string, number>; publish: number[] } {
  const portsByName: Record<string, number> = {};
  const publish = new Set<number>();
  for (const p of container.ports ?? []) {
    if (p.name) portsByName[p.name] = p.containerPort;
    publish.add(p.containerPort);
  }
  for (const kind of PROBE_KINDS) {
    const port = probeHandler(container[kind])?.port;
    if (typeof port === 'number') publish.add(port);
  }
  return { portsByName, publish: [...publish] };
}

/**
 * The `podman run` for one container of a Deployment. `podIP` must be the address the container gets
 * (passed to podman as `--ip`), so a program told to listen on `$(POD_IP)` can bind it.
 */
export function planPodmanRun(
  deployment: Obj, image: { ref: string; user: string }, identity: PodIdentity, podIP: string, containerName?: string,
): PodmanRunPlan {
  const { pod, container } = podContainer(deployment, containerName);
  const env = containerEnv(pod, container, identity, podIP);
  const lookup = (n: string) => env.find(([k]) => k === n)?.[1];
  const command: string[] | undefined = container.command?.map((a: string) => expandKubeletVars(a, lookup));
  const args: string[] = (container.args ?? []).map((a: string) => expandKubeletVars(a, lookup));
  const { portsByName, publish } = portsOf(container);
  const volumes = volumeArgs(pod, container);
  const runArgs = [
    '--pull=never', '--hostname', identity.name, '--ip', podIP,
    ...securityArgs(pod.spec.securityContext ?? {}, container.securityContext ?? {}, image.user),
    ...resourceArgs(container),
    ...volumes.args,
    ...(container.workingDir ? ['--workdir', container.workingDir] : []),
    ...env.flatMap(([k, v]) => ['--env', `${k}=${v}`]),
    ...publish.flatMap((p) => ['--publish', `127.0.0.1::${p}`]),
    // command replaces the image's ENTRYPOINT and drops its CMD; args alone replace the CMD.
    ...(command ? ['--entrypoint', JSON.stringify(command)] : []),
    image.ref,
    ...args,
  ];
  return { runArgs, env, portsByName, publish, volumeDirs: volumes.dirs, container, terminationBudgetSeconds: terminationBudget(pod, container) };
}

export const PROBE_KINDS = ['startupProbe', 'readinessProbe', 'livenessProbe'] as const;
export type ProbeKind = typeof PROBE_KINDS[number];

function probeHandler(probe: Obj | undefined): { kind: string; port?: number | string } | undefined {
  if (!probe) return undefined;
  for (const kind of ['httpGet', 'grpc', 'tcpSocket', 'exec']) {
    if (probe[kind]) return { kind, port: probe[kind].port };
  }
  throw new Error(`probe without a handler: ${JSON.stringify(probe)}`);
}

/** What one probe did: when it first passed and how often it was tried. */
export interface ProbeResult {
  readonly kind: ProbeKind;
  readonly handler: string;
  readonly attempts: number;
  readonly passedAfterMs: number;
  readonly last: string;
}

/** The outcome of SIGTERM. */
export interface Termination {
  readonly exitCode: number;
  readonly seconds: number;
  readonly budgetSeconds: number;
  /** True when the process outlived the budget and was killed, as the kubelet would. */
  readonly killed: boolean;
}

/** A started container: its host ports, probes, termination and logs. */
export class RunningPod {
  /** Starts the container of a Deployment from a local image. Rejects what the kubelet would reject. */
  public static start(deployment: Obj, identity: Partial<PodIdentity> = {}): RunningPod {
    // The image the manifest names, by digest: --pull=never proves it is the one built locally.
    const imageRef = podContainer(deployment).container.image;
    const user = sh('podman', ['image', 'inspect', imageRef, '--format', '{{.Config.User}}']).trim();
    const id: PodIdentity = {
      name: `${deployment.metadata.name}-7c9d8b6f5-x2k4p`,
      namespace: deployment.metadata.namespace ?? 'default',
      uid: '0f4c3b2a-1e2d-4c5b-8a9f-7e6d5c4b3a21',
      nodeName: 'node-e2e',
      hostIP: '10.88.0.1',
      ...identity,
    };
    const plan = planPodmanRun(deployment, { ref: imageRef, user }, id, randomPodIP());
    const name = `golden-go-pod-${deployment.metadata.name}-${process.pid}-${Date.now() % 100000}`;
    try {
      sh('podman', ['run', '--detach', '--name', name, ...plan.runArgs]);
    } catch (e) {
      plan.volumeDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
      spawnSync('podman', ['rm', '-f', name]);
      throw e;
    }
    return new RunningPod(name, plan);
  }

  private readonly started = Date.now();

  private constructor(public readonly name: string, public readonly plan: PodmanRunPlan) {}

  /** The 127.0.0.1 port that reaches a containerPort (by number or by name). */
  public hostPort(port: number | string): number {
    const containerPort = typeof port === 'number' ? port : this.plan.portsByName[port];
    if (containerPort === undefined) throw new Error(`port ${port} is not declared by container ${this.plan.container.name}`);
    const out = sh('podman', ['port', this.name, `${containerPort}/tcp`]).trim();
    const m = /:(\d+)$/m.exec(out);
    if (!m) throw new Error(`podman port ${this.name} ${containerPort}: ${out}`);
    return Number(m[1]);
  }

  /** The process's status line from /proc: the binary runs as PID 1 of the container. */
  public hostPid(): number {
    return Number(sh('podman', ['inspect', this.name, '--format', '{{.State.Pid}}']).trim());
  }

  /** Runs one probe of the manifest once, from the host; resolves to a description, rejects on failure. */
  public async probeOnce(kind: ProbeKind): Promise<string> {
    const probe = this.plan.container[kind];
    const timeoutMs = (probe.timeoutSeconds ?? 1) * 1000;
    const h = probeHandler(probe)!;
    if (h.kind === 'exec') throw new Error(`${kind}: exec probes are not run by this harness`);
    const port = this.hostPort(h.port!);
    if (h.kind === 'httpGet') return httpProbe(probe.httpGet, port, timeoutMs);
    if (h.kind === 'tcpSocket') return tcpProbe(port, timeoutMs);
    const status = await grpcHealthCheck('127.0.0.1', port, probe.grpc.service ?? '', timeoutMs);
    if (status !== 'SERVING') throw new Error(`grpc health: ${status}`);
    return 'SERVING';
  }

  /**
   * Tries a probe every periodSeconds, from initialDelaySeconds on, until it passes; fails after
   * failureThreshold failures (for startup and liveness, when the kubelet would restart the container;
   * readiness is held to the same window).
   */
  public async awaitProbe(kind: ProbeKind): Promise<ProbeResult | undefined> {
    const probe = this.plan.container[kind];
    if (!probe) return undefined;
    const handler = describeProbe(probe);
    await sleep((probe.initialDelaySeconds ?? 0) * 1000);
    const failures: string[] = [];
    const threshold = probe.failureThreshold ?? 3;
    for (let attempt = 1; attempt <= threshold; attempt++) {
      const t0 = Date.now();
      try {
        const last = await this.probeOnce(kind);
        return { kind, handler, attempts: attempt, passedAfterMs: Date.now() - this.started, last };
      } catch (e) {
        failures.push(String((e as Error).message ?? e));
      }
      if (!this.running()) break;
      await sleep(Math.max(0, (probe.periodSeconds ?? 10) * 1000 - (Date.now() - t0)));
    }
    throw new Error(`${kind} ${handler} failed ${failures.length} times (failureThreshold ${threshold}): ${failures.slice(-3).join(' | ')}\n--- logs ---\n${this.logs()}`);
  }

  public running(): boolean {
    return sh('podman', ['inspect', this.name, '--format', '{{.State.Running}}']).trim() === 'true';
  }

  /** SIGTERM to PID 1, then the exit within the budget, or SIGKILL at its end as the kubelet would. */
  public terminate(): Termination {
    const budgetSeconds = this.plan.terminationBudgetSeconds;
    const sentNs = BigInt(Date.now()) * 1_000_000n;
    sh('podman', ['kill', '--signal', 'TERM', this.name]);
    const wait = spawnSync('podman', ['wait', this.name], { encoding: 'utf8', timeout: budgetSeconds * 1000 });
    let killed = false;
    if (wait.error || wait.status !== 0) {
      killed = true;
      spawnSync('podman', ['kill', '--signal', 'KILL', this.name]);
      spawnSync('podman', ['wait', this.name]);
    }
    // The runtime's exit time, not the return of `podman wait`, which adds its own polling delay.
    const [exitCode, finishedNs] = sh('podman', ['inspect', this.name, '--format', '{{.State.ExitCode}} {{.State.FinishedAt.UnixNano}}']).trim().split(' ');
    const seconds = Number(BigInt(finishedNs) - sentNs) / 1e9;
    return { exitCode: Number(exitCode), seconds, budgetSeconds, killed };
  }

  public logs(): string {
    const r = spawnSync('podman', ['logs', this.name], { encoding: 'utf8' });
    return `${r.stdout ?? ''}${r.stderr ?? ''}`.slice(-4000);
  }

  /** Removes the container and its emptyDir directories. */
  public remove(): void {
    spawnSync('podman', ['rm', '-f', '-t', '0', this.name]);
    for (const d of this.plan.volumeDirs) fs.rmSync(d, { recursive: true, force: true });
  }
}

function describeProbe(probe: Obj): string {
  if (probe.httpGet) return `httpGet ${probe.httpGet.path ?? '/'} on port ${probe.httpGet.port}`;
  if (probe.grpc) return `grpc health${probe.grpc.service ? ` of ${probe.grpc.service}` : ''} on port ${probe.grpc.port}`;
  if (probe.tcpSocket) return `tcpSocket on port ${probe.tcpSocket.port}`;
  return 'exec';
}

/** The kubelet's HTTP probe: GET, no redirect followed across hosts, 200–399 passes. */
async function httpProbe(get: Obj, port: number, timeoutMs: number): Promise<string> {
  if ((get.scheme ?? 'HTTP') !== 'HTTP') throw new Error(`httpGet scheme ${get.scheme}: only HTTP is supported by this harness`);
  if (get.host) throw new Error(`httpGet host ${get.host}: probes to another host are not supported by this harness`);
  const headers: Record<string, string> = { 'User-Agent': 'kube-probe/1.35' };
  for (const h of get.httpHeaders ?? []) headers[h.name] = h.value;
  const res = await fetch(`http://127.0.0.1:${port}${get.path ?? '/'}`, { headers, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
  await res.arrayBuffer();
  if (res.status < 200 || res.status >= 400) throw new Error(`HTTP ${res.status}`);
  return `HTTP ${res.status}`;
}

function tcpProbe(port: number, timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.setTimeout(timeoutMs, () => { socket.destroy(); reject(new Error('tcp connect timed out')); });
    socket.on('connect', () => { socket.destroy(); resolve('connected'); });
    socket.on('error', reject);
  });
}

/** An address in podman's default network (10.88.0.0/16) for `--ip`, so the pod IP is known before start. */
function randomPodIP(): string {
  const octet = () => 2 + Math.floor(Math.random() * 250);
  return `10.88.${octet()}.${octet()}`;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
