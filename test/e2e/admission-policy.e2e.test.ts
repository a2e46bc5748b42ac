// The checklist enforced by the cluster itself (issue 13 item 3): ChecklistAdmissionPolicy's
// ValidatingAdmissionPolicies are installed on a real kube-apiserver three times, bound to three
// namespaces: every rule denies, every rule warns, and the defaults (error rules deny, warning rules
// warn). Every workload fixture of the rule tests, and more variants on the edges of the expressions,
// is created with a server-side dry run in each. Pass: the TypeScript rule (checkManifests)
// and the API server agree on each: a violation of an enforced rule is denied with its rule id and
// warned as exactly the rules the TypeScript check finds, and under the defaults an object is denied
// exactly when the check finds an error (each finding at its own severity), else warned of its
// warnings; fixed objects, suppressed violations, controller-made Pods and objects that predate the
// policy pass; every configuration of the CI matrix is admitted under the defaults. One control plane for the file; one kubectl call per batch.
import * as fs from 'fs';
import { Chart, Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { ControlPlane, describeWithControlPlane, K8S_BIN } from './apiserver';
import { waitFor } from './containers';
import { MATRIX, MATRIX_NAMESPACE, synthEntry } from './matrix';
import { AdmissionAction, ChecklistAdmissionPolicy, ChecklistAdmissionPolicyProps, GoMicroservice, ImageReference, ImageSigner } from '../../src';
import { checkManifests } from '../../src/checklist/checks';
import { RUNTIME_RULES } from '../../src/checklist/runtime-rules';
import { DIGEST, goldenManifests, Mutation, mutate, WORKLOAD_FIXTURES } from '../workload-fixtures';

jest.setTimeout(600_000);

const suite = describeWithControlPlane();
const KUBERNETES_VERSION = '1.35';
const DENY_NS = 'checklist-deny';
const WARN_NS = 'checklist-warn';
const WARN_POLICY = 'golden-go-checklist-warn';
const PREDATES = 'predates-the-policy';
const ENFORCED = new Set(ChecklistAdmissionPolicy.enforceableRuleIds());
/** The kinds some rule's CEL judges: only these are sent (the rest needs CRDs and says nothing here). */
const JUDGED_KINDS = new Set(RUNTIME_RULES.flatMap((r) => ('kinds' in r.cel ? r.cel.kinds : [])));

/**
 * Fixtures whose violation lies in the part of a rule the API server cannot judge (the rule's
 * `cel.partial` says why): the TypeScript check flags them, the API server admits them.
 */
const BEYOND_ADMISSION: Record<string, { ruleId: string; part: RegExp }> = {
  R12: { ruleId: 'R12', part: /replicas ≥ 2/ },
};

const setEnv = (c: any, name: string, entry: Record<string, unknown>) => {
  c.env = [...c.env.filter((e: any) => e.name !== name), { name, ...entry }];
};
const asKind = (objs: any[], dep: any, kind: string, spec: (template: any) => any) => {
  objs.splice(objs.indexOf(dep), 1, { apiVersion: kind.endsWith('Job') ? 'batch/v1' : 'apps/v1', kind, metadata: dep.metadata, spec: spec(dep.spec.template) });
};
const jobTemplate = (template: any) => ({ template: { ...template, spec: { ...template.spec, restartPolicy: 'OnFailure' } } });

/**
 * More inputs, passing and failing, on the edges of the expressions (units, defaults, other kinds):
 * for each, the API server must reach the TypeScript check's verdict, whatever it is.
 */
// A workload golden-go did not write, without any Go runtime variable: not a Go container, so no GOMEMLIMIT and no
// NO_COLOR are asked of it; the same with the go-containers annotation naming it: a Go container again.
const notGo: Mutation = (_o, dep, pod, c) => {
  for (const labels of [dep.metadata.labels, pod.metadata.labels]) if (labels) delete labels['app.kubernetes.io/managed-by'];
  c.env = c.env.filter((e: any) => !['GOMEMLIMIT', 'GOMAXPROCS', 'GOGC', 'GODEBUG', 'GOTRACEBACK', 'AUTOMEMLIMIT', 'NO_COLOR'].includes(e.name));
};
const VARIANTS: Array<[string, Mutation]> = [
  ['port 80 with net.ipv4.ip_unprivileged_port_start=80', (_o, _d, pod, c) => {
    c.ports[0].containerPort = 80;
    pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }];
  }],
  ['not a Go container (no golden-go label, no Go runtime variable)', notGo],
  ['declared a Go container by golden-go.dev/go-containers', (o, dep, pod, c) => {
    notGo(o, dep, pod, c);
    pod.metadata.annotations = { ...pod.metadata.annotations, 'golden-go.dev/go-containers': c.name };
  }],
  ['GOMEMLIMIT off', (_o, _d, _p, c) => setEnv(c, 'GOMEMLIMIT', { value: 'off' })],
  ['GOMEMLIMIT from the downward API', (_o, _d, _p, c) => setEnv(c, 'GOMEMLIMIT', { valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } })],
  ['GOMEMLIMIT in GiB above the limit', (_o, _d, _p, c) => setEnv(c, 'GOMEMLIMIT', { value: '1GiB' })],
  ['AUTOMEMLIMIT instead of GOMEMLIMIT', (_o, _d, _p, c) => { c.env = [...c.env.filter((e: any) => e.name !== 'GOMEMLIMIT'), { name: 'AUTOMEMLIMIT', value: '0.9' }]; }],
  ['drain 20s with delay 3', (_o, _d, _p, c) => { setEnv(c, 'SHUTDOWN_DRAIN_TIMEOUT', { value: '20s' }); setEnv(c, 'SHUTDOWN_DELAY', { value: '3' }); }],
  ['drain 2500ms', (_o, _d, _p, c) => setEnv(c, 'SHUTDOWN_DRAIN_TIMEOUT', { value: '2500ms' })],
  ['grace exactly the budget', (_o, _d, pod) => { pod.spec.terminationGracePeriodSeconds = 30; }],
  ['grace one below the budget', (_o, _d, pod) => { pod.spec.terminationGracePeriodSeconds = 29; }],
  ['GOGC=off with GOMEMLIMIT', (_o, _d, _p, c) => setEnv(c, 'GOGC', { value: 'off' })],
  ['GOGC=off with AUTOMEMLIMIT', (_o, _d, _p, c) => { setEnv(c, 'GOMEMLIMIT', { value: 'off' }); setEnv(c, 'AUTOMEMLIMIT', { value: '0.9' }); setEnv(c, 'GOGC', { value: 'off' }); }],
  ['GOGC 50', (_o, _d, _p, c) => setEnv(c, 'GOGC', { value: ' 50 ' })],
  ['GODEBUG madvdontneed=1', (_o, _d, _p, c) => setEnv(c, 'GODEBUG', { value: 'madvdontneed=1' })],
  ['GODEBUG madvdontneed=0 then =1', (_o, _d, _p, c) => setEnv(c, 'GODEBUG', { value: 'madvdontneed=0,madvdontneed=1' })],
  ['app-reads without NO_COLOR, none set', (_o, _d, pod, c) => {
    pod.metadata.annotations['golden-go.dev/app-reads'] = 'LOG_LEVEL,LOG_FORMAT';
    c.env = c.env.filter((e: any) => e.name !== 'NO_COLOR');
  }],
  ['metrics via scrape annotations on the service port', (_o, _d, pod, c) => {
    c.ports = c.ports.filter((p: any) => p.name !== 'metrics');
    pod.metadata.annotations['prometheus.io/port'] = '8080';
  }],
  ['readiness and liveness on one path, other ports', (_o, _d, _p, c) => { c.readinessProbe.httpGet = { path: '/healthz', port: 8081 }; }],
  ['readiness /readyz?full, liveness /healthz', (_o, _d, _p, c) => { c.readinessProbe.httpGet.path = '/readyz?full'; }],
  ['exec sleep on a distroless image', (_o, _d, _p, c) => {
    c.image = `gcr.io/distroless/static-debian12@${DIGEST}`;
    c.lifecycle.preStop = { exec: { command: ['sleep', '5'] } };
  }],
  ['exec sleep within the grace period', (_o, _d, pod, c) => { pod.spec.terminationGracePeriodSeconds = 60; c.lifecycle.preStop = { exec: { command: ['/bin/sh', '-c', 'sleep 10'] } }; }],
  ['grpc probes on one port', (_o, _d, _p, c) => { c.readinessProbe = { grpc: { port: 8080 } }; c.livenessProbe = { grpc: { port: 8080 } }; }],
  ['tcp readiness, http liveness', (_o, _d, _p, c) => { c.readinessProbe = { tcpSocket: { port: 8080 } }; }],
  ['container runAsNonRoot false over the pod', (_o, _d, _p, c) => { c.securityContext.runAsNonRoot = false; }],
  ['seccomp Localhost on the container', (_o, _d, pod, c) => {
    delete pod.spec.securityContext.seccompProfile;
    c.securityContext.seccompProfile = { type: 'Localhost', localhostProfile: 'profiles/app.json' };
  }],
  ['no seccomp at all', (_o, _d, pod) => { delete pod.spec.securityContext.seccompProfile; }],
  ['adds NET_BIND_SERVICE', (_o, _d, _p, c) => { c.securityContext.capabilities.add = ['NET_BIND_SERVICE']; }],
  ['the default ServiceAccount', (_o, _d, pod) => { delete pod.spec.serviceAccountName; }],
  ['safe sysctl of 1.35', (_o, _d, pod) => { pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_rmem', value: '4096 87380 6291456' }]; }],
  ['safe sysctl only from 1.37', (_o, _d, pod) => { pod.spec.securityContext.sysctls = [{ name: 'net.ipv4.tcp_notsent_lowat', value: '16384' }]; }],
  ['node-level sysctl opted in', (_o, _d, pod) => {
    pod.metadata.annotations['golden-go.dev/unsafe-sysctls'] = 'vm.swappiness';
    pod.spec.securityContext.sysctls = [{ name: 'vm.swappiness', value: '10' }];
  }],
  // (With hostNetwork the server itself refuses a net.* sysctl before admission.)
  ['two sysctls, one opted in', (_o, _d, pod) => {
    pod.metadata.annotations['golden-go.dev/unsafe-sysctls'] = 'kernel.msgmax';
    pod.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }, { name: 'net.core.somaxconn', value: '1024' }];
  }],
  ['an opted-in sysctl, hostNetwork', (_o, _d, pod) => {
    pod.metadata.annotations['golden-go.dev/unsafe-sysctls'] = 'kernel.msgmax';
    pod.spec.hostNetwork = true;
    pod.spec.securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }];
  }],
  ['maxUnavailable 0%', (_o, dep) => { dep.spec.strategy.rollingUpdate.maxUnavailable = '0%'; }],
  ['maxUnavailable 1', (_o, dep) => { dep.spec.strategy.rollingUpdate = { maxSurge: 1, maxUnavailable: 1 }; }],
  ['secret-looking name from a ConfigMap', (_o, _d, _p, c) => setEnv(c, 'API_KEY', { valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } })],
  ['lower-case secret name', (_o, _d, _p, c) => setEnv(c, 'db_password', { value: 'x' })],
  ['StatefulSet', (objs, dep) => asKind(objs, dep, 'StatefulSet', (template) => ({ replicas: 2, serviceName: 'svc', selector: dep.spec.selector, template }))],
  ['DaemonSet', (objs, dep) => asKind(objs, dep, 'DaemonSet', (template) => ({ selector: dep.spec.selector, template }))],
  ['Job', (objs, dep) => asKind(objs, dep, 'Job', jobTemplate)],
  ['CronJob without a digest', (objs, dep, _p, c) => {
    c.image = 'registry.example.com/acme/svc:1.0.0';
    asKind(objs, dep, 'CronJob', (template) => ({ schedule: '0 3 * * *', jobTemplate: { spec: jobTemplate(template) } }));
  }],
];

/** What one batch of dry-run creates did to each object, by name. */
interface Outcome {
  readonly admitted: boolean;
  /** Rule ids of the denial message (Deny binding) or of the warnings (Warn binding). */
  readonly ruleIds: string[];
  readonly messages: string[];
}

function policyObjects(props: ChecklistAdmissionPolicyProps): any[] {
  const chart = new Chart(Testing.app(), 'checklist');
  new ChecklistAdmissionPolicy(chart, 'policy', { kubernetesVersion: KUBERNETES_VERSION, ...props });
  return Testing.synth(chart);
}

const ruleIdsIn = (text: string) => [...text.matchAll(/\[(R\d\d)\] /g)].map((m) => m[1]);

/** Server-side dry-run creates of `objects` (unique names) in `namespace`, in one kubectl call. */
function dryRun(cp: ControlPlane, namespace: string, objects: any[]): Map<string, Outcome> {
  const items = objects.map((o) => ({ ...o, metadata: { ...o.metadata, namespace } }));
  const names = items.map((o) => o.metadata.name);
  if (new Set(names).size !== names.length) throw new Error(`dryRun: object names must be unique: ${names.join(', ')}`);
  const r = cp.kubectl(['create', '--dry-run=server', '-o', 'name', '-n', namespace, '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  const admitted = new Set(r.stdout.split('\n').filter(Boolean).map((l) => l.slice(l.indexOf('/') + 1)));
  const out = new Map<string, Outcome>();
  for (const name of names) {
    const denial = r.stderr.split('\n').find((l) => l.includes(` "${name}" is forbidden: `));
    // Each warning names its object (the policy's messageExpression): "[R07] Deployment ns/name: …".
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('Warning: ') && l.includes(` ${namespace}/${name}: `));
    if (admitted.has(name) === (denial !== undefined)) throw new Error(`kubectl gave no clear outcome for ${name}:\n${r.stdout}\n${r.stderr}`);
    const messages = denial ? [denial] : warnings;
    out.set(name, { admitted: admitted.has(name), ruleIds: [...new Set(messages.flatMap(ruleIdsIn))].sort(), messages });
  }
  return out;
}

/** The objects of a fixture the policy judges, named after the fixture. */
function judged(objects: any[], name: string): any[] {
  const mine = objects.filter((o) => JUDGED_KINDS.has(o.kind));
  return mine.map((o, i) => ({ ...o, metadata: { ...o.metadata, name: i === 0 ? name : `${name}-${i}` } }));
}

/** A Pod with a Deployment's pod template (a copy), as a person or a controller would create it. */
function podOf(dep: any, name: string, metadata: Record<string, unknown> = {}): any {
  const template = JSON.parse(JSON.stringify(dep.spec.template));
  return { apiVersion: 'v1', kind: 'Pod', metadata: { ...template.metadata, labels: dep.metadata.labels, name, ...metadata }, spec: template.spec };
}

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/-$/, '');
const ruleOf = (id: string) => RUNTIME_RULES.find((r) => r.id === id)!;
/** The workload rules the TypeScript check finds, each finding at its own severity (a rule's severity unless the finding overrides it). */
const tsFindings = (objects: any[]) => checkManifests(objects, { kubernetesVersion: KUBERNETES_VERSION })
  .filter((f) => f.ruleId.startsWith('R')).map((f) => ({ ruleId: f.ruleId, severity: f.severity ?? ruleOf(f.ruleId).severity }));
const idsOf = (findings: Array<{ ruleId: string }>) => [...new Set(findings.map((f) => f.ruleId))].sort();
const tsVerdict = (objects: any[]) => idsOf(tsFindings(objects));
/** The rules whose validation (the rule's CEL or its `override` part) is in the policy of `severity`. */
const inPolicy = (severity: string) => RUNTIME_RULES.filter((r) => ENFORCED.has(r.id) && (r.severity === severity || ('kinds' in r.cel && r.cel.override?.severity === severity))).map((r) => r.id);

suite('ChecklistAdmissionPolicy on a real kube-apiserver', () => {
  const rFixtures = WORKLOAD_FIXTURES.filter((f) => f.ruleId.startsWith('R'));
  const cases = [
    { name: 'fixed', objects: goldenManifests() },
    ...rFixtures.map((f) => ({ name: f.name, objects: mutate(f.mutate) })),
    ...VARIANTS.map(([name, fn]) => ({ name: `variant: ${name}`, objects: mutate(fn) })),
  ];
  let cp: ControlPlane;
  let denied: Map<string, Outcome>;
  let warned: Map<string, Outcome>;
  let defaults: Map<string, Outcome>;

  beforeAll(async () => {
    cp = new ControlPlane(K8S_BIN, KUBERNETES_VERSION);
    await cp.start();
    const policies = [
      // Here every rule denies, so each fixture's violation is refused; the matrix namespace has the defaults.
      ...policyObjects({ namespaces: [DENY_NS], warningActions: [AdmissionAction.DENY] }),
      ...policyObjects({ name: WARN_POLICY, namespaces: [WARN_NS], actions: [AdmissionAction.WARN] }),
      ...policyObjects({ name: 'golden-go-checklist-defaults', namespaces: [MATRIX_NAMESPACE] }),
    ];
    const namespaces = [DENY_NS, WARN_NS, MATRIX_NAMESPACE].map((name) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }));
    // An object that predates the policy: it breaks R07 and is already in the cluster.
    const [predates] = judged(mutate(rFixtures.find((f) => f.ruleId === 'R07')!.mutate), PREDATES);
    cp.run(['apply', '--server-side', '--field-manager=golden-go-e2e', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: namespaces }));
    cp.run(['create', '-n', DENY_NS, '-f', '-'], JSON.stringify({ ...predates, metadata: { ...predates.metadata, namespace: DENY_NS } }));
    cp.run(['apply', '--server-side', '--field-manager=golden-go-e2e', '-f', '-'], JSON.stringify({ apiVersion: 'v1', kind: 'List', items: policies }));
    // The API server compiles and syncs a new policy in the background: wait until a known violation of an
    // error rule (R07) and of a warning rule (R05) is caught in every namespace.
    const probes = ['R07', 'R05'].flatMap((id) => judged(mutate(rFixtures.find((f) => f.ruleId === id)!.mutate), `sync-${id.toLowerCase()}`));
    for (const ns of [DENY_NS, WARN_NS, MATRIX_NAMESPACE]) {
      await waitFor(`the policies to judge ${ns}`, async () => {
        const r = dryRun(cp, ns, probes);
        return r.get('sync-r07')!.ruleIds.includes('R07') && r.get('sync-r05')!.ruleIds.includes('R05') ? true : undefined;
      }, 60_000);
    }
    const objects = cases.flatMap((c) => judged(c.objects, slug(c.name)));
    denied = dryRun(cp, DENY_NS, objects);
    warned = dryRun(cp, WARN_NS, objects);
    defaults = dryRun(cp, MATRIX_NAMESPACE, objects);
  }, 600_000);

  afterAll(() => cp?.stop());

  test('the policies compiled and hold every enforceable rule once: errors in one, warnings in the other', () => {
    const ids = (name: string) => {
      const live = cp.json(['get', 'validatingadmissionpolicy', name]);
      expect(live.status?.conditions ?? []).not.toContainEqual(expect.objectContaining({ status: 'False' }));
      return live.spec.validations.map((v: any) => ruleIdsIn(v.message)[0]);
    };
    const errors = ids('golden-go-checklist');
    const warnings = ids('golden-go-checklist-warnings');
    expect(new Set([...errors, ...warnings])).toEqual(ENFORCED);
    // A rule's part at the other severity (R02's shared endpoint, a warning) is in the other policy.
    expect(errors).toEqual(inPolicy('error'));
    expect(warnings).toEqual(inPolicy('warning'));
    expect(warnings).toEqual(expect.arrayContaining(['R02', 'R04', 'R06', 'R08']));
    expect(errors).toContain('R12');
  });

  test.each(cases.map((c) => [c.name, c.objects] as [string, any[]]))('%s: the API server and the TypeScript rule agree', (name, objects) => {
    const ts = tsVerdict(objects);
    const beyond = BEYOND_ADMISSION[name];
    if (beyond) {
      // The gap is real and declared where the rule is defined.
      expect(ts).toContain(beyond.ruleId);
      const rule = RUNTIME_RULES.find((r) => r.id === beyond.ruleId)!;
      expect('partial' in rule.cel ? rule.cel.partial : '').toMatch(beyond.part);
    }
    const expected = ts.filter((id) => ENFORCED.has(id) && id !== beyond?.ruleId);
    const fixture = rFixtures.find((f) => f.name === name);
    if (fixture && ENFORCED.has(fixture.ruleId) && !beyond) expect(expected).toContain(fixture.ruleId);
    const d = denied.get(slug(name))!;
    const w = warned.get(slug(name))!;
    // Deny: refused with a message naming a rule the TypeScript check finds; Warn: warned of exactly those rules.
    const unexpected = d.ruleIds.filter((id) => !expected.includes(id));
    expect({ admitted: d.admitted, unexpected }).toEqual({ admitted: expected.length === 0, unexpected: [] });
    if (fixture && expected.includes(fixture.ruleId)) expect(d.ruleIds).toEqual([fixture.ruleId]);
    expect({ admitted: w.admitted, warned: w.ruleIds }).toEqual({ admitted: true, warned: expected });
    // Defaults: denied exactly when the TypeScript check finds an error, else warned of exactly its warnings.
    const findings = tsFindings(objects).filter((f) => expected.includes(f.ruleId));
    const errors = idsOf(findings.filter((f) => f.severity === 'error'));
    const o = defaults.get(slug(name))!;
    if (errors.length > 0) {
      expect({ admitted: o.admitted, unexpected: o.ruleIds.filter((id) => !errors.includes(id)) }).toEqual({ admitted: false, unexpected: [] });
    } else {
      expect({ admitted: o.admitted, warned: o.ruleIds }).toEqual({ admitted: true, warned: idsOf(findings) });
    }
  });

  test('the denial names the object, the rule, its fix and the suppression annotation', () => {
    const [message] = denied.get('r07')!.messages;
    const r07 = RUNTIME_RULES.find((r) => r.id === 'R07')!;
    expect(message).toContain(`ValidatingAdmissionPolicy 'golden-go-checklist' with binding 'golden-go-checklist' denied request: [R07] Deployment ${DENY_NS}/r07: ${r07.title}. Fix: ${r07.remediation}`);
    expect(message).toContain('golden-go.dev/suppressed.R07');
  });

  test('suppressions: a violation golden-go records as suppressed is admitted; the same object without the record is denied', () => {
    const chart = Testing.chart();
    new GoMicroservice(chart, 'svc', {
      image: ImageReference.fromDigest('registry.example.com/acme/svc', DIGEST, '1.0.0'),
      namespace: 'shop',
      signer: ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/svc/.github/workflows/release.yml@refs/heads/main'),
      env: { DB_PASSWORD: 'hunter2' },
      suppressions: { R16: 'the legacy driver only reads its password from the environment' },
    });
    const suppressed = judged(Testing.synth(chart), 'suppressed-r16');
    expect(suppressed[0].metadata.annotations['golden-go.dev/suppressed.R16']).toBeDefined();
    const unsuppressed = suppressed.map((o) => {
      const annotations = Object.fromEntries(Object.entries(o.metadata.annotations).filter(([k]) => !k.startsWith('golden-go.dev/suppressed.')));
      return { ...o, metadata: { ...o.metadata, name: 'unsuppressed-r16', annotations } };
    });
    const r = dryRun(cp, DENY_NS, [...suppressed, ...unsuppressed]);
    expect(r.get('suppressed-r16')).toEqual({ admitted: true, ruleIds: [], messages: [] });
    expect(r.get('unsuppressed-r16')).toMatchObject({ admitted: false, ruleIds: ['R16'] });
  });

  test('a bare Pod is judged; a Pod a controller owns is not (its template was judged where it was written)', () => {
    cp.run(['create', 'serviceaccount', 'svc', '-n', DENY_NS]);
    const dep = mutate(rFixtures.find((f) => f.ruleId === 'R07')!.mutate).find((o) => o.kind === 'Deployment');
    const owner = { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'svc-1', uid: '00000000-0000-0000-0000-000000000001', controller: true };
    const r = dryRun(cp, DENY_NS, [podOf(dep, 'bare-pod'), podOf(dep, 'owned-pod', { ownerReferences: [owner] })]);
    expect(r.get('bare-pod')).toMatchObject({ admitted: false, ruleIds: ['R07'] });
    expect(r.get('owned-pod')).toMatchObject({ admitted: true, ruleIds: [] });
  });

  test('an object that predates the policy keeps working: bookkeeping updates and scaling pass, a change to its spec is judged', () => {
    const where = ['-n', DENY_NS, `deployment/${PREDATES}`];
    // The Deployment controller writes its revision annotation on the object: an update without a change to spec, labels or suppressions.
    expect(cp.kubectl(['annotate', ...where, 'example.com/reviewed=yes'])).toMatchObject({ status: 0 });
    expect(cp.kubectl(['scale', ...where, '--replicas=3'])).toMatchObject({ status: 0 });
    const changed = cp.kubectl(['patch', ...where, '--type=merge', '-p', JSON.stringify({ spec: { minReadySeconds: 5 } })]);
    expect(changed.status).not.toBe(0);
    expect(ruleIdsIn(changed.stderr)).toEqual(['R07']);
    const suppress = cp.kubectl(['annotate', ...where, 'golden-go.dev/suppressed.R07=the vendor image cannot run with a read-only root filesystem']);
    expect(suppress).toMatchObject({ status: 0 });
    expect(cp.kubectl(['patch', ...where, '--type=merge', '-p', JSON.stringify({ spec: { minReadySeconds: 5 } })])).toMatchObject({ status: 0 });
  });

  test('where the server defaults a field before admission, it judges the default (the divergences the README lists)', () => {
    const withoutStrategy = mutate((_o, d) => { delete d.spec.strategy; });
    const [dep] = judged(withoutStrategy, 'no-strategy');
    const bare = podOf(dep, 'limits-only');
    bare.spec.containers = bare.spec.containers.map((c: any) => ({ ...c, resources: { limits: c.resources.limits } }));
    expect([tsVerdict(withoutStrategy), tsVerdict([bare])]).toEqual([[], expect.arrayContaining(['R03'])]);
    const r = dryRun(cp, DENY_NS, [dep, bare]);
    // RollingUpdate with maxUnavailable 25 % is what the Deployment gets.
    expect(r.get('no-strategy')).toMatchObject({ admitted: false, ruleIds: ['R12'] });
    // The Pod's requests default to its limits: R03 holds for the server.
    expect(r.get('limits-only')!.ruleIds).not.toContain('R03');
  });

  test('an HPA that may scale to one pod is denied (R12); golden-go\'s is admitted', () => {
    const hpa = (name: string, minReplicas: number) => ({
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: { name, labels: { 'app.kubernetes.io/name': 'svc' } },
      spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'svc' }, minReplicas, maxReplicas: 4 },
    });
    const objects = [hpa('hpa-min-1', 1), hpa('hpa-min-2', 2)];
    expect(objects.map((o) => tsVerdict([o]))).toEqual([['R12'], []]);
    const r = dryRun(cp, DENY_NS, objects);
    expect(r.get('hpa-min-1')).toMatchObject({ admitted: false, ruleIds: ['R12'] });
    expect(r.get('hpa-min-2')).toMatchObject({ admitted: true });
  });

  test('every configuration of the CI matrix is admitted; its only warnings are the warning rules the TypeScript check finds', () => {
    const entries = MATRIX.map((entry) => {
      const s = synthEntry(entry);
      const all = s.files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS()));
      const findings = tsFindings(all).filter((f) => ENFORCED.has(f.ruleId));
      return { name: entry.name, ts: idsOf(findings), severities: new Set(findings.map((f) => f.severity)), objects: judged(all, slug(entry.name)) };
    });
    const r = dryRun(cp, MATRIX_NAMESPACE, entries.flatMap((e) => e.objects));
    const verdicts = entries.map((e) => {
      const outcomes = e.objects.map((o) => r.get(o.metadata.name)!);
      return { name: e.name, admitted: outcomes.every((o) => o.admitted), warned: [...new Set(outcomes.flatMap((o) => o.ruleIds))].sort() };
    });
    expect(verdicts).toEqual(entries.map((e) => ({ name: e.name, admitted: true, warned: e.ts })));
    // Configurations without a signer are warned of R14 (as synth warns): the warnings are seen, not assumed away.
    expect(verdicts.some((v) => v.warned.length > 0) && verdicts.some((v) => v.warned.length === 0)).toBe(true);
    for (const e of entries) expect([...e.severities].filter((s) => s !== 'warning')).toEqual([]);
  });
});
