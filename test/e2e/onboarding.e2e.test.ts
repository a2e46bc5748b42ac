// The README's "Getting started", run as a newcomer runs it (scripts/onboarding.sh): a new cdk8s app from
// the cdk8s CLI's template and a Pulumi program, each with the packed library and the README's examples
// pasted as written; then the publish → record → synth flow on the same app. The Python binding is run
// from the built wheel by .ci/run (test/bindings/python/app.py runs the README's Python example too).
import { spawnSync } from 'child_process';
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';
import { sh, tmpDir } from './containers';
import type { BuildRecord } from '../../src/publish/publish';

jest.setTimeout(1_200_000);

const REPO_ROOT = path.join(__dirname, '..', '..');
const README = path.join(REPO_ROOT, 'README.md');
const DIGEST = /^sha256:[0-9a-f]{64}$/;

let work: string;
let app: string;

/** A code block of the README, exactly as written (scripts/readme-example.js). */
function readmeExample(heading: string, lang: string, n = 1): string {
  return sh('node', [path.join(REPO_ROOT, 'scripts', 'readme-example.js'), README, heading, lang, String(n)]);
}

function objectsIn(dir: string): any[] {
  return fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))
    .flatMap((f) => parseAllDocuments(fs.readFileSync(path.join(dir, f), 'utf8')).map((d) => d.toJSON()));
}

function container(objects: any[]): any {
  return objects.find((o) => o.kind === 'Deployment').spec.template.spec.containers[0];
}

function synth(): { status: number | null; stderr: string } {
  const r = spawnSync('npx', ['cdk8s', 'synth'], { cwd: app, encoding: 'utf8', timeout: 300_000 });
  return { status: r.status, stderr: r.stderr };
}

beforeAll(() => {
  work = tmpDir('onboarding');
  // One tarball per run: GOLDEN_GO_TARBALL, else what `npx projen package:js` packed, else `npm pack`.
  const args = [path.join(REPO_ROOT, 'scripts', 'onboarding.sh'), work, ...(process.env.GOLDEN_GO_TARBALL ? [process.env.GOLDEN_GO_TARBALL] : [])];
  sh('bash', args, { timeoutMs: 1_200_000 });
  app = path.join(work, 'cdk8s-app');
});

describe('a new cdk8s TypeScript app (cdk8s init typescript-app + npm i golden-go)', () => {
  test('main.ts is the README\'s first example, as written', () => {
    const main = fs.readFileSync(path.join(app, 'main.ts'), 'utf8');
    expect(main).toBe(readmeExample('Getting started', 'ts'));
    expect(main).toContain('new GoMicroservice(');
  });

  test('the template keeps TypeScript on 5.9, which ts-node needs', () => {
    const version = JSON.parse(fs.readFileSync(path.join(app, 'node_modules', 'typescript', 'package.json'), 'utf8')).version;
    expect(version).toMatch(/^5\.9\./);
  });

  test('cdk8s synth writes the service\'s objects, pinned to the README\'s reference', () => {
    const main = fs.readFileSync(path.join(app, 'main.ts'), 'utf8');
    const reference = /ImageReference\.parse\('([^']+)'\)/.exec(main)![1];
    const gomemlimit = /GOMEMLIMIT=(\S+)/.exec(main)![1];
    const objects = objectsIn(path.join(app, 'dist'));
    expect(objects.map((o) => o.kind).sort()).toEqual(['Deployment', 'NetworkPolicy', 'PodDisruptionBudget', 'Service', 'ServiceAccount']);
    expect(objects.every((o) => o.metadata.namespace === 'shop')).toBe(true);
    const c = container(objects);
    expect(c.image).toBe(reference);
    expect(c.env).toContainEqual({ name: 'GOMEMLIMIT', value: gomemlimit });
  });

  test('the synth printed the checklist summary on stderr: counts, each warning with its fix, where the report goes', () => {
    const stderr = fs.readFileSync(path.join(app, 'synth.stderr'), 'utf8');
    expect(stderr).toMatch(/^golden checklist: 0 errors, 1 warning, 0 suppressed, across 1 checked construct$/m);
    expect(stderr).toMatch(/^ {2}\[R14\] orders\/orders Deployment\/shop\/orders \S+: .*\(warning; fix: .+\)$/m);
    expect(stderr).toMatch(/^full report: \.golden-go\/report\/golden-checklist\.md/m);
  });
});

describe('from source to GitOps: synth, publish, synth (README)', () => {
  const recordFile = () => path.join(app, 'build', 'orders', 'image.lock.json');

  beforeAll(() => {
    fs.writeFileSync(path.join(app, 'main.ts'), readmeExample('From source to GitOps: publish, record, synth', 'ts'));
  });

  test('without a record, synth renders the image files and stops with one line naming the publish command', () => {
    const r = synth();
    expect(r.status).not.toBe(0);
    // Node prints the thrown error's message as `Error: <message>`, then the stack.
    expect(r.stderr).toMatch(/^Error: image: cannot read the build record build\/orders\/image\.lock\.json: it does not exist yet; `npx golden-go publish --image-json build\/orders\/image\.json --repository <registry>\/<name> --record build\/orders\/image\.lock\.json` writes it$/m);
    const imageJson = JSON.parse(fs.readFileSync(path.join(app, 'build', 'orders', 'image.json'), 'utf8'));
    expect(imageJson.buildahCommand).toContain('registry.example.com/acme/orders:1.4.2');
    expect(fs.readFileSync(path.join(app, 'build', 'orders', 'Dockerfile'), 'utf8')).toMatch(/^# syntax=docker\/dockerfile:1\n/);
  });

  test('the publish command of the README is the installed CLI\'s', () => {
    const commands = readmeExample('From source to GitOps: publish, record, synth', 'sh');
    const flags = [...commands.matchAll(/ (--[a-z-]+)/g)].map((m) => m[1]);
    const usage = sh('npx', ['golden-go', 'publish', '--help'], { cwd: app });
    expect(flags.length).toBeGreaterThan(3);
    for (const flag of flags) expect(usage).toContain(flag);
  });

  test('with the record publish writes (signing e2e runs the real publish), synth pins that digest', () => {
    // The fields fromBuildRecord reads, typed from the pipeline's BuildRecord: renaming one fails to compile here.
    const record: Pick<BuildRecord, 'repository' | 'tag' | 'digest'> = {
      repository: 'registry.example.com/acme/orders',
      tag: '1.4.2',
      digest: `sha256:${crypto.createHash('sha256').update('onboarding').digest('hex')}`,
    };
    fs.writeFileSync(recordFile(), JSON.stringify(record, undefined, 2) + '\n');
    const r = synth();
    expect(r).toEqual(expect.objectContaining({ status: 0 }));
    expect(r.stderr).toMatch(/^golden checklist: 0 errors, /m);
    const c = container(objectsIn(path.join(app, 'dist')));
    expect(c.image).toBe(`${record.repository}:${record.tag}@${record.digest}`);
  });
});

describe('a Pulumi TypeScript program (golden-go/pulumi, under Pulumi\'s mocks)', () => {
  test('index.ts is the README\'s Pulumi example; the Deployment runs the digest the image build returned', () => {
    const papp = path.join(work, 'pulumi-app');
    expect(fs.readFileSync(path.join(papp, 'index.ts'), 'utf8')).toBe(readmeExample('Pulumi', 'ts'));
    const resources: Array<{ type: string; name: string; inputs: any }> = JSON.parse(fs.readFileSync(path.join(papp, 'resources.json'), 'utf8'));
    const types = resources.map((r) => r.type);
    expect(types).toEqual(expect.arrayContaining(['docker:index/image:Image', 'kubernetes:apps/v1:Deployment', 'kubernetes:core/v1:Service',
      'kubernetes:core/v1:ServiceAccount', 'kubernetes:policy/v1:PodDisruptionBudget', 'kubernetes:networking.k8s.io/v1:NetworkPolicy']));
    const image = resources.find((r) => r.type === 'docker:index/image:Image')!;
    const deployment = resources.find((r) => r.type === 'kubernetes:apps/v1:Deployment')!;
    const running: string = deployment.inputs.spec.template.spec.containers[0].image;
    const digest = running.split('@')[1];
    expect(digest).toMatch(DIGEST);
    // The mock answers the build with sha256(resource name) (scripts/onboarding.sh, mocks.js).
    expect(digest).toBe(`sha256:${crypto.createHash('sha256').update(image.name).digest('hex')}`);
    expect(deployment.inputs.metadata.namespace).toBe('shop');
  });
});
