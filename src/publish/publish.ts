import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { defaultRunner, Runner } from './runner';
import { GoSbom } from './sbom';
import { describeFinding, gateFailureMessage, renderOpenVex, runVulnerabilityGate, VulnerabilityGateOptions } from './vuln-gate';
import { DIGEST } from '../core/constants';

// The Runner lives in its own file so the vulnerability gate shares it without an import cycle.
export { defaultRunner } from './runner';
export type { Runner } from './runner';

/** Options of the image pipeline. */
export interface PublishOptions {
  /** `image.json` written by HardenedGoImage.writeFiles. */
  readonly imageJson: string;
  /** `buildah` (podman/buildah, no Docker engine) or `docker` (buildx). */
  readonly engine: 'buildah' | 'docker';
  /** Repository to push to; default: the one in image.json's commands. */
  readonly repository?: string;
  /** Tag; default: the VERSION build argument. */
  readonly tag?: string;
  /** cosign private key (`cosign.key`, KMS URI, `env://…`); keyless (OIDC) without it. */
  readonly key?: string;
  /** Build argument overrides (base images from a mirror, a local GOPROXY, …). */
  readonly buildArgs: Record<string, string>;
  /** Plain-HTTP registry (a loopback registry in tests). */
  readonly insecureRegistry: boolean;
  /** Upload to the Rekor transparency log (off for air-gapped registries). */
  readonly transparencyLog: boolean;
  /** Where to write the build record. */
  readonly record: string;
  /** Where to write the SPDX SBOM. */
  readonly sbom: string;
  /** The Go toolchain that reads the binary's build info. */
  readonly go: string;
  /**
   * govulncheck on the module before the build: reachable vulnerabilities fail the publish; the present
   * but unreachable ones are attested as an OpenVEX document. Off without it.
   */
  readonly vulnerabilityGate?: VulnerabilityGateOptions;
  /** Where to write the OpenVEX document of the gate; default: `vex.openvex.json` beside the SBOM. */
  readonly vex?: string;
}

/** The build record: what the manifests pin. */
export interface BuildRecord {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly sbom: string;
  readonly signature: string;
  /** The OpenVEX document attested, when the gate found vulnerabilities no call path reaches. */
  readonly vex?: string;
}

function flagValue(argv: string[], flag: string): string | undefined {
  const i = argv.indexOf(flag);
  return i >= 0 ? argv[i + 1] : undefined;
}

/** Build arguments of an argv, with overrides applied (existing ones replaced, new ones added). */
function withBuildArgs(argv: string[], overrides: Record<string, string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--build-arg' && i + 1 < argv.length) {
      const key = argv[i + 1].split('=')[0];
      seen.add(key);
      out.push('--build-arg', key in overrides ? `${key}=${overrides[key]}` : argv[i + 1]);
      i++;
    } else {
      out.push(argv[i]);
    }
  }
  const extra = Object.entries(overrides).filter(([k]) => !seen.has(k)).flatMap(([k, v]) => ['--build-arg', `${k}=${v}`]);
  return [...out.slice(0, -1), ...extra, out[out.length - 1]];
}

/**
 * Build, push, SBOM, attest, sign, record: the image pipeline of the checklist (B09, B11, B20).
 * The manifests then pin the recorded digest (ImageReference.fromBuildRecord).
 */
export function publish(o: PublishOptions, run: Runner = defaultRunner, log: (s: string) => void = () => undefined): BuildRecord {
  const image = JSON.parse(fs.readFileSync(o.imageJson, 'utf8'));
  const base: string[] = o.engine === 'buildah' ? image.buildahCommand : image.buildxCommand;
  if (!Array.isArray(base)) throw new Error(`${o.imageJson} has no ${o.engine === 'buildah' ? 'buildahCommand' : 'buildxCommand'}: write it with HardenedGoImage.writeFiles`);
  const defaultRef = o.engine === 'buildah' ? flagValue(base, '--tag')! : /name=([^,]+)/.exec(flagValue(base, '--output') ?? '')?.[1] ?? '';
  const defaultRepo = defaultRef.replace(/:[^:/]+$/, '');
  const repository = o.repository ?? defaultRepo;
  const tag = o.tag ?? image.buildArgs?.VERSION ?? 'dev';
  const ref = `${repository}:${tag}`;
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-publish-'));
  const tls = o.insecureRegistry ? ['--tls-verify=false'] : [];
  let digest: string;

  // The gate runs first: a reachable vulnerability stops the publish before anything is built or pushed.
  const gate = o.vulnerabilityGate && runVulnerabilityGate(o.vulnerabilityGate, run);
  if (gate) {
    for (const f of gate.belowThreshold) log(`vulnerability gate: below the threshold: ${describeFinding(f)}`);
    for (const a of gate.allowed) log(`vulnerability gate: allowed (${a.reason}): ${describeFinding(a.finding)}`);
    for (const f of gate.notReachable) log(`vulnerability gate: not reachable: ${describeFinding(f)}`);
    if (gate.failing.length) throw new Error(gateFailureMessage(gate, o.vulnerabilityGate!.failOn));
    log(`vulnerability gate: passed (${gate.notReachable.length} present but not reachable)`);
  }

  if (o.engine === 'buildah') {
    const argv = withBuildArgs(base.slice(2), o.buildArgs).map((a, i, all) => (all[i - 1] === '--tag' ? ref : a));
    log(`build: buildah bud … --tag ${ref}`);
    run('buildah', ['bud', ...argv]);
    const digestFile = path.join(work, 'digest');
    log(`push: ${ref}`);
    run('podman', ['push', '-q', ...tls, '--digestfile', digestFile, ref]);
    digest = fs.readFileSync(digestFile, 'utf8').trim();
  } else {
    const metadata = path.join(work, 'buildx-metadata.json');
    const argv = withBuildArgs(base.slice(3), o.buildArgs)
      .map((a, i, all) => (all[i - 1] === '--output' ? `type=image,name=${ref},push=true,rewrite-timestamp=true${o.insecureRegistry ? ',registry.insecure=true' : ''}` : a))
      .map((a, i, all) => (all[i - 1] === '--metadata-file' ? metadata : a));
    log(`build and push: docker buildx build … ${ref}`);
    run('docker', ['buildx', 'build', ...argv]);
    digest = JSON.parse(fs.readFileSync(metadata, 'utf8'))['containerimage.digest'];
  }
  if (!DIGEST.test(digest ?? '')) throw new Error(`publish: the push reported no digest for ${ref}`);
  const pinned = `${repository}@${digest}`;

  // SBOM from the binary's embedded module list (for the build platform's image).
  const cli = o.engine === 'buildah' ? 'podman' : 'docker';
  const ctr = run(cli, ['create', ...(o.engine === 'buildah' ? tls : []), pinned]).trim().split('\n').pop()!;
  const binary = path.join(work, 'app');
  try {
    run(cli, ['cp', `${ctr}:/app`, binary]);
  } finally {
    run(cli, ['rm', ctr]);
  }
  const buildInfo = run(o.go, ['version', '-m', binary]);
  fs.writeFileSync(o.sbom, GoSbom.fromBuildInfo(buildInfo, {
    name: repository, version: tag, sourceDateEpoch: Number(image.buildArgs?.SOURCE_DATE_EPOCH ?? 0), imageDigest: digest,
  }));
  log(`sbom: ${o.sbom}`);

  const cosign = [...(o.key ? ['--key', o.key] : []), ...(o.transparencyLog ? [] : ['--tlog-upload=false']),
    ...(o.insecureRegistry ? ['--allow-http-registry', '--allow-insecure-registry'] : []), '--yes'];
  run('cosign', ['attest', ...cosign, '--type', 'spdxjson', '--predicate', o.sbom, pinned]);
  log(`attest: SPDX SBOM attached to ${pinned}`);
  let vex: string | undefined;
  if (gate?.notReachable.length) {
    vex = o.vex ?? path.join(path.dirname(o.sbom), 'vex.openvex.json');
    fs.writeFileSync(vex, renderOpenVex(gate.notReachable, { repository, digest, timestamp: Number(image.buildArgs?.SOURCE_DATE_EPOCH ?? 0) }));
    run('cosign', ['attest', ...cosign, '--type', 'openvex', '--predicate', vex, pinned]);
    log(`attest: OpenVEX (${gate.notReachable.length} not reachable) attached to ${pinned}`);
  }
  run('cosign', ['sign', ...cosign, pinned]);
  log(`sign: ${pinned}`);

  const record: BuildRecord = { repository, tag, digest, sbom: path.basename(o.sbom), signature: o.key ? 'key' : 'keyless', ...(vex ? { vex: path.basename(vex) } : {}) };
  fs.writeFileSync(o.record, JSON.stringify(record, undefined, 2) + '\n');
  log(`record: ${o.record}`);
  return record;
}
