import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { GoImageRenderer, HardenedGoImage } from '../src';

const props = { name: 'svc', sourceUrl: 'https://example.com/acme/svc' };

test('the construct exposes the pure rendering', () => {
  const chart = Testing.chart();
  const image = new HardenedGoImage(chart, 'image', props);
  const r = GoImageRenderer.render(props);
  expect(image.dockerfile).toBe(r.dockerfile);
  expect(image.dockerignore).toBe(r.dockerignore);
  expect(image.buildArgs).toEqual(r.buildArgs);
  expect(image.buildahCommand).toEqual(r.buildahCommand);
  expect(image.warnings).toEqual([]);
  // Only files, no Kubernetes objects: the image's own chart synthesizes to nothing.
  expect(Testing.synth(chart)).toEqual([]);
});

test('bad props fail at construction with the rule id', () => {
  expect(() => new HardenedGoImage(Testing.chart(), 'image', { ...props, cgo: true })).toThrow(/^\[B02\] cgo:/);
});

describe('writeFiles', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-write-'));
  });

  test('writes the Dockerfile, both ignore files and image.json, and may regenerate them', () => {
    const image = new HardenedGoImage(Testing.chart(), 'image', props);
    const written = image.writeFiles(dir).map((f) => path.basename(f));
    expect(written).toEqual(['Dockerfile', '.dockerignore', 'Dockerfile.dockerignore', 'image.json']);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe(image.dockerfile);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile.dockerignore'), 'utf8')).toBe(image.dockerignore);
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'image.json'), 'utf8'));
    expect(meta).toMatchObject({ name: 'svc', buildArgs: image.buildArgs, platforms: ['linux/amd64', 'linux/arm64'] });
    expect(() => image.writeFiles(dir)).not.toThrow();
  });

  test('never overwrites a hand-written Dockerfile or .dockerignore', () => {
    const image = new HardenedGoImage(Testing.chart(), 'image', props);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine\n');
    expect(() => image.writeFiles(dir)).toThrow(/refusing to overwrite .*Dockerfile, which golden-go did not generate/);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toBe('FROM alpine\n');
    expect(fs.existsSync(path.join(dir, 'image.json'))).toBe(false);

    fs.rmSync(path.join(dir, 'Dockerfile'));
    fs.writeFileSync(path.join(dir, '.dockerignore'), 'node_modules\n');
    expect(() => image.writeFiles(dir)).toThrow(/refusing to overwrite .*\.dockerignore/);
  });
});
