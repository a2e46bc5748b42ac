/** Kubernetes minor versions as `major.minor`, compared numerically. */
export function parseKubernetesVersion(prop: string, version: string): [number, number] {
  const m = /^v?1\.(\d+)(?:\.\d+)?$/.exec(version);
  if (!m || Number(m[1]) < 27) {
    throw new Error(`${prop}: "${version}" is not valid; allowed: a Kubernetes release from 1.27 on, such as "1.35"`);
  }
  return [1, Number(m[1])];
}

/** Whether `version` is at least `1.minor`. */
export function atLeast(version: [number, number], minor: number): boolean {
  return version[1] >= minor;
}
