import { ApiObject, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { clusterScopedObject } from './_cluster-scoped';
import { DNS_LABEL, REPOSITORY } from './_constants';
import { GATEKEEPER_KIND, GATEKEEPER_REGO } from './_gatekeeper';
import { invalidValue } from './_rule-error';
import { GoMicroservice } from './go-microservice';
import { ImageSigner } from './image-signer';

/** Admission engines `ImageSignaturePolicy` can emit policies for. */
export enum PolicyEngine {
  /** Kyverno `ImageValidatingPolicy` (policies.kyverno.io/v1, Kyverno 1.18+). */
  KYVERNO = 'kyverno',
  /** Kyverno legacy `ClusterPolicy` with `verifyImages` (deprecated in 1.18, removed in 1.20). */
  KYVERNO_CLUSTER_POLICY = 'kyverno-cluster-policy',
  /** Sigstore policy-controller `ClusterImagePolicy` (policy.sigstore.dev/v1beta1). */
  SIGSTORE = 'sigstore',
  /**
   * OPA Gatekeeper with Ratify (v1) as external data provider: a ConstraintTemplate (once per chart), a
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
  public static forService(scope: Construct, id: string, service: GoMicroservice, options: ServiceSignaturePolicyOptions = {}): ImageSignaturePolicy {
    if (!service.signer) {
      throw new Error(`signer: GoMicroservice ${service.node.path} records no signer; set its signer prop so the policy and the pod annotations agree (R14)`);
    }
    return new ImageSignaturePolicy(scope, id, {
      repository: service.image.repository,
      signer: service.signer,
      name: `${service.namespace}-${service.name}-signed`,
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
    if (!REPOSITORY.test(props.repository)) {
      throw invalidValue('repository', props.repository, 'an image repository without tag or digest, such as "registry.example.com/team/service"');
    }
    const engines = props.engines ?? [PolicyEngine.KYVERNO, PolicyEngine.SIGSTORE];
    if (engines.length === 0 || new Set(engines).size !== engines.length) throw invalidValue('engines', engines, 'one or more distinct PolicyEngine values');
    const mode = props.mode ?? PolicyMode.ENFORCE;
    const name = props.name ?? `signed-${props.repository.replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}`.slice(0, 63).replace(/-$/, '');
    if (!/^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/.test(name) || name.length > 253) throw invalidValue('name', name, 'a DNS subdomain name');
    const tlog = props.requireTransparencyLog ?? true;
    this.imageGlobs = [`${props.repository}:*`, `${props.repository}@*`];
    const s = props.signer;
    const labels = { 'app.kubernetes.io/managed-by': 'golden-go', 'app.kubernetes.io/component': 'image-signature-policy' };
    const keyless = s.mode === 'keyless';

    if (engines.includes(PolicyEngine.KYVERNO)) {
      this.policies.push(clusterScopedObject(this, 'KyvernoImageValidatingPolicy', {
        apiVersion: 'policies.kyverno.io/v1',
        kind: 'ImageValidatingPolicy',
        metadata: { name, labels },
        spec: {
          validationActions: [mode === PolicyMode.ENFORCE ? 'Deny' : 'Audit'],
          matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
          matchImageReferences: this.imageGlobs.map((glob) => ({ glob })),
          attestors: [{
            name: 'golden',
            cosign: {
              ...(keyless ? { keyless: { identities: [{ issuer: s.issuer, subject: s.subject }] } } : { key: { data: s.publicKeyPem } }),
              ...(tlog ? {} : { ctlog: { insecureIgnoreTlog: true } }),
            },
          }],
          validationConfigurations: { mutateDigest: true, verifyDigest: true, required: true },
          validations: [{
            expression: 'images.containers.map(image, verifyImageSignatures(image, [attestors.golden])).all(e, e > 0)',
            message: `images from ${props.repository} must be signed by ${s.identity}`,
          }],
        },
      }));
    }

    if (engines.includes(PolicyEngine.KYVERNO_CLUSTER_POLICY)) {
      this.policies.push(clusterScopedObject(this, 'KyvernoClusterPolicy', {
        apiVersion: 'kyverno.io/v1',
        kind: 'ClusterPolicy',
        metadata: { name: `${name}-legacy`.slice(0, 63), labels },
        spec: {
          background: false,
          webhookTimeoutSeconds: 30,
          rules: [{
            name: 'verify-signature',
            match: { any: [{ resources: { kinds: ['Pod'] } }] },
            verifyImages: [{
              imageReferences: this.imageGlobs,
              failureAction: mode === PolicyMode.ENFORCE ? 'Enforce' : 'Audit',
              mutateDigest: true,
              verifyDigest: true,
              required: true,
              attestors: [{
                entries: [keyless
                  ? { keyless: { issuer: s.issuer, subject: s.subject, ...(tlog ? {} : { rekor: { ignoreTlog: true } }) } }
                  : { keys: { publicKeys: s.publicKeyPem, ...(tlog ? {} : { rekor: { ignoreTlog: true } }) } }],
              }],
            }],
          }],
        },
      }));
    }

    if (engines.includes(PolicyEngine.GATEKEEPER_RATIFY)) {
      // One template serves every policy of the chart: two objects with one name would collide.
      const chart = Chart.of(this);
      if (!chart.node.tryFindChild('GoldenGoGatekeeperTemplate')) {
        clusterScopedObject(chart, 'GoldenGoGatekeeperTemplate', {
          apiVersion: 'templates.gatekeeper.sh/v1',
          kind: 'ConstraintTemplate',
          metadata: { name: GATEKEEPER_KIND.toLowerCase(), labels },
          spec: {
            crd: { spec: { names: { kind: GATEKEEPER_KIND }, validation: { openAPIV3Schema: { type: 'object', properties: { repositories: { type: 'array', items: { type: 'string' } } } } } } },
            targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: GATEKEEPER_REGO }],
          },
        });
      }
      this.policies.push(clusterScopedObject(this, 'GatekeeperConstraint', {
        apiVersion: 'constraints.gatekeeper.sh/v1beta1',
        kind: GATEKEEPER_KIND,
        metadata: { name, labels },
        spec: {
          enforcementAction: mode === PolicyMode.ENFORCE ? 'deny' : 'dryrun',
          match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] },
          parameters: { repositories: [props.repository] },
        },
      }));
      const kmp = `${name}-key`.slice(0, 63);
      if (!keyless) {
        clusterScopedObject(this, 'RatifyKeyManagementProvider', {
          apiVersion: 'config.ratify.deislabs.io/v1beta1',
          kind: 'KeyManagementProvider',
          metadata: { name: kmp, labels },
          spec: { type: 'inline', parameters: { contentType: 'key', value: s.publicKeyPem } },
        });
      }
      this.policies.push(clusterScopedObject(this, 'RatifyVerifier', {
        apiVersion: 'config.ratify.deislabs.io/v1beta1',
        kind: 'Verifier',
        metadata: { name: `${name}-cosign`.slice(0, 63), labels },
        spec: {
          name: 'cosign',
          artifactTypes: 'application/vnd.dev.cosign.artifact.sig.v1+json',
          parameters: {
            trustPolicies: [{
              name: 'golden',
              version: '1.0.0',
              scopes: [props.repository],
              ...(keyless ? { keyless: { certificateIdentity: s.subject, certificateOIDCIssuer: s.issuer } } : { keys: [{ provider: kmp }] }),
              tLogVerify: tlog,
            }],
          },
        },
      }));
    }

    if (engines.includes(PolicyEngine.SIGSTORE)) {
      this.policies.push(clusterScopedObject(this, 'SigstoreClusterImagePolicy', {
        apiVersion: 'policy.sigstore.dev/v1beta1',
        kind: 'ClusterImagePolicy',
        metadata: { name, labels },
        spec: {
          mode: mode === PolicyMode.ENFORCE ? 'enforce' : 'warn',
          images: this.imageGlobs.map((glob) => ({ glob })),
          authorities: [keyless
            ? { name: 'golden', keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: s.issuer, subject: s.subject }] } }
            : { name: 'golden', key: { data: s.publicKeyPem, hashAlgorithm: 'sha256' } }],
        },
      }));
      for (const ns of props.optInNamespaces ?? []) {
        if (!DNS_LABEL.test(ns)) throw invalidValue('optInNamespaces', ns, 'namespace names');
        clusterScopedObject(this, `Namespace-${ns}`, {
          apiVersion: 'v1',
          kind: 'Namespace',
          metadata: { name: ns, labels: { 'policy.sigstore.dev/include': 'true' } },
        });
      }
    }
  }
}
