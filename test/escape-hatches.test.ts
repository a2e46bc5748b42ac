// Whatever a user sets through cdk8s-plus or ApiObject.addJsonPatch after construction survives synth,
// next to golden-go's own defaults; a change that breaks a rule is reported as that rule.
import * as fs from 'fs';
import * as path from 'path';
import { ApiObject, Chart, JsonPatch, Testing } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { Checklist, GoMicroservice, ImageReference, ImageSigner } from '../src';

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');
const signer = ImageSigner.keyless('https://token.actions.githubusercontent.com', 'https://github.com/acme/orders/.github/workflows/release.yml@refs/heads/main');

function service(): { chart: Chart; svc: GoMicroservice } {
  const chart = Testing.chart();
  return { chart, svc: new GoMicroservice(chart, 'orders', { image, signer, namespace: 'shop' }) };
}

function podOf(chart: Chart): any {
  return Testing.synth(chart).find((o) => o.kind === 'Deployment').spec.template;
}

describe('escape hatches survive synth', () => {
  test('labels: pod and workload labels added through cdk8s-plus', () => {
    const { chart, svc } = service();
    svc.deployment.podMetadata.addLabel('team', 'payments');
    svc.deployment.metadata.addLabel('tier', 'backend');
    const dep = Testing.synth(chart).find((o) => o.kind === 'Deployment');
    expect(dep.spec.template.metadata.labels).toEqual({ ...svc.labels, team: 'payments' });
    expect(dep.metadata.labels).toEqual({ ...svc.labels, tier: 'backend' });
  });

  test('annotations: a pod annotation added through cdk8s-plus, next to golden-go\'s', () => {
    const { chart, svc } = service();
    svc.deployment.podMetadata.addAnnotation('example.com/owner', 'payments');
    const annotations = podOf(chart).metadata.annotations;
    expect(annotations['example.com/owner']).toBe('payments');
    expect(annotations['golden-go.dev/signer']).toBe(`keyless ${signer.identity}`);
  });

  test('affinity and tolerations: node affinity and a toleration from cdk8s-plus scheduling', () => {
    const { chart, svc } = service();
    svc.deployment.scheduling.attract(kplus.Node.labeled(kplus.NodeLabelQuery.is('pool', 'general')));
    svc.deployment.scheduling.tolerate(kplus.Node.tainted(kplus.NodeTaintQuery.is('dedicated', 'go')));
    const spec = podOf(chart).spec;
    expect(spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms).toEqual([
      { matchExpressions: [{ key: 'pool', operator: 'In', values: ['general'] }] },
    ]);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution).toHaveLength(1);
    expect(spec.tolerations).toEqual([{ key: 'dedicated', operator: 'Equal', value: 'go' }]);
  });

  test('resources: a patched limit survives; a removed one is reported as R03', () => {
    const { chart, svc } = service();
    ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/template/spec/containers/0/resources/limits/memory', '512Mi'));
    expect(podOf(chart).spec.containers[0].resources.limits.memory).toBe('512Mi');

    const broken = service();
    ApiObject.of(broken.svc).addJsonPatch(JsonPatch.remove('/spec/template/spec/containers/0/resources/limits/memory'));
    expect(() => Testing.synth(broken.chart)).toThrow(/\[R03\] Deployment\/shop\/orders spec\.template\.spec\.containers\[app\]\.resources: missing limits\.memory/);
  });

  test('env: a variable added through cdk8s-plus survives; a secret-looking one is reported as R16', () => {
    const { chart, svc } = service();
    svc.deployment.containers[0].env.addVariable('FEATURE_FLAGS', kplus.EnvValue.fromValue('a,b'));
    expect(podOf(chart).spec.containers[0].env).toContainEqual({ name: 'FEATURE_FLAGS', value: 'a,b' });

    const broken = service();
    broken.svc.deployment.containers[0].env.addVariable('DB_PASSWORD', kplus.EnvValue.fromValue('hunter2'));
    expect(() => Testing.synth(broken.chart)).toThrow(/\[R16\] Deployment\/shop\/orders spec\.template\.spec\.containers\[app\]\.env\[DB_PASSWORD\]: looks like a secret; environment variables leak/);
  });

  test('volumes: a ConfigMap volume and mount added through cdk8s-plus, next to /tmp', () => {
    const { chart, svc } = service();
    const config = kplus.Volume.fromConfigMap(svc, 'config', kplus.ConfigMap.fromConfigMapName(svc, 'config-ref', 'orders-config'));
    svc.deployment.containers[0].mount('/etc/orders', config, { readOnly: true });
    const spec = podOf(chart).spec;
    expect(spec.volumes.map((v: any) => v.configMap?.name ?? (v.emptyDir ? 'tmp' : v.name))).toEqual(expect.arrayContaining(['orders-config', 'tmp']));
    expect(spec.containers[0].volumeMounts.map((m: any) => m.mountPath)).toEqual(expect.arrayContaining(['/etc/orders', '/tmp']));
  });

  test('security context: a patched seccomp profile survives; an added capability is reported as R07', () => {
    const { chart, svc } = service();
    ApiObject.of(svc).addJsonPatch(JsonPatch.replace('/spec/template/spec/securityContext/seccompProfile', { type: 'Localhost', localhostProfile: 'profiles/go.json' }));
    const spec = podOf(chart).spec;
    expect(spec.securityContext.seccompProfile).toEqual({ type: 'Localhost', localhostProfile: 'profiles/go.json' });
    expect(spec.containers[0].securityContext.capabilities).toEqual({ drop: ['ALL'] });
    expect(Checklist.findings(chart).filter((f) => f.status === 'fail')).toEqual([]);

    const broken = service();
    ApiObject.of(broken.svc).addJsonPatch(JsonPatch.add('/spec/template/spec/containers/0/securityContext/capabilities/add', ['NET_ADMIN']));
    expect(() => Testing.synth(broken.chart)).toThrow(/\[R07\] Deployment\/shop\/orders spec\.template\.spec\.containers\[app\]\.securityContext: adds capabilities NET_ADMIN/);
  });
});

// The checklist's rendering of an object is reused by the file writing of the same app.synth() call
// (one rendering per object per synth); it never outlives that call, so nothing a user changes between
// two synths, or reads with toJson() outside one, can come from an earlier rendering.
describe('a change made between two synths is never missed', () => {
  const written = (outdir: string) => fs.readdirSync(outdir).filter((f) => f.endsWith('.yaml')).map((f) => fs.readFileSync(path.join(outdir, f), 'utf8')).join('\n');

  function synthTwice(synth: (app: any) => string) {
    const app = Testing.app();
    const chart = new Chart(app, 'shop', { namespace: 'shop' });
    const svc = new GoMicroservice(chart, 'orders', { image, signer });
    const first = synth(app);
    svc.deployment.podMetadata.addLabel('team', 'payments');
    svc.service.metadata.addLabel('tier', 'web');
    svc.networkPolicy.addJsonPatch(JsonPatch.add('/metadata/labels/zone', 'eu-1'));
    // Outside a synth call toJson() renders afresh.
    expect(ApiObject.of(svc.deployment).toJson().spec.template.metadata.labels.team).toBe('payments');
    const second = synth(app);
    return { app, svc, first, second };
  }

  test.each<[string, (app: any) => string]>([
    ['app.synth()', (app) => { app.synth(); return written(app.outdir); }],
    ['app.synthYaml()', (app) => app.synthYaml()],
  ])('%s twice: the second output carries every change made after the first', (_name, synth) => {
    const { app, svc, first, second } = synthTwice(synth);
    for (const text of ['team: payments', 'tier: web', 'zone: eu-1']) {
      expect(first).not.toContain(text);
      expect(second).toContain(text);
    }
    // Apart from those changes the two outputs are the same: nothing else moved between the synths.
    expect(second.replace(/\n\s+(team: payments|tier: web|zone: eu-1)/g, '')).toBe(first);
    // A late change that breaks a rule fails the next synth as that rule, not with an earlier rendering.
    ApiObject.of(svc.deployment).addJsonPatch(JsonPatch.replace('/spec/replicas', 1));
    expect(() => synth(app)).toThrow(/\[R12\]/);
  });
});

// cdk8s validates the whole app in App.synth() and again in each Chart.toJson() of that call; the
// checklist is evaluated once per call (the objects cannot change in between) and afresh in the next.
describe('the checklist is evaluated once per synth call', () => {
  test.each<[string, (app: any) => unknown]>([
    ['app.synth()', (app) => app.synth()],
    ['app.synthYaml()', (app) => app.synthYaml()],
  ])('%s with two charts: each service checked once per call', (_name, synth) => {
    const app = Testing.app();
    const services = ['shop', 'billing'].map((ns) => new GoMicroservice(new Chart(app, ns, { namespace: ns }), 'orders', { image, signer }));
    const calls = services.map((svc) => jest.spyOn(svc, '_checklist'));
    synth(app);
    expect(calls.map((c) => c.mock.calls.length)).toEqual([1, 1]);
    // The next call evaluates again, and sees a change made in between as its rule.
    ApiObject.of(services[1].deployment).addJsonPatch(JsonPatch.replace('/spec/replicas', 1));
    expect(() => synth(app)).toThrow(/\[R12\]/);
    expect(calls.map((c) => c.mock.calls.length)).toEqual([2, 2]);
  });
});
