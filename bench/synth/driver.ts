/* Synth benchmark driver: see bench/README.md. Runs each side as a whole `node` process, interleaved. */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { parseAllDocuments } from 'yaml';

const SIZES = [50, 500] as const;
const SIDES = ['plain', 'golden'] as const;
type Side = typeof SIDES[number];
/** Targets of architecture issue 11, item 8. */
const TARGETS = { perObjectWall: 1.5, peakRss: 1.3, scalingDiff: 0.10 };
const MIN_RUNS = 5;

const ROOT = path.resolve(__dirname, '..', '..');
const BUILD = path.join(ROOT, 'bench', 'out', 'build');

interface Options { runs: number; warmup: number; check: boolean; out: string }

function parseArgs(argv: string[]): Options {
  const opts: Options = { runs: MIN_RUNS, warmup: 1, check: false, out: path.join(ROOT, 'bench', 'out', 'synth.md') };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a}: needs a value`);
      return v;
    };
    const count = (name: string, min: number) => {
      const v = value();
      if (!/^\d+$/.test(v) || Number(v) < min) throw new Error(`${name}: must be a whole number, at least ${min}; got "${v}"`);
      return Number(v);
    };
    if (a === '--runs') opts.runs = count('--runs', 1);
    else if (a === '--warmup') opts.warmup = count('--warmup', 0);
    else if (a === '--check') opts.check = true;
    else if (a === '--out') opts.out = path.resolve(value());
    else throw new Error(`unknown argument "${a}"; allowed: --runs <n>, --warmup <n>, --check, --out <file>`);
  }
  if (opts.check && opts.runs < MIN_RUNS) throw new Error(`--runs: --check needs at least ${MIN_RUNS} runs (the targets are on the median of ${MIN_RUNS}); got ${opts.runs}`);
  return opts;
}

/** Type-checks and compiles src/ and the two sides into bench/out/build, so the timed runs are plain `node`. */
function build(): void {
  if (!fs.existsSync(path.join(ROOT, 'bench', 'tsconfig.json'))) throw new Error(`no bench/tsconfig.json under ${ROOT}: run the driver from bench/synth of a golden-go tree`);
  // A fresh build: stale output of a file the tree no longer has must not be measured.
  fs.rmSync(BUILD, { recursive: true, force: true });
  const tsc = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join('bench', 'tsconfig.json')], { cwd: ROOT, stdio: 'inherit' });
  if (tsc.status !== 0) throw new Error('tsc -p bench/tsconfig.json failed');
  // The library reads its version from ../package.json (SARIF report), as from lib/ in an installed package.
  fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(BUILD, 'package.json'));
}

interface Sample { wallMs: number; cpuMs: number; maxRssKiB: number; objects: number; kinds: Record<string, number>; files: string[] }

function runOnce(side: Side, services: number): Sample {
  const outdir = fs.mkdtempSync(path.join(os.tmpdir(), `golden-go-bench-${side}-`));
  try {
    const script = path.join(BUILD, 'bench', 'synth', `${side}.js`);
    const start = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [script, String(services), outdir], { encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
    const wallMs = Number(process.hrtime.bigint() - start) / 1e6;
    if (child.status !== 0) throw new Error(`${side} ${services}: exit ${child.status ?? child.signal}\n${child.stderr}`);
    const report = JSON.parse(child.stdout.trim().split('\n').pop() ?? '');
    const kinds: Record<string, number> = {};
    const files = fs.readdirSync(outdir).sort();
    for (const f of files.filter((name) => /\.ya?ml$/.test(name))) {
      for (const doc of parseAllDocuments(fs.readFileSync(path.join(outdir, f), 'utf8'))) {
        const kind = (doc.toJS() as { kind?: string } | null)?.kind;
        if (kind) kinds[kind] = (kinds[kind] ?? 0) + 1;
      }
    }
    const objects = Object.values(kinds).reduce((a, b) => a + b, 0);
    return { wallMs, cpuMs: report.cpuMs, maxRssKiB: report.maxRssKiB, objects, kinds, files };
  } finally {
    fs.rmSync(outdir, { recursive: true, force: true });
  }
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const key = (side: Side, n: number) => `${side}/${n}`;
const fmt = (x: number, digits = 2) => x.toFixed(digits);
const verdict = (ok: boolean) => (ok ? 'PASS' : 'FAIL');

function machine(): string[] {
  let commit = 'unknown';
  const git = spawnSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' });
  if (git.status === 0) commit = git.stdout.trim();
  const cpu = os.cpus()[0]?.model ?? 'unknown';
  return [
    `- date: ${new Date().toISOString()}`,
    `- tree: ${ROOT} at ${commit} (working tree as is, uncommitted changes included)`,
    `- machine: ${os.cpus().length} CPUs (${cpu}), ${fmt(os.totalmem() / 2 ** 30, 1)} GiB memory, ${os.type()} ${os.release()}`,
    `- node ${process.version}`,
  ];
}

function main(): number {
  const opts = parseArgs(process.argv.slice(2));
  build();
  const samples = new Map<string, Sample[]>();
  const loadBefore = os.loadavg();
  for (let round = 0; round < opts.warmup + opts.runs; round++) {
    // Interleaved, with the side order flipped every round, so drift in machine load hits both sides alike.
    const sides = round % 2 ? [...SIDES].reverse() : SIDES;
    for (const n of SIZES) {
      for (const side of sides) {
        const s = runOnce(side, n);
        const label = round < opts.warmup ? 'warm-up' : `run ${round - opts.warmup + 1}/${opts.runs}`;
        process.stderr.write(`${label} ${side.padEnd(6)} N=${String(n).padEnd(3)} wall ${fmt(s.wallMs / 1000)} s, CPU ${fmt(s.cpuMs / 1000)} s, ${fmt(s.maxRssKiB / 1024, 0)} MiB, ${s.objects} objects\n`);
        if (round < opts.warmup) continue;
        const prev = samples.get(key(side, n));
        if (prev && (prev[0].objects !== s.objects)) throw new Error(`${side} ${n}: ${prev[0].objects} objects in one run, ${s.objects} in another: the output is not deterministic`);
        samples.set(key(side, n), [...(prev ?? []), s]);
      }
    }
  }
  const loadAfter = os.loadavg();

  const stat = (side: Side, n: number) => {
    const ss = samples.get(key(side, n))!;
    const walls = ss.map((s) => s.wallMs);
    return {
      wall: median(walls),
      min: Math.min(...walls),
      max: Math.max(...walls),
      cpu: median(ss.map((s) => s.cpuMs)),
      rss: median(ss.map((s) => s.maxRssKiB)),
      objects: ss[0].objects,
      kinds: ss[0].kinds,
      files: ss[0].files,
    };
  };
  const lines = [
    '## Synth benchmark: golden-go GoMicroservice vs plain cdk8s-plus-27',
    '',
    ...machine(),
    `- load average (1/5/15 min) before: ${loadBefore.map((l) => fmt(l)).join(' / ')}, after: ${loadAfter.map((l) => fmt(l)).join(' / ')}`,
    `- ${opts.runs} timed runs per cell (median), ${opts.warmup} warm-up round(s) discarded, sides interleaved`,
    '',
    '| side | N | objects | files | wall median (min–max) | wall ms / object | CPU median | peak RSS (median) |',
    '|---|---:|---|---:|---|---:|---:|---:|',
  ];
  for (const n of SIZES) {
    for (const side of SIDES) {
      const s = stat(side, n);
      const kinds = Object.entries(s.kinds).map(([k, c]) => `${k} ${c}`).join(', ');
      lines.push(`| ${side} | ${n} | ${s.objects} (${kinds}) | ${s.files.length} | ${fmt(s.wall / 1000)} s (${fmt(s.min / 1000)}–${fmt(s.max / 1000)}) | ${fmt(s.wall / s.objects, 3)} | ${fmt(s.cpu / 1000)} s | ${fmt(s.rss / 1024, 0)} MiB |`);
    }
  }
  const results: Array<[string, string, string, boolean]> = [];
  for (const n of SIZES) {
    const g = stat('golden', n);
    const p = stat('plain', n);
    const perObject = (g.wall / g.objects) / (p.wall / p.objects);
    results.push([`per-object wall time, N=${n} (golden / plain)`, `${fmt(perObject)}×`, `≤ ${TARGETS.perObjectWall}×`, perObject <= TARGETS.perObjectWall]);
    results.push([`(whole wall time, N=${n}, for reference)`, `${fmt(g.wall / p.wall)}×`, '', true]);
    results.push([`(per-object CPU time, N=${n}, for reference)`, `${fmt((g.cpu / g.objects) / (p.cpu / p.objects))}×`, '', true]);
    const rss = g.rss / p.rss;
    results.push([`peak RSS, N=${n} (golden / plain)`, `${fmt(rss)}×`, `≤ ${TARGETS.peakRss}×`, rss <= TARGETS.peakRss]);
  }
  const scaling = (side: Side) => stat(side, SIZES[1]).wall / stat(side, SIZES[0]).wall;
  const [rg, rp] = [scaling('golden'), scaling('plain')];
  results.push([`t${SIZES[1]}/t${SIZES[0]} golden`, `${fmt(rg)}`, '', true]);
  results.push([`t${SIZES[1]}/t${SIZES[0]} plain`, `${fmt(rp)}`, '', true]);
  const diff = rg / rp - 1;
  results.push([`scaling difference (golden ratio / plain ratio − 1; absolute ${fmt(rg - rp)})`, `${diff >= 0 ? '+' : ''}${fmt(diff * 100, 1)} %`,
    `within ±${TARGETS.scalingDiff * 100} %`, Math.abs(diff) <= TARGETS.scalingDiff]);
  lines.push('', '| measure | value | target | verdict |', '|---|---:|---|---|');
  for (const [what, value, target, ok] of results) lines.push(`| ${what} | ${value} | ${target} | ${target ? verdict(ok) : ''} |`);
  const failed = results.filter(([, , target, ok]) => target && !ok).length;
  lines.push('', failed ? `**${failed} target(s) missed.**` : '**All targets met.**');
  if (opts.runs < MIN_RUNS) lines.push('', `Only ${opts.runs} run(s) per cell: not a result (the targets are on the median of at least ${MIN_RUNS}).`);
  const markdown = `${lines.join('\n')}\n`;
  process.stdout.write(`\n${markdown}`);
  fs.mkdirSync(path.dirname(opts.out), { recursive: true });
  fs.writeFileSync(opts.out, markdown);
  process.stderr.write(`written to ${path.relative(process.cwd(), opts.out)}\n`);
  return opts.check && failed ? 1 : 0;
}

try {
  process.exitCode = main();
} catch (e) {
  process.stderr.write(`bench: ${(e as Error).message}\n`);
  process.exitCode = 2;
}
