import { Construct } from 'constructs';
import { HardenedGoImage, ImageHealthCheck } from '../src';

/** Where the example's files land: `npm run example` writes them to dist/hello-service/. */
export const HELLO_OUTDIR = 'dist/hello-service';

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
