// A Compose file for local runs, from the same ServiceModel as the manifests: the same environment,
// user, read-only root, writable tmpfs directories, capabilities, sysctls, limits and grace period.
import type * as kplus from 'cdk8s-plus-27';
import type { ServiceModel } from './model';
import type { ComposeOptions } from './props';
import { invalidValue } from '../core/errors';
import { checkPattern, checkPort, PATTERNS } from '../core/patterns';
import { quantityToBytes } from '../core/quantity';

const UID = 65532;
const FIELD_VALUES: Record<string, (m: ServiceModel) => string> = {
  'metadata.name': (m) => m.name,
  'metadata.namespace': (m) => m.namespace,
  'spec.nodeName': () => 'localhost',
};

/**
 * The Compose document (compose-spec) for the model. No healthcheck: the probes are HTTP/gRPC requests
 * made by the kubelet, and a Compose healthcheck is a command run inside the container, which needs a
 * client in the image (podman-compose 1.0.3 even wraps CMD in /bin/sh, absent from distroless).
 */
export function composeDocument(model: ServiceModel, options: ComposeOptions = {}): Record<string, unknown> {
  const image = options.image === undefined ? model.image.toString() : checkPattern('compose.image', options.image, PATTERNS.imageRef, 'an image reference');
  const host = checkPattern('compose.hostAddress', options.hostAddress ?? '127.0.0.1', /^[0-9.]+$|^\[[0-9a-fA-F:]+\]$/, 'an IPv4 address or a bracketed IPv6 address');
  const ports = [`${host}:${checkPort('compose.hostPort', options.hostPort ?? model.port)}:${model.port}`];
  if (model.metrics?.ownPort) ports.push(`${host}:${checkPort('compose.metricsHostPort', options.metricsHostPort ?? model.metrics.port)}:${model.metrics.port}`);
  const r = model.resources;
  const service: Record<string, unknown> = {
    image,
    entrypoint: model.command,
    command: model.args,
    user: `${UID}:${UID}`,
    read_only: true,
    tmpfs: [`/tmp:size=${model.tmpSizeMiB}m,mode=1777`, ...model.writableDirs.map((d) => `${d.path}:size=${d.sizeMiB}m,mode=1777`)],
    volumes: secretVolumes(model),
    cap_drop: ['ALL'],
    security_opt: ['no-new-privileges'],
    sysctls: model.sysctls.map((s) => `${s.name}=${s.value}`),
    environment: environment(model),
    ports,
    mem_limit: quantityToBytes(r.memoryLimit),
    cpus: r.cpuLimitMillis > 0 ? r.cpuLimitMillis / 1000 : undefined,
    stop_signal: 'SIGTERM',
    stop_grace_period: `${model.shutdown.graceSeconds}s`,
  };
  const defined = Object.fromEntries(Object.entries(service).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0)));
  return { name: model.name, services: { [model.name]: defined } };
}

/** Secrets are files locally too: `./secrets/<Secret name>` (and `./secrets/vault`) next to the Compose file, read-only. */
function secretVolumes(model: ServiceModel): string[] {
  return [
    ...model.secretFiles.map((s) => `./secrets/${s.secretName}:${s.mountPath}:ro`),
    ...(model.vaultAgent ? ['./secrets/vault:/vault/secrets:ro'] : []),
  ];
}

/** The container environment with what the kubelet would fill in resolved for one local container. */
function environment(model: ServiceModel): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(model.env) as Array<[string, kplus.EnvValue]>) {
    if (v.value !== undefined) {
      out[name] = v.value;
    } else if (v.valueFrom?.resourceFieldRef?.resource === 'limits.cpu') {
      // The downward API rounds limits.cpu up to whole CPUs with divisor 1.
      out[name] = String(Math.ceil(model.resources.cpuLimitMillis / 1000));
    } else {
      const field = v.valueFrom?.fieldRef?.fieldPath;
      const resolve = FIELD_VALUES[field];
      if (!resolve) throw invalidValue(`env.${name}`, field, `a value Compose can give (${Object.keys(FIELD_VALUES).join(', ')}): a pod IP only exists in the cluster`);
      out[name] = resolve(model);
    }
  }
  return out;
}
