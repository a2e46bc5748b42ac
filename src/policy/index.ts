// policy: admission policies: image signatures (Kyverno, sigstore policy-controller, Gatekeeper +
// Ratify) and the workload rules of the checklist as a ValidatingAdmissionPolicy.
// May import: core, checklist (the rules' CEL), publish (ImageSigner), image (ImageReference). Never:
// service (it implements ISignedService instead), cli, pulumi.
export * from './image-signature-policy';
export * from './checklist-admission-policy';
