// image: HardenedGoImage (a thin construct), its props, base and builder images, the health check and
// the pure Dockerfile renderer; image references for manifests.
// May import: core, publish, checklist (to check what it rendered). Never: service, policy, cli, pulumi.
export * from './base-image';
export * from './health-check';
export { GoImageRenderer } from './dockerfile';
export type { GoImageRendering } from './dockerfile';
export * from './props';
export * from './self-check';
export * from './hardened-go-image';
export * from './image-reference';
