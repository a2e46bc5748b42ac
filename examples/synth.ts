// Synthesizes every example into dist/: `npm run example`.
import { App } from 'cdk8s';
import { helloServiceImage, HELLO_OUTDIR } from './hello-service';

const app = new App({ outdir: HELLO_OUTDIR });
const image = helloServiceImage(app);
for (const file of image.writeFiles(HELLO_OUTDIR)) console.log(`wrote ${file}`);
for (const w of image.warnings) console.warn(`warning ${w}`);
app.synth();
