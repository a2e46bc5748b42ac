// The vulnerability gate with the real govulncheck (scripts/install-tools.sh), fully offline: the
// fixture app vendors a made-up module with two vulnerable functions in test/fixtures/vulndb, calls
// one and only imports the other. The gate must fail on the called one, and with it allow-listed pass
// and attest the other as not_affected in OpenVEX.
import * as fs from 'fs';
import * as path from 'path';
import { Testing } from 'cdk8s';
import { testWith } from './checkers';
import { REPO_ROOT, tmpDir, toolsBin } from './containers';
import { HardenedGoImage } from '../../src';
import { defaultRunner, publish, Runner } from '../../src/publish/publish';
import { classifyVulnerabilities, parseGovulncheckJson, runVulnerabilityGate, VulnerabilityGateOptions } from '../../src/publish/vuln-gate';

jest.setTimeout(600_000);

const govulncheck = path.join(toolsBin(), 'govulncheck');
const FIXTURES = path.join(REPO_ROOT, 'test', 'fixtures');
const DIGEST = `sha256:${'c4'.repeat(32)}`;
const gate: VulnerabilityGateOptions = {
  module: path.join(FIXTURES, 'vulnapp'),
  db: path.join(FIXTURES, 'vulndb'),
  govulncheck,
  // Offline: the vulnerable module is vendored; no proxy, no checksum database, no toolchain download.
  env: { GOFLAGS: '-mod=vendor', GOPROXY: 'off', GONOSUMDB: '*', GOTOOLCHAIN: 'local', GOWORK: 'off' },
};

testWith('govulncheck')('the real govulncheck finds one called and one imported-only vulnerability; the gate fails on the called one', () => {
  const raw = defaultRunner(govulncheck, ['-format', 'json', '-mode', 'source', '-db', `file://${gate.db}`, '-C', gate.module, './...'], gate.env);
  const found = classifyVulnerabilities(parseGovulncheckJson(raw));
  expect(found.config).toMatchObject({ scanner_version: 'v1.9.0', scan_mode: 'source', scan_level: 'symbol' });
  expect(found.failing.map((f) => [f.id, f.reach, f.calls])).toEqual([
    ['GO-2099-0001', 'called', ['example.com/vulnmod/parse.Header called from example.com/vulnapp.main (main.go:13:26)']],
  ]);
  expect(found.notReachable.map((f) => [f.id, f.reach])).toEqual([['GO-2099-0002', 'imported']]);
  // The recorded output the unit tests read is what this govulncheck says (but for the machine-specific db URL and Go version).
  const recorded = classifyVulnerabilities(parseGovulncheckJson(fs.readFileSync(path.join(FIXTURES, 'vulnapp', 'govulncheck.json'), 'utf8')));
  expect({ ...recorded, config: {} }).toEqual({ ...found, config: {} });
});

testWith('govulncheck')('publish: a reachable vulnerability stops it before the build; allow-listed, it passes and attests the OpenVEX', () => {
  const dir = tmpDir('vulngate');
  new HardenedGoImage(Testing.chart(), 'img', { name: 'vulnapp', imageName: '127.0.0.1:5000/acme/vulnapp', version: '1.0.0', sourceDateEpoch: 1700000000, context: gate.module, dockerfileDir: dir })
    .writeFiles(dir);
  const calls: string[][] = [];
  // The real govulncheck; the container engine and cosign are recorded (test/e2e/signing covers them for real).
  const run: Runner = (cmd, args, env) => {
    calls.push([cmd, ...args]);
    if (cmd === govulncheck) return defaultRunner(cmd, args, env);
    // The preflight's registry probe (node -e …): a registry before login.
    if (cmd === process.execPath) return 'status 401';
    if (cmd === 'cosign' && args[0] === 'version') return 'GitVersion:    v3.1.3\n';
    if (cmd === 'podman' && args[0] === 'push') fs.writeFileSync(args[args.indexOf('--digestfile') + 1], DIGEST);
    if (cmd === 'podman' && args[0] === 'create') return 'ctr\n';
    if (cmd === 'go') return '/app: go1.26.8\n\tpath\texample.com/vulnapp\n\tmod\texample.com/vulnapp\t(devel)\t\n\tdep\texample.com/vulnmod\tv1.0.0\t\n';
    return '';
  };
  const options = {
    imageJson: path.join(dir, 'image.json'),
    engine: 'buildah' as const,
    buildArgs: {},
    insecureRegistry: true,
    transparencyLog: false,
    record: path.join(dir, 'image.lock.json'),
    sbom: path.join(dir, 'sbom.spdx.json'),
    go: 'go',
  };

  expect(() => publish({ ...options, vulnerabilityGate: gate }, run)).toThrow(
    /1 reachable vulnerability[^]*GO-2099-0001 in example\.com\/vulnmod@v1\.0\.0: example\.com\/vulnmod\/parse\.Header called from example\.com\/vulnapp\.main \(main\.go:13:26\); fixed in example\.com\/vulnmod@v1\.0\.1/);
  // Only the preflight's checks came before it; nothing was built.
  expect(calls.map((c) => (c[0] === process.execPath ? 'probe' : `${c[0]} ${c[1]}`))).toEqual(['buildah version', 'podman version', 'cosign version', 'syft version', 'probe', `${govulncheck} -format`]);

  calls.length = 0;
  const record = publish({ ...options, vulnerabilityGate: { ...gate, allow: { 'GO-2099-0001': 'Header only ever parses a constant' } } }, run);
  expect(record.vex).toBe('vex.openvex.json');
  const vexFile = path.join(dir, 'vex.openvex.json');
  expect(calls.find((c) => c.includes('openvex'))).toEqual(['cosign', 'attest', '--use-signing-config=false', '--tlog-upload=false', '--allow-http-registry', '--allow-insecure-registry', '--yes',
    '--type', 'openvex', '--predicate', vexFile, `127.0.0.1:5000/acme/vulnapp@${DIGEST}`]);
  const vex = JSON.parse(fs.readFileSync(vexFile, 'utf8'));
  expect(vex['@context']).toBe('https://openvex.dev/ns/v0.2.0');
  expect(vex.statements.map((s: any) => [s.vulnerability.name, s.status, s.justification, s.products[0].subcomponents[0]['@id']])).toEqual([
    ['GO-2099-0002', 'not_affected', 'vulnerable_code_not_in_execute_path', 'pkg:golang/example.com/vulnmod@v1.0.0'],
  ]);
});

testWith('govulncheck')('a database that is not one is a clear error, not a pass', () => {
  expect(() => runVulnerabilityGate({ ...gate, db: path.join(FIXTURES, 'vulnapp') }, defaultRunner)).toThrow(/govulncheck .* exited 1\n.*unrecognized vulndb format/);
});
