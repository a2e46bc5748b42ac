// Each corpus service, synthesized from props only, gets exactly what its code reads: the container's
// variables, arguments, ports, probes, volumes and sysctls are checked against the Go sources
// (os.Getenv names, flag names, subcommands, HTTP routes, the gRPC health service), and the checklist
// has no errors and only the warnings the service is known to earn.
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { Checklist, GoImageRenderer, GoMicroservice, ImageReference } from '../src';
import { CORPUS, CorpusService } from './corpus/corpus';
import { parseGoDirective } from '../src/core/go-mod';

// Set by golden-go for the Go runtime and standard library, whatever the program reads.
const RUNTIME_ENV = ['GOMEMLIMIT', 'GOMAXPROCS', 'TZ'];

/** The service's Go sources without tests, concatenated. */
function goSources(dir: string): string {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.go') && !e.name.endsWith('_test.go')) out.push(fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out.join('\n');
}

const all = (src: string, re: RegExp) => new Set([...src.matchAll(re)].map((m) => m[1]));
const envRead = (src: string) => all(src, /[Gg]etenv\("([A-Za-z_][A-Za-z0-9_]*)"\)/g);
const flagsDeclared = (src: string) => all(src, /Var\(&[\w.]+,\s*"([\w-]+)"/g);
const subcommands = (src: string) => all(src, /Use:\s*"([\w-]+)"/g);
const routes = (src: string) => all(src, /"GET (\/[^"\s{]*)/g);

function synth(c: CorpusService) {
  const digest = `sha256:${'ab'.repeat(32)}`;
  const chart = Testing.chart();
  const svc = new GoMicroservice(chart, c.name, c.service(ImageReference.fromDigest(`registry.example.com/corpus/${c.name}`, digest, '1.0.0')));
  const objects = Testing.synth(chart);
  const deployment = objects.find((o) => o.kind === 'Deployment');
  const pod = deployment.spec.template;
  return { chart, svc, objects, pod, container: pod.spec.containers[0], byKind: (k: string) => objects.filter((o) => o.kind === k) };
}

describe.each(CORPUS.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const src = goSources(c.dir);
  const s = synth(c);
  const env: Record<string, any> = Object.fromEntries((s.container.env ?? []).map((e: any) => [e.name, e]));

  test('is a real Go module in examples/services with its own tests', () => {
    expect(fs.existsSync(path.join(c.dir, 'go.mod'))).toBe(true);
    expect(src.length).toBeGreaterThan(0);
    expect(fs.readdirSync(c.dir, { recursive: true }).some((f) => String(f).endsWith('_test.go'))).toBe(true);
  });

  test('the image props render (mainPackage exists, variables and self-check are valid)', () => {
    const r = GoImageRenderer.render({ name: c.name, ...c.image });
    expect(r.dockerfile).toMatch(/^FROM /m);
    expect(fs.existsSync(path.join(c.dir, c.image.mainPackage ?? '.'))).toBe(true);
  });

  test('only the variables the program reads are set, besides the Go runtime\'s', () => {
    expect(Object.keys(env).filter((k) => !RUNTIME_ENV.includes(k)).sort()).toEqual([...envRead(src)].sort());
    expect(env.GOMEMLIMIT.value).toMatch(/^\d+MiB$/);
    expect(env.TZ.value).toBe('UTC');
    expect(s.pod.metadata.annotations['golden-go.dev/app-reads']).toBe('none');
  });

  test('arguments are its subcommands and declared flags; the port reaches the program', () => {
    const args: string[] = s.container.args ?? [];
    const port = s.container.ports.find((p: any) => p.name === 'http').containerPort;
    for (const a of args) {
      if (a.startsWith('-')) expect(flagsDeclared(src)).toContain(/^--?([\w-]+)=/.exec(a)![1]);
      else expect(subcommands(src)).toContain(a);
    }
    const given = [...args.map((a) => a.split('=')[1]), ...Object.values(env).map((e) => e.value)];
    // A fixed port is a constant in the code; otherwise the bare port or a listen address is passed.
    expect(given.includes(String(port)) || given.includes(`:${port}`) || src.includes(`":${port}"`)).toBe(true);
    expect(s.container.command).toBeUndefined();
  });

  test('every probe calls an endpoint the program serves', () => {
    for (const kind of ['startupProbe', 'readinessProbe', 'livenessProbe']) {
      const p = s.container[kind];
      expect(p).toBeDefined();
      if (p.httpGet) expect([...routes(src), '/']).toContain(p.httpGet.path);
      if (p.httpGet && p.httpGet.path === '/') expect(src).toContain('"GET /{$}"');
      if (p.grpc) expect(src).toContain('RegisterHealthServer');
      if (p.grpc || p.tcpSocket) expect(p.grpc?.port ?? p.tcpSocket.port).toBe(s.container.ports[0].containerPort);
    }
  });

  test('metrics: scraped where the program serves them, or nowhere', () => {
    const a = s.pod.metadata.annotations;
    const served = routes(src).has('/metrics');
    expect(a['prometheus.io/scrape']).toBe(served ? 'true' : undefined);
    if (served) expect([a['prometheus.io/port'], a['prometheus.io/path']]).toEqual([String(s.container.ports[0].containerPort), '/metrics']);
    expect(s.container.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(s.byKind('Service')[0].spec.ports.map((p: any) => p.name)).toEqual(['http']);
    expect(s.byKind('NetworkPolicy')[0].spec.ingress[0].ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
  });

  test('the checklist: no errors, exactly the expected warnings', () => {
    const failing = Checklist.findings(s.chart).filter((f) => f.status === 'fail');
    expect(failing.filter((f) => f.severity === 'error')).toEqual([]);
    expect([...new Set(failing.map((f) => f.ruleId))].sort()).toEqual([...c.expectedWarnings].sort());
  });
});

const byName = (name: string) => synth(CORPUS.find((c) => c.name === name)!);
const envOf = (container: any) => Object.fromEntries(container.env.map((e: any) => [e.name, e.value ?? e.valueFrom]));

describe('what each service needs, object by object', () => {
  test('flagsonly: an all-interfaces -listen, /readyz and /livez, a 10 s drain', () => {
    const { container, pod } = byName('flagsonly');
    expect(container.args).toEqual(['-listen=:8080']);
    expect([container.readinessProbe.httpGet, container.livenessProbe.httpGet, container.startupProbe.httpGet])
      .toEqual([{ path: '/readyz', port: 'http' }, { path: '/livez', port: 'http' }, { path: '/livez', port: 'http' }]);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(5 + 10 + 5);
    expect(pod.spec.securityContext.sysctls).toBeUndefined();
  });

  test('port80: port 80 through the unprivileged-port sysctl, the page and a TCP connect, exits at once', () => {
    const { container, pod, svc } = byName('port80');
    expect(container.ports).toEqual([{ containerPort: 80, name: 'http' }]);
    expect(pod.spec.securityContext.sysctls).toEqual([{ name: 'net.ipv4.ip_unprivileged_port_start', value: '80' }]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/', port: 'http' });
    expect(container.livenessProbe.tcpSocket).toEqual({ port: 80 });
    expect(container.lifecycle).toEqual({ preStop: { sleep: { seconds: 5 } } });
    expect(pod.spec.terminationGracePeriodSeconds).toBe(5 + 0 + 5);
    expect(svc.warnings).toEqual([expect.stringMatching(/^\[R06\] app\.shutdown: the program exits at once on SIGTERM: requests in flight then are dropped/)]);
  });

  test('onehealthz: PORT, one /healthz (R02 suppressed with its reason, kube-score told), metrics annotations on the service port', () => {
    const { container, pod, chart, objects } = byName('onehealthz');
    const r02 = Checklist.findings(chart).filter((f) => f.ruleId === 'R02');
    expect(r02).toEqual([expect.objectContaining({ status: 'suppressed', reason: expect.stringMatching(/one \/healthz handler/) })]);
    expect(objects.find((o) => o.kind === 'Deployment').metadata.annotations).toMatchObject({
      'kube-score/ignore': 'pod-probes-identical', 'golden-go.dev/exempt-reason.pod-probes-identical': r02[0].reason,
    });
    expect(envOf(container).PORT).toBe('8080');
    expect(new Set(['startupProbe', 'readinessProbe', 'livenessProbe'].map((k) => container[k].httpGet.path))).toEqual(new Set(['/healthz']));
    expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/port': '8080', 'prometheus.io/path': '/metrics' });
    expect(pod.spec.terminationGracePeriodSeconds).toBe(5 + 15 + 5);
  });

  test('grpcsvc: GRPC_PORT, gRPC health probes by port number, a TCP liveness check, 12 s to stop', () => {
    const { container, pod } = byName('grpcsvc');
    expect(envOf(container).GRPC_PORT).toBe('50051');
    const probes = [container.startupProbe.grpc, container.readinessProbe.grpc, container.livenessProbe.tcpSocket];
    expect(probes).toEqual([{ port: 50051 }, { port: 50051 }, { port: 50051 }]);
    expect(pod.spec.terminationGracePeriodSeconds).toBe(5 + 12 + 5);
  });

  test('cobrasvc: serve --port, GOMAXPROCS from limits.cpu because go.mod says go 1.23', () => {
    const c = CORPUS.find((x) => x.name === 'cobrasvc')!;
    const { container } = byName('cobrasvc');
    expect(container.args).toEqual(['serve', '--port=8080']);
    expect(envOf(container).GOMAXPROCS).toEqual({ resourceFieldRef: { divisor: '1', resource: 'limits.cpu' } });
    const goMod = fs.readFileSync(path.join(c.dir, 'go.mod'), 'utf8');
    const declared = c.service(ImageReference.fromDigest('r.example.com/x', `sha256:${'ab'.repeat(32)}`)).goModGoVersion!;
    expect(parseGoDirective('go.mod', /^go (\S+)$/m.exec(goMod)![1])).toEqual(parseGoDirective('goModGoVersion', declared));
    // The stamped variables are string variables of the module's internal/buildinfo package.
    const module = /^module (\S+)$/m.exec(goMod)![1];
    const buildinfo = goSources(path.join(c.dir, 'internal', 'buildinfo'));
    for (const v of [c.image.versionVariable!, c.image.commitVariable!]) {
      const dot = v.lastIndexOf('.');
      expect(v.slice(0, dot)).toBe(`${module}/internal/buildinfo`);
      expect(buildinfo).toMatch(new RegExp(`^\\s*${v.slice(dot + 1)}\\s*=\\s*"`, 'm'));
    }
  });

  test('cgosqlite: LISTEN_ADDR as a listen address, DB_PATH in a writable emptyDir, the root filesystem read-only', () => {
    const { container, pod } = byName('cgosqlite');
    const e = envOf(container);
    expect(e.LISTEN_ADDR).toBe(':8080');
    const dir = path.posix.dirname(e.DB_PATH);
    const mount = container.volumeMounts.find((m: any) => m.mountPath === dir);
    expect(pod.spec.volumes.find((v: any) => v.name === mount.name)).toEqual({ name: mount.name, emptyDir: { sizeLimit: '64Mi' } });
    expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
  });
});
