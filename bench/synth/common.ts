import { App, Chart } from 'cdk8s';

/** The same image on both sides: digest-pinned, as golden-go requires (R01). */
export const IMAGE = 'registry.example.com/bench/svc:1.0.0@sha256:3b3e4c5ed5c1d2a1a35d0a8d4a3f1d6c1b0d8f9e7a6c5b4a3928170f6e5d4c3b';

/**
 * Runs one side of the benchmark as a whole process: `node <side>.js <services> <outdir>`. Both sides
 * put every service in one chart, synthesize with `app.synth()` (files on disk, as users do) and print
 * one JSON line the driver reads. maxRSS and CPU time come from the kernel's rusage of this process.
 */
export function runSide(addService: (chart: Chart, name: string) => void): void {
  const [countArg, outdir] = process.argv.slice(2);
  const count = Number(countArg);
  if (!Number.isInteger(count) || count < 1 || !outdir) {
    throw new Error(`usage: node ${process.argv[1]} <services: a whole number, at least 1> <outdir>; got "${countArg}" "${outdir}"`);
  }
  const app = new App({ outdir });
  const chart = new Chart(app, 'bench', { namespace: 'bench', disableResourceNameHashes: true });
  for (let i = 0; i < count; i++) addService(chart, `svc-${String(i).padStart(4, '0')}`);
  app.synth();
  const usage = process.resourceUsage();
  // CPU time (µs) is reported too: on a shared machine it moves far less with other jobs than wall time.
  process.stdout.write(`${JSON.stringify({ maxRssKiB: usage.maxRSS, cpuMs: (usage.userCPUTime + usage.systemCPUTime) / 1000 })}\n`);
}
