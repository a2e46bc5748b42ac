const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = { k: 1e3, M: 1e6, G: 1e9, T: 1e12, P: 1e15, E: 1e18 };

/**
 * Bytes in a Kubernetes memory quantity such as `512Mi`, `1Gi`, `500M`, `1G` or `268435456`.
 * Shared by the service builders (GOMEMLIMIT, emptyDir sizes) and the R04 check on foreign manifests.
 * @param prop the prop named in the error
 */
export function quantityToBytes(quantity: string, prop: string = 'memoryLimit'): number {
  const m = /^([0-9]+(?:\.[0-9]+)?)(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?$/.exec(quantity);
  if (!m) {
    throw new Error(`${prop}: "${quantity}" is not valid; allowed: a Kubernetes quantity such as "512Mi", "1Gi", "500M" or "1G"`);
  }
  const unit = m[2];
  const factor = unit === undefined ? 1 : BINARY[unit] ?? DECIMAL[unit];
  return Math.floor(Number(m[1]) * factor);
}
