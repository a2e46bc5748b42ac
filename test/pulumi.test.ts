import * as crypto from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { Chart, Testing } from 'cdk8s';
import { BaseImage, GoMicroservice as CdkGoMicroservice, ImageReference } from '../src';
import { GoMicroservice, HardenedGoImage } from '../src/pulumi';

interface Registered { type: string; name: string; inputs: any }
const registered: Registered[] = [];

void pulumi.runtime.setMocks({
  newResource(args: pulumi.runtime.MockResourceArgs) {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    const state: any = { ...args.inputs };
    if (args.type === 'docker:index/image:Image') {
      const repo = String(args.inputs.imageName).replace(/:[^:/]+$/, '');
      state.repoDigest = `${repo}@sha256:${crypto.createHash('sha256').update(args.name).digest('hex')}`;
    }
    return { id: `${args.name}-id`, state };
  },
  call: (args: pulumi.runtime.MockCallArgs) => args.inputs,
}, 'golden-go', 'test', false);

const valueOf = <T>(o: pulumi.Output<T>): Promise<T> => new Promise((resolve) => o.apply(resolve));
const byType = (t: string) => registered.filter((r) => r.type === t);
const DIGEST = `sha256:${'7a'.repeat(32)}`;

function buildDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-pulumi-'));
}

const imageProps = {
  name: 'orders',
  imageName: 'registry.example.com/acme/orders',
  version: '1.4.2',
  commit: 'abc123',
  sourceDateEpoch: 1700000000,
  sourceUrl: 'https://github.com/acme/orders',
  context: 'services/orders',
};

beforeEach(() => {
  registered.length = 0;
});

describe('HardenedGoImage (Pulumi)', () => {
  test('renders the Dockerfile and builds it with docker.Image: path, build args, platform, image name', async () => {
    const dir = buildDir();
    const img = new HardenedGoImage('orders', { image: { ...imageProps, platforms: ['linux/arm64'] }, buildDirectory: dir, buildArgs: { GOPROXY: 'https://athens.acme.internal' } });
    const ref = await valueOf(img.imageRef);
    const [image] = byType('docker:index/image:Image');
    expect(image.name).toBe('orders');
    expect(image.inputs.imageName).toBe('registry.example.com/acme/orders:1.4.2');
    expect(image.inputs.build).toMatchObject({ context: 'services/orders', dockerfile: path.join(dir, 'Dockerfile'), platform: 'linux/arm64' });
    expect(image.inputs.build.args).toMatchObject({ SOURCE_DATE_EPOCH: '1700000000', VERSION: '1.4.2', COMMIT: 'abc123', GOPROXY: 'https://athens.acme.internal', CREATED: '2023-11-14T22:13:20Z' });
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/^# syntax=docker\/dockerfile:1\n/);
    expect(fs.existsSync(path.join(dir, '.dockerignore'))).toBe(true);
    expect(ref).toMatch(/^registry\.example\.com\/acme\/orders:1\.4\.2@sha256:[0-9a-f]{64}$/);
  });

  test('the platform list is honoured: one image per platform', async () => {
    const img = new HardenedGoImage('multi', { image: imageProps, buildDirectory: buildDir() });
    await valueOf(img.imageRef);
    expect(byType('docker:index/image:Image').map((r) => [r.name, r.inputs.imageName, r.inputs.build.platform])).toEqual([
      ['multi-amd64', 'registry.example.com/acme/orders:1.4.2-amd64', 'linux/amd64'],
      ['multi-arm64', 'registry.example.com/acme/orders:1.4.2-arm64', 'linux/arm64'],
    ]);
    expect(Object.keys(img.platformRefs)).toEqual(['linux/amd64', 'linux/arm64']);
  });

  test('children are parented to the component, which registers its outputs', async () => {
    const spy = jest.spyOn(pulumi.ComponentResource.prototype as any, 'registerOutputs');
    const img = new HardenedGoImage('parented', { image: { ...imageProps, platforms: ['linux/amd64'] }, buildDirectory: buildDir() });
    const urn = await valueOf(img.images[0].urn);
    expect(urn).toMatch(/::golden-go:index:HardenedGoImage\$docker:index\/image:Image::parented$/);
    expect(spy).toHaveBeenCalledWith(expect.objectContaining({ imageRef: expect.anything(), repoDigest: expect.anything() }));
    spy.mockRestore();
  });

  test('checklist errors fail with the same rule id and message as the cdk8s construct', () => {
    const bad = { ...imageProps, cgo: true, runtimeImage: BaseImage.distrolessStatic() };
    expect(() => new HardenedGoImage('bad', { image: bad, buildDirectory: buildDir() })).toThrow(/^\[B02\] cgo: cgo links against glibc/);
    const dir = buildDir();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine\n');
    expect(() => new HardenedGoImage('mine', { image: imageProps, buildDirectory: dir })).toThrow(/refusing to overwrite .*Dockerfile, which golden-go did not generate/);
  });
});

describe('GoMicroservice (Pulumi)', () => {
  const service = { namespace: 'shop', version: '1.4.2' };

  test('deploys the objects the cdk8s construct synthesizes', async () => {
    const svc = new GoMicroservice('orders', { image: `registry.example.com/acme/orders:1.4.2@${DIGEST}`, service: { ...service, autoscaling: { maxReplicas: 4 } } });
    await Promise.all(Object.values(svc.resources).map((r) => valueOf(r.urn)));
    const types = registered.filter((r) => r.type.startsWith('kubernetes:')).map((r) => r.type).sort();
    expect(types).toEqual(['kubernetes:apps/v1:Deployment', 'kubernetes:autoscaling/v2:HorizontalPodAutoscaler', 'kubernetes:core/v1:Service',
      'kubernetes:core/v1:ServiceAccount', 'kubernetes:networking.k8s.io/v1:NetworkPolicy', 'kubernetes:policy/v1:PodDisruptionBudget']);

    const chart = Testing.chart();
    new CdkGoMicroservice(chart, 'orders', { image: ImageReference.parse(`registry.example.com/acme/orders:1.4.2@${DIGEST}`), ...service, autoscaling: { maxReplicas: 4 } });
    const cdk = Testing.synth(chart).find((m) => m.kind === 'Deployment');
    const deployed = byType('kubernetes:apps/v1:Deployment').find((r) => r.name === 'orders-deployment')!.inputs;
    expect(deployed.spec).toEqual(cdk.spec);
    expect(deployed.metadata).toEqual(cdk.metadata);
  });

  test('the digest flows from the image build into the Deployment', async () => {
    const img = new HardenedGoImage('flow', { image: { ...imageProps, platforms: ['linux/amd64'] }, buildDirectory: buildDir() });
    const svc = new GoMicroservice('flow', { image: img.imageRef, service: { ...service, name: 'flow' } });
    const ref = await valueOf(img.imageRef);
    expect(await valueOf(svc.image)).toBe(ref);
    await Promise.all(Object.values(svc.resources).map((r) => valueOf(r.urn)));
    const dep = byType('kubernetes:apps/v1:Deployment').find((r) => r.name === 'flow-deployment')!.inputs;
    expect(dep.spec.template.spec.containers[0].image).toBe(ref);
    expect(dep.spec.template.metadata.annotations['golden-go.dev/image-digest']).toBe(ref.split('@')[1]);
    expect(dep.spec.template.metadata.annotations['golden-go.dev/image-repository']).toBe('registry.example.com/acme/orders');
    const urn = await valueOf(svc.resources['Deployment/flow'].urn);
    expect(urn).toMatch(/::golden-go:index:GoMicroservice\$kubernetes:apps\/v1:Deployment::flow-deployment$/);
  });

  test('checklist errors fail like `cdk8s synth`, with the same rule ids and messages', () => {
    const image = `registry.example.com/acme/orders:1.4.2@${DIGEST}`;
    const sysctls = [{ name: 'vm.swappiness', value: '10' }];
    let cdkMessage = '';
    try {
      // The same construct path as the adapter's in-memory chart (chart and service named 'bad'), which errors name.
      new CdkGoMicroservice(new Chart(Testing.app(), 'bad'), 'bad', { image: ImageReference.parse(image), namespace: 'shop', sysctls });
    } catch (e) {
      cdkMessage = (e as Error).message;
    }
    expect(cdkMessage).toMatch(/^\[R08\] sysctls: vm\.swappiness is a node-level sysctl/);
    expect(() => new GoMicroservice('bad', { image, service: { ...service, sysctls } })).toThrow(cdkMessage);
    expect(() => new GoMicroservice('tag', { image: 'registry.example.com/acme/orders:latest', service })).toThrow(/^\[R01\] image: "registry\.example\.com\/acme\/orders:latest" is not pinned by digest/);
    expect(() => new GoMicroservice('nov', { image: pulumi.output(`registry.example.com/acme/orders@${DIGEST}`), service: { namespace: 'shop' } })).toThrow(/^service\.version: required when image is a Pulumi output/);
  });
});

test('examples/pulumi builds the example image and deploys it by digest', async () => {
  // Loaded only now: its resources register under the mocks set above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const program = require('../examples/pulumi/index');
  const ref = await valueOf(program.imageRef as pulumi.Output<string>);
  expect(await valueOf(program.deployedImage as pulumi.Output<string>)).toBe(ref);
  expect(ref).toMatch(/^registry\.example\.com\/golden-go\/hello-service:1\.0\.0@sha256:[0-9a-f]{64}$/);
  const image = byType('docker:index/image:Image').find((r) => r.name === 'hello-service')!;
  expect(image.inputs.build.dockerfile).toBe(path.join(__dirname, '..', 'examples', 'pulumi', '.build', 'Dockerfile'));
});
