import { atLeast, parseKubernetesVersion } from './kubernetes-version';
import { NAMESPACED_EXACT, NAMESPACED_PREFIXES, SYSCTL_NAME } from './sysctl-names';

/** A kernel parameter set for the pod. */
export interface Sysctl {
  /** Name, such as `net.ipv4.ip_unprivileged_port_start`. */
  readonly name: string;
  /** Value. */
  readonly value: string;
}

/** What the kubelet and Pod Security Admission make of a sysctl (rule R08). */
export enum SysctlClass {
  /** In the kubelet's safe set for the target version: allowed everywhere. */
  SAFE = 'safe',
  /** Namespaced but not safe: needs kubelet `--allowed-unsafe-sysctls` and a privileged PSA namespace. */
  NAMESPACED_UNSAFE = 'namespaced-unsafe',
  /** Not namespaced (`vm.*`, `fs.*`, most `kernel.*`): a pod can never set it. */
  NODE_LEVEL = 'node-level',
}

// The kubelet's safe list with the release each entry joined it (pkg/kubelet/sysctl/safe_sysctls.go,
// mirrored by PSA's versioned check_sysctls.go).
const SAFE_SINCE: Record<string, number> = {
  'kernel.shm_rmid_forced': 0,
  'net.ipv4.ip_local_port_range': 0,
  'net.ipv4.tcp_syncookies': 0,
  'net.ipv4.ping_group_range': 0,
  'net.ipv4.ip_unprivileged_port_start': 0,
  'net.ipv4.ip_local_reserved_ports': 27,
  'net.ipv4.tcp_keepalive_time': 29,
  'net.ipv4.tcp_fin_timeout': 29,
  'net.ipv4.tcp_keepalive_intvl': 29,
  'net.ipv4.tcp_keepalive_probes': 29,
  'net.ipv4.tcp_rmem': 32,
  'net.ipv4.tcp_wmem': 32,
  'net.ipv4.tcp_slow_start_after_idle': 37,
  'net.ipv4.tcp_notsent_lowat': 37,
};


/** Classification of sysctls per target Kubernetes version. */
export class Sysctls {
  /**
   * Classifies a sysctl for a Kubernetes release.
   * @param name the sysctl, with dots (`net.core.somaxconn`) or slashes (`net/core/somaxconn`)
   * @param kubernetesVersion target release such as `1.35`
   */
  public static classify(name: string, kubernetesVersion: string): SysctlClass {
    const version = parseKubernetesVersion('kubernetesVersion', kubernetesVersion);
    const n = Sysctls.normalize(name);
    const since = SAFE_SINCE[n];
    if (since !== undefined && atLeast(version, since)) return SysctlClass.SAFE;
    if (NAMESPACED_EXACT.includes(n) || NAMESPACED_PREFIXES.some((p) => n.startsWith(p))) return SysctlClass.NAMESPACED_UNSAFE;
    return SysctlClass.NODE_LEVEL;
  }

  /**
   * The Kubernetes release from which a sysctl is in the safe set, or undefined when it never is.
   */
  public static safeSince(name: string): string | undefined {
    const since = SAFE_SINCE[Sysctls.normalize(name)];
    return since === undefined ? undefined : `1.${Math.max(since, 27)}`;
  }

  /**
   * The sysctls in the safe set of a Kubernetes release, in dot form: what a pod may set on any node
   * (the admission policy of rule R08 allows exactly these).
   * @param kubernetesVersion target release such as `1.35`
   */
  public static safeNames(kubernetesVersion: string): string[] {
    return Object.keys(SAFE_SINCE).filter((n) => Sysctls.classify(n, kubernetesVersion) === SysctlClass.SAFE);
  }

  /** Converts the slash form to the dot form and validates the name. */
  public static normalize(name: string): string {
    if (!SYSCTL_NAME.test(name)) {
      throw new Error(`sysctls: "${name}" is not a valid sysctl name (lower-case words separated by "." or "/")`);
    }
    return name.includes('/') ? name.replace(/\./g, '\u0000').replace(/\//g, '.').replace(/\u0000/g, '/') : name;
  }

  private constructor() {}
}
