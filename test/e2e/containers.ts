// Helpers for the container end-to-end suite: thin wrappers over podman/buildah that fail loudly.
import { execFileSync, spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { App } from 'cdk8s';
import { HardenedGoImage, HardenedGoImageProps } from '../../src';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');

/** Runs a command and returns its stdout; throws with the command line and stderr on failure. */
export function sh(cmd: string, args: string[], options: { cwd?: string; timeoutMs?: number } = {}): string {
  const r = spawnSync(cmd, args, { cwd: options.cwd ?? REPO_ROOT, encoding: 'utf8', timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd} ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n--- stderr ---\n${r.stderr}\n--- stdout (tail) ---\n${r.stdout.slice(-4000)}`);
  }
  return r.stdout;
}

/** Fails the suite with a useful message when the container tools are missing. */
export function requireContainerTools(): void {
  for (const tool of ['podman', 'buildah', 'readelf']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`]);
    if (r.status !== 0) throw new Error(`${tool} is not installed: run "sudo scripts/setup-containers.sh" before "npm run test:e2e"`);
  }
}

/** Builds (once) and returns the local builder and runtime base images. */
export function localBaseImages(): { builder: string; runtime: string } {
  const [builder, runtime] = sh('bash', [path.join(REPO_ROOT, 'scripts', 'e2e-base-images.sh')]).trim().split('\n');
  return { builder, runtime };
}

/** Replaces the values of `--build-arg K=V` and `--tag` in a rendered buildah argv. */
export function withOverrides(argv: string[], buildArgs: Record<string, string>, tag: string, extra: string[] = []): string[] {
  const out = [...argv];
  for (let i = 0; i < out.length - 1; i++) {
    if (out[i] === '--build-arg') {
      const key = out[i + 1].split('=')[0];
      if (key in buildArgs) out[i + 1] = `${key}=${buildArgs[key]}`;
    }
    if (out[i] === '--tag') out[i + 1] = tag;
  }
  // argv[0..1] is "buildah bud"; the context stays last.
  return [...out.slice(1, -1), ...extra, out[out.length - 1]];
}

export function tmpDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `golden-go-${prefix}-`));
}

/** Exports an image's filesystem into a directory and returns it. */
export function exportImage(ref: string): string {
  const dir = tmpDir('rootfs');
  const ctr = sh('podman', ['create', ref]).trim();
  try {
    execFileSync('sh', ['-c', `podman export ${ctr} | tar -C ${dir} -xf -`]);
  } finally {
    sh('podman', ['rm', '-f', ctr]);
  }
  return dir;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (e) {
      last = e;
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
}

export async function httpGet(url: string): Promise<{ status: number; body: string }> {
  const res = await fetch(url);
  return { status: res.status, body: await res.text() };
}

/** The bin directory of the checkers (installed once per machine by scripts/install-tools.sh). */
export function toolsBin(): string {
  const r = spawnSync('bash', [path.join(REPO_ROOT, 'scripts', 'install-tools.sh')], { encoding: 'utf8', timeout: 1_200_000 });
  if (r.status !== 0) throw new Error(`scripts/install-tools.sh failed:\n${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

/** A directory of strict JSON Schemas for a Kubernetes release (scripts/k8s-schemas.sh). */
export function k8sSchemas(version: string): string {
  return sh('bash', [path.join(REPO_ROOT, 'scripts', 'k8s-schemas.sh'), version]).trim();
}

/** A local OCI registry (Debian's docker-registry) on a loopback port, for the lifetime of a test file. */
export async function startRegistry(): Promise<{ host: string; stop: () => void }> {
  const port = await freePort();
  const dir = tmpDir('registry');
  fs.writeFileSync(path.join(dir, 'config.yml'), [
    'version: 0.1',
    'storage:', '  filesystem:', `    rootdirectory: ${dir}/data`, '  delete:', '    enabled: true',
    'http:', `  addr: 127.0.0.1:${port}`, '',
  ].join('\n'));
  const proc = spawn('docker-registry', ['serve', path.join(dir, 'config.yml')], { stdio: 'ignore' });
  const host = `127.0.0.1:${port}`;
  await waitFor('the registry', async () => ((await httpGet(`http://${host}/v2/`)).status === 200 ? true : undefined));
  return { host, stop: () => proc.kill('SIGTERM') };
}

/** SOURCE_DATE_EPOCH of the e2e builds. */
export const EPOCH = 1700000000;

/** A build of the example service with the generated Dockerfile and buildah command. */
export interface HelloBuild {
  readonly image: HardenedGoImage;
  readonly ref: string;
  readonly overrides: Record<string, string>;
}

/**
 * Renders the example's Dockerfile for a variant and builds it with the generated buildah command,
 * on the local base images (GOPROXY=off: nothing leaves the machine).
 */
export function buildHello(variant: string, props: Partial<HardenedGoImageProps> = {}): HelloBuild {
  const bases = localBaseImages();
  const dir = tmpDir(variant);
  const image = new HardenedGoImage(new App(), variant, {
    name: 'hello-service',
    version: '1.0.0',
    commit: 'e2e',
    sourceUrl: 'https://github.com/golden-go/golden-go',
    sourceDateEpoch: EPOCH,
    context: path.join(REPO_ROOT, 'examples', 'hello-service'),
    dockerfileDir: dir,
    ...props,
  });
  image.writeFiles(dir);
  const ref = `localhost/golden-go-e2e/hello-${variant}:test`;
  const overrides: Record<string, string> = { BUILDER_IMAGE: bases.builder, RUNTIME_IMAGE: bases.runtime, RUNTIME_IMAGE_DIGEST: '', GOPROXY: 'off' };
  sh('buildah', withOverrides(image.buildahCommand, overrides, ref));
  return { image, ref, overrides };
}

/** The default (distroless) example image, built unless another test file already built it. */
export function helloImage(): string {
  const ref = 'localhost/golden-go-e2e/hello-distroless:test';
  if (spawnSync('podman', ['image', 'exists', ref]).status !== 0) buildHello('distroless');
  return ref;
}
