// A real Kubernetes API server (issue 10): every configuration of the CI matrix is applied with server-side
// apply into a namespace that enforces the restricted Pod Security Standard, against a control plane emulating
// the release the configuration targets. Pass: every object is accepted without a warning, the Deployment's
// ReplicaSet gets its Pods admitted, the PodDisruptionBudget and the HorizontalPodAutoscaler select them, and
// every object's metadata.namespace agrees with its kind's scope in the server's discovery. The negative
// control's Pods must be refused. The corpus of real services (issue 12, test/corpus) runs the same checks.
import * as fs from 'fs';
import * as YAML from 'yaml';
import {
  ControlPlane, crdDeprecationWarnings, customResourceDefinitions, describeWithControlPlane, K8S_BIN, selectorString,
} from './apiserver';
import { waitFor } from './containers';
import { CORPUS_MATRIX, MatrixEntry, MATRIX, NEGATIVE_CONTROL, Synthesized, synthEntry } from './matrix';

jest.setTimeout(600_000);

const suite = describeWithControlPlane();

const PSS_LABELS = Object.fromEntries(['enforce', 'warn', 'audit'].map((mode) => [`pod-security.kubernetes.io/${mode}`, 'restricted']));
const FIELD_MANAGER = 'golden-go-e2e';
const DEPRECATIONS = crdDeprecationWarnings();

interface Loaded extends Synthesized {
  readonly objects: any[];
}

function load(entry: MatrixEntry): Loaded {
  const s = synthEntry(entry);
  const objects = s.files.flatMap((f) => YAML.parseAllDocuments(fs.readFileSync(f, 'utf8')).map((d) => d.toJS()));
  return { ...s, objects };
}
const ENTRIES = [...MATRIX, ...CORPUS_MATRIX];

const ofKind = (s: Loaded, kind: string) => s.objects.filter((o) => o.kind === kind);

/** The warnings the server must send for this configuration: the deprecations upstream CRDs declare for the versions it uses. */
function allowedWarnings(s: Loaded): string[] {
  return [...new Set(s.objects.map((o) => DEPRECATIONS.get(`${o.apiVersion} ${o.kind}`)).filter((w): w is string => w !== undefined))];
}

function warnings(stderr: string): string[] {
  return stderr.split('\n').filter((l) => l.startsWith('Warning: ')).map((l) => l.slice('Warning: '.length));
}

/** A fresh namespace enforcing (and warning and auditing) the restricted Pod Security Standard, with its default ServiceAccount. */
async function freshNamespace(cp: ControlPlane, name: string): Promise<void> {
  cp.run(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}-namespace`, '-f', '-'],
    JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: PSS_LABELS } }));
  // Pods are refused until the ServiceAccount controller made "default": wait, so a refusal seen later is Pod Security's.
  await waitFor(`the default ServiceAccount in ${name}`, async () => (cp.kubectl(['get', 'serviceaccount', 'default', '-n', name]).status === 0 ? true : undefined), 60_000);
}

/** Removes every object of the configuration (cluster-scoped ones too, whose names recur across entries) and its namespace. */
function cleanUp(cp: ControlPlane, s: Loaded): void {
  cp.kubectl(['delete', '--ignore-not-found', '--wait=true', '--timeout=120s', ...s.files.flatMap((f) => ['-f', f])]);
  cp.run(['delete', 'namespace', s.namespace, '--ignore-not-found', '--wait=true', '--timeout=120s']);
}

function apply(cp: ControlPlane, s: Loaded) {
  return cp.kubectl(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}`, ...s.files.flatMap((f) => ['-f', f])]);
}

function podNames(cp: ControlPlane, namespace: string, selector: string): string[] {
  return (cp.json(['get', 'pods', '-n', namespace, '-l', selector]).items as any[]).map((p) => p.metadata.name).sort();
}

/** The Deployment's own ReplicaSets (by owner reference, not only by labels). */
function replicaSetsOf(cp: ControlPlane, deployment: any): any[] {
  const live = cp.json(['get', 'deployment', deployment.metadata.name, '-n', deployment.metadata.namespace]);
  const all = cp.json(['get', 'replicasets', '-n', deployment.metadata.namespace, '-l', selectorString(deployment.spec.selector)]).items as any[];
  return all.filter((rs) => (rs.metadata.ownerReferences ?? []).some((o: any) => o.kind === 'Deployment' && o.uid === live.metadata.uid));
}

const versions = [...new Set([...ENTRIES, NEGATIVE_CONTROL].map((e) => e.kubernetesVersion))].sort();

suite.each(versions)('real kube-apiserver emulating Kubernetes %s', (version) => {
  const entries = ENTRIES.filter((e) => e.kubernetesVersion === version);
  const withNegative = NEGATIVE_CONTROL.kubernetesVersion === version ? [...entries, NEGATIVE_CONTROL] : entries;
  let cp: ControlPlane;
  let loaded: Map<string, Loaded>;

  beforeAll(async () => {
    loaded = new Map(withNegative.map((e) => [e.name, load(e)]));
    cp = new ControlPlane(K8S_BIN, version);
    await cp.start();
    const templates = [...loaded.values()].flatMap((s) => ofKind(s, 'ConstraintTemplate'));
    cp.run(['apply', '--server-side', `--field-manager=${FIELD_MANAGER}-crds`, '-f', '-'],
      JSON.stringify({ apiVersion: 'v1', kind: 'List', items: customResourceDefinitions(templates) }));
    // `kubectl wait --all` fails outright on a CRD whose status has no conditions yet: poll instead.
    await waitFor('every CRD to be Established', async () => {
      const crds = cp.json(['get', 'crd']).items as any[];
      return crds.every((c) => c.status?.conditions?.some((k: any) => k.type === 'Established' && k.status === 'True')) ? true : undefined;
    }, 60_000);
  }, 600_000);

  afterAll(() => cp?.stop());

  test(`/version reports emulation of ${version}`, () => {
    const v = cp.raw('/version');
    const [major, minor] = version.split('.');
    expect([v.emulationMajor, v.emulationMinor]).toEqual([major, minor]);
  });

  test.each(entries.map((e): [string, MatrixEntry] => [e.name, e]))('%s: accepted with no warning but upstream CRD deprecations; Pods admitted under restricted PSS; PDB and HPA select them', async (_, entry) => {
    const s = loaded.get(entry.name)!;
    await freshNamespace(cp, s.namespace);
    try {
      const r = apply(cp, s);
      expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
      // The only warnings allowed are the deprecations an upstream CRD declares, which the server sends on every request for that version.
      expect(warnings(r.stderr).sort()).toEqual(allowedWarnings(s).sort());

      const [deployment] = ofKind(s, 'Deployment');
      expect(ofKind(s, 'Deployment')).toHaveLength(1);
      const [hpa] = ofKind(s, 'HorizontalPodAutoscaler');
      const replicas = deployment.spec.replicas ?? 1;
      // The HPA controller raises the Deployment to minReplicas even without metrics.
      const expected = hpa ? Math.min(Math.max(replicas, hpa.spec.minReplicas ?? 1), hpa.spec.maxReplicas) : replicas;
      const selector = selectorString(deployment.spec.selector);

      const pods = await waitFor(`${expected} Pods of Deployment ${deployment.metadata.name}`, async () => {
        const names = podNames(cp, s.namespace, selector);
        return names.length === expected ? names : undefined;
      }, 90_000);
      const replicaSets = replicaSetsOf(cp, deployment);
      expect(replicaSets).toHaveLength(1);
      const [rs] = replicaSets;
      const owned = (cp.json(['get', 'pods', '-n', s.namespace, '-l', selector]).items as any[])
        .filter((p) => p.metadata.ownerReferences?.some((o: any) => o.kind === 'ReplicaSet' && o.uid === rs.metadata.uid));
      expect(owned.map((p) => p.metadata.name).sort()).toEqual(pods);

      const [pdb] = ofKind(s, 'PodDisruptionBudget');
      expect(podNames(cp, s.namespace, selectorString(pdb.spec.selector))).toEqual(pods);
      // The disruption controller counts the same Pods through the Deployment's scale.
      await waitFor(`PDB ${pdb.metadata.name} to expect ${expected} Pods`, async () => {
        const live = cp.json(['get', 'pdb', pdb.metadata.name, '-n', s.namespace]);
        return live.status?.expectedPods === expected ? true : undefined;
      }, 60_000);

      if (hpa) {
        expect(hpa.spec.scaleTargetRef).toEqual({ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name });
        // The HPA reads its Pods through the target's scale subresource: its selector must pick the same Pods.
        const scale = cp.raw(`/apis/apps/v1/namespaces/${s.namespace}/deployments/${deployment.metadata.name}/scale`);
        expect(podNames(cp, s.namespace, scale.status.selector)).toEqual(pods);
        await waitFor(`HPA ${hpa.metadata.name} to report ${expected} replicas`, async () => {
          const live = cp.json(['get', 'hpa', hpa.metadata.name, '-n', s.namespace]);
          return live.status?.currentReplicas === expected ? true : undefined;
        }, 90_000);
      }
    } finally {
      cleanUp(cp, s);
    }
  });

  if (withNegative.includes(NEGATIVE_CONTROL)) {
    test(`${NEGATIVE_CONTROL.name}: the Deployment is accepted but the API server refuses its Pods`, async () => {
      const s = loaded.get(NEGATIVE_CONTROL.name)!;
      await freshNamespace(cp, s.namespace);
      try {
        const r = apply(cp, s);
        expect(r.status).toBe(0);
        // Pod Security only warns for workload objects; it enforces on the Pods.
        expect(r.stderr).toMatch(/^Warning: would violate PodSecurity "restricted:latest": privileged/m);
        const [deployment] = ofKind(s, 'Deployment');
        const failure = await waitFor('the ReplicaSet to report ReplicaFailure', async () => {
          const [rs] = replicaSetsOf(cp, deployment);
          return rs?.status?.conditions?.find((c: any) => c.type === 'ReplicaFailure' && c.status === 'True');
        }, 60_000);
        expect(failure.reason).toBe('FailedCreate');
        expect(failure.message).toMatch(/is forbidden: violates PodSecurity "restricted:latest": privileged \(container "app" must not set securityContext\.privileged=true\)/);
        const events = cp.json(['get', 'events', '-n', s.namespace, '--field-selector', 'reason=FailedCreate,involvedObject.kind=ReplicaSet']).items as any[];
        expect(events.some((e) => /violates PodSecurity "restricted:latest"/.test(e.message))).toBe(true);
        expect(podNames(cp, s.namespace, selectorString(deployment.spec.selector))).toEqual([]);
      } finally {
        cleanUp(cp, s);
      }
    });
  }

  test('scope: cluster-scoped objects carry no metadata.namespace and namespaced ones carry one (server discovery)', () => {
    const discovered = new Map<string, Map<string, boolean>>();
    const wrong: string[] = [];
    let checked = 0;
    for (const s of loaded.values()) {
      for (const o of s.objects) {
        if (!discovered.has(o.apiVersion)) discovered.set(o.apiVersion, cp.discovery(o.apiVersion));
        const namespaced = discovered.get(o.apiVersion)!.get(o.kind);
        const where = `${s.name}: ${o.apiVersion} ${o.kind} ${o.metadata.name}`;
        if (namespaced === undefined) wrong.push(`${where}: kind unknown to the server`);
        else if (namespaced && !o.metadata.namespace) wrong.push(`${where}: namespaced but has no metadata.namespace`);
        else if (!namespaced && o.metadata.namespace !== undefined) wrong.push(`${where}: cluster-scoped but has metadata.namespace ${o.metadata.namespace}`);
        checked++;
      }
    }
    expect(wrong).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
