import * as fs from 'fs';
import * as path from 'path';
import { main } from '../src/cli/cli';
import { classifyVulnerabilities, gateFailureMessage, ociPurl, parseGovulncheckJson, renderOpenVex, runVulnerabilityGate } from '../src/publish/vuln-gate';

// Recorded from the real govulncheck v1.9.0 on test/fixtures/vulnapp (see its README.md).
const RECORDED = fs.readFileSync(path.join(__dirname, 'fixtures', 'vulnapp', 'govulncheck.json'), 'utf8');
const DIGEST = `sha256:${'ab'.repeat(32)}`;

/** The recorded stream with a severity added to one OSV entry, as a GitHub advisory would carry it. */
function withSeverity(id: string, severity: string): string {
  const stream = parseGovulncheckJson(RECORDED);
  const osv = [...stream.osv.values()].map((o) => ({ osv: o.id === id ? { ...o, database_specific: { severity } } : o }));
  const messages = [{ config: stream.config }, ...osv, ...stream.findings.map((f) => ({ finding: f }))];
  return messages.map((m) => JSON.stringify(m, undefined, 2)).join('\n');
}

describe('govulncheck JSON stream', () => {
  test('the recorded scan: one called vulnerability, one imported but not called', () => {
    const stream = parseGovulncheckJson(RECORDED);
    expect(stream.config).toMatchObject({ scanner_name: 'govulncheck', scanner_version: 'v1.9.0', scan_mode: 'source', scan_level: 'symbol' });
    const r = classifyVulnerabilities(stream);
    expect(r.failing.map((f) => [f.id, f.reach, `${f.module}@${f.version}`, f.fixedVersion, f.severity])).toEqual([
      ['GO-2099-0001', 'called', 'example.com/vulnmod@v1.0.0', 'v1.0.1', 'unknown'],
    ]);
    expect(r.failing[0].calls).toEqual(['example.com/vulnmod/parse.Header called from example.com/vulnapp.main (main.go:13:26)']);
    expect(r.notReachable.map((f) => [f.id, f.reach, f.fixedVersion, f.calls])).toEqual([['GO-2099-0002', 'imported', 'v1.0.2', []]]);
    expect(r.allowed).toEqual([]);
    expect(r.belowThreshold).toEqual([]);
  });

  test('the failure message names the OSV id, module@version, the called symbol and the fix', () => {
    const msg = gateFailureMessage(classifyVulnerabilities(parseGovulncheckJson(RECORDED)));
    expect(msg).toContain('1 reachable vulnerability at or above "low"');
    expect(msg).toContain('GO-2099-0001 in example.com/vulnmod@v1.0.0: example.com/vulnmod/parse.Header called from example.com/vulnapp.main (main.go:13:26); fixed in example.com/vulnmod@v1.0.1');
    expect(msg).not.toContain('GO-2099-0002');
    expect(msg).toContain('--vuln-allow ID=REASON');
  });

  test('an allow-listed reachable vulnerability passes with its reason; a reason is required', () => {
    const stream = parseGovulncheckJson(RECORDED);
    const r = classifyVulnerabilities(stream, { allow: { 'GO-2099-0001': 'input is a constant' } });
    expect(r.failing).toEqual([]);
    expect(r.allowed.map((a) => [a.finding.id, a.reason])).toEqual([['GO-2099-0001', 'input is a constant']]);
    expect(() => classifyVulnerabilities(stream, { allow: { 'GO-2099-0001': ' ' } })).toThrow(/vulnerabilityGate.allow\["GO-2099-0001"\] needs a reason/);
  });

  test('the threshold: below it is reported, not failed; unknown severity always fails; bad values are named', () => {
    const high = parseGovulncheckJson(withSeverity('GO-2099-0001', 'HIGH'));
    expect(classifyVulnerabilities(high, { failOn: 'critical' }).belowThreshold.map((f) => f.id)).toEqual(['GO-2099-0001']);
    expect(classifyVulnerabilities(high, { failOn: 'high' }).failing.map((f) => [f.id, f.severity])).toEqual([['GO-2099-0001', 'high']]);
    const medium = parseGovulncheckJson(withSeverity('GO-2099-0001', 'MEDIUM'));
    expect(classifyVulnerabilities(medium, { failOn: 'moderate' }).failing.map((f) => f.severity)).toEqual(['moderate']);
    expect(classifyVulnerabilities(parseGovulncheckJson(RECORDED), { failOn: 'critical' }).failing.map((f) => f.id)).toEqual(['GO-2099-0001']);
    expect(() => classifyVulnerabilities(high, { failOn: 'severe' as any })).toThrow('vulnerabilityGate.failOn "severe" is not valid; allowed: low, moderate, high, critical');
  });

  test('other input is an error', () => {
    expect(() => parseGovulncheckJson('No vulnerabilities found.\n')).toThrow(/not the output of `govulncheck -format json`/);
    expect(() => parseGovulncheckJson(RECORDED.slice(0, RECORDED.length - 10))).toThrow(/truncated/);
  });

  test('runVulnerabilityGate runs govulncheck in source mode with the database as a file URL', () => {
    const calls: Array<[string, string[], Record<string, string> | undefined]> = [];
    const r = runVulnerabilityGate({ module: 'svc', db: 'test/fixtures/vulndb', env: { GOPROXY: 'off' } }, (cmd, args, env) => {
      calls.push([cmd, args, env]);
      return RECORDED;
    });
    expect(calls).toEqual([['govulncheck', ['-format', 'json', '-mode', 'source', '-db', `file://${path.resolve('test/fixtures/vulndb')}`, '-C', 'svc', './...'], { GOPROXY: 'off' }]]);
    expect(r.failing).toHaveLength(1);
    runVulnerabilityGate({ module: 'svc', govulncheck: '/opt/govulncheck' }, (cmd, args) => {
      calls.push([cmd, args, undefined]);
      return RECORDED;
    });
    expect(calls[1][0]).toBe('/opt/govulncheck');
    expect(calls[1][1]).toContain('https://vuln.go.dev');
  });
});

describe('OpenVEX of the unreachable findings', () => {
  const r = classifyVulnerabilities(parseGovulncheckJson(RECORDED));
  const vex = JSON.parse(renderOpenVex(r.notReachable, { repository: 'registry.example.com/acme/orders', digest: DIGEST, timestamp: 1700000000 }));

  test('an OpenVEX 0.2.0 document: not_affected, vulnerable_code_not_in_execute_path, product = the image digest', () => {
    expect(vex['@context']).toBe('https://openvex.dev/ns/v0.2.0');
    expect(vex['@id']).toMatch(/^https:\/\/golden-go\.dev\/vex\/[0-9a-f]{64}$/);
    expect(vex.timestamp).toBe('2023-11-14T22:13:20Z');
    expect(vex.version).toBe(1);
    expect(vex.statements).toEqual([{
      vulnerability: { name: 'GO-2099-0002' },
      products: [{ '@id': `pkg:oci/orders@sha256%3A${'ab'.repeat(32)}?repository_url=registry.example.com%2Facme%2Forders`, 'subcomponents': [{ '@id': 'pkg:golang/example.com/vulnmod@v1.0.0' }] }],
      status: 'not_affected',
      justification: 'vulnerable_code_not_in_execute_path',
      impact_statement: expect.stringContaining('no call path to the vulnerable code of example.com/vulnmod@v1.0.0 (imported, not called)'),
    }]);
    expect(ociPurl('Registry.example.com/acme/Orders', DIGEST)).toBe(`pkg:oci/orders@sha256%3A${'ab'.repeat(32)}?repository_url=registry.example.com%2Facme%2Forders`);
  });

  test('deterministic, and a called finding can never be stated not_affected', () => {
    expect(JSON.parse(renderOpenVex(r.notReachable, { repository: 'registry.example.com/acme/orders', digest: DIGEST, timestamp: 1700000000 }))).toEqual(vex);
    expect(() => renderOpenVex(r.failing, { repository: 'r', digest: DIGEST, timestamp: 0 })).toThrow(/GO-2099-0001 is called: it cannot be stated not_affected/);
  });
});

describe('golden-go publish flags of the gate', () => {
  function cli(...argv: string[]): { code: number; err: string } {
    let err = '';
    const code = main(['publish', '--image-json', 'image.json', ...argv], () => undefined, (s) => { err += s; });
    return { code, err };
  }

  test('--help describes the gate', () => {
    let out = '';
    const code = main(['publish', '--help'], (s) => { out += s; }, () => undefined);
    expect(code).toBe(0);
    expect(out).toContain('--vuln-module DIR [--vuln-db URL|DIR] [--vuln-fail-on low|moderate|high|critical]');
    expect(out).toContain('OpenVEX');
  });

  test('bad values are usage errors naming the flag and the allowed values', () => {
    expect(cli('--vuln-module', '.', '--vuln-fail-on', 'severe')).toEqual({ code: 2, err: expect.stringContaining('--vuln-fail-on "severe" is not valid; allowed: low, moderate, high, critical') });
    expect(cli('--vuln-module', '.', '--vuln-allow', 'GO-2099-0001=')).toEqual({ code: 2, err: expect.stringContaining('--vuln-allow GO-2099-0001= needs a reason') });
    expect(cli('--vuln-module', '.', '--vuln-allow', 'GO-2099-0001')).toEqual({ code: 2, err: expect.stringContaining('--vuln-allow "GO-2099-0001" is not KEY=VALUE') });
    expect(cli('--vuln-db', 'db')).toEqual({ code: 2, err: expect.stringContaining('need --vuln-module DIR') });
  });
});
