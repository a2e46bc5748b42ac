// Helpers for the container end-to-end suite: thin wrappers over podman/buildah that fail loudly.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

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
