// A real local control plane (etcd + kube-apiserver + kube-controller-manager from scripts/k8s-local) for the
// API server suite, and the CustomResourceDefinitions of every custom kind golden-go emits.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { freePort, REPO_ROOT, tmpDir } from './containers';

/** The Kubernetes release scripts/k8s-local/build.sh builds by default. */
export const K8S_RELEASE = '1.37.2';
/** Where the suite looks for the binaries: $GOLDEN_GO_K8S_BIN, else the tools cache CI builds into. */
export const K8S_BIN = process.env.GOLDEN_GO_K8S_BIN ?? path.join(os.homedir(), '.cache', 'golden-go-tools', `k8s-v${K8S_RELEASE}`);
const BINARIES = ['etcd', 'kube-apiserver', 'kube-controller-manager', 'kubectl'];
const SCRIPTS = path.join(REPO_ROOT, 'scripts', 'k8s-local');
const SCHEMAS = path.join(REPO_ROOT, 'test', 'schemas');

/** The binaries the suite needs that `dir` lacks. */
export function missingBinaries(dir: string = K8S_BIN): string[] {
  return BINARIES.filter((b) => {
    try {
      fs.accessSync(path.join(dir, b), fs.constants.X_OK);
      return false;
    } catch {
      return true;
    }
  });
}

/**
 * `describe` for a suite that needs the control plane: `describe.skip` with a loud warning when the
 * binaries are missing, an error on CI (where they must be there).
 */
export function describeWithControlPlane(): jest.Describe {
  const missing = missingBinaries();
  const howToBuild = `scripts/k8s-local/build.sh "${K8S_BIN}" (about 15 min on 2 cores; or set GOLDEN_GO_K8S_BIN to a directory built by it)`;
  if (missing.length > 0 && process.env.CI === 'true') {
    throw new Error(`the API server suite needs ${missing.join(', ')} in ${K8S_BIN}: run ${howToBuild}`);
  }
  if (missing.length === 0) return describe;
  // eslint-disable-next-line no-console
  console.warn(`\n*** SKIPPED: the real API server suite. ${missing.join(', ')} missing in ${K8S_BIN}.\n*** Run ${howToBuild}\n`);
  return describe.skip;
}

export interface KubectlResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * One control plane in its own state directory and on its own free ports, so two can run at once. Stopped by
 * the PIDs up.sh recorded (down.sh), never by name.
 */
export class ControlPlane {
  public readonly stateDir: string;

  constructor(private readonly bin: string, public readonly emulatedVersion: string) {
    this.stateDir = tmpDir(`k8s-${emulatedVersion}`);
  }

  async start(): Promise<void> {
    const ports = new Set<number>();
    while (ports.size < 4) ports.add(await freePort());
    const [etcd, peer, apiserver, kcm] = [...ports];
    const r = spawnSync('bash', [path.join(SCRIPTS, 'up.sh'), this.bin, '--', `--emulated-version=kube=${this.emulatedVersion}`], {
      encoding: 'utf8',
      timeout: 300_000,
      env: {
        ...process.env,
        K8S_LOCAL_DIR: this.stateDir,
        ETCD_PORT: `${etcd}`,
        ETCD_PEER_PORT: `${peer}`,
        APISERVER_PORT: `${apiserver}`,
        KCM_PORT: `${kcm}`,
        KCM_EXTRA_ARGS: `--emulated-version=kube=${this.emulatedVersion}`,
      },
    });
    if (r.status !== 0) throw new Error(`scripts/k8s-local/up.sh exited ${r.status ?? r.signal}:\n${r.stderr}\nlogs: ${this.stateDir}/logs`);
  }

  /** Stops the recorded PIDs; keeps the logs and drops the etcd data (its WAL is preallocated, tens of MB). */
  stop(): void {
    spawnSync('bash', [path.join(SCRIPTS, 'down.sh')], { encoding: 'utf8', timeout: 60_000, env: { ...process.env, K8S_LOCAL_DIR: this.stateDir } });
    fs.rmSync(path.join(this.stateDir, 'etcd'), { recursive: true, force: true });
  }

  kubectl(args: string[], input?: string): KubectlResult {
    const r = spawnSync(path.join(this.bin, 'kubectl'), args, {
      input,
      encoding: 'utf8',
      timeout: 180_000,
      maxBuffer: 64 * 1024 * 1024,
      env: { ...process.env, KUBECONFIG: path.join(this.stateDir, 'kubeconfig'), KUBECACHEDIR: path.join(this.stateDir, 'kubecache') },
    });
    if (r.error) throw new Error(`kubectl ${args.join(' ')}: ${r.error.message}`);
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  /** kubectl that must succeed: returns stdout, throws with the command and stderr otherwise. */
  run(args: string[], input?: string): string {
    const r = this.kubectl(args, input);
    if (r.status !== 0) throw new Error(`kubectl ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
    return r.stdout;
  }

  json(args: string[]): any {
    return JSON.parse(this.run([...args, '-o', 'json']));
  }

  raw(url: string): any {
    return JSON.parse(this.run(['get', '--raw', url]));
  }

  /** Whether each kind of `apiVersion` is namespaced, from the server's discovery document. */
  discovery(apiVersion: string): Map<string, boolean> {
    const list = this.raw(apiVersion.includes('/') ? `/apis/${apiVersion}` : `/api/${apiVersion}`);
    return new Map((list.resources as any[]).filter((r) => !r.name.includes('/')).map((r) => [r.kind, r.namespaced]));
  }
}

/** A label selector as the `-l` flag takes it. */
export function selectorString(selector: { matchLabels?: Record<string, string>; matchExpressions?: any[] }): string {
  const terms = Object.entries(selector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of selector.matchExpressions ?? []) {
    switch (e.operator) {
      case 'In': terms.push(`${e.key} in (${e.values.join(',')})`); break;
      case 'NotIn': terms.push(`${e.key} notin (${e.values.join(',')})`); break;
      case 'Exists': terms.push(e.key); break;
      case 'DoesNotExist': terms.push(`!${e.key}`); break;
      default: throw new Error(`label selector operator ${e.operator} is not one of In, NotIn, Exists, DoesNotExist`);
    }
  }
  if (terms.length === 0) throw new Error('an empty label selector selects every pod: refusing to use it as proof of selection');
  return terms.join(',');
}

// ------------------------------------------------------------------------------------------ CRDs

interface CrdVersion {
  readonly name: string;
  /** JSON Schema under test/schemas/crds/ (the datree catalog layout kubeconform reads). */
  readonly schema: string;
  /** The upstream CRD marks the version deprecated with this warning. */
  readonly deprecationWarning?: string;
}

interface CrdSource {
  readonly group: string;
  readonly kind: string;
  readonly plural: string;
  readonly scope: 'Cluster' | 'Namespaced';
  readonly shortNames?: string[];
  readonly categories?: string[];
  readonly versions: CrdVersion[];
}

// Group, names, scope and deprecation exactly as each project's own CRD declares them (sources in
// test/schemas/README.md); only the versions golden-go emits are served, so no conversion webhook is needed.
const CRDS: CrdSource[] = [
  {
    group: 'monitoring.coreos.com',
    kind: 'ServiceMonitor',
    plural: 'servicemonitors',
    scope: 'Namespaced',
    shortNames: ['smon'],
    categories: ['prometheus-operator'],
    versions: [{ name: 'v1', schema: 'monitoring.coreos.com/servicemonitor_v1.json' }],
  },
  {
    group: 'policies.kyverno.io',
    kind: 'ImageValidatingPolicy',
    plural: 'imagevalidatingpolicies',
    scope: 'Cluster',
    shortNames: ['ivpol'],
    categories: ['kyverno'],
    versions: [{ name: 'v1', schema: 'policies.kyverno.io/imagevalidatingpolicy_v1.json' }],
  },
  {
    group: 'kyverno.io',
    kind: 'ClusterPolicy',
    plural: 'clusterpolicies',
    scope: 'Cluster',
    shortNames: ['cpol'],
    categories: ['kyverno'],
    versions: [{
      name: 'v1',
      schema: 'kyverno.io/clusterpolicy_v1.json',
      deprecationWarning: 'kyverno.io/v1 ClusterPolicy is deprecated and will be removed in a future release; migrate to ValidatingPolicy, '
        + 'MutatingPolicy, GeneratingPolicy or ImageValidatingPolicy (policies.kyverno.io), see https://kyverno.io/docs/guides/migration-to-cel/',
    }],
  },
  {
    group: 'policy.sigstore.dev',
    kind: 'ClusterImagePolicy',
    plural: 'clusterimagepolicies',
    scope: 'Cluster',
    shortNames: ['cip'],
    categories: ['all', 'sigstore'],
    versions: [{ name: 'v1beta1', schema: 'policy.sigstore.dev/clusterimagepolicy_v1beta1.json' }],
  },
  {
    group: 'templates.gatekeeper.sh',
    kind: 'ConstraintTemplate',
    plural: 'constrainttemplates',
    scope: 'Cluster',
    versions: [{ name: 'v1', schema: 'templates.gatekeeper.sh/constrainttemplate_v1.json' }],
  },
  {
    group: 'config.ratify.deislabs.io',
    kind: 'Verifier',
    plural: 'verifiers',
    scope: 'Cluster',
    versions: [{ name: 'v1beta1', schema: 'config.ratify.deislabs.io/verifier_v1beta1.json' }],
  },
  {
    group: 'config.ratify.deislabs.io',
    kind: 'KeyManagementProvider',
    plural: 'keymanagementproviders',
    scope: 'Cluster',
    versions: [{ name: 'v1beta1', schema: 'config.ratify.deislabs.io/keymanagementprovider_v1beta1.json' }],
  },
];

/**
 * The catalog's schemas are strict for kubeconform: `additionalProperties: false` on every object, which a
 * CRD's structural schema forbids next to `properties`. The API server is as strict without it: server-side
 * apply refuses any field the schema does not declare.
 */
function structural(schema: any): any {
  if (Array.isArray(schema)) return schema.map(structural);
  if (schema === null || typeof schema !== 'object') return schema;
  const out: any = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === 'additionalProperties' && v === false) continue;
    if (k === 'properties') out[k] = Object.fromEntries(Object.entries(v as object).map(([name, s]) => [name, structural(s)]));
    // These hold data, not schemas.
    else out[k] = ['enum', 'default', 'example', 'required', 'x-kubernetes-list-map-keys'].includes(k) ? v : structural(v);
  }
  return out;
}

function crd(source: CrdSource): any {
  const singular = source.kind.toLowerCase();
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${source.plural}.${source.group}` },
    spec: {
      group: source.group,
      names: {
        kind: source.kind,
        listKind: `${source.kind}List`,
        plural: source.plural,
        singular,
        ...(source.shortNames ? { shortNames: source.shortNames } : {}),
        ...(source.categories ? { categories: source.categories } : {}),
      },
      scope: source.scope,
      versions: source.versions.map((v, i) => ({
        name: v.name,
        served: true,
        storage: i === 0,
        ...(v.deprecationWarning ? { deprecated: true, deprecationWarning: v.deprecationWarning } : {}),
        schema: { openAPIV3Schema: structural(JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'crds', v.schema), 'utf8'))) },
      })),
    },
  };
}

/**
 * The constraint CRD Gatekeeper generates from a ConstraintTemplate (open-policy-agent/frameworks
 * constraint/pkg/client/crds: CreateCRD and CreateSchema): group constraints.gatekeeper.sh, cluster-scoped,
 * plural and singular the lower-cased kind, `spec.match` from Gatekeeper's match schema, `enforcementAction`
 * defaulting to deny, `parameters` the template's own schema.
 */
export function gatekeeperConstraintCrd(template: any): any {
  const kind: string = template.spec.crd.spec.names.kind;
  const plural = kind.toLowerCase();
  const match = JSON.parse(fs.readFileSync(path.join(SCHEMAS, 'gatekeeper', 'constraint-match.json'), 'utf8'));
  const parameters = template.spec.crd.spec.validation?.openAPIV3Schema;
  const schema = {
    type: 'object',
    properties: {
      metadata: { type: 'object', properties: { name: { type: 'string', maxLength: 63 } } },
      spec: {
        type: 'object',
        properties: { match, enforcementAction: { type: 'string', default: 'deny' }, ...(parameters ? { parameters } : {}) },
      },
      status: { 'x-kubernetes-preserve-unknown-fields': true },
    },
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: `${plural}.constraints.gatekeeper.sh`, labels: { 'gatekeeper.sh/constraint': 'yes' } },
    spec: {
      group: 'constraints.gatekeeper.sh',
      names: { kind, listKind: `${kind}List`, plural, singular: plural, categories: ['constraint', 'constraints'] },
      scope: 'Cluster',
      versions: ['v1beta1', 'v1alpha1'].map((name, i) => ({ name, served: true, storage: i === 0, schema: { openAPIV3Schema: schema }, subresources: { status: {} } })),
    },
  };
}

/** The CRDs of every custom kind golden-go emits, plus Gatekeeper's constraint CRD for each template given. */
export function customResourceDefinitions(constraintTemplates: any[]): any[] {
  return [...CRDS.map(crd), ...constraintTemplates.map(gatekeeperConstraintCrd)];
}

/** Deprecation warnings the installed CRDs declare, by `apiVersion kind`: the server sends them on every request for that version. */
export function crdDeprecationWarnings(): Map<string, string> {
  const out = new Map<string, string>();
  for (const c of CRDS) {
    for (const v of c.versions) if (v.deprecationWarning) out.set(`${c.group}/${v.name} ${c.kind}`, v.deprecationWarning);
  }
  return out;
}
