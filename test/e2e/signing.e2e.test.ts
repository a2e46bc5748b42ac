// Signed images end to end, all on loopback, with cosign v3: golden-go publish builds the example
// twice, pushes both to a local registry (Debian's docker-registry, distribution 2.8), catalogs each
// with syft and attests the SPDX and CycloneDX SBOMs, and signs one in the default Sigstore-bundle
// layout and one in the legacy `.sig` layout. Each engine's generated policy is turned back into the
// cosign parameters it stands for (key, transparency log, layout) and must admit exactly the image
// signed its way: not the other layout, an unsigned image or another key.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, Testing, YamlOutputType } from 'cdk8s';
import { testWith } from './checkers';
import { EPOCH, localBaseImages, REPO_ROOT, requireContainerTools, sh, startRegistry, tmpDir, toolsBin, withOverrides } from './containers';
import { HelloServiceChart } from '../../examples/hello-service';
import { HardenedGoImage, ImageReference, ImageSignaturePolicy, ImageSigner, PolicyEngine, SignatureFormat } from '../../src';
import { main } from '../../src/cli/cli';

jest.setTimeout(1_800_000);

const bin = toolsBin();
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, COSIGN_PASSWORD: '', COSIGN_YES: 'true' };
const BUNDLE_MEDIA_TYPE = 'application/vnd.dev.sigstore.bundle.v0.3+json';
let registry: { host: string; stop: () => void };
let keys: string;
let otherKeys: string;

interface Published {
  readonly record: {
    repository: string; tag: string; digest: string; sbomTool: string; signatureFormat: string; signatureLocations: string[]; attestations: string[];
  };
  readonly dir: string;
  readonly pinned: string;
}
let bundled: Published;
let legacy: Published;
let unsigned: string;

function cosign(...args: string[]): { status: number; out: string } {
  const r = spawnSync(path.join(bin, 'cosign'), args, { encoding: 'utf8', env, cwd: keys });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}
const local = ['--allow-http-registry', '--allow-insecure-registry'];

/** `golden-go publish` of the example at `version`, signed in `format` with the local key, no Rekor. */
function publishHello(version: string, format: SignatureFormat, runtimeImage = localBaseImages().runtime): Published {
  const bases = localBaseImages();
  const dir = tmpDir(`publish-${format}`);
  new HardenedGoImage(new App(), 'image', {
    name: 'hello-service',
    version,
    commit: 'e2e',
    sourceDateEpoch: EPOCH,
    sourceUrl: 'https://github.com/golden-go/golden-go',
    imageName: 'registry.example.com/golden-go/hello-service',
    context: path.join(REPO_ROOT, 'examples', 'hello-service'),
    dockerfileDir: dir,
  }).writeFiles(dir);
  const oldPath = process.env.PATH;
  process.env.PATH = env.PATH;
  let out = '';
  let err = '';
  try {
    const code = main(['publish', '--image-json', path.join(dir, 'image.json'), '--repository', `${registry.host}/golden-go/hello-service`,
      '--key', path.join(keys, 'cosign.key'), '--insecure-registry', '--no-tlog', '--signature-format', format,
      '--record', path.join(dir, 'image.lock.json'), '--sbom', path.join(dir, 'sbom.spdx.json'), '--cyclonedx', path.join(dir, 'sbom.cdx.json'),
      '--build-arg', `BUILDER_IMAGE=${bases.builder}`, '--build-arg', `RUNTIME_IMAGE=${runtimeImage}`, '--build-arg', 'RUNTIME_IMAGE_DIGEST=', '--build-arg', 'GOPROXY=off'],
    (s) => { out += s; }, (s) => { err += s; });
    if (code !== 0) throw new Error(`golden-go publish failed:\n${err}`);
  } finally {
    process.env.PATH = oldPath;
  }
  const record = JSON.parse(fs.readFileSync(path.join(dir, 'image.lock.json'), 'utf8'));
  expect(out.trim()).toBe(`${record.repository}:${version}@${record.digest}`);
  return { record, dir, pinned: `${record.repository}@${record.digest}` };
}

/** A registry API call on the local registry: status and JSON body. */
async function registryGet(p: string, accept = 'application/vnd.oci.image.index.v1+json'): Promise<{ status: number; body: any }> {
  const res = await fetch(`http://${registry.host}/v2/golden-go/hello-service/${p}`, { headers: { Accept: accept } });
  const text = await res.text();
  return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}
const referrersTag = (digest: string) => digest.replace(':', '-');

/** The bundles among the image's referrers, through the referrers tag (the registry has no referrers API). */
async function bundleReferrers(digest: string): Promise<any[]> {
  const index = await registryGet(`manifests/${referrersTag(digest)}`);
  return index.status === 200 ? index.body.manifests.filter((m: any) => m.artifactType === BUNDLE_MEDIA_TYPE) : [];
}

beforeAll(async () => {
  requireContainerTools();
  registry = await startRegistry();
  keys = tmpDir('cosign');
  otherKeys = tmpDir('other-key');
  expect(cosign('generate-key-pair').status).toBe(0);
  expect(spawnSync(path.join(bin, 'cosign'), ['generate-key-pair'], { env, cwd: otherKeys }).status).toBe(0);
  bundled = publishHello('1.0.0', SignatureFormat.BUNDLE);
  legacy = publishHello('1.0.1', SignatureFormat.LEGACY);

  // A third build, pushed but never signed.
  const bases = localBaseImages();
  const other = new HardenedGoImage(new App(), 'unsigned', {
    name: 'hello-service', version: '1.0.2-unsigned', sourceDateEpoch: EPOCH, context: path.join(REPO_ROOT, 'examples', 'hello-service'), dockerfileDir: tmpDir('unsigned'),
  });
  other.writeFiles(other.props.dockerfileDir!);
  sh('buildah', withOverrides(other.buildahCommand, { BUILDER_IMAGE: bases.builder, RUNTIME_IMAGE: bases.runtime, RUNTIME_IMAGE_DIGEST: '', GOPROXY: 'off' }, 'localhost/golden-go-e2e/hello-unsigned:test'));
  const digestFile = path.join(tmpDir('unsigned-digest'), 'd');
  sh('podman', ['push', '-q', '--tls-verify=false', '--digestfile', digestFile, 'localhost/golden-go-e2e/hello-unsigned:test', `${registry.host}/golden-go/hello-service:unsigned`]);
  unsigned = `${registry.host}/golden-go/hello-service@${fs.readFileSync(digestFile, 'utf8').trim()}`;
});

afterAll(() => registry?.stop());

test('the Deployment pins the digest the pipeline pushed and signed', () => {
  const dir = tmpDir('signed-manifests');
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  new HelloServiceChart(app, 'hello-service', { image: ImageReference.fromBuildRecord(path.join(bundled.dir, 'image.lock.json')) });
  app.synth();
  const deployed = /image: (\S+)/.exec(fs.readFileSync(path.join(dir, 'Deployment.hello-service.yaml'), 'utf8'))![1];
  expect(deployed).toBe(`${registry.host}/golden-go/hello-service:1.0.0@${bundled.record.digest}`);
  expect(bundled.record.signatureFormat).toBe('bundle');
  expect(legacy.record.signatureFormat).toBe('legacy');
});

test('bundle layout: the registry has no referrers API, so the bundles sit in the sha256-<hex> referrers tag; no .sig/.att tags', async () => {
  // Debian's docker-registry (distribution 2.8) predates OCI 1.1: the referrers endpoint is unknown.
  expect((await registryGet(`referrers/${bundled.record.digest}`)).status).toBe(404);
  const tags: string[] = (await registryGet('tags/list', 'application/json')).body.tags;
  const tag = referrersTag(bundled.record.digest);
  expect(tags).toContain(tag);
  expect(tags).not.toContain(`${tag}.sig`);
  expect(tags).not.toContain(`${tag}.att`);
  // The record names that tag as where the signatures are, and the attested predicate types.
  expect(bundled.record.signatureLocations).toEqual([expect.stringContaining(`(or the tag ${bundled.record.repository}:${tag} without the referrers API)`)]);
  expect(bundled.record.attestations).toEqual(['spdxjson', 'cyclonedx']);
  // The signature and the two SBOM attestations, each a bundle whose manifest names the image as subject.
  const bundles = await bundleReferrers(bundled.record.digest);
  expect(bundles).toHaveLength(3);
  for (const b of bundles) {
    const manifest = (await registryGet(`manifests/${b.digest}`, 'application/vnd.oci.image.manifest.v1+json')).body;
    expect(manifest.subject.digest).toBe(bundled.record.digest);
    expect(manifest.layers[0].mediaType).toBe(BUNDLE_MEDIA_TYPE);
  }
});

test('legacy layout: .sig and .att tags, no referrers tag', async () => {
  const tags: string[] = (await registryGet('tags/list', 'application/json')).body.tags;
  const tag = referrersTag(legacy.record.digest);
  expect(tags).toEqual(expect.arrayContaining([`${tag}.sig`, `${tag}.att`]));
  expect(tags).not.toContain(tag);
  // The record's locations are exactly those tags.
  expect(legacy.record.signatureLocations).toEqual([`${legacy.record.repository}:${tag}.sig`, `${legacy.record.repository}:${tag}.att`]);
  expect(await bundleReferrers(legacy.record.digest)).toEqual([]);
});

/** What a policy verifies, in cosign's terms. `auto`: bundles if the image has any, else the legacy tag (cosign's and Kyverno's ImageValidatingPolicy's rule). */
interface CosignCheck {
  readonly engine: string;
  readonly publicKeyPem: string;
  readonly ignoreTlog: boolean;
  readonly layout: 'bundle' | 'legacy' | 'auto';
}

/** The cosign parameters each engine's generated objects hold, read back from the synthesized objects. */
function checksOf(manifests: any[]): CosignCheck[] {
  const checks: CosignCheck[] = [];
  for (const m of manifests) {
    if (m.kind === 'ImageValidatingPolicy') {
      const c = m.spec.attestors[0].cosign;
      checks.push({ engine: 'kyverno ImageValidatingPolicy', publicKeyPem: c.key.data, ignoreTlog: c.ctlog?.insecureIgnoreTlog === true, layout: 'auto' });
    }
    if (m.kind === 'ClusterPolicy') {
      const rule = m.spec.rules[0].verifyImages[0];
      const k = rule.attestors[0].entries[0].keys;
      checks.push({ engine: `kyverno ClusterPolicy type ${rule.type}`, publicKeyPem: k.publicKeys, ignoreTlog: k.rekor?.ignoreTlog === true, layout: rule.type === 'SigstoreBundle' ? 'bundle' : 'legacy' });
    }
    if (m.kind === 'ClusterImagePolicy') {
      // A key authority without ctlog skips the transparency log (policy-controller's rekorClientAndKeysFromAuthority).
      for (const a of m.spec.authorities) checks.push({ engine: `sigstore authority signatureFormat ${a.signatureFormat}`, publicKeyPem: a.key.data, ignoreTlog: !a.ctlog, layout: a.signatureFormat });
    }
    if (m.kind === 'Verifier') {
      const policy = m.spec.parameters.trustPolicies[0];
      const provider = manifests.find((o) => o.kind === 'KeyManagementProvider' && o.metadata.name === policy.keys[0].provider);
      expect(m.spec.artifactTypes).toBe('application/vnd.dev.cosign.artifact.sig.v1+json');
      checks.push({ engine: 'ratify cosign verifier', publicKeyPem: provider.spec.parameters.value, ignoreTlog: policy.tLogVerify === false, layout: 'legacy' });
    }
  }
  return checks;
}

/** Runs cosign verify with exactly the check's parameters; a `bundle` check also requires that a bundle (not a legacy signature) verified. */
function admits(check: CosignCheck, image: string): boolean {
  const keyFile = path.join(tmpDir('policy-key'), 'key.pub');
  fs.writeFileSync(keyFile, check.publicKeyPem);
  const r = cosign('verify', '--key', keyFile, ...local, ...(check.ignoreTlog ? ['--insecure-ignore-tlog'] : []),
    ...(check.layout === 'legacy' ? ['--new-bundle-format=false'] : []), image);
  if (r.status !== 0) {
    expect(r.out).toMatch(/no signatures found|no matching signatures|no matching attestations|error verifying bundle|failed to verify/i);
    return false;
  }
  // cosign falls back to the legacy tag when the image has no bundle; a bundle-only engine does not.
  // What verified says which: a legacy signature's type is cosign's own, a bundle's the in-toto
  // predicate (cosign verify accepts every bundle the key signed, the SBOM attestations included).
  const verified: any[] = JSON.parse(r.out.split('\n').find((l) => l.startsWith('['))!);
  for (const v of verified) expect(v.critical.image['docker-manifest-digest']).toBe(image.split('@')[1]);
  const types = new Set(verified.map((v) => v.critical.type));
  if (types.has('cosign container image signature')) {
    expect([...types]).toEqual(['cosign container image signature']);
    return check.layout !== 'bundle';
  }
  expect(types).toContain('https://sigstore.dev/cosign/sign/v1');
  return true;
}

function policiesFor(publicKeyPem: string, format: SignatureFormat, engines: PolicyEngine[]): any[] {
  const chart = Testing.chart();
  new ImageSignaturePolicy(chart, 'p', { repository: `${registry.host}/golden-go/hello-service`, signer: ImageSigner.publicKey(publicKeyPem), requireTransparencyLog: false, signatureFormat: format, engines });
  return Testing.synth(chart);
}

const ALL = [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY, PolicyEngine.SIGSTORE, PolicyEngine.GATEKEEPER_RATIFY];
const BUNDLE_ENGINES = [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY];

test('every engine\'s policy for the bundle layout admits the bundle-signed image and nothing else (but for Kyverno\'s auto-detecting ImageValidatingPolicy)', () => {
  const pub = fs.readFileSync(path.join(keys, 'cosign.pub'), 'utf8');
  const checks = checksOf(policiesFor(pub, SignatureFormat.BUNDLE, BUNDLE_ENGINES));
  expect(checks.map((c) => [c.engine, c.layout, c.ignoreTlog])).toEqual([['kyverno ImageValidatingPolicy', 'auto', true], ['kyverno ClusterPolicy type SigstoreBundle', 'bundle', true]]);
  const verdicts: string[] = [];
  for (const c of checks) {
    for (const [name, image] of [['bundle-signed', bundled.pinned], ['legacy-signed', legacy.pinned], ['unsigned', unsigned]]) {
      verdicts.push(`${c.engine}: ${name} ${admits(c, image) ? 'admitted' : 'denied'}`);
    }
  }
  expect(verdicts).toEqual([
    'kyverno ImageValidatingPolicy: bundle-signed admitted', 'kyverno ImageValidatingPolicy: legacy-signed admitted', 'kyverno ImageValidatingPolicy: unsigned denied',
    'kyverno ClusterPolicy type SigstoreBundle: bundle-signed admitted', 'kyverno ClusterPolicy type SigstoreBundle: legacy-signed denied', 'kyverno ClusterPolicy type SigstoreBundle: unsigned denied',
  ]);
});

test('every engine\'s policy for the legacy layout admits the legacy-signed image and nothing else (but for the ImageValidatingPolicy)', () => {
  const pub = fs.readFileSync(path.join(keys, 'cosign.pub'), 'utf8');
  const checks = checksOf(policiesFor(pub, SignatureFormat.LEGACY, ALL));
  expect(checks.map((c) => c.engine)).toEqual(['kyverno ImageValidatingPolicy', 'kyverno ClusterPolicy type Cosign', 'ratify cosign verifier', 'sigstore authority signatureFormat legacy']);
  const admitted: string[] = [];
  for (const c of checks) {
    for (const [name, image] of [['bundle-signed', bundled.pinned], ['legacy-signed', legacy.pinned], ['unsigned', unsigned]]) {
      if (admits(c, image)) admitted.push(`${c.engine}: ${name}`);
    }
  }
  expect(admitted).toEqual([
    'kyverno ImageValidatingPolicy: bundle-signed', 'kyverno ImageValidatingPolicy: legacy-signed',
    'kyverno ClusterPolicy type Cosign: legacy-signed', 'ratify cosign verifier: legacy-signed', 'sigstore authority signatureFormat legacy: legacy-signed',
  ]);
});

test('a policy for another key admits neither image, in either layout', () => {
  const otherPub = fs.readFileSync(path.join(otherKeys, 'cosign.pub'), 'utf8');
  const checks = [
    ...checksOf(policiesFor(otherPub, SignatureFormat.BUNDLE, BUNDLE_ENGINES)),
    ...checksOf(policiesFor(otherPub, SignatureFormat.LEGACY, ALL)),
  ];
  expect(checks).toHaveLength(6);
  for (const c of checks) {
    for (const image of [bundled.pinned, legacy.pinned]) expect(admits(c, image)).toBe(false);
  }
});

test('a tag moved to other bytes is not signed; the pinned digest still is', () => {
  const tagRef = `${registry.host}/golden-go/hello-service:1.0.0`;
  sh('podman', ['push', '-q', '--tls-verify=false', 'localhost/golden-go-e2e/hello-unsigned:test', tagRef]);
  const byTag = cosign('verify', '--key', 'cosign.pub', ...local, '--insecure-ignore-tlog', tagRef);
  expect(byTag.status).not.toBe(0);
  expect(cosign('verify', '--key', 'cosign.pub', ...local, '--insecure-ignore-tlog', `${tagRef}@${bundled.record.digest}`).status).toBe(0);
});

/** The verified in-toto statement of an attestation of `type`, read with the layout's cosign flags. */
function verifiedStatement(p: Published, type: string): any {
  const r = cosign('verify-attestation', '--key', 'cosign.pub', '--type', type, ...local, '--insecure-ignore-tlog',
    ...(p.record.signatureFormat === 'legacy' ? ['--new-bundle-format=false'] : []), p.pinned);
  expect(r.status).toBe(0);
  const envelope = JSON.parse(r.out.split('\n').find((l) => l.startsWith('{"payload'))!);
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  expect(statement.subject[0].digest.sha256).toBe(p.record.digest.slice(7));
  return statement;
}

testWith('syft')('the SPDX 2.3 and CycloneDX 1.6 SBOMs from syft are attested to the digest in both layouts, signed, and list the Go modules', () => {
  for (const p of [bundled, legacy]) {
    expect(p.record.sbomTool).toMatch(/^syft \d+\.\d+\.\d+$/);
    const spdx = verifiedStatement(p, 'spdxjson');
    expect(spdx.predicateType).toBe('https://spdx.dev/Document');
    expect(spdx.predicate.spdxVersion).toBe('SPDX-2.3');
    expect(spdx.predicate).toEqual(JSON.parse(fs.readFileSync(path.join(p.dir, 'sbom.spdx.json'), 'utf8')));
    const purls = spdx.predicate.packages.flatMap((pkg: any) => (pkg.externalRefs ?? []).map((r: any) => r.referenceLocator));
    expect(purls).toEqual(expect.arrayContaining([expect.stringMatching(/^pkg:golang\/github\.com\/golden-go\/golden-go\/examples\/hello-service(@|$)/), expect.stringMatching(/^pkg:golang\/stdlib@/)]));

    const cdx = verifiedStatement(p, 'cyclonedx');
    expect(cdx.predicateType).toBe('https://cyclonedx.org/bom');
    expect(cdx.predicate.specVersion).toBe('1.6');
    expect(cdx.predicate.components.map((c: any) => c.purl)).toEqual(expect.arrayContaining([expect.stringMatching(/^pkg:golang\/stdlib@/)]));
  }
});

test('the admission policies for the signing key validate against the engines\' CRD schemas, in both layouts', () => {
  const dir = tmpDir('policies');
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  const pub = fs.readFileSync(path.join(keys, 'cosign.pub'), 'utf8');
  const repository = `${registry.host}/golden-go/hello-service`;
  new ImageSignaturePolicy(new Chart(app, 'bundle'), 'policy', {
    repository, name: 'bundle', signer: ImageSigner.publicKey(pub), requireTransparencyLog: false, engines: BUNDLE_ENGINES,
  });
  new ImageSignaturePolicy(new Chart(app, 'legacy'), 'policy', {
    repository, name: 'legacy', signer: ImageSigner.publicKey(pub), requireTransparencyLog: false, signatureFormat: SignatureFormat.LEGACY, engines: ALL, optInNamespaces: ['hello'],
  });
  app.synth();
  const files = fs.readdirSync(dir).filter((f) => /^(ImageValidatingPolicy|ClusterPolicy|ClusterImagePolicy|Namespace|Verifier|KeyManagementProvider)\./.test(f)).map((f) => path.join(dir, f));
  expect(files).toHaveLength(8);
  const crds = path.join(REPO_ROOT, 'test', 'schemas', 'crds');
  const schemas = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'k8s-schemas.sh'), 'v1.37.2'], { encoding: 'utf8' }).stdout.trim();
  const r = spawnSync(path.join(bin, 'kubeconform'), ['-strict', '-summary', '-schema-location', `${crds}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    '-schema-location', `${schemas}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, ...files], { encoding: 'utf8' });
  expect(r.stdout).toMatch(/Summary: 8 resources found in 8 files - Valid: 8, Invalid: 0, Errors: 0, Skipped: 0/);
});

/**
 * The local runtime base plus the package database distroless ships (`/var/lib/dpkg/status.d/<pkg>`,
 * one control stanza each), for the CA bundle and zoneinfo it already holds: the host's own stanzas.
 */
function baseWithPackageDatabase(): string {
  const ctx = tmpDir('dpkg-base');
  fs.mkdirSync(path.join(ctx, 'var', 'lib', 'dpkg', 'status.d'), { recursive: true });
  for (const pkg of ['ca-certificates', 'tzdata']) {
    fs.writeFileSync(path.join(ctx, 'var', 'lib', 'dpkg', 'status.d', pkg), sh('dpkg-query', ['-s', pkg]));
  }
  fs.writeFileSync(path.join(ctx, 'Containerfile'), `FROM ${localBaseImages().runtime}\nCOPY var /var\n`);
  const ref = 'localhost/golden-go-e2e/distroless-static-dpkg:test';
  sh('buildah', ['bud', '-q', '--timestamp', String(EPOCH), '-f', path.join(ctx, 'Containerfile'), '-t', ref, ctx]);
  return ref;
}

testWith('syft')('on a base with a package database the SBOM lists its packages too: ca-certificates and tzdata at the host\'s versions', () => {
  const p = publishHello('1.0.3', SignatureFormat.BUNDLE, baseWithPackageDatabase());
  const packages = verifiedStatement(p, 'spdxjson').predicate.packages.map((pkg: any) => `${pkg.name} ${pkg.versionInfo}`);
  for (const pkg of ['ca-certificates', 'tzdata']) {
    expect(packages).toContain(`${pkg} ${sh('dpkg-query', ['-W', '-f', '${Version}', pkg])}`);
  }
  expect(packages).toContainEqual(expect.stringMatching(/^stdlib /));
});
