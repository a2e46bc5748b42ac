// Proof for GoMicroservice's manifests: strict schema validation against the Kubernetes OpenAPI of
// 1.27 and of the newest release (plus the vendored CRD schemas). The policy checkers, and kubeconform
// on every configuration of the CI matrix, are in checkers.e2e.test.ts.
import * as fs from 'fs';
import * as path from 'path';
import { kubeconform, testWith } from './checkers';
import { tmpDir } from './containers';
import { synthToDir } from './matrix';
import { HELLO_DIGEST, HelloServiceChart } from '../../examples/hello-service';
import { EgressProtocol, GoMicroservice, ImageReference, Monitoring, NetworkEgress, ServiceProbes } from '../../src';

jest.setTimeout(1_200_000);

const OLDEST = 'v1.27.16';
const NEWEST = 'v1.37.2';
const image = ImageReference.fromDigest('registry.example.com/golden-go/hello-service', HELLO_DIGEST, '1.0.0');

const example = (kubernetesVersion?: string) => synthToDir(`example-${kubernetesVersion ?? 'default'}`, (app) => new HelloServiceChart(app, 'hello-service', { image, kubernetesVersion }));

/** Every option that adds objects or fields: HPA, ServiceMonitor, egress, secret files, safe sysctls, gRPC probes. */
const full = (kubernetesVersion?: string) => synthToDir(`full-${kubernetesVersion ?? 'default'}`, (app) => {
  const chart = new HelloServiceChart(app, 'base', { image, kubernetesVersion });
  new GoMicroservice(chart, 'orders', {
    image,
    kubernetesVersion,
    autoscaling: { maxReplicas: 6 },
    probes: ServiceProbes.grpc(),
    monitoring: Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' }, interval: '30s' }),
    egress: [NetworkEgress.toPods('data', { 'app.kubernetes.io/name': 'postgres' }, [5432]), NetworkEgress.toCidr('10.20.0.0/16', [443], EgressProtocol.TCP)],
    secretFiles: [{ secretName: 'orders-db', mountPath: '/var/run/secrets/orders-db' }],
    sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' }],
  });
});

describe('1. schemas (kubeconform -strict, OpenAPI from k8s.io/kubernetes)', () => {
  const t = testWith('kubeconform');
  t.each<[string, () => { files: string[] }, string[]]>([
    ['example targeting 1.27', () => example('1.27'), [OLDEST, NEWEST]],
    ['example, default target', () => example(), [NEWEST]],
    ['every option targeting 1.27', () => full('1.27'), [OLDEST, NEWEST]],
    ['every option, default target', () => full(), [NEWEST]],
  ])('%s', (_name, dir, versions) => {
    const targets = dir().files;
    for (const v of versions) {
      const { status, out } = kubeconform(v, targets);
      expect(out).toMatch(new RegExp(`Summary: ${targets.length} resources found in ${targets.length} files - Valid: ${targets.length}, Invalid: 0, Errors: 0, Skipped: 0`));
      expect(status).toBe(0);
    }
  });

  t('the 1.27 schema rejects exactly the preStop sleep action of a newer target, which is why kubernetesVersion decides it', () => {
    const { status, out } = kubeconform(OLDEST, example().files);
    expect(status).toBe(1);
    expect(out.match(/is invalid/g)).toHaveLength(1);
    expect(out).toMatch(/at '\/spec\/template\/spec\/containers\/0\/lifecycle\/preStop': additional properties 'sleep' not allowed/);
  });

  t('the validation is strict: a misspelt field fails', () => {
    const dir = tmpDir('typo');
    const src = fs.readFileSync(path.join(example().dir, 'Deployment.hello-service.yaml'), 'utf8');
    fs.writeFileSync(path.join(dir, 'Deployment.yaml'), src.replace('readOnlyRootFilesystem: true', 'readOnlyRootFileSystem: true'));
    const { status, out } = kubeconform(NEWEST, [path.join(dir, 'Deployment.yaml')]);
    expect(status).toBe(1);
    expect(out).toMatch(/additional properties 'readOnlyRootFileSystem' not allowed/);
  });
});
