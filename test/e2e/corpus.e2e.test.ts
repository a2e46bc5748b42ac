// The corpus of real Go services (issue 12 item 5), each described with props only: built with buildah on
// the local base images, run with podman as its Deployment says (test/e2e/pod-runner.ts, not
// `podman kube play`), then proven from the host: it serves, every declared probe answers (HTTP, gRPC
// health, TCP, executed by this test), and SIGTERM ends it within the declared budget.
import * as fs from 'fs';
import * as path from 'path';
import { EPOCH, REPO_ROOT, requireContainerTools, sh } from './containers';
import { buildCorpusImage, CORPUS_COMMIT, CORPUS_VERSION, CorpusBuild, CorpusLike, corpusObjects } from './corpus-build';
import { grpcUnary, readField1, stringField1 } from './grpc';
import { PROBE_KINDS, ProbeResult, RunningPod, Termination } from './pod-runner';
import { CORPUS } from '../corpus/corpus';

jest.setTimeout(1_800_000);

/** How the test talks to a service and what it expects of its exit; from each service's README. */
interface Expectation {
  /** A real request to the main endpoint (the first declared containerPort), from the host. */
  readonly serve: (pod: RunningPod, port: number) => Promise<void>;
  /** Exit status after SIGTERM as PID 1 (Go exits 2 on a signal it does not handle). */
  readonly exitCode: number;
  /** Arguments that print the stamped values. */
  readonly versionArgs?: string[];
}

async function get(pod: RunningPod, port: number, urlPath: string, init?: RequestInit): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${pod.hostPort(port)}${urlPath}`, init);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${urlPath}: HTTP ${res.status}: ${body}`);
  return body;
}

const EXPECTATIONS: Record<string, Expectation> = {
  flagsonly: {
    serve: async (pod, port) => expect(await get(pod, port, '/greet?name=e2e')).toContain('e2e'),
    exitCode: 0,
  },
  port80: {
    serve: async (pod, port) => {
      expect(port).toBe(80);
      expect(await get(pod, port, '/')).toContain('<h1>Hello from port80</h1>');
    },
    exitCode: 2,
  },
  onehealthz: {
    serve: async (pod, port) => {
      expect(await get(pod, port, '/hello?name=e2e')).toBe('hello, e2e\n');
      expect(await get(pod, port, '/metrics')).toMatch(/^onehealthz_http_requests_total/m);
    },
    exitCode: 0,
  },
  grpcsvc: {
    serve: async (pod, port) => {
      const reply = await grpcUnary('127.0.0.1', pod.hostPort(port), '/echo.v1.Echo/Echo', stringField1('e2e'), 5000);
      expect(reply.grpcStatus).toBe(0);
      expect(readField1(reply.message)).toBe('e2e');
    },
    exitCode: 0,
  },
  cobrasvc: {
    serve: async (pod, port) => expect(JSON.parse(await get(pod, port, '/v1/info'))).toMatchObject({ version: CORPUS_VERSION, commit: CORPUS_COMMIT }),
    exitCode: 0,
    versionArgs: ['version'],
  },
  cgosqlite: {
    serve: async (pod, port) => {
      await get(pod, port, '/counters/e2e', { method: 'POST' });
      await get(pod, port, '/counters/e2e', { method: 'POST' });
      expect(JSON.parse(await get(pod, port, '/counters/e2e'))).toEqual({ name: 'e2e', value: 2 });
    },
    exitCode: 0,
  },
};

/** What the stamped binary must print: version and commit, and the build date when one is stamped. */
function stampedValues(svc: CorpusLike): RegExp {
  const parts = [CORPUS_VERSION, CORPUS_COMMIT];
  if (svc.image.buildDateVariable) parts.push(new Date(EPOCH * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z'));
  return new RegExp(parts.map((p) => p.replace(/[.+]/g, '\\$&')).join('[\\s\\S]*'));
}

const SERVICES: CorpusLike[] = CORPUS;

const durations: string[] = [];
afterAll(() => {
  fs.mkdirSync(path.join(REPO_ROOT, 'test-reports'), { recursive: true });
  fs.writeFileSync(path.join(REPO_ROOT, 'test-reports', 'corpus-e2e-timings.txt'), durations.join('\n') + '\n');
});

describe.each(SERVICES.map((s) => [s.name, s] as const))('%s', (name, svc) => {
  const expectation = EXPECTATIONS[name];
  let build: CorpusBuild;
  let deployment: Record<string, any>;
  let pod: RunningPod;
  const probes: ProbeResult[] = [];

  beforeAll(() => {
    requireContainerTools();
    if (!expectation) throw new Error(`no expectation for corpus service ${name}: add how to call it to EXPECTATIONS`);
    const t0 = Date.now();
    build = buildCorpusImage(svc);
    durations.push(`${name}: image ${build.built ? 'built' : 'cached'} in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    deployment = corpusObjects(svc, build).find((o) => o.kind === 'Deployment')!;
    pod = RunningPod.start(deployment);
  });

  afterAll(() => pod?.remove());

  test('runs the image the Deployment names, its binary as PID 1 with the declared user, no capabilities, read-only root', () => {
    const container = deployment.spec.template.spec.containers[0];
    expect(container.image).toBe(`${build.repository}:${CORPUS_VERSION}@${build.digest}`);
    const status = fs.readFileSync(`/proc/${pod.hostPid()}/status`, 'utf8');
    expect(status).toMatch(/^NSpid:\s+\d+\s+1$/m);
    expect(fs.readFileSync(`/proc/${pod.hostPid()}/cmdline`, 'utf8').split('\0')[0]).toBe('/app');
    const uid = container.securityContext?.runAsUser ?? deployment.spec.template.spec.securityContext.runAsUser;
    expect(status).toMatch(new RegExp(`^Uid:\\s+${uid}\\s+${uid}\\s+${uid}\\s+${uid}$`, 'm'));
    expect(status).toMatch(/^CapEff:\s+0000000000000000$/m);
    expect(status).toMatch(/^NoNewPrivs:\s+1$/m);
    const root = fs.readFileSync(`/proc/${pod.hostPid()}/mountinfo`, 'utf8').split('\n').map((l) => l.split(' ')).find((m) => m[4] === '/');
    expect(root?.[5]).toMatch(/^ro,/);
  });

  test('every declared probe passes within its failureThreshold × periodSeconds, called from the host', async () => {
    for (const kind of PROBE_KINDS) {
      const result = await pod.awaitProbe(kind);
      if (result) probes.push(result);
    }
    durations.push(...probes.map((p) => `${name}: ${p.kind} ${p.handler}: ${p.last} after ${p.passedAfterMs} ms (${p.attempts} attempt(s))`));
    // A probe the manifest declares is one this test ran; at least one kind is declared by every service.
    expect(probes.map((p) => p.kind)).toEqual(PROBE_KINDS.filter((k) => deployment.spec.template.spec.containers[0][k]));
    expect(probes.length).toBeGreaterThan(0);
  });

  test('serves its main endpoint from the host', async () => {
    await expectation.serve(pod, deployment.spec.template.spec.containers[0].ports[0].containerPort);
  });

  test('SIGTERM to PID 1: exits within terminationGracePeriodSeconds minus the preStop sleep', () => {
    const t: Termination = pod.terminate();
    durations.push(`${name}: SIGTERM → exit ${t.exitCode} after ${t.seconds.toFixed(2)} s (budget ${t.budgetSeconds} s)`);
    expect(t.killed).toBe(false);
    expect(t.seconds).toBeLessThanOrEqual(t.budgetSeconds);
    expect(t.exitCode).toBe(expectation.exitCode);
  });

  // Only services that print their stamped values have this test.
  const versionArgs = expectation?.versionArgs;
  if (versionArgs) {
    test(`the stamped values are in the binary: /app ${versionArgs.join(' ')}`, () => {
      const out = sh('podman', ['run', '--rm', '--pull=never', '--no-healthcheck', `${build.repository}@${build.digest}`, ...versionArgs]);
      expect(out).toMatch(stampedValues(svc));
    });
  }
});

// cobrasvc itself stamps Version, Commit and BuildDate in internal/buildinfo (checked through `version` above).
describe('stamping beyond version and commit, on cobrasvc (variables in internal/buildinfo)', () => {
  const cobrasvc = CORPUS.find((s) => s.name === 'cobrasvc')!;
  const buildinfo = 'github.com/golden-go/golden-go/examples/services/cobrasvc/internal/buildinfo';

  test('a stamp variable the binary does not have fails the build, naming it', () => {
    const variant = { ...cobrasvc, name: 'cobrasvc-missing', image: { ...cobrasvc.image, stamp: { [`${buildinfo}.Channel`]: 'stable' } } };
    expect(() => buildCorpusImage(variant)).toThrow(
      new RegExp(`golden-go: stamp\\.${buildinfo.replace(/\./g, '\\.')}\\.Channel ${buildinfo.replace(/\./g, '\\.')}\\.Channel: no package-level string variable`));
  });
});
