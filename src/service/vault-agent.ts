// The Vault Agent injector as a way to get secrets (R16: files, never env). The injector's mutating
// webhook reads pod annotations (vault-k8s agent-inject/agent/annotations.go); golden-go writes only
// documented ones, and sets the agent's resources so the injected containers pass R03 like the app.
import type { GoResources, VaultAgentOptions } from './props';
import { invalidValue } from '../core/errors';
import { checkPattern } from '../core/patterns';

/** Where the injector mounts the rendered secrets in the app container. */
export const VAULT_SECRETS_DIR = '/vault/secrets';
/** The projected ServiceAccount token volume the agent authenticates with. */
export const VAULT_TOKEN_VOLUME = 'vault-token';

const A = 'vault.hashicorp.com/';
const NAME = /^[a-z0-9]([-a-z0-9_.]{0,41}[a-z0-9])?$/;
const VAULT_PATH = /^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+)*$/;
const DEFAULT_RESOURCES: Required<GoResources> = {
  cpuRequestMillis: 50, cpuLimitMillis: 250, memoryRequest: '64Mi', memoryLimit: '128Mi', ephemeralStorageRequest: '16Mi', ephemeralStorageLimit: '64Mi',
};

/** Validated options: what the model keeps. */
export interface ResolvedVaultAgent {
  readonly annotations: Record<string, string>;
  readonly tokenAudience?: string;
}

/**
 * The pod annotations for `options`, validated (errors name `vaultAgent.*`).
 * @param resolveResources validates the agent's resources like the app's
 */
export function vaultAgentAnnotations(
  options: VaultAgentOptions, appContainer: string, resolveResources: (r: GoResources, prop: string) => Required<GoResources>,
): ResolvedVaultAgent {
  checkPattern('vaultAgent.role', options.role, /^[A-Za-z0-9_.-]{1,128}$/, 'a Vault role name of letters, digits, "_", "." and "-"');
  if (!Array.isArray(options.secrets) || options.secrets.length === 0) throw invalidValue('vaultAgent.secrets', options.secrets, 'at least one { name, path }');
  const a: Record<string, string> = {
    [`${A}agent-inject`]: 'true',
    [`${A}role`]: options.role,
    [`${A}agent-inject-containers`]: appContainer,
    [`${A}agent-inject-default-template`]: 'json',
    [`${A}agent-pre-populate-only`]: String(options.prePopulateOnly ?? false),
    // The agent runs as the app's user: the rendered files are the app's, readable under its restricted context.
    [`${A}agent-run-as-same-user`]: 'true',
    [`${A}agent-service-account-token-volume-name`]: VAULT_TOKEN_VOLUME,
  };
  if (options.authPath !== undefined) a[`${A}auth-path`] = checkPattern('vaultAgent.authPath', options.authPath, VAULT_PATH, 'a Vault auth mount path such as auth/kubernetes');
  const names = new Set<string>();
  for (const [i, s] of options.secrets.entries()) {
    checkPattern(`vaultAgent.secrets[${i}].name`, s.name, NAME, 'a file name of lower-case letters, digits, "-", "_" and ".", at most 43 characters');
    if (names.has(s.name)) throw invalidValue(`vaultAgent.secrets[${i}].name`, s.name, 'each name once');
    names.add(s.name);
    a[`${A}agent-inject-secret-${s.name}`] = checkPattern(`vaultAgent.secrets[${i}].path`, s.path, VAULT_PATH, 'a Vault path such as database/creds/orders');
  }
  const r = resolveResources({ ...DEFAULT_RESOURCES, ...(options.resources ?? {}) }, 'vaultAgent.resources');
  // Without the annotation the injector sets its own 500m: "no CPU limit" cannot be said to it.
  if (r.cpuLimitMillis === 0) throw invalidValue('vaultAgent.resources.cpuLimitMillis', 0, 'whole millicores, at least the CPU request (the injector has no "no limit")');
  Object.assign(a, {
    [`${A}agent-requests-cpu`]: `${r.cpuRequestMillis}m`,
    [`${A}agent-requests-mem`]: r.memoryRequest,
    [`${A}agent-requests-ephemeral`]: r.ephemeralStorageRequest,
    [`${A}agent-limits-cpu`]: `${r.cpuLimitMillis}m`,
    [`${A}agent-limits-mem`]: r.memoryLimit,
    [`${A}agent-limits-ephemeral`]: r.ephemeralStorageLimit,
  });
  if (options.tokenAudience !== undefined) checkPattern('vaultAgent.tokenAudience', options.tokenAudience, /^[A-Za-z0-9._~:\/?#@!&+=%-]{1,253}$/, 'a token audience');
  return { annotations: a, tokenAudience: options.tokenAudience };
}

/** The projected token volume the agent logs in with (the injector mounts it into its own containers only). */
export function vaultTokenVolume(audience: string | undefined): Record<string, unknown> {
  return {
    name: VAULT_TOKEN_VOLUME,
    projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, ...(audience ? { audience } : {}) } }] },
  };
}
