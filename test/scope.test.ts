// Object scope: cdk8s copies a chart's namespace into every ApiObject, and a real API server silently
// drops metadata.namespace from a cluster-scoped object (nothing warns), so a GitOps source carrying it
// never matches the live object. The API server suite (test/e2e/apiserver.e2e.test.ts) checks every
// matrix configuration against the server's discovery; this is the fast guard for every kind golden-go emits.
import { App, Chart, Testing } from 'cdk8s';
import { GoMicroservice, ImageReference, ImageSignaturePolicy, ImageSigner, Monitoring, PolicyEngine, SignatureFormat } from '../src';

// The scope each kind has upstream: the Kubernetes API for built-in kinds, the projects' own CRDs for the
// rest (sources listed in test/schemas/README.md). A kind missing here fails the test, so a new kind is
// classified on purpose rather than by default.
const CLUSTER_SCOPED = new Set([
  'Namespace',
  'ImageValidatingPolicy', // policies.kyverno.io
  'ClusterPolicy', // kyverno.io
  'ClusterImagePolicy', // policy.sigstore.dev
  'ConstraintTemplate', // templates.gatekeeper.sh
  'GoldenGoSignedImages', // constraints.gatekeeper.sh: Gatekeeper creates constraint CRDs cluster-scoped
  'Verifier', // config.ratify.deislabs.io
  'KeyManagementProvider', // config.ratify.deislabs.io
]);
const NAMESPACED = new Set(['Deployment', 'Service', 'ServiceAccount', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'ServiceMonitor']);

const DIGEST = `sha256:${'ab'.repeat(32)}`;
const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n-----END PUBLIC KEY-----';
const KEYLESS = ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main');
const ALL_ENGINES = Object.values(PolicyEngine);
// The one layout every engine verifies (Ratify v1 reads no Sigstore bundles).
const signatureFormat = SignatureFormat.LEGACY;

/** Every kind golden-go can emit: a service with every optional object, and policies for every engine, key and keyless. */
function everything(chartNamespace: string | undefined): any[] {
  const chart = new Chart(Testing.app(), 'c', chartNamespace ? { namespace: chartNamespace } : {});
  const svc = new GoMicroservice(chart, 'orders', {
    image: ImageReference.fromDigest('registry.example.com/acme/orders', DIGEST, '1.4.2'),
    namespace: chartNamespace ? undefined : 'shop',
    signer: KEYLESS,
    autoscaling: { maxReplicas: 4 },
    monitoring: Monitoring.serviceMonitor(),
  });
  ImageSignaturePolicy.forService(chart, 'keyless', svc, { engines: ALL_ENGINES, signatureFormat });
  new ImageSignaturePolicy(chart, 'key', { repository: 'registry.example.com/acme/billing', signer: ImageSigner.publicKey(PEM), engines: ALL_ENGINES, signatureFormat, optInNamespaces: ['billing'] });
  return Testing.synth(chart);
}

describe.each([['a chart with a namespace', 'shop'], ['a chart without one (GoMicroservice sets it)', undefined]])('object scope, %s', (_, chartNamespace) => {
  const manifests = everything(chartNamespace);

  test('every emitted kind has a known scope', () => {
    const unknown = manifests.map((m) => m.kind).filter((k) => !CLUSTER_SCOPED.has(k) && !NAMESPACED.has(k));
    expect(unknown).toEqual([]);
    // The fixture really covers every cluster-scoped kind and every namespaced kind.
    expect(new Set(manifests.map((m) => m.kind))).toEqual(new Set([...CLUSTER_SCOPED, ...NAMESPACED]));
  });

  test('cluster-scoped objects carry no metadata.namespace; namespaced objects carry the service namespace', () => {
    const wrong = manifests
      .map((m) => ({ object: `${m.kind}/${m.metadata.name}`, namespace: m.metadata.namespace, namespaced: NAMESPACED.has(m.kind) }))
      .filter((o) => (o.namespaced ? o.namespace !== 'shop' : o.namespace !== undefined));
    expect(wrong).toEqual([]);
  });
});

test('an ImageSignaturePolicy in a namespaced chart of its own emits no namespace either', () => {
  const chart = new Chart(new App(), 'policies', { namespace: 'platform' });
  new ImageSignaturePolicy(chart, 'p', { repository: 'registry.example.com/acme/orders', signer: ImageSigner.publicKey(PEM), engines: ALL_ENGINES, signatureFormat, optInNamespaces: ['shop'] });
  const namespaced = Testing.synth(chart).filter((m) => 'namespace' in m.metadata).map((m) => `${m.kind}/${m.metadata.name}`);
  expect(namespaced).toEqual([]);
});
