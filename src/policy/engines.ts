// Pure builders: one policy model in, the object props of each admission engine out.
import { ApiObjectProps } from 'cdk8s';
import { GATEKEEPER_KIND, GATEKEEPER_REGO } from './gatekeeper';
import { ImageSigner } from '../publish/image-signer';

/** What every engine's policy says, validated once by ImageSignaturePolicy. */
export interface PolicyModel {
  readonly name: string;
  readonly repository: string;
  readonly imageGlobs: string[];
  readonly signer: ImageSigner;
  readonly enforce: boolean;
  readonly requireTransparencyLog: boolean;
  readonly labels: Record<string, string>;
}

const keyless = (m: PolicyModel) => m.signer.mode === 'keyless';

/** Kyverno `ImageValidatingPolicy` (policies.kyverno.io/v1). */
export function kyvernoImageValidatingPolicy(m: PolicyModel): ApiObjectProps {
  const s = m.signer;
  return {
    apiVersion: 'policies.kyverno.io/v1',
    kind: 'ImageValidatingPolicy',
    metadata: { name: m.name, labels: m.labels },
    spec: {
      validationActions: [m.enforce ? 'Deny' : 'Audit'],
      matchConstraints: { resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['pods'] }] },
      matchImageReferences: m.imageGlobs.map((glob) => ({ glob })),
      attestors: [{
        name: 'golden',
        cosign: {
          ...(keyless(m) ? { keyless: { identities: [{ issuer: s.issuer, subject: s.subject }] } } : { key: { data: s.publicKeyPem } }),
          ...(m.requireTransparencyLog ? {} : { ctlog: { insecureIgnoreTlog: true } }),
        },
      }],
      validationConfigurations: { mutateDigest: true, verifyDigest: true, required: true },
      validations: [{
        expression: 'images.containers.map(image, verifyImageSignatures(image, [attestors.golden])).all(e, e > 0)',
        message: `images from ${m.repository} must be signed by ${s.identity}`,
      }],
    },
  };
}

/** Kyverno legacy `ClusterPolicy` with `verifyImages`. */
export function kyvernoClusterPolicy(m: PolicyModel): ApiObjectProps {
  const s = m.signer;
  const rekor = m.requireTransparencyLog ? {} : { rekor: { ignoreTlog: true } };
  return {
    apiVersion: 'kyverno.io/v1',
    kind: 'ClusterPolicy',
    metadata: { name: `${m.name}-legacy`.slice(0, 63), labels: m.labels },
    spec: {
      background: false,
      webhookTimeoutSeconds: 30,
      rules: [{
        name: 'verify-signature',
        match: { any: [{ resources: { kinds: ['Pod'] } }] },
        verifyImages: [{
          imageReferences: m.imageGlobs,
          failureAction: m.enforce ? 'Enforce' : 'Audit',
          mutateDigest: true,
          verifyDigest: true,
          required: true,
          attestors: [{
            entries: [keyless(m)
              ? { keyless: { issuer: s.issuer, subject: s.subject, ...rekor } }
              : { keys: { publicKeys: s.publicKeyPem, ...rekor } }],
          }],
        }],
      }],
    },
  };
}

/** The Gatekeeper ConstraintTemplate: one per app, shared by every constraint. */
export function gatekeeperTemplate(labels: Record<string, string>): ApiObjectProps {
  const schema = { type: 'object', properties: { repositories: { type: 'array', items: { type: 'string' } } } };
  return {
    apiVersion: 'templates.gatekeeper.sh/v1',
    kind: 'ConstraintTemplate',
    metadata: { name: GATEKEEPER_KIND.toLowerCase(), labels },
    spec: {
      crd: { spec: { names: { kind: GATEKEEPER_KIND }, validation: { openAPIV3Schema: schema } } },
      targets: [{ target: 'admission.k8s.gatekeeper.sh', rego: GATEKEEPER_REGO }],
    },
  };
}

/** The Gatekeeper constraint for the repository. */
export function gatekeeperConstraint(m: PolicyModel): ApiObjectProps {
  return {
    apiVersion: 'constraints.gatekeeper.sh/v1beta1',
    kind: GATEKEEPER_KIND,
    metadata: { name: m.name, labels: m.labels },
    spec: {
      enforcementAction: m.enforce ? 'deny' : 'dryrun',
      match: { kinds: [{ apiGroups: [''], kinds: ['Pod'] }] },
      parameters: { repositories: [m.repository] },
    },
  };
}

const keyProviderName = (m: PolicyModel) => `${m.name}-key`.slice(0, 63);

/** Ratify's inline KeyManagementProvider, for key-based signers only. */
export function ratifyKeyManagementProvider(m: PolicyModel): ApiObjectProps | undefined {
  if (keyless(m)) return undefined;
  return {
    apiVersion: 'config.ratify.deislabs.io/v1beta1',
    kind: 'KeyManagementProvider',
    metadata: { name: keyProviderName(m), labels: m.labels },
    spec: { type: 'inline', parameters: { contentType: 'key', value: m.signer.publicKeyPem } },
  };
}

/** Ratify's cosign Verifier with the trust policy for the repository. */
export function ratifyVerifier(m: PolicyModel): ApiObjectProps {
  const s = m.signer;
  return {
    apiVersion: 'config.ratify.deislabs.io/v1beta1',
    kind: 'Verifier',
    metadata: { name: `${m.name}-cosign`.slice(0, 63), labels: m.labels },
    spec: {
      name: 'cosign',
      artifactTypes: 'application/vnd.dev.cosign.artifact.sig.v1+json',
      parameters: {
        trustPolicies: [{
          name: 'golden',
          version: '1.0.0',
          scopes: [m.repository],
          ...(keyless(m)
            ? { keyless: { certificateIdentity: s.subject, certificateOIDCIssuer: s.issuer } }
            : { keys: [{ provider: keyProviderName(m) }] }),
          tLogVerify: m.requireTransparencyLog,
        }],
      },
    },
  };
}

/** Sigstore policy-controller `ClusterImagePolicy`. */
export function sigstoreClusterImagePolicy(m: PolicyModel): ApiObjectProps {
  const s = m.signer;
  return {
    apiVersion: 'policy.sigstore.dev/v1beta1',
    kind: 'ClusterImagePolicy',
    metadata: { name: m.name, labels: m.labels },
    spec: {
      mode: m.enforce ? 'enforce' : 'warn',
      images: m.imageGlobs.map((glob) => ({ glob })),
      authorities: [keyless(m)
        ? { name: 'golden', keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: s.issuer, subject: s.subject }] } }
        : { name: 'golden', key: { data: s.publicKeyPem, hashAlgorithm: 'sha256' } }],
    },
  };
}

/** A Namespace opted into the policy-controller. */
export function optInNamespace(namespace: string): ApiObjectProps {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'policy.sigstore.dev/include': 'true' } } };
}
