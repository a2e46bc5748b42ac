// service: GoMicroservice (a thin construct) and the builders that turn its model into Kubernetes
// objects: runtime env, probes, network egress, monitoring.
// May import: core, checklist, image (ImageReference), publish (ImageSigner), policy.
// Never: cli, pulumi.
export * from './runtime-env';
export * from './app';
export * from './probes';
export * from './network-egress';
export * from './monitoring';
export * from './props';
export * from './go-microservice';
