// The e2e harness's translation of a Deployment into `podman run`, checked without running anything:
// the kubelet's $(VAR) rules, Downward API and resource fields, security context and volumes.
import * as fs from 'fs';
import { expandKubeletVars, parseQuantity, planPodmanRun, terminationBudget } from './e2e/pod-runner';

const identity = { name: 'svc-abc', namespace: 'shop', uid: 'u-1', nodeName: 'node-1', hostIP: '10.88.0.1' };

function deployment(container: Record<string, any>, podSpec: Record<string, any> = {}): Record<string, any> {
  return {
    kind: 'Deployment',
    metadata: { name: 'svc' },
    spec: { template: { metadata: { labels: { app: 'svc' } }, spec: { containers: [{ name: 'app', image: 'localhost/svc:1', ...container }], ...podSpec } } },
  };
}

test('$(VAR) expansion follows the kubelet: known names replaced, $$ escapes, unknown and unclosed stay', () => {
  const vars: Record<string, string> = { POD_IP: '10.88.1.2', PORT: '8080' };
  const x = (s: string) => expandKubeletVars(s, (n) => vars[n]);
  expect(x('-listen=$(POD_IP):$(PORT)')).toBe('-listen=10.88.1.2:8080');
  expect(x('$$(POD_IP)')).toBe('$(POD_IP)');
  expect(x('$(NOPE) $PORT $(PORT')).toBe('$(NOPE) $PORT $(PORT');
  expect(x('cost: 5$')).toBe('cost: 5$');
});

test.each([['500m', 0.5], ['1', 1], ['1000m', 1], ['256Mi', 256 * 2 ** 20], ['1G', 1e9], ['1e3', 1000]])('quantity %s', (q, n) => {
  expect(parseQuantity(q as string)).toBeCloseTo(n as number);
});

test('env: fieldRefs, resourceFieldRef (ceil of limits.cpu), values expanded with earlier variables; args expanded with all', () => {
  const plan = planPodmanRun(deployment({
    env: [
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'GOMAXPROCS', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '1' } } },
      { name: 'ADDR', value: '$(POD_IP):8080 $(LATER)' },
      { name: 'LATER', value: 'x' },
    ],
    resources: { limits: { cpu: '1500m', memory: '256Mi' } },
    args: ['serve', '--listen=$(ADDR)', '--name=$(LATER)'],
  }), { ref: 'localhost/svc:1', user: '65532' }, identity, '10.88.4.5');
  expect(plan.env).toEqual([
    ['POD_IP', '10.88.4.5'], ['POD_NAME', 'svc-abc'], ['APP', 'svc'], ['GOMAXPROCS', '2'], ['ADDR', '10.88.4.5:8080 $(LATER)'], ['LATER', 'x'],
  ]);
  expect(plan.runArgs.slice(-4)).toEqual(['localhost/svc:1', 'serve', '--listen=10.88.4.5:8080 $(LATER)', '--name=x']);
  expect(plan.runArgs).toEqual(expect.arrayContaining(['--ip', '10.88.4.5', '--cpus', '1.5', '--memory', String(256 * 2 ** 20)]));
  expect(() => planPodmanRun(deployment({ env: [{ name: 'M', valueFrom: { resourceFieldRef: { resource: 'limits.memory' } } }] }),
    { ref: 'x', user: '65532' }, identity, '10.88.4.5')).toThrow(/limits\.memory: not set on the container/);
});

test('command replaces the entrypoint; security context merged pod → container; sysctls; ports and probe ports published', () => {
  const plan = planPodmanRun(deployment({
    command: ['/app', 'serve'],
    securityContext: { runAsUser: 1000, readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
    ports: [{ name: 'http', containerPort: 80 }],
    livenessProbe: { tcpSocket: { port: 81 } },
  }, {
    securityContext: { runAsUser: 65532, runAsGroup: 65532, runAsNonRoot: true, fsGroup: 2000, sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }] },
  }), { ref: 'localhost/svc:1', user: '' }, identity, '10.88.4.5');
  const args = plan.runArgs.join(' ');
  expect(args).toContain('--user 1000:65532 --group-add 2000 --read-only --read-only-tmpfs=false --cap-drop=ALL --security-opt no-new-privileges');
  expect(args).toContain('--sysctl net.ipv4.ip_unprivileged_port_start=80');
  expect(args).toContain('--publish 127.0.0.1::80 --publish 127.0.0.1::81');
  expect(args).toMatch(/--entrypoint \["\/app","serve"\] localhost\/svc:1$/);
  expect(plan.portsByName).toEqual({ http: 80 });
});

test('runAsNonRoot with a root or named image user is refused, as the kubelet does', () => {
  const d = deployment({}, { securityContext: { runAsNonRoot: true } });
  expect(() => planPodmanRun(d, { ref: 'x', user: '' }, identity, '10.88.4.5')).toThrow(/runAsNonRoot/);
  expect(() => planPodmanRun(d, { ref: 'x', user: 'nonroot' }, identity, '10.88.4.5')).toThrow(/runAsNonRoot/);
  expect(() => planPodmanRun(d, { ref: 'x', user: '65532:65532' }, identity, '10.88.4.5')).not.toThrow();
});

test('emptyDir: a host directory 2777 owned by group fsGroup at the mountPath; other volume kinds are refused', () => {
  const plan = planPodmanRun(deployment({ volumeMounts: [{ name: 'data', mountPath: '/var/lib/svc' }] }, {
    securityContext: { fsGroup: 65532 }, volumes: [{ name: 'data', emptyDir: { sizeLimit: '64Mi' } }],
  }), { ref: 'x', user: '65532' }, identity, '10.88.4.5');
  try {
    const [dir] = plan.volumeDirs;
    const st = fs.statSync(dir);
    expect((st.mode % 0o10000).toString(8)).toBe('2777');
    expect(st.gid).toBe(65532);
    expect(plan.runArgs).toEqual(expect.arrayContaining(['--volume', `${dir}:/var/lib/svc:rw`]));
  } finally {
    plan.volumeDirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true }));
  }
  expect(() => planPodmanRun(deployment({ volumeMounts: [{ name: 'cfg', mountPath: '/etc/svc' }] }, { volumes: [{ name: 'cfg', configMap: { name: 'c' } }] }),
    { ref: 'x', user: '65532' }, identity, '10.88.4.5')).toThrow(/only emptyDir/);
});

test('termination budget: grace period minus the preStop sleep', () => {
  const d = deployment({ lifecycle: { preStop: { sleep: { seconds: 5 } } } }, { terminationGracePeriodSeconds: 30 });
  expect(terminationBudget(d.spec.template, d.spec.template.spec.containers[0])).toBe(25);
  const noPreStop = deployment({});
  expect(terminationBudget(noPreStop.spec.template, noPreStop.spec.template.spec.containers[0])).toBe(30);
});
