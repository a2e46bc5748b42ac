// Synthesizes every example into dist/: `npm run example`.
import { App, YamlOutputType } from 'cdk8s';
import { HELLO_DIGEST, HELLO_OUTDIR, HelloServiceChart, helloServiceImage } from './hello-service';
import { ImageReference } from '../src';

// One file per object: small diffs and one Argo CD / Flux path per service.
const app = new App({ outdir: HELLO_OUTDIR, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
const image = helloServiceImage(app);
new HelloServiceChart(app, 'hello-service', { image: ImageReference.fromHardenedGoImage(image, HELLO_DIGEST) });
app.synth();
for (const file of image.writeFiles(HELLO_OUTDIR)) console.log(`wrote ${file}`);
for (const w of image.warnings) console.warn(`warning ${w}`);
