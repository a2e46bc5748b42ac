// Vault Agent injector as a secrets option (R16 files, R03 resources of the injected containers).
import { Testing } from 'cdk8s';
import { Checklist, GoMicroservice, GoMicroserviceProps, ImageReference, NetworkEgress } from '../src';

const image = ImageReference.fromDigest('registry.example.com/acme/orders', `sha256:${'c0'.repeat(32)}`, '1.4.2');
const vaultAgent = { role: 'orders', secrets: [{ name: 'db', path: 'database/creds/orders' }, { name: 'api-key', path: 'secret/data/orders/api' }] };
const vaultEgress = [NetworkEgress.toCidr('10.0.0.10/32', [8200])];

function synth(props: Partial<GoMicroserviceProps> = {}) {
  const chart = Testing.chart();
  const svc = new GoMicroservice(chart, 'orders', { image, namespace: 'shop', egress: vaultEgress, vaultAgent, ...props });
  const deployment = Testing.synth(chart).find((m) => m.kind === 'Deployment');
  const annotations: Record<string, string> = deployment.spec.template.metadata.annotations;
  return { svc, deployment, pod: deployment.spec.template.spec, annotations };
}
const build = (props: Partial<GoMicroserviceProps>) => () => synth(props);
const vault = (annotations: Record<string, string>) => Object.fromEntries(Object.entries(annotations).filter(([k]) => k.startsWith('vault.hashicorp.com/')));

/**
 * The annotation keys the injector documents (hashicorp/vault-k8s agent-inject/agent/annotations.go and
 * developer.hashicorp.com/vault/docs/platform/k8s/injector/annotations); `-<name>` keys take a secret name.
 */
const DOCUMENTED = new Set([
  'agent-inject', 'role', 'auth-path', 'agent-inject-containers', 'agent-inject-default-template', 'agent-pre-populate-only',
  'agent-run-as-same-user', 'agent-service-account-token-volume-name', 'agent-requests-cpu', 'agent-requests-mem',
  'agent-requests-ephemeral', 'agent-limits-cpu', 'agent-limits-mem', 'agent-limits-ephemeral',
].map((k) => `vault.hashicorp.com/${k}`));
const DOCUMENTED_PER_SECRET = ['vault.hashicorp.com/agent-inject-secret-'];

test('the pod annotations are exactly the documented ones, with the agent resources set for R03', () => {
  const { annotations } = synth();
  expect(vault(annotations)).toEqual({
    'vault.hashicorp.com/agent-inject': 'true',
    'vault.hashicorp.com/role': 'orders',
    'vault.hashicorp.com/agent-inject-containers': 'app',
    'vault.hashicorp.com/agent-inject-default-template': 'json',
    'vault.hashicorp.com/agent-pre-populate-only': 'false',
    'vault.hashicorp.com/agent-run-as-same-user': 'true',
    'vault.hashicorp.com/agent-service-account-token-volume-name': 'vault-token',
    'vault.hashicorp.com/agent-inject-secret-db': 'database/creds/orders',
    'vault.hashicorp.com/agent-inject-secret-api-key': 'secret/data/orders/api',
    'vault.hashicorp.com/agent-requests-cpu': '50m',
    'vault.hashicorp.com/agent-requests-mem': '64Mi',
    'vault.hashicorp.com/agent-requests-ephemeral': '16Mi',
    'vault.hashicorp.com/agent-limits-cpu': '250m',
    'vault.hashicorp.com/agent-limits-mem': '128Mi',
    'vault.hashicorp.com/agent-limits-ephemeral': '64Mi',
  });
  for (const key of Object.keys(vault(annotations))) {
    expect(DOCUMENTED.has(key) || DOCUMENTED_PER_SECRET.some((p) => key.startsWith(p))).toBe(true);
  }
});

test('the agent logs in with a projected token volume the app does not mount; the pod keeps automount off; no secret reaches env', () => {
  const { pod } = synth({ vaultAgent: { ...vaultAgent, tokenAudience: 'vault' } });
  expect(pod.volumes).toContainEqual({ name: 'vault-token', projected: { sources: [{ serviceAccountToken: { path: 'token', expirationSeconds: 3600, audience: 'vault' } }] } });
  expect(pod.automountServiceAccountToken).toBe(false);
  expect(pod.containers[0].volumeMounts.map((m: any) => m.name)).not.toContain('vault-token');
  expect(pod.containers[0].env.map((e: any) => e.name).filter((n: string) => /DB|API|VAULT/.test(n))).toEqual([]);
});

test('options: prePopulateOnly, authPath and agent resources', () => {
  const { annotations } = synth({ vaultAgent: { ...vaultAgent, prePopulateOnly: true, authPath: 'auth/k8s-prod', resources: { memoryLimit: '96Mi', cpuLimitMillis: 100 } } });
  expect(vault(annotations)).toMatchObject({
    'vault.hashicorp.com/agent-pre-populate-only': 'true',
    'vault.hashicorp.com/auth-path': 'auth/k8s-prod',
    'vault.hashicorp.com/agent-limits-mem': '96Mi',
    'vault.hashicorp.com/agent-limits-cpu': '100m',
  });
});

test('the checklist finds nothing it would not find without the agent', () => {
  const failing = (svc: GoMicroservice) => Checklist.findings(svc).filter((f) => f.status === 'fail').map((f) => `${f.ruleId} ${f.field}`);
  expect(failing(synth().svc)).toEqual(failing(synth({ vaultAgent: undefined }).svc));
  expect(failing(synth().svc)).toEqual(['R14 spec.template.metadata.annotations[golden-go.dev/signer]']);
});

test.each([
  [{ role: '' }, /^vaultAgent.role: "" is not valid/],
  [{ role: 'a b' }, /^vaultAgent.role: "a b" is not valid/],
  [{ secrets: [] }, /^vaultAgent.secrets: \[\] is not valid; allowed: at least one \{ name, path \}/],
  [{ secrets: [{ name: 'DB', path: 'x' }] }, /^vaultAgent.secrets\[0\].name: "DB" is not valid/],
  [{ secrets: [{ name: 'a'.repeat(44), path: 'x' }] }, /^vaultAgent.secrets\[0\].name: .* is not valid; allowed: a file name .* at most 43 characters/],
  [{ secrets: [{ name: 'db', path: 'x' }, { name: 'db', path: 'y' }] }, /^vaultAgent.secrets\[1\].name: "db" is not valid; allowed: each name once/],
  [{ secrets: [{ name: 'db', path: '/abs/path' }] }, /^vaultAgent.secrets\[0\].path: "\/abs\/path" is not valid/],
  [{ secrets: [{ name: 'db', path: 'a/{{ .Data }}' }] }, /^vaultAgent.secrets\[0\].path: .* is not valid/],
  [{ authPath: 'auth/k8s\nx' }, /^vaultAgent.authPath: .* is not valid/],
  [{ tokenAudience: 'a b' }, /^vaultAgent.tokenAudience: "a b" is not valid/],
  [{ resources: { cpuLimitMillis: 0 } }, /^vaultAgent.resources.cpuLimitMillis: 0 is not valid; allowed: whole millicores, at least the CPU request/],
  [{ resources: { memoryLimit: '32Mi' } }, /^vaultAgent.resources.memoryLimit: "32Mi" is not valid; allowed: at least the memory request \(64Mi\)/],
  [{ resources: { memoryRequest: '64 Mi' } }, /^vaultAgent.resources.memoryRequest/],
])('bad options are rejected naming the prop: %p', (bad, error) => {
  expect(build({ vaultAgent: { ...vaultAgent, ...bad } as any })).toThrow(error);
});

test('/vault/secrets belongs to the injector: not a secretFiles mount or a writable dir', () => {
  expect(build({ secretFiles: [{ secretName: 'x', mountPath: '/vault/secrets' }] })).toThrow(/^secretFiles\[0\].mountPath: "\/vault\/secrets" is not valid; allowed: an absolute directory other than \/, \/tmp, \/vault\/secrets/);
  expect(() => synth({ secretFiles: [{ secretName: 'x', mountPath: '/vault/secrets' }], vaultAgent: undefined })).not.toThrow();
});
