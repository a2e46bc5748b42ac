import { Chart, Testing } from 'cdk8s';
import { ImageSignaturePolicy, ImageSigner, PolicyEngine, SignatureFormat } from '../src';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA==\n-----END PUBLIC KEY-----';
const CLUSTER_SCOPED = new Set(['Namespace', 'ClusterImagePolicy', 'ClusterPolicy', 'ImageValidatingPolicy', 'ConstraintTemplate',
  'GoldenGoSignedImages', 'Verifier', 'KeyManagementProvider']);

describe('cluster-scoped policy objects in a namespaced chart', () => {
  test('carry no metadata.namespace, for every engine', () => {
    // GIVEN a chart with a namespace (cdk8s copies it into every ApiObject)
    const chart = new Chart(Testing.app(), 'policies', { namespace: 'shop' });
    // WHEN every engine emits its objects, keyless and with a key
    const all = [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY, PolicyEngine.SIGSTORE, PolicyEngine.GATEKEEPER_RATIFY];
    new ImageSignaturePolicy(chart, 'keyed', { repository: 'registry.example.com/acme/orders', signer: ImageSigner.publicKey(PEM), engines: all, signatureFormat: SignatureFormat.LEGACY, optInNamespaces: ['shop'] });
    new ImageSignaturePolicy(chart, 'keyless', {
      repository: 'registry.example.com/acme/billing',
      signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/billing/.github/workflows/release.yml@refs/heads/main'),
      engines: all,
      signatureFormat: SignatureFormat.LEGACY,
    });
    const objects = chart.toJson();
    // THEN every object is cluster-scoped and none names a namespace
    expect(new Set(objects.map((o: any) => o.kind))).toEqual(CLUSTER_SCOPED);
    expect(objects.filter((o: any) => o.metadata.namespace !== undefined).map((o: any) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
  });
});

describe('app-wide singletons', () => {
  test('two charts get one ConstraintTemplate and one opted-in Namespace between them', () => {
    // GIVEN two charts of one app, each with a policy for the same namespace
    const app = Testing.app();
    const engines = [PolicyEngine.GATEKEEPER_RATIFY, PolicyEngine.SIGSTORE];
    const signer = ImageSigner.publicKey(PEM);
    const signatureFormat = SignatureFormat.LEGACY;
    new ImageSignaturePolicy(new Chart(app, 'orders', { namespace: 'shop' }), 'p', { repository: 'registry.example.com/acme/orders', signer, engines, signatureFormat, optInNamespaces: ['shop'] });
    new ImageSignaturePolicy(new Chart(app, 'billing', { namespace: 'shop' }), 'p', { repository: 'registry.example.com/acme/billing', signer, engines, signatureFormat, optInNamespaces: ['shop'] });
    // WHEN the app is synthesized
    const objects = app.charts.flatMap((c) => c.toJson());
    // THEN the singletons exist once, and every chart keeps its own constraint
    const count = (kind: string) => objects.filter((o: any) => o.kind === kind).length;
    expect([count('ConstraintTemplate'), count('Namespace'), count('GoldenGoSignedImages'), count('ClusterImagePolicy')]).toEqual([1, 1, 2, 2]);
  });
});
