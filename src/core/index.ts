// core: the small shared vocabulary every layer may use: Kubernetes versions, quantities, sysctl
// classes, the patterns that decide what a name, digest or repository is, and error messages.
// Imports nothing from golden-go; everything else may import it.
export * from './sysctls';
