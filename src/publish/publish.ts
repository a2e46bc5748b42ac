import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { preflight } from './preflight';
import { defaultRunner, Runner } from './runner';
import { GoSbom } from './sbom';
import { checkSignatureFormat, registryLocations, SignatureFormat, signatureFormats } from './signature-format';
import { describeFinding, gateFailureMessage, renderOpenVex, runVulnerabilityGate, VulnerabilityGateOptions } from './vuln-gate';
import { DIGEST } from '../core/constants';

// The Runner lives in its own file so the vulnerability gate shares it without an import cycle.
export { defaultRunner } from './runner';
export type { Runner } from './runner';
export { PreflightError } from './preflight';

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
  /** Where to write the SPDX 2.3 SBOM. */
  readonly sbom: string;
  /** Where to write the CycloneDX 1.6 SBOM (syft only); default: `sbom.cdx.json` beside the SPDX one. */
  readonly cyclonedx?: string;
  /**
   * syft, which catalogs the whole pushed image (the binary's Go modules and the base image's files and
   * packages); default `syft` on PATH. Without it the SBOM falls back to the binary's `go version -m`
   * module list (Go modules only), with a warning, and with CI=true that is an error.
   */
  readonly syft?: string;
  /** The Go toolchain that reads the binary's build info (the fallback SBOM). */
  readonly go: string;
  /** The layout of signatures and attestations; default `SignatureFormat.BUNDLE` (cosign v3). */
  readonly signatureFormat?: SignatureFormat;
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
  /** The SPDX SBOM file. */
  readonly sbom: string;
  /** The CycloneDX SBOM file (syft only). */
  readonly cyclonedx?: string;
  /** What wrote the SBOMs: `syft <version>`, or `go version -m` (Go modules only). */
  readonly sbomTool: string;
  readonly signature: string;
  /** The layout the signatures and attestations were written in. */
  readonly signatureFormat: SignatureFormat;
  /** Where the signatures and attestations are in the registry (see `registryLocations`). */
  readonly signatureLocations: string[];
  /** The predicate types attested on the digest, as cosign names them (`spdxjson`, `cyclonedx`, `openvex`). */
  readonly attestations: string[];
  /** The OpenVEX document attested, when the gate found vulnerabilities no call path reaches. */
  readonly vex?: string;
}

/** Runs one step and logs `<what> (<seconds> s)` when it is done. */
function timed<T>(log: (s: string) => void, what: (result: T) => string, step: () => T): T {
  const start = Date.now();
  const result = step();
  log(`${what(result)} (${((Date.now() - start) / 1000).toFixed(1)} s)`);
  return result;
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
  const format = checkSignatureFormat(o.signatureFormat ?? SignatureFormat.BUNDLE, 'signatureFormat');
  // Everything that can be checked without building, all at once: a missing tool or a short base-image
  // name fails in a second, not after the build.
  const ready = timed(log, () => 'preflight ok', () => preflight({ ...o, syft: o.syft ?? 'syft' }, run, log));
  const { image, command: base, repository } = ready;
  const tag = o.tag ?? image.buildArgs?.VERSION ?? 'dev';
  const ref = `${repository}:${tag}`;

  // The gate runs next: a reachable vulnerability stops the publish before anything is built or pushed.
  const gate = o.vulnerabilityGate && timed(log, () => 'vulnerability gate: scanned', () => runVulnerabilityGate(o.vulnerabilityGate!, run));
  if (gate) {
    for (const f of gate.belowThreshold) log(`vulnerability gate: below the threshold: ${describeFinding(f)}`);
    for (const a of gate.allowed) log(`vulnerability gate: allowed (${a.reason}): ${describeFinding(a.finding)}`);
    for (const f of gate.notReachable) log(`vulnerability gate: not reachable: ${describeFinding(f)}`);
    if (gate.failing.length) throw new Error(gateFailureMessage(gate, o.vulnerabilityGate!.failOn));
    log(`vulnerability gate: passed (${gate.notReachable.length} present but not reachable)`);
  }

  const digest = buildAndPush(o, base, ref, run, log);
  if (!DIGEST.test(digest ?? '')) throw new Error(`publish: the push reported no digest for ${ref}`);
  const pinned = `${repository}@${digest}`;

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-publish-'));
  const sboms = writeSboms(o, {
    cli: o.engine === 'buildah' ? 'podman' : 'docker',
    pinned,
    repository,
    tag,
    digest,
    work,
    sourceDateEpoch: Number(image.buildArgs?.SOURCE_DATE_EPOCH ?? 0),
  }, ready.syftVersion, run, log);
  let vex: string | undefined;
  if (gate?.notReachable.length) {
    vex = o.vex ?? path.join(path.dirname(o.sbom), 'vex.openvex.json');
    fs.writeFileSync(vex, renderOpenVex(gate.notReachable, { repository, digest, timestamp: Number(image.buildArgs?.SOURCE_DATE_EPOCH ?? 0) }));
  }
  const predicates: Predicate[] = [...sboms.predicates, ...(vex ? [{ type: 'openvex', file: vex }] : [])];
  signAndAttest(o, format, pinned, predicates, run, log);

  const record: BuildRecord = {
    repository,
    tag,
    digest,
    sbom: path.basename(o.sbom),
    ...(sboms.cyclonedx ? { cyclonedx: path.basename(sboms.cyclonedx) } : {}),
    sbomTool: sboms.tool,
    signature: o.key ? 'key' : 'keyless',
    signatureFormat: format,
    signatureLocations: registryLocations(repository, digest, format),
    attestations: predicates.map((p) => p.type),
    ...(vex ? { vex: path.basename(vex) } : {}),
  };
  fs.writeFileSync(o.record, JSON.stringify(record, undefined, 2) + '\n');
  log(`record: ${o.record}`);
  return record;
}

/** Builds with the generated command and pushes; returns the digest the registry reported. */
function buildAndPush(o: PublishOptions, base: string[], ref: string, run: Runner, log: (s: string) => void): string {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'golden-go-push-'));
  const tls = o.insecureRegistry ? ['--tls-verify=false'] : [];
  if (o.engine === 'buildah') {
    const argv = withBuildArgs(base.slice(2), o.buildArgs).map((a, i, all) => (all[i - 1] === '--tag' ? ref : a));
    log(`build: buildah bud … --tag ${ref}`);
    timed(log, () => 'build ok', () => run('buildah', ['bud', ...argv]));
    const digestFile = path.join(work, 'digest');
    log(`push: ${ref}`);
    timed(log, () => 'push ok', () => run('podman', ['push', '-q', ...tls, '--digestfile', digestFile, ref]));
    return fs.readFileSync(digestFile, 'utf8').trim();
  }
  const metadata = path.join(work, 'buildx-metadata.json');
  const argv = withBuildArgs(base.slice(3), o.buildArgs)
    .map((a, i, all) => (all[i - 1] === '--output' ? `type=image,name=${ref},push=true,rewrite-timestamp=true${o.insecureRegistry ? ',registry.insecure=true' : ''}` : a))
    .map((a, i, all) => (all[i - 1] === '--metadata-file' ? metadata : a));
  log(`build and push: docker buildx build … ${ref}`);
  timed(log, () => 'build and push ok', () => run('docker', ['buildx', 'build', ...argv]));
  return JSON.parse(fs.readFileSync(metadata, 'utf8'))['containerimage.digest'];
}

interface PushedImage {
  readonly cli: string;
  readonly pinned: string;
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly work: string;
  readonly sourceDateEpoch: number;
}

/** A document to attest: cosign's `--type` and the file. */
interface Predicate {
  readonly type: string;
  readonly file: string;
}

interface Sboms {
  readonly predicates: Predicate[];
  readonly cyclonedx?: string;
  readonly tool: string;
}

/**
 * The SBOMs of the pushed image: syft over the whole image (SPDX 2.3 and CycloneDX 1.6), or, without
 * syft, the binary's Go modules (SPDX only).
 */
function writeSboms(o: PublishOptions, img: PushedImage, syftVersion: string | undefined, run: Runner, log: (s: string) => void): Sboms {
  if (syftVersion) {
    const cyclonedx = o.cyclonedx ?? path.join(path.dirname(o.sbom), 'sbom.cdx.json');
    // Straight from the registry: the SBOM describes exactly the pushed digest.
    timed(log, () => `sbom: ${o.sbom}, ${cyclonedx} (syft ${syftVersion})`, () => run(o.syft ?? 'syft',
      ['scan', `registry:${img.pinned}`, '-q', '-o', `spdx-json@2.3=${o.sbom}`, '-o', `cyclonedx-json@1.6=${cyclonedx}`],
      o.insecureRegistry ? { SYFT_REGISTRY_INSECURE_USE_HTTP: 'true', SYFT_REGISTRY_INSECURE_SKIP_TLS_VERIFY: 'true' } : {}));
    return { predicates: [{ type: 'spdxjson', file: o.sbom }, { type: 'cyclonedx', file: cyclonedx }], cyclonedx, tool: `syft ${syftVersion}` };
  }
  return timed(log, () => `sbom: ${o.sbom} (go version -m: Go modules only)`, () => goModulesSbom(o, img, run));
}

/** The fallback without syft: the binary's Go modules, read from the pushed image with the Go toolchain. */
function goModulesSbom(o: PublishOptions, img: PushedImage, run: Runner): Sboms {
  const ctr = run(img.cli, ['create', ...(img.cli === 'podman' && o.insecureRegistry ? ['--tls-verify=false'] : []), img.pinned]).trim().split('\n').pop()!;
  const binary = path.join(img.work, 'app');
  try {
    run(img.cli, ['cp', `${ctr}:/app`, binary]);
  } finally {
    run(img.cli, ['rm', ctr]);
  }
  const buildInfo = run(o.go, ['version', '-m', binary]);
  const options = { name: img.repository, version: img.tag, sourceDateEpoch: img.sourceDateEpoch, imageDigest: img.digest };
  fs.writeFileSync(o.sbom, GoSbom.fromBuildInfo(buildInfo, options));
  return { predicates: [{ type: 'spdxjson', file: o.sbom }], tool: 'go version -m' };
}

/**
 * cosign v3's flags for one layout. The legacy layout and `--tlog-upload=false` both need the
 * TUF-provided signing config off (cosign refuses either with it); a bundle signed with Rekor keeps it.
 */
export function cosignFormatFlags(format: SignatureFormat, transparencyLog: boolean): string[] {
  if (format === SignatureFormat.LEGACY) return ['--new-bundle-format=false', '--use-signing-config=false'];
  return transparencyLog ? [] : ['--use-signing-config=false'];
}

/** Attests each predicate and signs the digest, once per layout of `format`; the signature comes last. */
function signAndAttest(
  o: PublishOptions, format: SignatureFormat, pinned: string, predicates: Predicate[], run: Runner, log: (s: string) => void,
): void {
  const common = [...(o.key ? ['--key', o.key] : []), ...(o.transparencyLog ? [] : ['--tlog-upload=false']),
    ...(o.insecureRegistry ? ['--allow-http-registry', '--allow-insecure-registry'] : []), '--yes'];
  for (const f of signatureFormats(format)) {
    const cosign = [...cosignFormatFlags(f, o.transparencyLog), ...common];
    for (const p of predicates) {
      timed(log, () => `attest (${f}): ${p.type} ${path.basename(p.file)} attached to ${pinned}`,
        () => run('cosign', ['attest', ...cosign, '--type', p.type, '--predicate', p.file, pinned]));
    }
    timed(log, () => `sign (${f}): ${pinned}`, () => run('cosign', ['sign', ...cosign, pinned]));
  }
}
