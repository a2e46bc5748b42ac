export * from './base-image';
export * from './health-check';
export * from './go-image-renderer';
export * from './hardened-go-image';
