import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { HardenedGoImage } from '../src';
import { isFullyQualified, preflight, PreflightError, PreflightInput, qualify, REGISTRY_PROBE, REGISTRY_PROBE_TIMEOUT_MS } from '../src/publish/preflight';
import { defaultRunner, publish, Runner } from '../src/publish/publish';

const COSIGN_V3 = 'GitVersion:    v3.1.3\n';
const DIGEST = `sha256:${'c'.repeat(64)}`;

/** image.json, Dockerfile and a build context with a go.mod, as HardenedGoImage.writeFiles leaves them. */
function fixture(): { dir: string; context: string; input: PreflightInput } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-preflight-'));
  const context = path.join(dir, 'svc');
  fs.mkdirSync(context);
  fs.writeFileSync(path.join(context, 'go.mod'), 'module example.com/svc\n\ngo 1.26\n');
  new HardenedGoImage(Testing.chart(), 'img', { name: 'svc', imageName: 'registry.example.com/acme/svc', version: '1.0.0', context, dockerfileDir: dir }).writeFiles(dir);
  const input: PreflightInput = { imageJson: path.join(dir, 'image.json'), engine: 'buildah', buildArgs: {}, insecureRegistry: false, syft: 'syft', go: 'go' };
  return { dir, context, input };
}

const ENOENT = (cmd: string) => new Error(`${cmd}: spawnSync ${cmd} ENOENT`);

/**
 * Answers like a machine where every tool works and the registry answers 401; `answers` replaces the
 * answer of a command (`cmd arg0`, or `probe`): a string is its output, an Error is thrown.
 */
function machine(answers: Record<string, string | Error> = {}, calls: string[] = []): Runner {
  return (cmd, args) => {
    const key = cmd === process.execPath && args[0] === '-e' ? 'probe' : `${cmd} ${args[0]}`;
    calls.push(key === 'probe' ? `probe ${args[2]}` : `${cmd} ${args.join(' ')}`);
    const answer = answers[key];
    if (answer instanceof Error) throw answer;
    if (answer !== undefined) return answer;
    if (key === 'probe') return 'status 401';
    if (cmd === 'cosign') return COSIGN_V3;
    if (cmd === 'syft') return 'Application: syft\nVersion: 1.57.2\n';
    return '';
  };
}

/** The problems a preflight reports (none: []). */
function problems(input: PreflightInput, run: Runner): string[] {
  try {
    preflight(input, run, () => undefined);
    return [];
  } catch (e) {
    if (!(e instanceof PreflightError)) throw e;
    return e.problems;
  }
}

describe('publish preflight', () => {
  const ci = process.env.CI;
  beforeEach(() => { delete process.env.CI; });
  afterAll(() => { if (ci === undefined) delete process.env.CI; else process.env.CI = ci; });

  test('all ok: the engine, cosign, syft and the registry are asked once each; the build command, repository and syft version come back', () => {
    const { input } = fixture();
    const calls: string[] = [];
    const ready = preflight(input, machine({}, calls), () => undefined);
    expect(calls).toEqual(['buildah version', 'podman version', 'cosign version', 'syft version', 'probe https://registry.example.com/v2/']);
    expect(ready).toMatchObject({ repository: 'registry.example.com/acme/svc', syftVersion: '1.57.2' });
    expect(ready.command.slice(0, 2)).toEqual(['buildah', 'bud']);
    // A registry that needs no login answers 200: reachable too.
    expect(problems(input, machine({ probe: 'status 200' }))).toEqual([]);
  });

  test.each<[string, Partial<PreflightInput>, Record<string, string | Error>, RegExp]>([
    ['buildah missing', {}, { 'buildah version': ENOENT('buildah') }, /^buildah is not on PATH: --engine buildah needs buildah and podman \(apt-get install buildah podman\), or use --engine docker$/],
    ['podman broken', {}, { 'podman version': new Error('podman version exited 125\ncannot set up namespace') }, /^podman is not usable \(`podman version`: podman version exited 125: cannot set up namespace\): fix its installation, or use --engine docker$/],
    ['docker missing', { engine: 'docker' }, { 'docker buildx': ENOENT('docker') }, /^docker is not on PATH: --engine docker needs the docker CLI with buildx, or use --engine buildah$/],
    ['docker without buildx', { engine: 'docker' }, { 'docker buildx': new Error("docker buildx version exited 1\ndocker: 'buildx' is not a docker command.") },
      /^docker has no working buildx \(`docker buildx version`: docker buildx version exited 1: docker: 'buildx' is not a docker command\.\): install the buildx plugin \(apt-get install docker-buildx\), or use --engine buildah$/],
    ['docker without a daemon', { engine: 'docker' }, { 'docker version': new Error('docker version --format {{.Server.Version}} exited 1\nCannot connect to the Docker daemon') },
      /^docker has no reachable daemon \(`docker version`: .*exited 1: Cannot connect to the Docker daemon\): start dockerd or set DOCKER_HOST, or use --engine buildah$/],
    ['cosign missing', {}, { 'cosign version': ENOENT('cosign') }, /^cosign is not on PATH: publish needs cosign v3 \(scripts\/install-tools\.sh installs it\)$/],
    ['cosign v2', {}, { 'cosign version': 'GitVersion:    v2.6.5\n' }, /^publish needs cosign v3 \(scripts\/install-tools\.sh installs it\); `cosign version` says: GitVersion: {4}v2\.6\.5$/],
    ['no syft and no Go toolchain for the fallback', {}, { 'syft version': ENOENT('syft'), 'go version': ENOENT('go') },
      /^go is not usable \(go: spawnSync go ENOENT\): without syft the SBOM is read from the binary with `go version -m`: install syft \(scripts\/install-tools\.sh\), or pass --go$/],
    ['a short base image name', { buildArgs: { BUILDER_IMAGE: 'golang:1.26-trixie' } }, {},
      /^base image BUILDER_IMAGE="golang:1\.26-trixie" is a short name, which buildah\/podman resolve through registries\.conf \(often not at all\): pass --build-arg BUILDER_IMAGE=docker\.io\/library\/golang:1\.26-trixie$/],
    ['an empty base image argument', { buildArgs: { RUNTIME_IMAGE: '' } }, {}, /^base image RUNTIME_IMAGE has no value: pass --build-arg RUNTIME_IMAGE=<registry>\/<name>:<tag>@sha256:<digest>$/],
    ['a repository without registry', { repository: 'acme/svc' }, {},
      /^repository "acme\/svc" names no registry \(docker would push to Docker Hub, buildah\/podman may refuse\): pass --repository with the registry host, such as registry\.example\.com\/team\/svc, or set HardenedGoImage's imageName$/],
    ['an unreachable registry', {}, { probe: 'error ECONNREFUSED' },
      /^registry registry\.example\.com is not reachable \(GET https:\/\/registry\.example\.com\/v2\/: ECONNREFUSED\): check --repository and the network \(a plain-HTTP registry needs --insecure-registry\)$/],
    ['a plain-HTTP registry that is down', { insecureRegistry: true, repository: '127.0.0.1:5000/acme/svc' }, { probe: 'error ECONNREFUSED' },
      /^registry 127\.0\.0\.1:5000 is not reachable \(GET http:\/\/127\.0\.0\.1:5000\/v2\/: ECONNREFUSED\): start it, or check --repository$/],
    ['a host that is no registry', {}, { probe: 'status 404' },
      /^registry registry\.example\.com answered GET https:\/\/registry\.example\.com\/v2\/ with HTTP 404, not 200 or 401: it is not an OCI registry endpoint; check --repository/],
  ])('%s: one line naming the fix', (_, change, answers, line) => {
    const { input } = fixture();
    expect(problems({ ...input, ...change }, machine(answers))).toEqual([expect.stringMatching(line)]);
  });

  test('syft missing: with CI=true an error; otherwise the loud warning and the Go-modules-only fallback', () => {
    const { input } = fixture();
    const logs: string[] = [];
    expect(preflight(input, machine({ 'syft version': ENOENT('syft') }), (s) => logs.push(s)).syftVersion).toBeUndefined();
    expect(logs).toEqual([expect.stringMatching(/^######## WARNING: syft \(syft\) is not usable: syft: spawnSync syft ENOENT: the SBOM lists the binary's Go modules only/)]);
    process.env.CI = 'true';
    expect(problems(input, machine({ 'syft version': ENOENT('syft') })))
      .toEqual([expect.stringMatching(/^syft \(syft\) is not usable: syft: spawnSync syft ENOENT; with CI=true the Go-modules-only SBOM is not accepted \(install syft: scripts\/install-tools\.sh\)$/)]);
  });

  test('the build context: missing, or without go.mod', () => {
    const { input, context } = fixture();
    fs.rmSync(path.join(context, 'go.mod'));
    expect(problems(input, machine())).toEqual([`build context "${context}" holds no go.mod: the context must be the Go module root (HardenedGoImage's context)`]);
    fs.rmSync(context, { recursive: true });
    expect(problems(input, machine())).toEqual([expect.stringMatching(new RegExp(`^build context "${context}" \\(the last argument of image\\.json's buildah command\\) is not a directory under \\S+: run publish from the directory`))]);
  });

  test('image.json and the files its command names', () => {
    const { dir, input } = fixture();
    fs.rmSync(path.join(dir, 'Dockerfile'));
    fs.rmSync(path.join(dir, '.dockerignore'));
    expect(problems(input, machine())).toEqual([
      `Dockerfile "${path.join(dir, 'Dockerfile')}" (image.json's --file) does not exist: write it with HardenedGoImage.writeFiles, and run publish from the directory its path is relative to`,
      `ignore file "${path.join(dir, '.dockerignore')}" (image.json's --ignorefile) does not exist: write it with HardenedGoImage.writeFiles, and run publish from the directory its path is relative to`,
    ]);
    fs.writeFileSync(input.imageJson, '{"name":"svc"}');
    expect(problems(input, machine())).toEqual([`${input.imageJson} has no buildahCommand: write it with HardenedGoImage.writeFiles`]);
    expect(problems({ ...input, imageJson: path.join(dir, 'missing.json') }, machine()))
      .toEqual([expect.stringMatching(/^--image-json \S+missing\.json is not readable JSON \(ENOENT: no such file or directory.*\): write it with HardenedGoImage\.writeFiles$/)]);
  });

  test('a literal short FROM in the Dockerfile is named with its file; stage names and scratch are not images', () => {
    const { dir, input } = fixture();
    const dockerfile = path.join(dir, 'Dockerfile');
    fs.writeFileSync(dockerfile, fs.readFileSync(dockerfile, 'utf8') + '\nFROM build AS again\nFROM scratch\nFROM alpine:3.20\n');
    expect(problems(input, machine())).toEqual([`base image "alpine:3.20" in ${dockerfile} is a short name, which buildah/podman resolve through registries.conf (often not at all): write FROM docker.io/library/alpine:3.20`]);
  });

  test('every problem is collected and reported together, nothing is built', () => {
    const { dir, input, context } = fixture();
    fs.rmSync(context, { recursive: true });
    const calls: string[] = [];
    const run = machine({ 'docker buildx': new Error("docker buildx version exited 1\ndocker: 'buildx' is not a docker command."), 'cosign version': ENOENT('cosign'), 'probe': 'error timeout after 5000 ms' }, calls);
    let error: PreflightError | undefined;
    try {
      publish({ ...input, engine: 'docker', buildArgs: { BUILDER_IMAGE: 'golang:1.26' }, transparencyLog: true, record: path.join(dir, 'r.json'), sbom: path.join(dir, 's.json') }, run);
    } catch (e) {
      error = e as PreflightError;
    }
    expect(error).toBeInstanceOf(PreflightError);
    expect(error!.problems.map((p) => p.split(' ').slice(0, 3).join(' '))).toEqual([
      'docker has no', 'cosign is not', 'build context "' + context + '"', 'base image BUILDER_IMAGE="golang:1.26"', 'registry registry.example.com is',
    ]);
    expect(error!.message.split('\n')).toEqual(['preflight failed, nothing was built (5 problems):', ...error!.problems.map((p) => `  - ${p}`)]);
    expect(calls.filter((c) => c.startsWith('docker buildx build'))).toEqual([]);
  });

  test('every publish step reports its duration', () => {
    const { dir, input } = fixture();
    const logs: string[] = [];
    const run: Runner = (cmd, args, env) => {
      if (cmd === 'podman' && args[0] === 'push') fs.writeFileSync(args[args.indexOf('--digestfile') + 1], DIGEST);
      return machine()(cmd, args, env);
    };
    publish({ ...input, key: 'cosign.key', transparencyLog: false, record: path.join(dir, 'r.json'), sbom: path.join(dir, 's.json') }, run, (s) => logs.push(s));
    const timed = logs.filter((l) => / \(\d+\.\d s\)$/.test(l)).map((l) => l.replace(/ \(\d+\.\d s\)$/, '').split(':')[0]);
    expect(timed).toEqual(['preflight ok', 'build ok', 'push ok', 'sbom', 'attest (bundle)', 'attest (bundle)', 'sign (bundle)']);
  });

  test('references: fully qualified or not, and the Docker Hub form of a short name', () => {
    expect(['golang:1.26', 'library/golang', 'acme/svc'].map(isFullyQualified)).toEqual([false, false, false]);
    expect(['docker.io/library/golang:1.26', 'localhost/golang:1.26', '127.0.0.1:5000/acme/svc', 'gcr.io/distroless/static'].map(isFullyQualified)).toEqual([true, true, true, true]);
    expect(qualify('golang:1.26-trixie@sha256:abc')).toBe('docker.io/library/golang:1.26-trixie@sha256:abc');
    expect(qualify('acme/svc:1')).toBe('docker.io/acme/svc:1');
  });
});

describe('the registry probe, for real', () => {
  /** A plain-HTTP server in another process (the probe blocks this one) answering `status` on /v2/. */
  async function server(status: number | 'never'): Promise<{ port: number; stop: () => Promise<unknown> }> {
    const answer = status === 'never' ? '' : `r.statusCode = q.url === '/v2/' ? ${status} : 404; r.end();`;
    const child = spawn(process.execPath, ['-e', `const s = require('http').createServer((q, r) => { ${answer} });
s.listen(0, '127.0.0.1', () => console.log(s.address().port));`]);
    const port = await new Promise<number>((resolve) => child.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
    return { port, stop: () => new Promise((resolve) => { child.once('exit', resolve); child.kill(); }) };
  }
  const probe = (url: string, ms = REGISTRY_PROBE_TIMEOUT_MS) => defaultRunner(process.execPath, ['-e', REGISTRY_PROBE, url, String(ms)]);

  test('prints the status of GET /v2/, or the error code of a refused connection', async () => {
    const registry = await server(401);
    try {
      expect(probe(`http://127.0.0.1:${registry.port}/v2/`)).toBe('status 401');
    } finally {
      await registry.stop();
    }
    expect(probe(`http://127.0.0.1:${registry.port}/v2/`)).toBe('error ECONNREFUSED');
  });

  test('gives up after the timeout on a registry that never answers', async () => {
    const silent = await server('never');
    try {
      expect(probe(`http://127.0.0.1:${silent.port}/v2/`, 300)).toBe('error timeout after 300 ms');
    } finally {
      await silent.stop();
    }
  });
});
