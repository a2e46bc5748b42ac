// Pure builders: one policy model in, the object props of each admission engine out.
import { ApiObjectProps } from 'cdk8s';
import { GATEKEEPER_KIND, GATEKEEPER_REGO } from './gatekeeper';
import { ImageSigner } from '../publish/image-signer';
import { SignatureFormat } from '../publish/signature-format';

/** What every engine's policy says, validated once by ImageSignaturePolicy. */
export interface PolicyModel {
  readonly name: string;
  readonly repository: string;
  readonly imageGlobs: string[];
  readonly signer: ImageSigner;
  readonly enforce: boolean;
  readonly requireTransparencyLog: boolean;
  /** The layouts an image may be signed in (one, or both during a migration), bundle first. */
  readonly formats: SignatureFormat[];
  readonly labels: Record<string, string>;
}

const keyless = (m: PolicyModel) => m.signer.mode === 'keyless';

/**
 * Kyverno `ImageValidatingPolicy` (policies.kyverno.io/v1). It has no format field: Kyverno (1.19,
 * `pkg/image/verifiers/ivpol/cosign`) looks for Sigstore bundles among the image's referrers first and
 * verifies the legacy `.sig` tag only when it finds none, so one attestor serves both layouts.
 */
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
  // A key signature made without Rekor has no observer timestamp; Kyverno's bundle verifier demands one
  // (and fetches the public-good trusted root) unless SCTs are ignored too. A key has no SCT anyway.
  const keyWithoutTlog = m.requireTransparencyLog ? {} : { ctlog: { ignoreSCT: true } };
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
          // One type per rule, and the rules of a policy must all pass: a migration dual-signs instead.
          type: m.formats[0] === SignatureFormat.BUNDLE ? 'SigstoreBundle' : 'Cosign',
          failureAction: m.enforce ? 'Enforce' : 'Audit',
          mutateDigest: true,
          verifyDigest: true,
          required: true,
          attestors: [{
            entries: [keyless(m)
              ? { keyless: { issuer: s.issuer, subject: s.subject, ...rekor } }
              : { keys: { publicKeys: s.publicKeyPem, ...rekor, ...keyWithoutTlog } }],
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
      // Any authority of a policy may pass: one per accepted format.
      authorities: m.formats.map((format) => ({
        name: m.formats.length > 1 ? `golden-${format}` : 'golden',
        ...(keyless(m)
          ? { keyless: { url: 'https://fulcio.sigstore.dev', identities: [{ issuer: s.issuer, subject: s.subject }] } }
          : { key: { data: s.publicKeyPem, hashAlgorithm: 'sha256' } }),
        signatureFormat: format,
      })),
    },
  };
}

/** A Namespace opted into the policy-controller. */
export function optInNamespace(namespace: string): ApiObjectProps {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace, labels: { 'policy.sigstore.dev/include': 'true' } } };
}
