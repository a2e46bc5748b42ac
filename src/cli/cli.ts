#!/usr/bin/env node
// `golden-go`: `audit` runs the golden checklist on Dockerfiles and Kubernetes YAML that golden-go did not
// write; `publish` is the image pipeline.
import * as fs from 'fs';
import { audit } from '../checklist/audit';
import { packageVersion } from '../checklist/engine';
import { failingErrors, formatFinding, renderJson, renderMarkdown, renderSarif } from '../checklist/findings';
import { PreflightError, publish, PublishOptions } from '../publish/publish';
import { checkSignatureFormat } from '../publish/signature-format';
import { VULN_SEVERITIES } from '../publish/vuln-gate';

const PUBLISH_USAGE = `usage: golden-go publish --image-json dist/svc/image.json [--engine buildah|docker]
       [--repository REPO] [--tag TAG] [--key cosign.key] [--build-arg K=V]... [--insecure-registry]
       [--no-tlog] [--record image.lock.json] [--sbom sbom.spdx.json] [--cyclonedx sbom.cdx.json]
       [--syft syft] [--go go] [--signature-format bundle|legacy|bundle+legacy]
       [--vuln-module DIR [--vuln-db URL|DIR] [--vuln-fail-on low|moderate|high|critical]
        [--vuln-allow ID=REASON]... [--vex vex.openvex.json] [--govulncheck govulncheck]]

The image pipeline: builds with the generated command, pushes, catalogs the pushed image with syft
(SPDX 2.3 and CycloneDX 1.6: the binary's Go modules and the base image's packages and files),
attaches both as signed attestations, signs the pushed digest with cosign v3 (a key, or keyless OIDC
without --key), and records repository/tag/digest for ImageReference.fromBuildRecord(). Without
syft the SPDX SBOM lists the binary's Go modules only (go version -m), with a warning; with CI=true
that is an error.
--signature-format (default bundle): Sigstore bundles stored as OCI referrers of the digest (the
referrers tag sha256-<hex> on a registry without the referrers API); legacy: the .sig/.att tags of
cosign v2; bundle+legacy: both, while admission policies move from one to the other.

With --vuln-module, govulncheck scans that Go module in source mode first (call-graph reachability;
database --vuln-db, default https://vuln.go.dev). A called vulnerability at or above --vuln-fail-on
(default low; one with no severity, as in the Go database, always counts) fails the publish before
the build, unless --vuln-allow names its OSV id with a reason. Vulnerabilities that are present but
not called are attached as a signed OpenVEX attestation (not_affected,
vulnerable_code_not_in_execute_path), written to --vex.

A preflight runs before anything is built and reports every problem at once, one line each with its
fix: the engine (buildah and podman, or docker with buildx and a daemon), cosign v3, syft, the build
context with its go.mod, the Dockerfile, fully qualified base images (docker.io/library/golang:…, not
golang:…) and the registry (GET /v2/ answers 200 or 401; plain HTTP with --insecure-registry).
Each step then prints a progress line with its duration on stderr.
Exit code: 0 published, 1 the pipeline failed (including the vulnerability gate), 2 usage error or
a failed preflight (nothing was built or pushed).`;

const AUDIT_USAGE = `usage: golden-go audit [--format text|json|sarif|markdown] [--kubernetes-version 1.35] [--output FILE] PATH...

Checks Dockerfiles, .dockerignore files and Kubernetes manifests (multi-document YAML, JSON, Helm
\`template\` output) for the Go-specific traps of the golden checklist (B01–B21, R01–R17).
Exit code: 0 no error (warnings allowed), 1 errors found, 2 usage error or nothing to audit.
Suppress a finding with a reason: a \`golden-go.dev/suppressed.<ID>: <reason>\` annotation on the
object, or a \`# golden-go:suppress <ID> <reason>\` line in the Dockerfile.`;

/** Every command: the top usage and the unknown-command message are built from this list, so a new command cannot be left out of them. */
const COMMANDS: Record<string, { summary: string; usage: string }> = {
  audit: { summary: 'check Dockerfiles and Kubernetes manifests against the golden checklist', usage: AUDIT_USAGE },
  publish: { summary: 'build, push, attest the SBOM, sign and record a HardenedGoImage', usage: PUBLISH_USAGE },
};

const HELP_FLAGS = ['--help', '-h'];
const isCommand = (name: string) => Object.keys(COMMANDS).includes(name);

const TOP_USAGE = `usage: golden-go <command> [options]
       golden-go <command> --help
       golden-go --help | --version

Commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(9)} ${c.summary}`).join('\n')}

Global options:
  -h, --help  show this usage, or a command's usage after its name (\`golden-go help <command>\` too)
  --version   print the golden-go version

Exit codes:
  0  success (audit: no error finding, warnings allowed)
  1  audit: error findings or unreadable files; publish: the pipeline failed
  2  usage error (unknown command or option, bad value), nothing to audit, or a failed publish
     preflight (nothing was built or pushed)`;

const COMMAND_LIST = Object.keys(COMMANDS).map((c) => `"${c}"`).join(' and ');

interface Args {
  format: string;
  kubernetesVersion: string;
  output?: string;
  paths: string[];
}

/** Reads `argv[i + 1]` as the value of option `argv[i]`. */
function optionValue(argv: string[], i: number): string {
  const v = argv[i + 1];
  if (v === undefined) throw new Error(`${argv[i]} needs a value`);
  return v;
}

/** Prints a usage error and returns its exit code. */
function usageError(e: unknown, usage: string, err: (s: string) => void): number {
  err(`golden-go: ${(e as Error).message}\n\n${usage}\n`);
  return 2;
}

/**
 * Answers the conventions every command shares: `--help`/`-h`/`help` and `--version`. A command's help
 * is looked for first and anywhere in its arguments, so it wins over any other (even invalid) one.
 * Returns the exit code, or undefined when `argv` is a command to run.
 */
function conventions(argv: string[], out: (s: string) => void, err: (s: string) => void): number | undefined {
  const [first, ...rest] = argv;
  if (first === undefined) {
    err(`golden-go: missing command: ${COMMAND_LIST}\n\n${TOP_USAGE}\n`);
    return 2;
  }
  const unknown = (what: string) => {
    err(`golden-go: ${what}; the commands are ${COMMAND_LIST}. Run 'golden-go --help' for usage.\n`);
    return 2;
  };
  if (HELP_FLAGS.includes(first) || first === 'help') {
    const topic = first === 'help' ? rest[0] : undefined;
    if (topic === undefined) {
      out(`${TOP_USAGE}\n`);
      return 0;
    }
    if (!isCommand(topic)) return unknown(`unknown command "${topic}"`);
    out(`${COMMANDS[topic].usage}\n`);
    return 0;
  }
  if (first !== '--version' && !isCommand(first)) return unknown(first.startsWith('-') ? `unknown option ${first}` : `unknown command "${first}"`);
  if (isCommand(first) && rest.some((a) => HELP_FLAGS.includes(a))) {
    out(`${COMMANDS[first].usage}\n`);
    return 0;
  }
  if (first === '--version' || rest.includes('--version')) {
    out(`${packageVersion()}\n`);
    return 0;
  }
  return undefined;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { format: 'text', kubernetesVersion: '1.35', paths: [] };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => optionValue(argv, i++);
    if (a === '--format' || a === '-f') args.format = value();
    else if (a.startsWith('--format=')) args.format = a.slice(9);
    else if (a === '--kubernetes-version') args.kubernetesVersion = value();
    else if (a.startsWith('--kubernetes-version=')) args.kubernetesVersion = a.slice(21);
    else if (a === '--output' || a === '-o') args.output = value();
    else if (a.startsWith('--output=')) args.output = a.slice(9);
    else if (a.startsWith('-')) throw new Error(`unknown option ${a}`);
    else args.paths.push(a);
  }
  if (!['text', 'json', 'sarif', 'markdown'].includes(args.format)) throw new Error(`--format "${args.format}" is not valid; allowed: text, json, sarif, markdown`);
  if (!/^1\.\d+$/.test(args.kubernetesVersion) || Number(args.kubernetesVersion.split('.')[1]) < 27) {
    throw new Error(`--kubernetes-version "${args.kubernetesVersion}" is not valid; allowed: a release from 1.27 on, such as 1.35`);
  }
  if (args.paths.length === 0) throw new Error('give at least one file or directory to audit');
  return args;
}

/** Splits a `KEY=VALUE` option value at its first "=". */
function keyValue(flag: string, kv: string): [string, string] {
  const eq = kv.indexOf('=');
  if (eq < 1) throw new Error(`${flag} "${kv}" is not KEY=VALUE`);
  return [kv.slice(0, eq), kv.slice(eq + 1)];
}

function parsePublish(argv: string[]): PublishOptions {
  const o: any = { engine: 'buildah', buildArgs: {}, insecureRegistry: false, transparencyLog: true, record: 'image.lock.json', sbom: 'sbom.spdx.json', go: 'go' };
  const gate: any = { allow: {} };
  for (let i = 1; i < argv.length; i++) {
    const a = argv[i];
    const value = () => optionValue(argv, i++);
    switch (a) {
      case '--image-json': o.imageJson = value(); break;
      case '--engine': o.engine = value(); break;
      case '--repository': o.repository = value(); break;
      case '--tag': o.tag = value(); break;
      case '--key': o.key = value(); break;
      case '--record': o.record = value(); break;
      case '--sbom': o.sbom = value(); break;
      case '--cyclonedx': o.cyclonedx = value(); break;
      case '--syft': o.syft = value(); break;
      case '--signature-format': o.signatureFormat = checkSignatureFormat(value(), '--signature-format'); break;
      case '--go': o.go = value(); break;
      case '--insecure-registry': o.insecureRegistry = true; break;
      case '--no-tlog': o.transparencyLog = false; break;
      case '--build-arg': {
        const [k, v] = keyValue('--build-arg', value());
        o.buildArgs[k] = v;
        break;
      }
      case '--vuln-module': gate.module = value(); break;
      case '--vuln-db': gate.db = value(); break;
      case '--vuln-fail-on': gate.failOn = value(); break;
      case '--govulncheck': gate.govulncheck = value(); break;
      case '--vex': o.vex = value(); break;
      case '--vuln-allow': {
        const [id, reason] = keyValue('--vuln-allow', value());
        if (!reason.trim()) throw new Error(`--vuln-allow ${id}= needs a reason after the "="`);
        gate.allow[id] = reason;
        break;
      }
      default: throw new Error(`unknown option ${a}`);
    }
  }
  if (!o.imageJson) throw new Error('--image-json is required (HardenedGoImage.writeFiles writes image.json)');
  if (!['buildah', 'docker'].includes(o.engine)) throw new Error(`--engine "${o.engine}" is not valid; allowed: buildah, docker`);
  if (gate.failOn !== undefined && !VULN_SEVERITIES.includes(gate.failOn)) throw new Error(`--vuln-fail-on "${gate.failOn}" is not valid; allowed: ${VULN_SEVERITIES.join(', ')}`);
  const gateFlags = Object.keys(gate).filter((k) => k !== 'allow' && k !== 'module').length + Object.keys(gate.allow).length + (o.vex ? 1 : 0);
  if (gate.module) o.vulnerabilityGate = gate;
  else if (gateFlags) throw new Error('--vuln-db, --vuln-fail-on, --vuln-allow, --vex and --govulncheck need --vuln-module DIR (the Go module to scan)');
  return o;
}

export function main(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
  const answered = conventions(argv, out, err);
  if (answered !== undefined) return answered;
  if (argv[0] === 'publish') {
    let o: PublishOptions;
    try {
      o = parsePublish(argv);
    } catch (e) {
      return usageError(e, PUBLISH_USAGE, err);
    }
    try {
      const record = publish(o, undefined, (s) => err(`golden-go publish: ${s}\n`));
      out(`${record.repository}:${record.tag}@${record.digest}\n`);
      return 0;
    } catch (e) {
      err(`golden-go publish: ${(e as Error).message}\n`);
      // Like a usage error, a failed preflight changed nothing: fix the input or the machine and run again.
      return e instanceof PreflightError ? 2 : 1;
    }
  }
  let args: Args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    return usageError(e, AUDIT_USAGE, err);
  }
  let lastShown = -1;
  let result;
  try {
    result = audit(args.paths, {
      kubernetesVersion: args.kubernetesVersion,
      progress: (done, total) => {
        // A progress line on large inputs only, about every 10 %.
        if (total < 200) return;
        const step = Math.floor((done * 10) / total);
        if (step !== lastShown) {
          lastShown = step;
          err(`golden-go audit: ${done}/${total} files read\n`);
        }
      },
    });
  } catch (e) {
    err(`golden-go: ${(e as Error).message}\n`);
    return 2;
  }
  for (const p of result.invalid) err(`golden-go: ${p.file}${p.line ? `:${p.line}` : ''}: ${p.message} (the other files are still audited)\n`);
  if (result.dockerfiles + result.objects === 0) {
    err(`golden-go: nothing to audit: no Dockerfile or Kubernetes object in ${args.paths.join(', ')} (${result.skipped.length} file(s) skipped)\n`);
    return 2;
  }
  const input = { title: 'golden-go audit', subjects: result.subjects, findings: result.findings, version: packageVersion() };
  const errors = failingErrors(result.findings).length;
  const failed = result.findings.filter((f) => f.status === 'fail');
  const summary = `${errors} error(s), ${failed.length - errors} warning(s), ${result.findings.length - failed.length} suppressed; `
    + `audited ${result.dockerfiles} Dockerfile(s) and ${result.objects} Kubernetes object(s) in ${result.manifests} file(s); `
    + `${result.skipped.length} file(s) skipped (not Dockerfile or Kubernetes YAML), ${result.invalid.length} invalid`;
  let report: string;
  switch (args.format) {
    case 'json': report = renderJson(input); break;
    case 'sarif': report = renderSarif(input); break;
    case 'markdown': report = renderMarkdown(input); break;
    default: report = result.findings.map((f) => formatFinding(f)).join('\n') + (result.findings.length ? '\n' : '') + summary + '\n';
  }
  if (args.output) {
    fs.writeFileSync(args.output, report);
    err(`${summary}\n`);
  } else {
    out(report);
    if (args.format !== 'text') err(`${summary}\n`);
  }
  return errors > 0 || result.invalid.length > 0 ? 1 : 0;
}

if (require.main === module) {
  process.exitCode = main(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
