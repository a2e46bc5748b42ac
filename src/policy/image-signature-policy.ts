import { createHash } from 'crypto';
import { ApiObject, ApiObjectProps, Chart } from 'cdk8s';
import { Construct, IConstruct } from 'constructs';
import { appSingleton, clusterScopedObject } from './cluster-scoped';
import {
  gatekeeperConstraint, gatekeeperTemplate, kyvernoClusterPolicy, kyvernoImageValidatingPolicy, optInNamespace, PolicyModel,
  ratifyKeyManagementProvider, ratifyVerifier, sigstoreClusterImagePolicy,
} from './engines';
import { DNS_LABEL, REPOSITORY } from '../core/constants';
import { invalidValue } from '../core/errors';
import { ImageReference } from '../image/image-reference';
import { ImageSigner } from '../publish/image-signer';
import { checkSignatureFormat, SignatureFormat, signatureFormats } from '../publish/signature-format';

/** Admission engines `ImageSignaturePolicy` can emit policies for. */
export enum PolicyEngine {
  /** Kyverno `ImageValidatingPolicy` (policies.kyverno.io/v1, Kyverno 1.18+). */
  KYVERNO = 'kyverno',
  /** Kyverno legacy `ClusterPolicy` with `verifyImages` (deprecated in 1.18, removed in 1.20). */
  KYVERNO_CLUSTER_POLICY = 'kyverno-cluster-policy',
  /** Sigstore policy-controller `ClusterImagePolicy` (policy.sigstore.dev/v1beta1). */
  SIGSTORE = 'sigstore',
  /**
   * OPA Gatekeeper with Ratify (v1) as external data provider: a ConstraintTemplate (once per app), a
   * constraint for the repository, and Ratify's cosign Verifier (plus an inline KeyManagementProvider for keys).
   */
  GATEKEEPER_RATIFY = 'gatekeeper-ratify',
}

/** What happens to a pod whose image is not signed as expected. */
export enum PolicyMode {
  /** The pod is rejected. */
  ENFORCE = 'enforce',
  /** The pod is admitted and the violation reported. */
  AUDIT = 'audit',
}

/** Props of `ImageSignaturePolicy`. */
export interface ImageSignaturePolicyProps {
  /** Image repository the policy covers, such as `registry.example.com/team/service` (every tag and digest of it). */
  readonly repository: string;
  /** Who must have signed the images. */
  readonly signer: ImageSigner;
  /**
   * Engines to emit policies for.
   * @default [PolicyEngine.KYVERNO, PolicyEngine.SIGSTORE]
   */
  readonly engines?: PolicyEngine[];
  /**
   * Enforce or audit.
   * @default PolicyMode.ENFORCE
   */
  readonly mode?: PolicyMode;
  /**
   * Name of the cluster-scoped policy objects.
   * @default - derived from the repository
   */
  readonly name?: string;
  /**
   * Namespaces to label `policy.sigstore.dev/include=true`, the policy-controller's opt-in: a Namespace
   * object with the label is emitted for each (when the sigstore engine is used).
   * @default - none
   */
  readonly optInNamespaces?: string[];
  /**
   * Require an entry in the Rekor transparency log. Turn off only for key-based signatures made with
   * `--tlog-upload=false` (air-gapped registries); Kyverno then sets `ctlog.insecureIgnoreTlog`.
   * The policy-controller's ClusterImagePolicy has no such switch.
   * @default true
   */
  readonly requireTransparencyLog?: boolean;
  /**
   * The layout `golden-go publish` signed in (its `--signature-format`): Sigstore bundles as OCI
   * referrers (cosign v3), the legacy `.sig` tag, or either during a migration. Engines that cannot
   * verify a format are refused at synth: Gatekeeper + Ratify (v1) reads only the legacy layout, the
   * policy-controller (v0.15) verifies bundles only for keyless signers, and a Kyverno ClusterPolicy
   * checks one layout per rule.
   * @default SignatureFormat.BUNDLE
   */
  readonly signatureFormat?: SignatureFormat;
}

/**
 * What `ImageSignaturePolicy.forService` reads of a service: its image and expected signer.
 * `GoMicroservice` implements it (the policy layer does not depend on the service layer).
 */
export interface ISignedService extends IConstruct {
  /** The image the service runs. */
  readonly image: ImageReference;
  /** The expected signer, when recorded. */
  readonly signer?: ImageSigner;
  /** Namespace of the service. */
  readonly namespace: string;
  /** Name of the service. */
  readonly name: string;
}

/** Options of `ImageSignaturePolicy.forService`. */
export interface ServiceSignaturePolicyOptions {
  /**
   * Engines to emit policies for.
   * @default [PolicyEngine.KYVERNO, PolicyEngine.SIGSTORE]
   */
  readonly engines?: PolicyEngine[];
  /**
   * Enforce or audit.
   * @default PolicyMode.ENFORCE
   */
  readonly mode?: PolicyMode;
  /**
   * Require a transparency log entry.
   * @default true
   */
  readonly requireTransparencyLog?: boolean;
  /**
   * The layout the image was signed in.
   * @default SignatureFormat.BUNDLE
   */
  readonly signatureFormat?: SignatureFormat;
}


/**
 * Admission policies that reject pods whose image from `repository` is not signed by `signer`
 * (rule R14), for Kyverno and the Sigstore policy-controller. The globs cover `repository:<tag>…` and
 * `repository@<digest>` and nothing else (not `repository-other`).
 */
export class ImageSignaturePolicy extends Construct {
  /**
   * The policy for a service's image and its recorded signer, so the pod annotations (R14) and the
   * policy cannot disagree.
   */
  public static forService(scope: Construct, id: string, service: ISignedService, options: ServiceSignaturePolicyOptions = {}): ImageSignaturePolicy {
    if (!service.signer) {
      throw new Error(`signer: GoMicroservice ${service.node.path} records no signer; set its signer prop so the policy and the pod annotations agree (R14)`);
    }
    return new ImageSignaturePolicy(scope, id, {
      repository: service.image.repository,
      signer: service.signer,
      name: fitName(`${service.namespace}-${service.name}-signed`),
      optInNamespaces: [service.namespace],
      ...options,
    });
  }

  /** The globs the policies match. */
  public readonly imageGlobs: string[];
  /** The emitted policy objects. */
  public readonly policies: ApiObject[] = [];

  constructor(scope: Construct, id: string, props: ImageSignaturePolicyProps) {
    super(scope, id);
    const engines = props.engines ?? [PolicyEngine.KYVERNO, PolicyEngine.SIGSTORE];
    const m = policyModel(props, engines);
    this.imageGlobs = m.imageGlobs;
    const emit = (objectId: string, object: ApiObjectProps) => this.policies.push(clusterScopedObject(this, objectId, object));
    if (engines.includes(PolicyEngine.KYVERNO)) emit('KyvernoImageValidatingPolicy', kyvernoImageValidatingPolicy(m));
    if (engines.includes(PolicyEngine.KYVERNO_CLUSTER_POLICY)) emit('KyvernoClusterPolicy', kyvernoClusterPolicy(m));
    if (engines.includes(PolicyEngine.GATEKEEPER_RATIFY)) {
      // One template serves every policy of the app: two objects with one name would collide.
      const chart = Chart.of(this);
      appSingleton(this, 'ConstraintTemplate', () => clusterScopedObject(chart, 'GoldenGoGatekeeperTemplate', gatekeeperTemplate(m.labels)));
      emit('GatekeeperConstraint', gatekeeperConstraint(m));
      const keyProvider = ratifyKeyManagementProvider(m);
      if (keyProvider) clusterScopedObject(this, 'RatifyKeyManagementProvider', keyProvider);
      emit('RatifyVerifier', ratifyVerifier(m));
    }
    if (engines.includes(PolicyEngine.SIGSTORE)) {
      emit('SigstoreClusterImagePolicy', sigstoreClusterImagePolicy(m));
      for (const ns of props.optInNamespaces ?? []) {
        if (!DNS_LABEL.test(ns)) throw invalidValue('optInNamespaces', ns, 'namespace names');
        appSingleton(this, `Namespace/${ns}`, () => clusterScopedObject(this, `Namespace-${ns}`, optInNamespace(ns)));
      }
    }
  }
}

const MAX_CONSTRAINT_NAME = 63;

/**
 * A derived policy name that fits every engine: names over 63 characters keep a readable prefix and
 * end in a hash of the whole, so two long service names still get distinct policies.
 */
function fitName(name: string): string {
  if (name.length <= MAX_CONSTRAINT_NAME) return name;
  const hash = createHash('sha256').update(name).digest('hex').slice(0, 8);
  return `${name.slice(0, MAX_CONSTRAINT_NAME - hash.length - 1).replace(/[-.]+$/, '')}-${hash}`;
}

/** Validates the props once: what every engine's policy says. */
function policyModel(props: ImageSignaturePolicyProps, engines: PolicyEngine[]): PolicyModel {
  if (!REPOSITORY.test(props.repository)) {
    throw invalidValue('repository', props.repository, 'an image repository without tag or digest, such as "registry.example.com/team/service"');
  }
  if (engines.length === 0 || new Set(engines).size !== engines.length) throw invalidValue('engines', engines, 'one or more distinct PolicyEngine values');
  const name = props.name ?? `signed-${props.repository.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 63).replace(/-$/, '');
  if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) throw invalidValue('name', name, 'a DNS subdomain name');
  // Gatekeeper's constraint CRD caps metadata.name at 63 characters: a longer one is refused at apply time.
  if (engines.includes(PolicyEngine.GATEKEEPER_RATIFY) && name.length > MAX_CONSTRAINT_NAME) {
    throw invalidValue('name', name, `at most ${MAX_CONSTRAINT_NAME} characters with PolicyEngine.GATEKEEPER_RATIFY (a Gatekeeper constraint name)`);
  }
  return {
    name,
    repository: props.repository,
    imageGlobs: [`${props.repository}:*`, `${props.repository}@*`],
    signer: props.signer,
    enforce: (props.mode ?? PolicyMode.ENFORCE) === PolicyMode.ENFORCE,
    requireTransparencyLog: props.requireTransparencyLog ?? true,
    formats: verifiableFormats(props.signatureFormat ?? SignatureFormat.BUNDLE, props.signer, engines),
    labels: { 'app.kubernetes.io/managed-by': 'golden-go', 'app.kubernetes.io/component': 'image-signature-policy' },
  };
}

/** The formats of `signatureFormat`, refused where an engine could never admit an image signed that way. */
function verifiableFormats(format: SignatureFormat, signer: ImageSigner, engines: PolicyEngine[]): SignatureFormat[] {
  const formats = signatureFormats(checkSignatureFormat(format, 'signatureFormat'));
  const refuse = (engine: string, why: string) => new Error(`signatureFormat: ${JSON.stringify(format)} cannot be verified by ${engine}: ${why}`);
  if (engines.includes(PolicyEngine.GATEKEEPER_RATIFY) && formats.includes(SignatureFormat.BUNDLE)) {
    throw refuse('PolicyEngine.GATEKEEPER_RATIFY', 'Ratify v1\'s cosign verifier reads only the legacy .sig layout; sign and verify with SignatureFormat.LEGACY');
  }
  if (engines.includes(PolicyEngine.SIGSTORE) && signer.mode === 'key' && formats.includes(SignatureFormat.BUNDLE)) {
    throw refuse('PolicyEngine.SIGSTORE with a key', 'the policy-controller (v0.15) verifies Sigstore bundles only for keyless authorities; use SignatureFormat.LEGACY, a keyless signer, or PolicyEngine.KYVERNO');
  }
  if (engines.includes(PolicyEngine.KYVERNO_CLUSTER_POLICY) && formats.length > 1) {
    throw refuse('PolicyEngine.KYVERNO_CLUSTER_POLICY', 'a verifyImages rule checks one layout (type Cosign or SigstoreBundle) and every rule must pass; dual-sign with publish and pick one here, or use PolicyEngine.KYVERNO');
  }
  return formats;
}
