import { spawnSync } from 'child_process';

/** Runs a command; returns stdout or throws with the command and stderr. */
export type Runner = (cmd: string, args: string[], env?: Record<string, string>) => string;

export const defaultRunner: Runner = (cmd, args, env) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r.stdout;
};
