import * as fs from 'fs';
import * as path from 'path';
import { main } from '../src/cli/cli';

function run(...argv: string[]): { code: number; out: string; err: string } {
  let out = '';
  let err = '';
  const code = main(argv, (s) => { out += s; }, (s) => { err += s; });
  return { code, out, err };
}

const VERSION = JSON.parse(fs.readFileSync(path.join(__dirname, '..', 'package.json'), 'utf8')).version;

describe('golden-go CLI conventions', () => {
  test.each([['--help'], ['-h'], ['help']])('%s prints the top usage on stdout and exits 0', (flag) => {
    const r = run(flag);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toMatch(/^usage: golden-go <command> \[options\]/);
    for (const [command, summary] of [['audit', 'golden checklist'], ['publish', 'sign']]) {
      expect(r.out).toMatch(new RegExp(`^  ${command} +\\S.*${summary}`, 'm'));
    }
    expect(r.out).toMatch(/^ {2}-h, --help /m);
    expect(r.out).toMatch(/^ {2}--version /m);
    expect(r.out).toMatch(/^ {2}0 {2}success/m);
    expect(r.out).toMatch(/^ {2}1 {2}audit: error findings.*publish: the pipeline failed/m);
    expect(r.out).toMatch(/^ {2}2 {2}usage error/m);
  });

  test('--version prints the version of package.json on stdout, at the top or after a command', () => {
    expect(run('--version')).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
    expect(run('audit', '--version')).toEqual({ code: 0, out: `${VERSION}\n`, err: '' });
  });

  test('--version reads the package root\'s package.json at run time (the development version is the 0.0.0 fallback too)', () => {
    const manifest = path.join(__dirname, '..', 'package.json');
    // The module object itself: the namespace `fs` imported above cannot be spied on.
    const nodeFs: typeof fs = jest.requireActual('fs');
    const read = nodeFs.readFileSync;
    const spy = jest.spyOn(nodeFs, 'readFileSync').mockImplementation(((file: fs.PathOrFileDescriptor, ...rest: any[]) =>
      (file === manifest ? JSON.stringify({ version: '9.8.7' }) : (read as any)(file, ...rest))) as typeof fs.readFileSync);
    try {
      expect(run('--version')).toEqual({ code: 0, out: '9.8.7\n', err: '' });
    } finally {
      spy.mockRestore();
    }
  });

  test.each([
    ['audit', /^usage: golden-go audit \[--format text\|json\|sarif\|markdown\]/, /Exit code: 0 no error .* 1 errors found, 2 usage error/],
    ['publish', /^usage: golden-go publish --image-json /, /Exit code: 0 published, 1 the pipeline failed .* 2 usage error/],
  ])('%s --help and -h print that command\'s usage on stdout and exit 0', (command, head, exitCodes) => {
    for (const argv of [[command, '--help'], [command, '-h'], ['help', command]]) {
      const r = run(...argv);
      expect(r).toMatchObject({ code: 0, err: '' });
      expect(r.out).toMatch(head);
      expect(r.out).toMatch(exitCodes);
    }
  });

  test('a command\'s --help wins over other, even invalid, arguments', () => {
    const audit = run('audit', '--format', 'xml', '--bogus', '--help');
    expect(audit).toMatchObject({ code: 0, err: '', out: expect.stringMatching(/^usage: golden-go audit/) });
    const publish = run('publish', '--engine', 'podman', '-h', '--vuln-fail-on', 'severe');
    expect(publish).toMatchObject({ code: 0, err: '', out: expect.stringMatching(/^usage: golden-go publish/) });
    expect(publish.out).toContain('--vuln-module DIR');
  });

  test('an unknown command or option names it, points at --help and exits 2 on stderr', () => {
    for (const [argv, what] of [[['lint', '.'], 'unknown command "lint"'], [['help', 'lint'], 'unknown command "lint"'], [['--bogus'], 'unknown option --bogus']] as const) {
      const r = run(...argv);
      expect(r).toMatchObject({ code: 2, out: '' });
      expect(r.err).toBe(`golden-go: ${what}; the commands are "audit" and "publish". Run 'golden-go --help' for usage.\n`);
    }
  });

  test('no command is a usage error with the top usage on stderr', () => {
    const r = run();
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^golden-go: missing command: "audit" and "publish"\n\nusage: golden-go <command>/);
  });

  test('a bad option is still a usage error on stderr with the command\'s usage', () => {
    const r = run('audit', '--bogus', '.');
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^golden-go: unknown option --bogus\n\nusage: golden-go audit/);
  });
});

describe('golden-go publish preflight', () => {
  test('a failed preflight lists every problem on stderr, one line each, and exits 2 (nothing was built)', () => {
    const missing = path.join(__dirname, 'no-such-dir', 'image.json');
    // The real tools of this machine answer: whatever else they report, the missing image.json is one line of the list.
    const r = run('publish', '--image-json', missing, '--engine', 'docker', '--syft', 'no-such-syft');
    expect(r).toMatchObject({ code: 2, out: '' });
    expect(r.err).toMatch(/^golden-go publish: preflight failed, nothing was built \(\d+ problems?\):\n/m);
    expect(r.err).toContain(`\n  - --image-json ${missing} is not readable JSON (ENOENT: no such file or directory`);
    // Besides the list, only the documented loud warning of the SBOM fallback (syft is not there).
    const list = r.err.slice(r.err.indexOf('golden-go publish: preflight failed')).trimEnd().split('\n').slice(1);
    expect(list.filter((l) => !/^ {2}- \S/.test(l))).toEqual([]);
    expect(r.err.slice(0, r.err.indexOf('golden-go publish: preflight failed'))).toMatch(/^(golden-go publish: ######## WARNING: syft \(no-such-syft\) is not usable: .*\n)?$/);
  });

  test('the exit codes name the failed preflight', () => {
    expect(run('--help').out).toMatch(/^ {2}2 {2}usage error .*, or a failed publish\n {5}preflight \(nothing was built or pushed\)$/m);
    expect(run('publish', '--help').out).toMatch(/2 usage error or\na failed preflight \(nothing was built or pushed\)\.$/m);
  });
});
