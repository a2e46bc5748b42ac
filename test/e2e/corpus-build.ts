// Builds a corpus service's image from its props with the generated buildah command, on the local base
// images, once per content: an unchanged service, Dockerfile and base image is not built again.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { App, Chart } from 'cdk8s';
import { EPOCH, localBaseImages, REPO_ROOT, sh, tmpDir, withOverrides } from './containers';
import { GoMicroservice, HardenedGoImage, ImageReference } from '../../src';
import { DEBIAN_GLIBC } from '../../src/core/constants';
import type { CorpusService } from '../corpus/corpus';

/** What building and deploying need of a corpus service. */
export type CorpusLike = Pick<CorpusService, 'name' | 'dir' | 'image' | 'service'>;

export interface CorpusBuild {
  readonly image: HardenedGoImage;
  /** The local repository and the digest the build produced. */
  readonly repository: string;
  readonly digest: string;
  readonly version: string;
  readonly commit: string;
  readonly built: boolean;
}

export const CORPUS_VERSION = '1.0.0-e2e';
export const CORPUS_COMMIT = '0123abc';

/** Every file of a directory, hashed in a stable order. */
function hashTree(dir: string, hash = createHash('sha256')): ReturnType<typeof createHash> {
  for (const entry of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const p = path.join(dir, entry.name);
    hash.update(`${entry.name}\0`);
    if (entry.isDirectory()) hashTree(p, hash);
    else hash.update(fs.readFileSync(p));
  }
  return hash;
}

/**
 * Local base images for a build. With cgo, a builder and a glibc runtime of the Debian release whose
 * glibc the declared runtime base carries (the same libc and release as the props say, B02).
 */
function baseOverrides(image: HardenedGoImage): Record<string, string> {
  if (!image.props.cgo) {
    const { builder, runtime } = localBaseImages();
    return { BUILDER_IMAGE: builder, RUNTIME_IMAGE: runtime };
  }
  const glibc = image.props.runtimeImage?.libcVersion;
  const suite = Object.keys(DEBIAN_GLIBC).find((s) => DEBIAN_GLIBC[s] === glibc);
  if (!suite) throw new Error(`${image.props.name}: no local cgo base for runtime glibc ${glibc}; known: ${JSON.stringify(DEBIAN_GLIBC)}`);
  const lines = sh('bash', [path.join(REPO_ROOT, 'scripts', 'e2e-base-images.sh'), 'cgo', suite], { timeoutMs: 1_800_000 }).trim().split('\n');
  return { BUILDER_IMAGE: lines[2], RUNTIME_IMAGE: lines[3] };
}

/**
 * Renders the service's Dockerfile from its image props alone and builds it. Modules come from the
 * host's module cache (filled by `go mod download` through the Go module proxy), mounted read-only
 * as a file:// GOPROXY: the build itself reaches no network.
 */
export function buildCorpusImage(svc: CorpusLike): CorpusBuild {
  const dockerfileDir = tmpDir(`corpus-${svc.name}`);
  const image = new HardenedGoImage(new App(), svc.name, {
    name: svc.name,
    version: CORPUS_VERSION,
    commit: CORPUS_COMMIT,
    sourceUrl: 'https://github.com/golden-go/golden-go',
    sourceDateEpoch: EPOCH,
    ...svc.image,
    context: svc.dir,
    dockerfileDir,
  });
  image.writeFiles(dockerfileDir);
  sh('go', ['mod', 'download'], { cwd: svc.dir });
  const modcache = path.join(sh('go', ['env', 'GOMODCACHE'], { cwd: svc.dir }).trim(), 'cache', 'download');
  const overrides = { ...baseOverrides(image), RUNTIME_IMAGE_DIGEST: '', GOPROXY: 'file:///gomodcache' };
  const bases = Object.values(overrides).filter((v) => v.startsWith('localhost/')).map((ref) => sh('podman', ['image', 'inspect', ref, '--format', '{{.Id}}']));
  const key = hashTree(svc.dir).update(image.dockerfile).update(image.dockerignore).update(JSON.stringify([overrides, bases])).digest('hex').slice(0, 16);
  const repository = `localhost/golden-go-e2e/corpus-${svc.name}`;
  const tag = `${repository}:${key}`;
  const exists = sh('podman', ['images', '--quiet', tag]).trim() !== '';
  if (!exists) sh('buildah', withOverrides(image.buildahCommand, overrides, tag, ['--volume', `${modcache}:/gomodcache:ro`]), { timeoutMs: 1_800_000 });
  // The manifest names repository:version@digest; podman resolves that reference only with the tag present.
  sh('podman', ['tag', tag, `${repository}:${CORPUS_VERSION}`]);
  const digest = sh('podman', ['image', 'inspect', tag, '--format', '{{.Digest}}']).trim();
  return { image, repository, digest, version: CORPUS_VERSION, commit: CORPUS_COMMIT, built: !exists };
}

/** The service's Kubernetes objects from its props, naming the image just built by digest. */
export function corpusObjects(svc: CorpusLike, build: CorpusBuild): Array<Record<string, any>> {
  const chart = new Chart(new App(), 'corpus', { namespace: 'corpus', disableResourceNameHashes: true });
  new GoMicroservice(chart, svc.name, svc.service(ImageReference.fromDigest(build.repository, build.digest, build.version)));
  return chart.toJson();
}
