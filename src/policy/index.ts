// policy: admission policies that enforce image signatures (Kyverno, sigstore policy-controller,
// Gatekeeper + Ratify).
// May import: core, publish (ImageSigner), image (ImageReference). Never: service (it implements
// ISignedService instead), cli, pulumi.
export * from './image-signature-policy';
