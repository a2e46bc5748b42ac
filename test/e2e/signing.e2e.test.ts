// Signed images end to end, all on loopback: golden-go publish builds the example, pushes it to a
// local registry, attaches an SPDX SBOM and signs the digest with cosign; the synthesized Deployment
// pins exactly that digest; cosign verifies it and rejects unsigned or tampered images; the admission
// policies validate against the engines' CRD schemas.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { App, YamlOutputType } from 'cdk8s';
import { EPOCH, localBaseImages, REPO_ROOT, requireContainerTools, sh, startRegistry, tmpDir, toolsBin, withOverrides } from './containers';
import { HelloServiceChart } from '../../examples/hello-service';
import { HardenedGoImage, ImageReference, ImageSignaturePolicy, ImageSigner, PolicyEngine } from '../../src';
import { main } from '../../src/cli/cli';

jest.setTimeout(900_000);

const bin = toolsBin();
const env = { ...process.env, PATH: `${bin}:${process.env.PATH}`, COSIGN_PASSWORD: '', COSIGN_YES: 'true' };
let registry: { host: string; stop: () => void };
let keys: string;
let record: { repository: string; tag: string; digest: string };
let deployedImage: string;
let work: string;

function cosign(...args: string[]): { status: number; out: string } {
  const r = spawnSync(path.join(bin, 'cosign'), args, { encoding: 'utf8', env, cwd: keys });
  return { status: r.status ?? -1, out: r.stdout + r.stderr };
}
const local = ['--allow-http-registry', '--allow-insecure-registry', '--insecure-ignore-tlog'];

beforeAll(async () => {
  requireContainerTools();
  const bases = localBaseImages();
  registry = await startRegistry();
  keys = tmpDir('cosign');
  expect(cosign('generate-key-pair').status).toBe(0);

  work = tmpDir('publish');
  const image = new HardenedGoImage(new App(), 'image', {
    name: 'hello-service',
    version: '1.0.0',
    commit: 'e2e',
    sourceDateEpoch: EPOCH,
    sourceUrl: 'https://github.com/golden-go/golden-go',
    imageName: 'registry.example.com/golden-go/hello-service',
    context: path.join(REPO_ROOT, 'examples', 'hello-service'),
    dockerfileDir: work,
  });
  image.writeFiles(work);
  const oldPath = process.env.PATH;
  process.env.PATH = env.PATH;
  process.env.COSIGN_PASSWORD = '';
  let out = '';
  let err = '';
  try {
    const code = main(['publish', '--image-json', path.join(work, 'image.json'), '--repository', `${registry.host}/golden-go/hello-service`,
      '--key', path.join(keys, 'cosign.key'), '--insecure-registry', '--no-tlog', '--record', path.join(work, 'image.lock.json'), '--sbom', path.join(work, 'sbom.spdx.json'),
      '--build-arg', `BUILDER_IMAGE=${bases.builder}`, '--build-arg', `RUNTIME_IMAGE=${bases.runtime}`, '--build-arg', 'RUNTIME_IMAGE_DIGEST=', '--build-arg', 'GOPROXY=off'],
    (s) => { out += s; }, (s) => { err += s; });
    if (code !== 0) throw new Error(`golden-go publish failed:\n${err}`);
  } finally {
    process.env.PATH = oldPath;
  }
  record = JSON.parse(fs.readFileSync(path.join(work, 'image.lock.json'), 'utf8'));
  expect(out.trim()).toBe(`${record.repository}:1.0.0@${record.digest}`);

  // The manifests pin exactly the recorded digest.
  const dir = tmpDir('signed-manifests');
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  new HelloServiceChart(app, 'hello-service', { image: ImageReference.fromBuildRecord(path.join(work, 'image.lock.json')) });
  app.synth();
  deployedImage = /image: (\S+)/.exec(fs.readFileSync(path.join(dir, 'Deployment.hello-service.yaml'), 'utf8'))![1];
});

afterAll(() => registry?.stop());

test('the Deployment pins the digest the pipeline pushed and signed', () => {
  expect(deployedImage).toBe(`${registry.host}/golden-go/hello-service:1.0.0@${record.digest}`);
});

test('cosign verify succeeds on the digest in the synthesized Deployment', () => {
  const r = cosign('verify', '--key', 'cosign.pub', ...local, deployedImage);
  expect(r.out).toMatch(/The signatures were verified against the specified public key/);
  expect(r.status).toBe(0);
  const payload = JSON.parse(r.out.split('\n').find((l) => l.startsWith('['))!);
  expect(payload[0].critical.image['docker-manifest-digest']).toBe(record.digest);
});

test('cosign verify fails for an unsigned image and for a tampered tag', () => {
  // Another build of the same service, pushed under the same tag: the tag now names unsigned bytes.
  const bases = localBaseImages();
  const other = new HardenedGoImage(new App(), 'tampered', {
    name: 'hello-service', version: '1.0.1-tampered', sourceDateEpoch: EPOCH, context: path.join(REPO_ROOT, 'examples', 'hello-service'), dockerfileDir: tmpDir('tampered'),
  });
  other.writeFiles(other.props.dockerfileDir!);
  sh('buildah', withOverrides(other.buildahCommand, { BUILDER_IMAGE: bases.builder, RUNTIME_IMAGE: bases.runtime, RUNTIME_IMAGE_DIGEST: '', GOPROXY: 'off' }, 'localhost/golden-go-e2e/hello-tampered:test'));
  const tagRef = `${registry.host}/golden-go/hello-service:1.0.0`;
  const digestFile = path.join(tmpDir('tampered-digest'), 'd');
  sh('podman', ['push', '-q', '--tls-verify=false', '--digestfile', digestFile, 'localhost/golden-go-e2e/hello-tampered:test', tagRef]);
  const tamperedDigest = fs.readFileSync(digestFile, 'utf8').trim();
  expect(tamperedDigest).not.toBe(record.digest);

  const byTag = cosign('verify', '--key', 'cosign.pub', ...local, tagRef);
  expect(byTag.status).not.toBe(0);
  expect(byTag.out).toMatch(/no signatures found|no matching signatures/);
  const unsigned = cosign('verify', '--key', 'cosign.pub', ...local, `${registry.host}/golden-go/hello-service@${tamperedDigest}`);
  expect(unsigned.status).not.toBe(0);
  // The pinned digest is unaffected by the moved tag.
  expect(cosign('verify', '--key', 'cosign.pub', ...local, deployedImage).status).toBe(0);
});

test('cosign verify fails with another key', () => {
  const other = tmpDir('other-key');
  expect(spawnSync(path.join(bin, 'cosign'), ['generate-key-pair'], { env, cwd: other }).status).toBe(0);
  const r = cosign('verify', '--key', path.join(other, 'cosign.pub'), ...local, deployedImage);
  expect(r.status).not.toBe(0);
});

test('the SPDX SBOM is attached to the digest, signed, and lists the Go module and its version', () => {
  const r = cosign('verify-attestation', '--key', 'cosign.pub', '--type', 'spdxjson', ...local, deployedImage);
  expect(r.status).toBe(0);
  const envelope = JSON.parse(r.out.split('\n').find((l) => l.startsWith('{"payloadType"'))!);
  const statement = JSON.parse(Buffer.from(envelope.payload, 'base64').toString('utf8'));
  expect(statement.predicateType).toBe('https://spdx.dev/Document');
  expect(statement.subject[0].digest.sha256).toBe(record.digest.slice(7));
  const sbom = statement.predicate;
  expect(sbom.spdxVersion).toBe('SPDX-2.3');
  const mainModule = sbom.packages.find((p: any) => p.SPDXID === sbom.documentDescribes[0]);
  expect([mainModule.name, mainModule.versionInfo]).toEqual(['github.com/golden-go/golden-go/examples/hello-service', '1.0.0']);
  expect(sbom.packages.map((p: any) => p.name)).toContain('stdlib');
  expect(sbom).toEqual(JSON.parse(fs.readFileSync(path.join(work, 'sbom.spdx.json'), 'utf8')));
});

test('the admission policies for the signing key validate against the engines\' CRD schemas', () => {
  const dir = tmpDir('policies');
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  const chart = new HelloServiceChart(app, 'hello-service', { image: ImageReference.fromBuildRecord(path.join(work, 'image.lock.json')) });
  new ImageSignaturePolicy(chart, 'policy', {
    repository: record.repository,
    signer: ImageSigner.publicKey(fs.readFileSync(path.join(keys, 'cosign.pub'), 'utf8')),
    requireTransparencyLog: false,
    engines: [PolicyEngine.KYVERNO, PolicyEngine.KYVERNO_CLUSTER_POLICY, PolicyEngine.SIGSTORE],
    optInNamespaces: ['hello'],
  });
  app.synth();
  const files = fs.readdirSync(dir).filter((f) => /^(ImageValidatingPolicy|ClusterPolicy|ClusterImagePolicy|Namespace)\./.test(f)).map((f) => path.join(dir, f));
  expect(files).toHaveLength(4);
  const crds = path.join(REPO_ROOT, 'test', 'schemas', 'crds');
  const schemas = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'k8s-schemas.sh'), 'v1.37.2'], { encoding: 'utf8' }).stdout.trim();
  const r = spawnSync(path.join(bin, 'kubeconform'), ['-strict', '-summary', '-schema-location', `${crds}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`,
    '-schema-location', `${schemas}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, ...files], { encoding: 'utf8' });
  expect(r.stdout).toMatch(/Summary: 4 resources found in 4 files - Valid: 4, Invalid: 0, Errors: 0, Skipped: 0/);
});
