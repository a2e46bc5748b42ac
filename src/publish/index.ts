// publish: after synth: who signs (ImageSigner) and in which layout (SignatureFormat), SPDX SBOMs of Go
// binaries, and the build → push → attest → sign → record pipeline behind one Runner.
// May import: core. Never: checklist, image, service, policy, cli, pulumi.
export * from './image-signer';
export * from './sbom';
export { SignatureFormat } from './signature-format';
