import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { GoMicroservice, HardenedGoImage, ImageHealthCheck, ImageReference, ImageSigner } from '../src';

/** Where the example's files land: `npm run example` writes them to dist/hello-service/. */
export const HELLO_OUTDIR = 'dist/hello-service';

/**
 * The digest the image pipeline recorded for hello-service 1.0.0. In a real repository CI writes it
 * after `docker buildx build --push` (see image.json's buildxCommand and buildx-metadata.json).
 */
export const HELLO_DIGEST = 'sha256:3b3e4c5ed5c1d2a1a35d0a8d4a3f1d6c1b0d8f9e7a6c5b4a3928170f6e5d4c3b';

/** The example service's image, as a team would declare it. */
export function helloServiceImage(scope: Construct): HardenedGoImage {
  return new HardenedGoImage(scope, 'image', {
    name: 'hello-service',
    goVersion: '1.26',
    sourceUrl: 'https://github.com/golden-go/golden-go',
    description: 'golden-go example service',
    imageName: 'registry.example.com/golden-go/hello-service',
    version: '1.0.0',
    context: 'examples/hello-service',
    dockerfileDir: HELLO_OUTDIR,
    healthCheck: ImageHealthCheck.fromSubcommand('healthcheck'),
  });
}

/** Options of the example chart that tests vary. */
export interface HelloChartOptions {
  readonly image: ImageReference;
  readonly kubernetesVersion?: string;
}

/** The example service's Kubernetes objects. */
export class HelloServiceChart extends Chart {
  public readonly service: GoMicroservice;

  constructor(scope: Construct, id: string, options: HelloChartOptions) {
    super(scope, id, { namespace: 'hello', disableResourceNameHashes: true });
    this.service = new GoMicroservice(this, 'hello-service', {
      image: options.image,
      kubernetesVersion: options.kubernetesVersion,
      goVersion: '1.26',
      partOf: 'golden-go-examples',
      timeZone: 'Asia/Shanghai',
      signer: ImageSigner.keyless('https://token.actions.githubusercontent.com',
        'https://github.com/golden-go/golden-go/.github/workflows/release.yml@refs/heads/main'),
    });
  }
}
