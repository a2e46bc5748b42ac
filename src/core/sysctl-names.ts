// The sysctl name facts both the TypeScript check (Sysctls) and rule R08's CEL need; internal (not
// exported from core/index), so the CEL can be written from the same data.

/** A sysctl name in dot or slash form (what `Sysctls.normalize` accepts). */
export const SYSCTL_NAME = /^[a-z0-9]([-_a-z0-9]*[a-z0-9])?([./][a-z0-9]([-_a-z0-9]*[a-z0-9])?)*$/;

// k8s.io/component-helpers node/util/sysctl/namespace.go: what the kernel namespaces.
export const NAMESPACED_EXACT = ['kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced',
  'kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.domainname'];
export const NAMESPACED_PREFIXES = ['net.', 'fs.mqueue.', 'user.', 'kernel.shm', 'kernel.msg'];
