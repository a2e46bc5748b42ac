// The configurations every checker and the real API server must find clean (and the negative control
// they must all catch). One definition, shared by the checker suite and the API server suite.
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart, YamlOutputType } from 'cdk8s';
import * as kplus from 'cdk8s-plus-27';
import { tmpDir } from './containers';
import { HELLO_DIGEST } from '../../examples/hello-service';
import {
  BaseImage, EgressProtocol, GoMicroservice, GoMicroserviceProps, HardenedGoImage, ImageReference, ImageSignaturePolicy,
  ImageSigner, Monitoring, NetworkEgress, PolicyEngine, ServiceProbes, SignatureFormat,
} from '../../src';
import { CORPUS, CorpusService } from '../corpus/corpus';

/** A synthesized configuration: its YAML files and the Kubernetes release it targets. */
export interface Synthesized {
  readonly name: string;
  readonly dir: string;
  readonly files: string[];
  /** The target release as `major.minor` (what the API server emulates). */
  readonly kubernetesVersion: string;
  /** The namespace its namespaced objects live in. */
  readonly namespace: string;
}

export interface MatrixEntry {
  readonly name: string;
  readonly kubernetesVersion: string;
  readonly build: (app: App) => void;
  /** The namespace its namespaced objects live in (default MATRIX_NAMESPACE). */
  readonly namespace?: string;
}

const REPOSITORY = 'registry.example.com/golden-go/hello-service';
export const MATRIX_NAMESPACE = 'golden';
const image = ImageReference.fromDigest(REPOSITORY, HELLO_DIGEST, '1.0.0');
// A fixed P-256 key: the policies only carry it, nothing is verified against it here.
const PUBLIC_KEY = [
  '-----BEGIN PUBLIC KEY-----',
  'MFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAEz0aMoYmzUd8vzZbuMH1R6FWWZVUt',
  'wm1m2Yy9pWIDtIDBR7r3JFE5a4HVK5Ub6YJjsXu2pPVgsmZAd0djTOl9zA==',
  '-----END PUBLIC KEY-----',
].join('\n');
const DEFAULT_K8S = '1.35';

function service(app: App, props: Partial<GoMicroserviceProps> = {}): GoMicroservice {
  const chart = new Chart(app, 'chart', { namespace: MATRIX_NAMESPACE, disableResourceNameHashes: true });
  return new GoMicroservice(chart, 'hello-service', { image, ...props });
}

function policy(engine: PolicyEngine, signer: ImageSigner, signatureFormat = SignatureFormat.BUNDLE): MatrixEntry {
  return {
    name: `signature policy: ${engine} (${signer.mode}, ${signatureFormat})`,
    kubernetesVersion: DEFAULT_K8S,
    build: (app) => {
      const svc = service(app, { signer });
      ImageSignaturePolicy.forService(Chart.of(svc), 'policy', svc, { engines: [engine], signatureFormat });
    },
  };
}

const keyless = ImageSigner.keyless('https://token.actions.githubusercontent.com',
  'https://github.com/golden-go/golden-go/.github/workflows/release.yml@refs/heads/main');

/** Every configuration of the CI matrix (issue 10): all must be clean on every checker and on the API server. */
export const MATRIX: MatrixEntry[] = [
  { name: 'defaults', kubernetesVersion: DEFAULT_K8S, build: (app) => service(app) },
  {
    name: 'HPA + ServiceMonitor',
    kubernetesVersion: DEFAULT_K8S,
    build: (app) => service(app, {
      autoscaling: { maxReplicas: 6 },
      monitoring: Monitoring.serviceMonitor({ labels: { release: 'kube-prometheus-stack' }, interval: '30s' }),
    }),
  },
  {
    name: 'safe sysctls only',
    kubernetesVersion: DEFAULT_K8S,
    build: (app) => service(app, {
      sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '1024' }, { name: 'net.ipv4.tcp_keepalive_time', value: '300' }],
    }),
  },
  { name: 'gRPC service', kubernetesVersion: DEFAULT_K8S, build: (app) => service(app, { probes: ServiceProbes.grpc() }) },
  { name: 'Kubernetes 1.34 target', kubernetesVersion: '1.34', build: (app) => service(app, { kubernetesVersion: '1.34' }) },
  {
    name: 'cgo image on a distroless base',
    kubernetesVersion: DEFAULT_K8S,
    build: (app) => {
      const cgo = new HardenedGoImage(app, 'image', {
        name: 'hello-service', imageName: REPOSITORY, version: '1.0.0', cgo: true, runtimeImage: BaseImage.distrolessBase(),
      });
      service(app, { image: ImageReference.fromHardenedGoImage(cgo, HELLO_DIGEST) });
    },
  },
  {
    name: 'secrets + egress rules',
    kubernetesVersion: DEFAULT_K8S,
    build: (app) => service(app, {
      secretFiles: [{ secretName: 'orders-db', mountPath: '/var/run/secrets/orders-db' }],
      egress: [NetworkEgress.toPods('data', { 'app.kubernetes.io/name': 'postgres' }, [5432]), NetworkEgress.toCidr('10.20.0.0/16', [443], EgressProtocol.TCP)],
    }),
  },
  policy(PolicyEngine.KYVERNO, keyless),
  policy(PolicyEngine.KYVERNO_CLUSTER_POLICY, keyless),
  policy(PolicyEngine.SIGSTORE, keyless),
  // The policy-controller verifies bundles only for keyless signers, Ratify v1 only the legacy layout.
  policy(PolicyEngine.SIGSTORE, ImageSigner.publicKey(PUBLIC_KEY), SignatureFormat.LEGACY),
  policy(PolicyEngine.GATEKEEPER_RATIFY, ImageSigner.publicKey(PUBLIC_KEY), SignatureFormat.LEGACY),
];

/** A corpus service (issue 12, test/corpus) as its props describe it, at the Kubernetes release it targets. */
function corpusEntry(svc: CorpusService): MatrixEntry {
  const corpusImage = ImageReference.fromDigest(`registry.example.com/golden-go/${svc.name}`, `sha256:${'5e'.repeat(32)}`, '1.0.0');
  const build = (app: App) => new GoMicroservice(new Chart(app, 'chart', { disableResourceNameHashes: true }), svc.name, svc.service(corpusImage));
  const probe = build(new App());
  const namespace = Chart.of(probe).toJson().find((o) => o.kind === 'Deployment').metadata.namespace;
  return { name: `corpus: ${svc.name}`, kubernetesVersion: probe.kubernetesVersion, namespace, build };
}

/** The six real services of examples/services, props only: held to the same checks as the matrix. */
export const CORPUS_MATRIX: MatrixEntry[] = CORPUS.map(corpusEntry);

/**
 * The negative control: a plain cdk8s-plus-27 Deployment + Service with a privileged container, as a
 * user without golden-go might write it. Every checker must flag it and the API server must refuse its Pods.
 */
export const NEGATIVE_CONTROL: MatrixEntry = {
  name: 'negative control: plain privileged cdk8s-plus Deployment',
  kubernetesVersion: DEFAULT_K8S,
  build: (app) => {
    const chart = new Chart(app, 'chart', { namespace: MATRIX_NAMESPACE, disableResourceNameHashes: true });
    const deployment = new kplus.Deployment(chart, 'plain', {
      replicas: 1,
      securityContext: { ensureNonRoot: false },
      containers: [{
        name: 'app',
        image: 'registry.example.com/plain/app:latest',
        portNumber: 8080,
        securityContext: { privileged: true, ensureNonRoot: false, readOnlyRootFilesystem: false, allowPrivilegeEscalation: true, user: 0 },
      }],
    });
    deployment.exposeViaService({ ports: [{ port: 80, targetPort: 8080 }] });
  },
};

/** Synthesizes an app into its own directory, one YAML file per object (as `npm run example` does). */
export function synthToDir(name: string, build: (app: App) => void): { dir: string; files: string[] } {
  const dir = tmpDir(name.replace(/[^a-z0-9]+/gi, '-').toLowerCase());
  const app = new App({ outdir: dir, outputFileExtension: '.yaml', yamlOutputType: YamlOutputType.FILE_PER_RESOURCE });
  build(app);
  app.synth();
  const files = fs.readdirSync(dir).filter((f) => f.endsWith('.yaml')).sort().map((f) => path.join(dir, f));
  return { dir, files };
}

/** Synthesizes a matrix entry (see `synthToDir`). */
export function synthEntry(entry: MatrixEntry): Synthesized {
  const { dir, files } = synthToDir(entry.name, entry.build);
  return { name: entry.name, dir, files, kubernetesVersion: entry.kubernetesVersion, namespace: entry.namespace ?? MATRIX_NAMESPACE };
}
