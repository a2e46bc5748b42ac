/**
 * How cosign stores a signature (and the attestations) next to an image. `publish` signs in this
 * format and `ImageSignaturePolicy` verifies in it: the two must agree, or admission finds nothing.
 */
export enum SignatureFormat {
  /**
   * A Sigstore bundle (v0.3, cosign v3's default) stored as an OCI 1.1 referrer of the image digest:
   * through the registry's referrers API, or, where the registry has none, in the referrers tag
   * `sha256-<hex>` (an OCI index listing the bundles).
   */
  BUNDLE = 'bundle',
  /** cosign's legacy layout: a signature image tagged `sha256-<hex>.sig`, attestations in `sha256-<hex>.att` (`--new-bundle-format=false`). */
  LEGACY = 'legacy',
  /**
   * Both, for moving from legacy signatures to bundles without downtime: `publish` signs and attests in
   * both layouts, and a policy accepts either (where the engine can express "either").
   */
  BUNDLE_AND_LEGACY = 'bundle+legacy',
}

/** The formats a value stands for, bundle first. */
export function signatureFormats(format: SignatureFormat): SignatureFormat[] {
  if (format === SignatureFormat.BUNDLE_AND_LEGACY) return [SignatureFormat.BUNDLE, SignatureFormat.LEGACY];
  return [format];
}

/** `value` as a SignatureFormat, or an error naming `what` (the prop or flag) and the allowed values. */
export function checkSignatureFormat(value: unknown, what: string): SignatureFormat {
  const allowed = Object.values(SignatureFormat) as string[];
  if (typeof value !== 'string' || !allowed.includes(value)) throw new Error(`${what}: ${JSON.stringify(value)} is not valid; allowed: ${allowed.join(', ')}`);
  return value as SignatureFormat;
}

/**
 * Where cosign puts the signatures and attestations of `repository@digest` in a format: legacy tags
 * `sha256-<hex>.sig` / `.att`; bundles as OCI 1.1 referrers of the digest, which a registry without the
 * referrers API keeps in the tag `sha256-<hex>` (an OCI index of the bundles).
 */
export function registryLocations(repository: string, digest: string, format: SignatureFormat): string[] {
  const tag = digest.replace(':', '-');
  return signatureFormats(format).flatMap((f) => (f === SignatureFormat.LEGACY
    ? [`${repository}:${tag}.sig`, `${repository}:${tag}.att`]
    : [`referrers of ${repository}@${digest} (or the tag ${repository}:${tag} without the referrers API)`]));
}
