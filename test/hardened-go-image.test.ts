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

describe('goModGoVersion (R05, B18)', () => {
  const moduleWith = (goMod: string) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-gomod-'));
    fs.writeFileSync(path.join(dir, 'go.mod'), goMod);
    return dir;
  };

  test.each([['go 1.23', '1.23'], ['go 1.25.0 // container-aware GOMAXPROCS', '1.25.0'], ['', '1.16']])('read from <context>/go.mod: %j gives %s', (line, expected) => {
    const context = moduleWith(`module example.com/svc\n\n${line}\n\nrequire example.com/dep v1.0.0\n`);
    expect(new HardenedGoImage(Testing.chart(), 'image', { ...props, context }).goModGoVersion).toBe(expected);
  });

  test('the prop overrides go.mod; without either it is unknown', () => {
    const context = moduleWith('module example.com/svc\n\ngo 1.23\n');
    expect(new HardenedGoImage(Testing.chart(), 'image', { ...props, context, goModGoVersion: '1.25' }).goModGoVersion).toBe('1.25');
    expect(new HardenedGoImage(Testing.chart(), 'image', { ...props, context: fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-nomod-')) }).goModGoVersion).toBeUndefined();
  });

  test('a go line newer than the toolchain fails naming goVersion; a bad one names where it was read', () => {
    expect(() => new HardenedGoImage(Testing.chart(), 'image', { ...props, context: moduleWith('module m\n\ngo 1.27\n') }))
      .toThrow('goVersion: "1.26" is not valid; allowed: Go 1.27 or later: go.mod declares go 1.27 (goModGoVersion) and GOTOOLCHAIN=local downloads no newer toolchain');
    expect(() => GoImageRenderer.render({ ...props, goVersion: '1.26.1', goModGoVersion: '1.26.3' })).toThrow(/^goVersion: "1\.26\.1" is not valid; allowed: Go 1\.26\.3 or later/);
    expect(GoImageRenderer.render({ ...props, goVersion: '1.26', goModGoVersion: '1.26.3' }).dockerfile).toContain('go1\\.26([.]|$)');
    const context = moduleWith('module m\n\ngo one.twenty\n');
    expect(() => new HardenedGoImage(Testing.chart(), 'image', { ...props, context })).toThrow(`goModGoVersion (read from ${path.join(context, 'go.mod')}): "one.twenty" is not valid`);
  });
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
