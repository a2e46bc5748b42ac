// The PrometheusRule a ServiceMonitor with alerts brings (R11): only metrics that exist, schema-valid.
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import * as YAML from 'yaml';
import { GoApp, GoMicroservice, GoMicroserviceProps, ImageReference, Metrics, Monitoring } from '../src';
import { testWith } from './e2e/checkers';
import { REPO_ROOT, tmpDir, toolsBin } from './e2e/containers';
import { checkManifests } from '../src/checklist/checks';

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');

function rule(props: Partial<GoMicroserviceProps>) {
  const chart = Testing.chart();
  const svc = new GoMicroservice(chart, 'orders-api', { image, namespace: 'shop', ...props });
  return { svc, manifests: Testing.synth(chart), rule: Testing.synth(chart).find((m) => m.kind === 'PrometheusRule') };
}
const alerts = (r: any) => r.spec.groups[0].rules.map((x: any) => [x.alert, x.expr]);

test('no PrometheusRule unless the ServiceMonitor asks for alerts', () => {
  expect(rule({}).rule).toBeUndefined();
  expect(rule({ monitoring: Monitoring.serviceMonitor() }).rule).toBeUndefined();
  expect(rule({ monitoring: Monitoring.serviceMonitor() }).svc.prometheusRule).toBeUndefined();
});

test('alerts: target down on the ServiceMonitor job, restarts and OOMKilled from kube-state-metrics; labels as the ServiceMonitor', () => {
  const { rule: r, svc } = rule({ monitoring: Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' }, alerts: true }) });
  expect(svc.prometheusRule).toBeDefined();
  expect(r.metadata).toMatchObject({ name: 'orders-api', namespace: 'shop', labels: { 'release': 'kube-prometheus-stack', 'app.kubernetes.io/name': 'orders-api' } });
  expect(r.spec.groups.map((g: any) => g.name)).toEqual(['shop.orders-api']);
  const container = 'namespace="shop", pod=~"orders-api-[a-z0-9]+-[a-z0-9]{5}", container="app"';
  expect(alerts(r)).toEqual([
    ['OrdersApiTargetDown', 'up{namespace="shop", job="orders-api"} == 0'],
    ['OrdersApiRestarting', `increase(kube_pod_container_status_restarts_total{${container}}[15m]) > 2`],
    ['OrdersApiOOMKilled', `(increase(kube_pod_container_status_restarts_total{${container}}[10m]) > 0) and on (namespace, pod, container) (kube_pod_container_status_last_terminated_reason{${container}, reason="OOMKilled"} == 1)`],
  ]);
  expect(r.spec.groups[0].rules[2].annotations.summary).toBe('shop/orders-api: {{ $labels.pod }} was OOMKilled at the 256Mi memory limit');
  for (const x of r.spec.groups[0].rules) expect(x.labels).toEqual({ severity: 'warning' });
});

test('the Go runtime alert only when the program is declared to export go_memstats, against the derived GOMEMLIMIT', () => {
  const { rule: r } = rule({ resources: { memoryLimit: '512Mi' }, monitoring: Monitoring.serviceMonitor({ alerts: true, goRuntimeMetrics: true }) });
  const t = 'namespace="shop", job="orders-api"';
  expect(alerts(r)[3]).toEqual(['OrdersApiNearGoMemLimit', `(go_memstats_sys_bytes{${t}} - go_memstats_heap_released_bytes{${t}}) / ${460 * 2 ** 20} > 0.95`]);
  expect(r.spec.groups[0].rules[3].for).toBe('15m');
  expect(JSON.stringify(rule({ monitoring: Monitoring.serviceMonitor({ alerts: true }) }).rule)).not.toMatch(/go_/);
});

test('goRuntimeMetrics without alerts, and monitoring without metrics, are errors', () => {
  expect(() => Monitoring.serviceMonitor({ goRuntimeMetrics: true })).toThrow(/^monitoring.goRuntimeMetrics: only with alerts: true/);
  expect(() => rule({ app: new GoApp({ metrics: Metrics.none() }), monitoring: Monitoring.serviceMonitor({ alerts: true }) }))
    .toThrow(/^monitoring: not allowed with app.metrics Metrics.none\(\)/);
});

test('the checklist finds nothing on the PrometheusRule', () => {
  const { manifests } = rule({ monitoring: Monitoring.serviceMonitor({ alerts: true, goRuntimeMetrics: true }) });
  const onRule = checkManifests(manifests, { kubernetesVersion: '1.35' }).filter((f) => String(f.resource).startsWith('PrometheusRule'));
  expect(onRule).toEqual([]);
});

describe('schema (kubeconform -strict, vendored PrometheusRule CRD schema)', () => {
  testWith('kubeconform')('valid; a misspelt field is not', () => {
    const { rule: r } = rule({ monitoring: Monitoring.serviceMonitor({ alerts: true, goRuntimeMetrics: true }) });
    const dir = tmpDir('prometheus-rule');
    const good = path.join(dir, 'rule.yaml');
    const bad = path.join(dir, 'typo.yaml');
    fs.writeFileSync(good, YAML.stringify(r));
    const typo = structuredClone(r);
    typo.spec.groups[0].rules[0].fore = typo.spec.groups[0].rules[0].for;
    fs.writeFileSync(bad, YAML.stringify(typo));
    const kubeconform = (file: string) => spawnSync(path.join(toolsBin(), 'kubeconform'), ['-strict', '-summary', '-output', 'text',
      '-schema-location', `${path.join(REPO_ROOT, 'test', 'schemas', 'crds')}/{{.Group}}/{{.ResourceKind}}_{{.ResourceAPIVersion}}.json`, file], { encoding: 'utf8' });
    const ok = kubeconform(good);
    expect(ok.stdout).toMatch(/Valid: 1, Invalid: 0, Errors: 0, Skipped: 0/);
    expect(ok.status).toBe(0);
    const ko = kubeconform(bad);
    expect(ko.stdout).toMatch(/additional properties 'fore' not allowed/);
    expect(ko.status).toBe(1);
  });
});
