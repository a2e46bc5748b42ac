// Real runtime for GoMicroservice: the synthesized Deployment runs under `podman kube play` with the
// image built from the generated Dockerfile, pulled by digest from a loopback registry.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { helloImage, requireContainerTools, sh, startRegistry, tmpDir, waitFor } from './containers';
import { synthToDir } from './matrix';
import { HelloServiceChart } from '../../examples/hello-service';
import { ImageReference } from '../../src';

jest.setTimeout(900_000);

let registry: { host: string; stop: () => void };
let deploymentFile: string;
let container: string;
let pod: string;

beforeAll(async () => {
  requireContainerTools();
  const local = helloImage();
  registry = await startRegistry();
  const repository = `${registry.host}/golden-go/hello-service`;
  const digestFile = path.join(tmpDir('digest'), 'digest');
  sh('podman', ['push', '-q', '--tls-verify=false', '--digestfile', digestFile, local, `${repository}:1.0.0`]);
  const digest = fs.readFileSync(digestFile, 'utf8').trim();

  const { dir } = synthToDir('kube-play', (app) => new HelloServiceChart(app, 'hello-service', { image: ImageReference.fromDigest(repository, digest, '1.0.0') }));
  // podman publishes every containerPort on the host, so two replicas on one machine collide on
  // 8080; a cluster spreads them. One replica is the only change made to the synthesized object.
  const original = fs.readFileSync(path.join(dir, 'Deployment.hello-service.yaml'), 'utf8');
  expect(original).toMatch(/^  replicas: 2$/m);
  deploymentFile = path.join(dir, 'deployment-1-replica.yaml');
  fs.writeFileSync(deploymentFile, original.replace(/^  replicas: 2$/m, '  replicas: 1'));

  sh('podman', ['kube', 'play', '--tls-verify=false', deploymentFile]);
  pod = 'hello-service-pod-0';
  container = `${pod}-app`;
});

afterAll(() => {
  if (deploymentFile) spawnSync('podman', ['kube', 'down', deploymentFile]);
  registry?.stop();
});

function pid(): string {
  return sh('podman', ['inspect', container, '--format', '{{.State.Pid}}']).trim();
}

test('the image was pulled by the digest in the manifest', () => {
  const spec = sh('podman', ['inspect', container, '--format', '{{.ImageName}} {{.Image}}']).trim();
  expect(spec).toMatch(/@sha256:[0-9a-f]{64}/);
});

test('restricted security context: UID/GID 65532, no capabilities, no new privileges, seccomp, read-only root, writable /tmp', () => {
  const status = fs.readFileSync(`/proc/${pid()}/status`, 'utf8');
  expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
  expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
  expect(status).toMatch(/^CapEff:\s+0000000000000000$/m);
  expect(status).toMatch(/^CapPrm:\s+0000000000000000$/m);
  expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
  expect(status).toMatch(/^Seccomp:\s+2$/m);
  const mounts = fs.readFileSync(`/proc/${pid()}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' '));
  expect(mounts.find((m) => m[4] === '/')?.[5]).toMatch(/^ro,/);
  expect(mounts.find((m) => m[4] === '/tmp')?.[5]).toMatch(/^rw,/);
});

test('the runtime environment golden-go computed reached the process', () => {
  const env = fs.readFileSync(`/proc/${pid()}/environ`, 'utf8').split('\0');
  expect(env).toEqual(expect.arrayContaining(['GOMEMLIMIT=230MiB', 'TZ=Asia/Shanghai', 'LOG_FORMAT=json', 'NO_COLOR=1', 'LANG=C.UTF-8']));
});

test.each(['/startupz', '/readyz', '/healthz'])('answers its %s probe on the named port', async (probe) => {
  await waitFor(`${probe}`, async () => {
    const r = spawnSync('podman', ['exec', container, '/app', 'healthcheck', '-path', probe]);
    return r.status === 0 ? true : undefined;
  });
});

test('stops gracefully: exit 0 and the shutdown logged, then kube down removes it', () => {
  // Debian's podman 4.3 `kube down` SIGKILLs containers (podman#22397, fixed upstream in 5.1); the
  // upstream workaround is `pod stop` first, which sends SIGTERM and waits the stop timeout.
  sh('podman', ['pod', 'stop', pod], { timeoutMs: 60_000 });
  expect(sh('podman', ['inspect', container, '--format', '{{.State.ExitCode}}']).trim()).toBe('0');
  const logs = sh('podman', ['logs', container]).split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
  expect(logs.map((l) => l.msg)).toEqual(['started', 'shutdown started', 'shutdown complete']);
  expect(logs[1].signal).toBe('terminated signal received');
  sh('podman', ['kube', 'down', deploymentFile]);
  expect(sh('podman', ['pod', 'ps', '--filter', `name=${pod}`, '--format', '{{.Name}}']).trim()).toBe('');
});
