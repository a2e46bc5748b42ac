// The workload fixtures of the rule tests, shared by test/checklist-rules.test.ts (synth and audit) and
// the admission policy suite (test/e2e/admission-policy.e2e.test.ts): golden-go's own objects are the
// fixed input; each violating one is the smallest change that breaks one rule.
import { Testing } from 'cdk8s';
import { GoMicroservice, ImageReference, ImageSigner } from '../src';

export const DIGEST = `sha256:${'d1'.repeat(32)}`;

/** golden-go's service: its objects pass every rule. */
export function goldenService() {
  const chart = Testing.chart();
  const svc = new GoMicroservice(chart, 'svc', {
    image: ImageReference.fromDigest('registry.example.com/acme/svc', DIGEST, '1.0.0'),
    namespace: 'shop',
    signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/svc/.github/workflows/release.yml@refs/heads/main'),
  });
  return { chart, svc };
}

export function goldenManifests(): any[] {
  return Testing.synth(goldenService().chart);
}

/** A change to golden-go's objects: all of them, the Deployment, its pod template and its container. */
export type Mutation = (objs: any[], dep: any, pod: any, c: any) => void;

/** golden-go's objects with one change applied. */
export function mutate(fn: Mutation): any[] {
  const objs = goldenManifests();
  const dep = objs.find((o) => o.kind === 'Deployment');
  fn(objs, dep, dep.spec.template, dep.spec.template.spec.containers[0]);
  return objs;
}

const setEnv = (c: any, name: string, value: string) => {
  c.env = [...c.env.filter((e: any) => e.name !== name), { name, value }];
};

export interface WorkloadFixture {
  /** The rule the change breaks. */
  readonly ruleId: string;
  /** Unique: the rule id for its first fixture, then `<id> <what>`. */
  readonly name: string;
  readonly mutate: Mutation;
}

const fixture = (ruleId: string, mutation: Mutation, what?: string): WorkloadFixture => ({ ruleId, name: what ? `${ruleId} ${what}` : ruleId, mutate: mutation });

/** One violating change per workload rule (and per part of a rule that is judged apart). */
export const WORKLOAD_FIXTURES: WorkloadFixture[] = [
  fixture('B14', (_o, _d, _p, c) => { c.command = ['/bin/sh', '-c', '/app']; }),
  fixture('B20', (_o, _d, pod) => { pod.metadata.annotations['golden-go.dev/image-digest'] = `sha256:${'e'.repeat(64)}`; }),
  fixture('R01', (_o, _d, _p, c) => { c.image = 'registry.example.com/acme/svc:latest'; }),
  fixture('R01', (_o, _d, _p, c) => { c.image = 'registry.example.com/acme/svc:1.0.0'; }, 'tag only'),
  fixture('R02', (_o, _d, _p, c) => { delete c.livenessProbe; }),
  fixture('R02', (_o, _d, _p, c) => { c.livenessProbe.httpGet = { ...c.readinessProbe.httpGet }; }, 'liveness probes the readiness endpoint'),
  // A query string does not make another endpoint: /healthz?live and /healthz are one handler.
  fixture('R02', (_o, _d, _p, c) => { c.readinessProbe.httpGet = { ...c.livenessProbe.httpGet }; c.livenessProbe.httpGet.path = '/healthz?live'; }, 'shared /healthz with a query string'),
  fixture('R03', (_o, _d, _p, c) => { delete c.resources.requests.memory; }),
  fixture('R04', (_o, _d, _p, c) => setEnv(c, 'GOMEMLIMIT', '230Mi')),
  fixture('R04', (_o, _d, _p, c) => setEnv(c, 'GOMEMLIMIT', '300MiB'), 'above the memory limit'),
  fixture('R04', (_o, _d, _p, c) => { c.env = c.env.filter((e: any) => e.name !== 'GOMEMLIMIT'); }, 'none for the memory limit'),
  fixture('R04', (_o, _d, _p, c) => { c.env = [...c.env.filter((e: any) => e.name !== 'GOMEMLIMIT'), { name: 'GOGC', value: 'off' }]; }, 'GOGC=off without GOMEMLIMIT'),
  fixture('R04', (_o, _d, _p, c) => { setEnv(c, 'GOMEMLIMIT', 'off'); setEnv(c, 'GOGC', '-1'); }, 'GOGC negative with GOMEMLIMIT off'),
  fixture('R04', (_o, _d, _p, c) => setEnv(c, 'GOGC', '50%'), 'GOGC Go cannot parse'),
  fixture('R04', (_o, _d, _p, c) => setEnv(c, 'GODEBUG', 'http2client=0, madvdontneed=0'), 'GODEBUG madvdontneed=0'),
  fixture('R05', (_o, _d, _p, c) => setEnv(c, 'GOMAXPROCS', '4')),
  fixture('R06', (_o, _d, pod) => { pod.spec.terminationGracePeriodSeconds = 10; }),
  fixture('R06', (_o, _d, _p, c) => setEnv(c, 'SHUTDOWN_DRAIN_TIMEOUT', '0.5m'), 'drain in minutes beyond the grace period'),
  fixture('R06', (_o, _d, _p, c) => { c.lifecycle.preStop = { exec: { command: ['sleep', '5'] } }; }, 'exec sleep'),
  fixture('R06', (_o, _d, _p, c) => setEnv(c, 'SHUTDOWN_DRAIN_TIMEOUT', '1.2.3s'), 'malformed drain duration'),
  fixture('R07', (_o, _d, _p, c) => { c.securityContext.readOnlyRootFilesystem = false; }),
  fixture('R07', (_o, _d, _p, c) => { c.securityContext.runAsUser = 0; }, 'root user'),
  fixture('R07', (_o, _d, pod) => { pod.spec.automountServiceAccountToken = true; }, 'service account token'),
  fixture('R07', (_o, _d, _p, c) => { c.ports[0].containerPort = 80; }, 'port 80 without ip_unprivileged_port_start'),
  fixture('R08', (_o, _d, pod) => { pod.spec.securityContext.sysctls = [{ name: 'vm.swappiness', value: '0' }]; }),
  fixture('R08', (_o, _d, pod) => { pod.spec.securityContext.sysctls = [{ name: 'net/core/somaxconn', value: '1024' }]; }, 'unsafe, slash form'),
  // Opted in: a warning (the kubelets must allow it), no longer an error.
  fixture('R08', (_o, _d, pod) => {
    pod.metadata.annotations['golden-go.dev/unsafe-sysctls'] = 'net.core.somaxconn';
    pod.spec.securityContext.sysctls = [{ name: 'net/core/somaxconn', value: '1024' }];
  }, 'unsafe, opted in'),
  fixture('R09', (_o, _d, _p, c) => setEnv(c, 'TZ', 'Mars/Base_One')),
  fixture('R10', (_o, _d, _p, c) => { delete c.terminationMessagePolicy; }),
  // The program declares it reads NO_COLOR and is not given it (without NO_COLOR in the list, it needs none).
  fixture('R10', (_o, _d, pod, c) => {
    pod.metadata.annotations['golden-go.dev/app-reads'] = 'LOG_LEVEL,NO_COLOR';
    c.env = c.env.filter((e: any) => e.name !== 'NO_COLOR');
  }, 'app-reads lists NO_COLOR, none set'),
  // The scrape annotations then name a port the container does not have (metrics on the service port pass R11).
  fixture('R11', (_o, _d, _p, c) => { c.ports = c.ports.filter((p: any) => p.name !== 'metrics'); }),
  // Metrics on the service port: the annotations name a container port but do not ask for a scrape.
  fixture('R11', (_o, _d, pod, c) => {
    c.ports = c.ports.filter((p: any) => p.name !== 'metrics');
    pod.metadata.annotations['prometheus.io/port'] = '8080';
    pod.metadata.annotations['prometheus.io/scrape'] = 'false';
  }, 'scrape annotations on the service port, scrape false'),
  fixture('R12', (_o, dep) => { dep.spec.replicas = 1; }),
  fixture('R12', (_o, dep) => { dep.spec.strategy = { type: 'Recreate' }; }, 'Recreate strategy'),
  fixture('R13', (objs) => { objs.find((o) => o.kind === 'NetworkPolicy').spec.podSelector.matchLabels = { 'app.kubernetes.io/instance': 'other' }; }),
  fixture('R14', (_o, _d, pod) => { delete pod.metadata.annotations['golden-go.dev/signer']; }),
  fixture('R15', (_o, dep) => { delete dep.metadata.labels['app.kubernetes.io/version']; }),
  fixture('R16', (_o, _d, _p, c) => setEnv(c, 'API_TOKEN', 'hunter2')),
  fixture('R16', (_o, _d, _p, c) => { c.env = [...c.env, { name: 'DB_URL', valueFrom: { secretKeyRef: { name: 'db', key: 'url' } } }]; }, 'secretKeyRef'),
  fixture('R16', (_o, _d, _p, c) => { c.envFrom = [{ secretRef: { name: 'db' } }]; }, 'envFrom Secret'),
  fixture('R17', (_o, dep) => { dep.metadata.creationTimestamp = '2026-11-23T00:00:00Z'; }),
];
