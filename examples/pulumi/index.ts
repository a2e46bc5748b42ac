// A Pulumi program using golden-go: build the example service's hardened image, then deploy it with
// the same manifests `cdk8s synth` produces. In your own project: `import … from 'golden-go/pulumi'`.
import * as path from 'path';
import * as pulumi from '@pulumi/pulumi';
import { ImageSigner } from '../../src';
import { GoMicroservice, HardenedGoImage } from '../../src/pulumi';

const config = new pulumi.Config();
const registry = config.get('registry') ?? 'registry.example.com/golden-go';
const namespace = config.get('namespace') ?? 'hello';
const version = '1.0.0';

const image = new HardenedGoImage('hello-service', {
  image: {
    name: 'hello-service',
    imageName: `${registry}/hello-service`,
    version,
    commit: process.env.GITHUB_SHA ?? 'local',
    sourceDateEpoch: Number(process.env.SOURCE_DATE_EPOCH ?? 0),
    sourceUrl: 'https://github.com/golden-go/golden-go',
    context: path.join(__dirname, '..', 'hello-service'),
    // docker.Image builds one platform per image; the cluster's nodes are amd64 here.
    platforms: ['linux/amd64'],
  },
  buildDirectory: path.join(__dirname, '.build'),
});

const service = new GoMicroservice('hello-service', {
  image: image.imageRef,
  service: {
    namespace,
    version,
    partOf: 'golden-go-examples',
    timeZone: 'Asia/Shanghai',
    signer: ImageSigner.keyless('https://token.actions.githubusercontent.com',
      'https://github.com/golden-go/golden-go/.github/workflows/release.yml@refs/heads/main'),
  },
});

export const imageRef = image.imageRef;
export const deployedImage = service.image;
