// End-to-end proof for HardenedGoImage: the generated Dockerfile builds the example service with
// buildah on local base images (no registry pulls), and the image behaves as the checklist promises.
import * as fs from 'fs';
import * as path from 'path';
import { App } from 'cdk8s';
import { buildHello, EPOCH, exportImage, freePort, HelloBuild, httpGet, localBaseImages, requireContainerTools, sh, waitFor, withOverrides } from './containers';
import { BaseImage, HardenedGoImage, SelfCheck } from '../../src';

jest.setTimeout(900_000);

let bases: { builder: string; runtime: string };

function inspect(ref: string, format: string): string {
  return sh('podman', ['image', 'inspect', ref, '--format', format]).trim();
}

let distroless: HelloBuild;
let scratch: HelloBuild;
let distrolessRoot: string;
let scratchRoot: string;

beforeAll(() => {
  requireContainerTools();
  bases = localBaseImages();
  distroless = buildHello('distroless');
  scratch = buildHello('scratch', { runtimeImage: BaseImage.scratch() });
  distrolessRoot = exportImage(distroless.ref);
  scratchRoot = exportImage(scratch.ref);
});

function allFiles(root: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      out.push(path.relative(root, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(root);
  return out;
}

describe('1. the generated Dockerfile builds a hardened image', () => {
  test('the image runs as 65532 and the running process has that uid', async () => {
    expect(inspect(distroless.ref, '{{.Config.User}}')).toBe('65532:65532');
    const port = await freePort();
    const ctr = sh('podman', ['run', '-d', '--rm', '--no-healthcheck', '--network', 'host', '-e', `PORT=${port}`, '-e', `METRICS_PORT=${await freePort()}`, distroless.ref]).trim();
    try {
      await waitFor('readiness', async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined));
      const pid = sh('podman', ['inspect', ctr, '--format', '{{.State.Pid}}']).trim();
      const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^Uid:\s+65532\s+65532\s+65532\s+65532$/m);
      expect(status).toMatch(/^Gid:\s+65532\s+65532\s+65532\s+65532$/m);
    } finally {
      sh('podman', ['rm', '-f', '-t', '2', ctr]);
    }
  });

  test.each([['distroless', () => distroless, () => distrolessRoot], ['scratch', () => scratch, () => scratchRoot]])('%s: no shell, no package manager, no HTTP tools', (_name, built, root) => {
    const names = allFiles(root()).map((f) => path.basename(f));
    for (const forbidden of ['sh', 'bash', 'ash', 'busybox', 'apt', 'apt-get', 'dpkg', 'apk', 'wget', 'curl']) {
      expect(names).not.toContain(forbidden);
    }
    expect(() => sh('podman', ['run', '--rm', '--no-healthcheck', '--entrypoint', '/bin/sh', built().ref, '-c', 'true'])).toThrow(/no such file or directory/);
  });

  test('the binary is static: no ELF interpreter, no dynamic section', () => {
    const headers = sh('readelf', ['--program-headers', '--dynamic', path.join(distrolessRoot, 'app')]);
    expect(headers).toMatch(/Elf file type is EXEC/);
    expect(headers).not.toMatch(/INTERP/);
    expect(headers).toMatch(/There is no dynamic section in this file/);
  });

  test('OCI labels, exec-form entrypoint and the healthcheck subcommand', () => {
    const labels = JSON.parse(inspect(distroless.ref, '{{json .Config.Labels}}'));
    expect(labels).toMatchObject({
      'org.opencontainers.image.title': 'hello-service',
      'org.opencontainers.image.version': '1.0.0',
      'org.opencontainers.image.revision': 'e2e',
      'org.opencontainers.image.created': '2023-11-14T22:13:20Z',
      'org.opencontainers.image.source': 'https://github.com/golden-go/golden-go',
      'org.opencontainers.image.base.name': bases.runtime,
    });
    expect(JSON.parse(inspect(distroless.ref, '{{json .Config.Entrypoint}}'))).toEqual(['/app']);
    expect(sh('podman', ['run', '--rm', '--no-healthcheck', distroless.ref, '-version'])).toMatch(/^hello-service 1\.0\.0 \(commit e2e, go1\.26/);
  });
});

describe('2. time zones without zoneinfo files', () => {
  test('scratch carries no zoneinfo, the CA bundle, passwd/group with 65532 and a 1777 /tmp', () => {
    const files = allFiles(scratchRoot);
    expect(files.filter((f) => /zoneinfo/i.test(f))).toEqual([]);
    expect(files).toEqual(expect.arrayContaining(['app', 'etc/ssl/certs/ca-certificates.crt', 'etc/passwd', 'etc/group', 'tmp']));
    expect(fs.readFileSync(path.join(scratchRoot, 'etc', 'passwd'), 'utf8')).toMatch(/^nonroot:x:65532:65532:/m);
    expect(fs.statSync(path.join(scratchRoot, 'tmp')).mode.toString(8).slice(-4)).toBe('1777');
  });

  test('TZ=Asia/Shanghai gives +08:00 on scratch', async () => {
    const port = await freePort();
    const ctr = sh('podman', ['run', '-d', '--no-healthcheck', '--network', 'host', '-e', 'TZ=Asia/Shanghai', '-e', `PORT=${port}`, '-e', `METRICS_PORT=${await freePort()}`, scratch.ref]).trim();
    try {
      const started = await waitFor('the started log line', async () => {
        const line = sh('podman', ['logs', ctr]).split('\n').find((l) => l.includes('"msg":"started"'));
        return line ? JSON.parse(line) : undefined;
      });
      expect(started.tz).toBe('Asia/Shanghai');
      expect(started.utc_offset).toBe('+08:00');
      expect(started.time).toMatch(/\+08:00$/);
    } finally {
      sh('podman', ['rm', '-f', '-t', '2', ctr]);
    }
  });
});

describe('3. graceful shutdown', () => {
  test('SIGTERM during a slow request: the request completes and the process exits 0 within the drain timeout', async () => {
    const port = await freePort();
    const drainSeconds = 10;
    const ctr = sh('podman', ['run', '-d', '--no-healthcheck', '--network', 'host', '-e', `PORT=${port}`, '-e', `METRICS_PORT=${await freePort()}`,
      '-e', `SHUTDOWN_DRAIN_TIMEOUT=${drainSeconds}`, distroless.ref]).trim();
    try {
      await waitFor('readiness', async () => ((await httpGet(`http://127.0.0.1:${port}/readyz`)).status === 200 ? true : undefined));
      const inFlight = httpGet(`http://127.0.0.1:${port}/slow?duration=3s`);
      await new Promise((r) => setTimeout(r, 500));
      const t0 = Date.now();
      sh('podman', ['kill', '--signal', 'TERM', ctr]);
      const res = await inFlight;
      expect(res).toEqual({ status: 200, body: 'slept 3s\n' });
      const exitCode = sh('podman', ['wait', ctr]).trim();
      const elapsed = (Date.now() - t0) / 1000;
      expect(exitCode).toBe('0');
      expect(elapsed).toBeLessThan(drainSeconds);
      const logs = sh('podman', ['logs', ctr]);
      expect(logs).toMatch(/"msg":"shutdown started","signal":"terminated signal received"/);
      expect(logs).toMatch(/"msg":"shutdown complete"/);
    } finally {
      sh('podman', ['rm', '-f', ctr]);
    }
  });
});

describe('4. size', () => {
  test.each([['distroless', () => distroless, () => distrolessRoot], ['scratch', () => scratch, () => scratchRoot]])('%s image is at most the binary + 3 MiB', (_n, built, root) => {
    const imageBytes = Number(inspect(built().ref, '{{.Size}}'));
    const binaryBytes = fs.statSync(path.join(root(), 'app')).size;
    expect(imageBytes).toBeLessThanOrEqual(binaryBytes + 3 * 1024 * 1024);
  });
});

describe('5. reproducibility', () => {
  test('two clean builds with the same SOURCE_DATE_EPOCH give the same image digest; another epoch does not', () => {
    const digests = ['a', 'b'].map((n) => {
      const ref = `localhost/golden-go-e2e/hello-repro-${n}:test`;
      sh('buildah', withOverrides(distroless.image.buildahCommand, distroless.overrides, ref, ['--no-cache']));
      return inspect(ref, '{{.Digest}}');
    });
    expect(digests[0]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(digests[1]).toBe(digests[0]);

    const other = new HardenedGoImage(new App(), 'other', { ...distroless.image.props, sourceDateEpoch: EPOCH + 1 });
    other.writeFiles(distroless.image.props.dockerfileDir!);
    const ref = 'localhost/golden-go-e2e/hello-repro-c:test';
    sh('buildah', withOverrides(other.buildahCommand, distroless.overrides, ref, ['--no-cache']));
    expect(inspect(ref, '{{.Digest}}')).not.toBe(digests[0]);
  });
});

describe('6. self-check: static proof by default, a declared run fails the build naming the prop', () => {
  test('SelfCheck.run with arguments the program accepts builds', () => {
    const built = buildHello('selfcheck-ok', { selfCheck: SelfCheck.run(['-version']) });
    expect(sh('podman', ['run', '--rm', '--no-healthcheck', built.ref, '-version'])).toMatch(/^hello-service 1\.0\.0 /);
  });

  test('SelfCheck.run with arguments the program rejects fails the build with an error naming selfCheck', () => {
    expect(() => buildHello('selfcheck-bad', { selfCheck: SelfCheck.run(['-no-such-flag']) }))
      .toThrow("golden-go: the self-check declared by selfCheck (SelfCheck.run(['-no-such-flag'])) failed: /out/app '-no-such-flag' exited non-zero");
  });
});

describe('7. stamped variables exist in the binary', () => {
  test('a named -X target the program does not have fails the build naming the prop and the variable', () => {
    expect(() => buildHello('stamp-bad', { versionVariable: 'main.buildVersion' }))
      .toThrow('golden-go: versionVariable main.buildVersion: no package-level string variable of that name is linked into /out/app');
  });
});
