import * as fs from 'fs';
import * as path from 'path';
import type { HardenedGoImage } from './hardened-go-image';
import { DEFAULT_GO_VERSION, DIGEST, REPOSITORY } from '../core/constants';
import { ruleError } from '../core/errors';

// registry/path components as the distribution spec allows them (lower-case path, optional host:port).
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * A container image pinned by digest (rule R01). `:latest` and tag-only references are rejected, so
 * what runs is exactly what was built, scanned and signed.
 */
export class ImageReference {
  /**
   * From a repository and a digest, optionally with the tag the digest was pushed under.
   * @param repository such as `registry.example.com/team/service`
   * @param digest `sha256:` and 64 hex characters
   * @param tag kept for readers; the digest decides what runs
   */
  public static fromDigest(repository: string, digest: string, tag?: string): ImageReference {
    if (!REPOSITORY.test(repository)) {
      throw new Error(`image: repository "${repository}" is not a valid image repository (lower-case path, optionally behind registry[:port]/)`);
    }
    if (!DIGEST.test(digest)) {
      throw ruleError('R01', 'image', `digest "${digest}" must be "sha256:" followed by 64 lower-case hex characters`);
    }
    if (tag !== undefined && !TAG.test(tag)) {
      throw new Error(`image: tag "${tag}" is not a valid tag (letters, digits, "_", "." and "-", up to 128 characters)`);
    }
    if (tag === 'latest') {
      throw ruleError('R01', 'image', '":latest" names whatever was pushed last; keep a version tag next to the digest, or none');
    }
    return new ImageReference(repository, digest, tag);
  }

  /**
   * Parses `repository[:tag]@sha256:…`. A reference without a digest is an error naming R01.
   */
  public static parse(reference: string): ImageReference {
    const at = reference.indexOf('@');
    if (at < 0) {
      const hint = /:latest$/.test(reference) || !/:[^/]+$/.test(reference) ? '":latest" (or no tag) names whatever was pushed last' : 'a tag can be moved to other bytes at any time';
      throw ruleError('R01', 'image', `"${reference}" is not pinned by digest: ${hint}. Use repository[:tag]@sha256:…, for example ImageReference.fromDigest(repository, digest)`);
    }
    const name = reference.slice(0, at);
    const digest = reference.slice(at + 1);
    const colon = name.lastIndexOf(':');
    const hasTag = colon > name.lastIndexOf('/');
    return ImageReference.fromDigest(hasTag ? name.slice(0, colon) : name, digest, hasTag ? name.slice(colon + 1) : undefined);
  }

  /**
   * A tag-only reference. `GoMicroservice` rejects it (R01) unless R01 is suppressed with a reason,
   * for example in a development overlay.
   */
  public static fromTag(repository: string, tag: string): ImageReference {
    if (!REPOSITORY.test(repository)) {
      throw new Error(`image: repository "${repository}" is not a valid image repository (lower-case path, optionally behind registry[:port]/)`);
    }
    if (!TAG.test(tag)) throw new Error(`image: tag "${tag}" is not a valid tag (letters, digits, "_", "." and "-", up to 128 characters)`);
    return new ImageReference(repository, undefined, tag);
  }

  /**
   * The image a `HardenedGoImage` produced, once its build has reported the digest.
   * @param image the construct that rendered the Dockerfile (its `imageName` and `version` are used)
   * @param digest the pushed digest, as recorded by the build
   */
  public static fromHardenedGoImage(image: HardenedGoImage, digest: string): ImageReference {
    const repository = image.props.imageName ?? image.props.name;
    const ref = ImageReference.fromDigest(repository, digest, image.props.version);
    const build = { goVersion: image.props.goVersion ?? DEFAULT_GO_VERSION, goModGoVersion: image.goModGoVersion };
    return new ImageReference(ref.repository, ref.digest, ref.tag, build);
  }

  /**
   * The image an image pipeline published, from the record it wrote (`golden-go publish` writes
   * `image.lock.json`: `{ "repository", "tag", "digest" }`), so the manifests pin exactly the
   * digest that was signed and got the SBOM.
   * @param file path of the record
   */
  public static fromBuildRecord(file: string): ImageReference {
    let record: any;
    if (!fs.existsSync(file)) {
      // The usual first run: nothing was published yet. Name the command, not the errno; the image.json
      // written next to the record (writeFiles into the same directory) is named when it is there.
      const beside = path.join(path.dirname(file), 'image.json');
      const imageJson = fs.existsSync(beside) ? beside : '<dir>/image.json';
      throw new Error(`image: cannot read the build record ${file}: it does not exist yet; \`npx golden-go publish --image-json ${imageJson} --repository <registry>/<name> --record ${file}\` writes it`);
    }
    try {
      record = JSON.parse(fs.readFileSync(file, 'utf8'));
    } catch (e) {
      throw new Error(`image: cannot read the build record ${file}: ${(e as Error).message}`);
    }
    if (typeof record?.repository !== 'string' || typeof record?.digest !== 'string') {
      throw new Error(`image: ${file} is not a build record: it needs "repository" and "digest"`);
    }
    return ImageReference.fromDigest(record.repository, record.digest, record.tag);
  }

  /** The repository, without tag or digest. */
  public readonly repository: string;
  /** The digest (`sha256:…`); undefined only for `fromTag`. */
  public readonly digest?: string;
  /** The tag, when known. */
  public readonly tag?: string;
  /**
   * Go release of the build, when the reference comes from `fromHardenedGoImage`; GoMicroservice takes
   * it as its goVersion (R05).
   */
  public readonly goVersion?: string;
  /** The `go` directive of the built module's go.mod, when known (see `goVersion`). */
  public readonly goModGoVersion?: string;

  private constructor(repository: string, digest: string | undefined, tag?: string, build: { goVersion?: string; goModGoVersion?: string } = {}) {
    this.repository = repository;
    this.digest = digest;
    this.tag = tag;
    this.goVersion = build.goVersion;
    this.goModGoVersion = build.goModGoVersion;
  }

  /** `repository[:tag]@sha256:…`, the form used in manifests. */
  public toString(): string {
    return `${this.repository}${this.tag ? `:${this.tag}` : ''}${this.digest ? `@${this.digest}` : ''}`;
  }
}
