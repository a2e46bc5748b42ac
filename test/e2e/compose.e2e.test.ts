// The Compose file GoMicroservice writes for local runs, run by podman-compose with the example image:
// it starts under the same restrictions as the Deployment, answers, and stops within the grace period.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import { App } from 'cdk8s';
import * as YAML from 'yaml';
import { freePort, helloImage, httpGet, requireContainerTools, sh, tmpDir, waitFor } from './containers';
import { HELLO_DIGEST, HelloServiceChart } from '../../examples/hello-service';
import { ImageReference } from '../../src';

jest.setTimeout(900_000);

const PROJECT = 'golden-go-compose-e2e';
const CONTAINER = `${PROJECT}_hello-service_1`;
let file: string;
let port: number;
let graceSeconds: number;

const compose = (...args: string[]) => spawnSync('podman-compose', ['-p', PROJECT, '-f', file, ...args], { encoding: 'utf8', timeout: 300_000 });

beforeAll(async () => {
  requireContainerTools();
  if (spawnSync('sh', ['-c', 'command -v podman-compose']).status !== 0) throw new Error('podman-compose is not installed: run "sudo scripts/setup-containers.sh"');
  const local = helloImage();
  port = await freePort();
  const chart = new HelloServiceChart(new App({ outdir: tmpDir('compose-gitops') }), 'hello-service', {
    image: ImageReference.fromDigest('registry.example.com/golden-go/hello-service', HELLO_DIGEST, '1.0.0'),
  });
  // The pinned image is not in a registry here: the local build of the same source runs instead.
  file = chart.service.writeCompose(tmpDir('compose'), { image: local, hostPort: port, metricsHostPort: await freePort() });
  graceSeconds = chart.service.terminationGracePeriodSeconds;
  const up = compose('up', '-d');
  if (up.status !== 0) throw new Error(`podman-compose up failed:\n${up.stderr}\n${up.stdout}`);
});

afterAll(() => {
  if (file) compose('down', '-t', '1');
});

test('it starts and answers its readiness endpoint on the published port', async () => {
  const r = await waitFor('GET /readyz', async () => {
    const res = await httpGet(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return res?.status === 200 ? res : undefined;
  }, 30_000);
  expect(r.status).toBe(200);
});

test('as in the Deployment: UID 65532, no capabilities, no new privileges, read-only root, writable /tmp, the golden environment', () => {
  const pid = sh('podman', ['inspect', CONTAINER, '--format', '{{.State.Pid}}']).trim();
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
  expect(status).toMatch(/^CapEff:\s+0000000000000000$/m);
  expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
  const mounts = fs.readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' '));
  expect(mounts.find((m) => m[4] === '/')?.[5]).toMatch(/^ro,/);
  expect(mounts.find((m) => m[4] === '/tmp')?.[5]).toMatch(/^rw,/);
  const env = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
  expect(env).toEqual(expect.arrayContaining(['GOMEMLIMIT=230MiB', 'TZ=Asia/Shanghai', 'LOG_FORMAT=json']));
  expect(sh('podman', ['inspect', CONTAINER, '--format', '{{.HostConfig.Memory}}']).trim()).toBe(String(256 * 2 ** 20));
});

test('stops on SIGTERM within the grace period the file declares (podman-compose 1.0.3 ignores stop_grace_period: passed as -t)', () => {
  const declared = YAML.parse(fs.readFileSync(file, 'utf8')).services['hello-service'].stop_grace_period;
  expect(declared).toBe(`${graceSeconds}s`);
  const stop = compose('stop', '-t', String(graceSeconds));
  expect(stop.status).toBe(0);
  expect(sh('podman', ['inspect', CONTAINER, '--format', '{{.State.ExitCode}}']).trim()).toBe('0');
});
