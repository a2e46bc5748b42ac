import { invalidValue } from './errors';

/**
 * Allow-patterns for every free-text prop that reaches a Dockerfile, a build command or a manifest.
 * Each admits what the field needs and nothing a shell, the Dockerfile parser, BuildKit's variable
 * expansion or the kubelet's `$(VAR)` expansion could read as syntax: no line breaks, no quotes, no
 * `$`, no backslashes, no backticks, no non-ASCII look-alikes.
 */
export const PATTERNS = {
  /** A build secret id (`--mount=type=secret,id=…`). */
  secretId: /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/,
  /** An image reference as written in FROM/ARG: `registry[:port]/path[:tag][@sha256:…]`. */
  imageRef: /^[A-Za-z0-9][A-Za-z0-9._\/:@-]*$/,
  /** A C library release such as `2.41`. */
  libcVersion: /^[0-9]+(\.[0-9]+)*$/,
  /** A path in the build host's file system, relative or absolute. */
  buildPath: /^[A-Za-z0-9._\/-]+$/,
  /** An http(s) URL without quotes, spaces, `$` or backslashes. */
  url: /^https?:\/\/[A-Za-z0-9._~:\/?#\[\]@!&()*+,;=%-]+$/,
  /** A one-line description for an OCI label. */
  description: /^[A-Za-z0-9 .,:;!?()\/_+-]*$/,
  /** An exec-form argument (entrypoint, command, self-check, health check). */
  argument: /^[A-Za-z0-9_.,:=\/@%+-]*$/,
  /** A .dockerignore pattern. */
  ignorePattern: /^!?[A-Za-z0-9._*?\/\[\]~+-]+$/,
  /** A suppression reason, also written into a Dockerfile comment and an annotation. */
  reason: /^[A-Za-z0-9 .,:;!?()'"\/_+=#%&*@<>[\]{}|~-]+$/,
  /** A plain environment variable value: one line, no `$(VAR)` expansion. */
  envValue: /^(?!.*\$\()[\x20-\x7e]*$/,
  /** An environment variable name. */
  envName: /^[A-Za-z_][A-Za-z0-9_]*$/,
  /** A command-line flag with its dashes, such as `--port` or `-listen`. */
  flagName: /^--?[A-Za-z0-9][A-Za-z0-9_.-]*$/,
  /** A container command or argument: exec-form characters and `$(NAME)` references the kubelet expands. */
  containerArgument: /^([A-Za-z0-9_.,:=\/@%+-]|\$\([A-Za-z_][A-Za-z0-9_]*\))*$/,
  /** An absolute directory. */
  absolutePath: /^\/[A-Za-z0-9._\/-]*$/,
  /** A sysctl value such as `0`, `1` or `4096 87380 6291456`. */
  sysctlValue: /^[A-Za-z0-9 ._:,\/-]+$/,
  /** An HTTP probe path with an optional query. */
  httpPath: /^\/[A-Za-z0-9._~%\/?=&-]*$/,
  /** A gRPC service name such as `orders.v1.Orders`. */
  grpcService: /^[A-Za-z0-9_.]*$/,
  /** An OIDC certificate identity (keyless signer subject). */
  identity: /^[A-Za-z0-9._~:\/?#\[\]@!&()*+,;=%-]+$/,
  /** A label key: optional DNS-subdomain prefix and a name. */
  labelKey: /^([a-z0-9]([-a-z0-9.]*[a-z0-9])?\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/,
  /** A label value. */
  labelValue: /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/,
  /** A DNS subdomain (PriorityClass and other object names). */
  dnsSubdomain: /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/,
} as const;

/** Checks the keys and values of a label map, naming `prop.<key>` in the error. */
export function checkLabels(prop: string, labels: Record<string, string>): void {
  for (const [k, v] of Object.entries(labels)) {
    checkPattern(`${prop}`, k, PATTERNS.labelKey, 'a label key');
    if (k.length > 316) throw invalidValue(prop, k, 'a label key of at most 253 + 63 characters');
    checkPattern(`${prop}.${k}`, v, PATTERNS.labelValue, 'a label value of at most 63 letters, digits, "-", "_" and "."');
    if (v.length > 63) throw invalidValue(`${prop}.${k}`, v, 'a label value of at most 63 characters');
  }
}

/** Throws `prop: "value" is not valid; allowed: what (pattern …)` unless `value` matches `pattern`. */
export function checkPattern(prop: string, value: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw invalidValue(prop, value, `${what} (pattern ${pattern})`);
  return value;
}

/** Throws `prop: port is not valid; allowed: 1-65535` unless `port` is a TCP port number. */
export function checkPort(prop: string, port: number): number {
  if (!(Number.isInteger(port) && port >= 1 && port <= 65535)) throw invalidValue(prop, port, '1-65535');
  return port;
}
