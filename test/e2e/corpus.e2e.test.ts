// The corpus of real Go services (issue 12 item 5), each described with props only: built with buildah on
// the local base images, run with podman as its Deployment says (test/e2e/pod-runner.ts, not
// `podman kube play`), then proven from the host: it serves, every declared probe answers (HTTP, gRPC
// health, TCP, executed by this test), and SIGTERM ends it within the declared budget.
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT, requireContainerTools, sh } from './containers';
import { buildCorpusImage, CORPUS_COMMIT, CORPUS_VERSION, CorpusBuild, CorpusLike, corpusObjects } from './corpus-build';
import { grpcUnary, readField1, stringField1 } from './grpc';
import { PROBE_KINDS, ProbeResult, RunningPod, Termination } from './pod-runner';
import { ImageReference } from '../../src';

jest.setTimeout(1_800_000);

/** How the test talks to a service and what it expects of its exit; from each service's README. */
interface Expectation {
  /** A real request to the main endpoint, from the host; resolves to what proves it served. */
  readonly serve: (pod: RunningPod) => Promise<void>;
  /** Exit status after SIGTERM as PID 1. */
  readonly exitCode: number;
  /** Arguments that print the stamped values, and what they must print. */
  readonly version?: { args: string[]; expect: RegExp };
}

async function get(pod: RunningPod, port: string | number, urlPath: string, init?: RequestInit): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${pod.hostPort(port)}${urlPath}`, init);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`${urlPath}: HTTP ${res.status}: ${body}`);
  return body;
}

const EXPECTATIONS: Record<string, Expectation> = {
  'hello-service': {
    serve: async (pod) => expect(JSON.parse(await get(pod, 'http', '/'))).toMatchObject({ message: 'hello', version: CORPUS_VERSION }),
    exitCode: 0,
    version: { args: ['-version'], expect: new RegExp(`^hello-service ${CORPUS_VERSION} \\(commit ${CORPUS_COMMIT}, go1\\.26`) },
  },
  'flagsonly': {
    serve: async (pod) => expect(await get(pod, 'http', '/greet?name=e2e')).toContain('e2e'),
    exitCode: 0,
  },
  'port80': {
    serve: async (pod) => expect(await get(pod, 80, '/')).toMatch(/<html/i),
    exitCode: 2,
  },
  'onehealthz': {
    serve: async (pod) => {
      expect(await get(pod, 'http', '/hello?name=e2e')).toBe('hello, e2e\n');
      expect(await get(pod, 'http', '/metrics')).toMatch(/^onehealthz_http_requests_total/m);
    },
    exitCode: 0,
  },
  'grpcsvc': {
    serve: async (pod) => {
      const reply = await grpcUnary('127.0.0.1', pod.hostPort('grpc'), '/echo.v1.Echo/Echo', stringField1('e2e'), 5000);
      expect(reply.grpcStatus).toBe(0);
      expect(readField1(reply.message)).toBe('e2e');
    },
    exitCode: 0,
  },
  'cobrasvc': {
    serve: async (pod) => expect(JSON.parse(await get(pod, 'http', '/v1/info'))).toMatchObject({ version: CORPUS_VERSION, commit: CORPUS_COMMIT }),
    exitCode: 0,
    version: { args: ['version'], expect: new RegExp(`${CORPUS_VERSION}[\\s\\S]*${CORPUS_COMMIT}[\\s\\S]*2023-11-14T22:13:20Z`) },
  },
  'cgosqlite': {
    serve: async (pod) => {
      await get(pod, 'http', '/counters/e2e', { method: 'POST' });
      await get(pod, 'http', '/counters/e2e', { method: 'POST' });
      expect(JSON.parse(await get(pod, 'http', '/counters/e2e'))).toEqual({ name: 'e2e', value: 2 });
    },
    exitCode: 0,
  },
};

/** hello-service, the golden-convention example, described with today's props (the harness's own check). */
const HELLO: CorpusLike = {
  name: 'hello-service',
  dir: path.join(REPO_ROOT, 'examples', 'hello-service'),
  image: {},
  service: (image: ImageReference) => ({ image }),
};

const SERVICES: CorpusLike[] = [HELLO];

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
    await expectation.serve(pod);
  });

  test('SIGTERM to PID 1: exits within terminationGracePeriodSeconds minus the preStop sleep', () => {
    const t: Termination = pod.terminate();
    durations.push(`${name}: SIGTERM → exit ${t.exitCode} after ${t.seconds.toFixed(2)} s (budget ${t.budgetSeconds} s)`);
    expect(t.killed).toBe(false);
    expect(t.seconds).toBeLessThanOrEqual(t.budgetSeconds);
    expect(t.exitCode).toBe(expectation.exitCode);
  });

  // Only services that print their stamped values have this test.
  const version = expectation?.version;
  if (version) {
    test(`the stamped values are in the binary: /app ${version.args.join(' ')}`, () => {
      const out = sh('podman', ['run', '--rm', '--pull=never', '--no-healthcheck', `${build.repository}@${build.digest}`, ...version.args]);
      expect(out).toMatch(version.expect);
    });
  }
});
