import { IMAGE, runSide } from './common';
import { GoMicroservice, ImageReference } from '../../src';

// Defaults only: what a team writes, so the checklist, the time-zone check and every patch run as in use.
runSide((chart, name) => new GoMicroservice(chart, name, { image: ImageReference.parse(IMAGE), partOf: 'bench' }));
