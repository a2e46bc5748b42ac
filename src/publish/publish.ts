import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { GoSbom } from './sbom';
import { DIGEST } from '../core/constants';

/** Runs a command; returns stdout or throws with the command and stderr. */
export type Runner = (cmd: string, args: string[], env?: Record<string, string>) => string;

export const defaultRunner: Runner = (cmd, args, env) => {
  const r = spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...env }, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw new Error(`${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}\n${r.stderr}`);
  return r.stdout;
};

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
}

/** The build record: what the manifests pin. */
export interface BuildRecord {
  readonly repository: string;
  readonly tag: string;
  readonly digest: string;
  readonly sbom: string;
  readonly signature: string;
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
  run('cosign', ['sign', ...cosign, pinned]);
  log(`sign: ${pinned}`);

  const record: BuildRecord = { repository, tag, digest, sbom: path.basename(o.sbom), signature: o.key ? 'key' : 'keyless' };
  fs.writeFileSync(o.record, JSON.stringify(record, undefined, 2) + '\n');
  log(`record: ${o.record}`);
  return record;
}
