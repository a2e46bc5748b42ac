import { DEBIAN_GLIBC, DEFAULT_GO_VERSION, DIGEST } from '../core/constants';
import { PATTERNS } from '../core/patterns';

/**
 * The C library a base image carries, which decides where a cgo binary can run (rule B02).
 */
export enum Libc {
  /** No C library at all (distroless static, Chainguard static, scratch): only static binaries run. */
  NONE = 'none',
  /** GNU C library (Debian, Ubuntu, distroless base, Wolfi glibc images). */
  GLIBC = 'glibc',
  /** musl (Alpine). */
  MUSL = 'musl',
}

/** Debian release lines of the distroless and golang images. */
export enum DebianRelease {
  /** Debian 12 "bookworm": glibc 2.36. Distroless Debian 12 images are end of life since September 2026. */
  BOOKWORM = 'bookworm',
  /** Debian 13 "trixie": glibc 2.41. */
  TRIXIE = 'trixie',
}

const GLIBC_OF: Record<DebianRelease, string> = DEBIAN_GLIBC as Record<DebianRelease, string>;
const DISTROLESS_SUFFIX: Record<DebianRelease, string> = {
  [DebianRelease.BOOKWORM]: 'debian12',
  [DebianRelease.TRIXIE]: 'debian13',
};

// Pinned defaults (B11). Renovate's docker manager, or `crane digest <ref>`, refreshes them.
const DISTROLESS_STATIC_DEBIAN13_NONROOT = 'sha256:1c2c046bc09ed40fad370b599a0b1ae7987f55b01e247cf27a7c27cd97e5bbc7';
const DISTROLESS_BASE_DEBIAN13_NONROOT = 'sha256:a696c7c8545ba9b2b2807ee60b8538d049622f0addd85aee8cec3ec1910de1f9';
const CHAINGUARD_STATIC_LATEST = 'sha256:d44809cee093b550944c1f666ff13301f92484bfdd2e53ecaac82b5b6f89647d';
const GOLANG_126_TRIXIE = 'sha256:87ffdb09b6a2e29ff910748b745395e8a0299aa80b7c0551cdca9b55e3fd2b3e';

/** Options of the distroless factories. */
export interface DistrolessOptions {
  /**
   * Debian line of the image.
   * @default DebianRelease.TRIXIE
   */
  readonly debian?: DebianRelease;
  /**
   * Digest (`sha256:…`) of the image for `:nonroot`; without one the reference is tag-only (a B11 warning).
   * @default - the digest golden-go pins for Debian 13; none for Debian 12
   */
  readonly digest?: string;
}

/** Options of `BaseImage.custom`. */
export interface CustomBaseImageOptions {
  /** The C library in the image. */
  readonly libc: Libc;
  /**
   * Release of that C library (for example `2.41`), compared with the builder's when cgo is on.
   * @default - unknown: a cgo build then gets a B02 warning that the release could not be checked
   */
  readonly libcVersion?: string;
  /**
   * Whether the image has a shell (and so could run `sh -c`).
   * @default false
   */
  readonly hasShell?: boolean;
}

function checkLibcVersion(prop: string, version: string | undefined): void {
  if (version !== undefined && !PATTERNS.libcVersion.test(version)) {
    throw new Error(`${prop}: ${JSON.stringify(version)} is not valid; allowed: a release such as "2.41" (pattern ${PATTERNS.libcVersion})`);
  }
}

function splitDigest(ref: string): { name: string; digest?: string } {
  const at = ref.indexOf('@');
  return at < 0 ? { name: ref } : { name: ref.slice(0, at), digest: ref.slice(at + 1) };
}

function withDigest(name: string, digest?: string): string {
  if (digest !== undefined && !DIGEST.test(digest)) {
    throw new Error(`digest: expected "sha256:" followed by 64 hex characters, got "${digest}"`);
  }
  return digest ? `${name}@${digest}` : name;
}

/**
 * The image the service runs on (the last stage of the Dockerfile).
 *
 * Use a factory: `BaseImage.distrolessStatic()` (the default), `distrolessBase()` for cgo on glibc,
 * `chainguardStatic()`, `scratch()` or `custom(ref, …)`.
 */
export class BaseImage {
  /** gcr.io/distroless/static (no libc, nonroot 65532, CA bundle, tzdata, /tmp). */
  public static distrolessStatic(options: DistrolessOptions = {}): BaseImage {
    const debian = options.debian ?? DebianRelease.TRIXIE;
    const digest = options.digest ?? (debian === DebianRelease.TRIXIE ? DISTROLESS_STATIC_DEBIAN13_NONROOT : undefined);
    return new BaseImage(withDigest(`gcr.io/distroless/static-${DISTROLESS_SUFFIX[debian]}:nonroot`, digest),
      `distroless static (${debian})`, Libc.NONE, undefined, false, false);
  }

  /** gcr.io/distroless/base: distroless static plus glibc and OpenSSL, for cgo binaries built on the same Debian line. */
  public static distrolessBase(options: DistrolessOptions = {}): BaseImage {
    const debian = options.debian ?? DebianRelease.TRIXIE;
    const digest = options.digest ?? (debian === DebianRelease.TRIXIE ? DISTROLESS_BASE_DEBIAN13_NONROOT : undefined);
    return new BaseImage(withDigest(`gcr.io/distroless/base-${DISTROLESS_SUFFIX[debian]}:nonroot`, digest),
      `distroless base (${debian}, glibc ${GLIBC_OF[debian]})`, Libc.GLIBC, GLIBC_OF[debian], false, false);
  }

  /**
   * cgr.dev/chainguard/static (Wolfi, no libc, runs as 65532).
   * @param digest pinned digest @default - the digest golden-go pins
   */
  public static chainguardStatic(digest?: string): BaseImage {
    return new BaseImage(withDigest('cgr.dev/chainguard/static:latest', digest ?? CHAINGUARD_STATIC_LATEST),
      'Chainguard static', Libc.NONE, undefined, false, false);
  }

  /**
   * An empty image: the Dockerfile assembles CA bundle, /etc/passwd and /etc/group with 65532 and a
   * 1777 /tmp itself; time zones come from the tzdata embedded by `-tags timetzdata`.
   */
  public static scratch(): BaseImage {
    return new BaseImage('scratch', 'scratch', Libc.NONE, undefined, false, true);
  }

  /**
   * Any other image, described by its C library so cgo builds can be checked (B02).
   * @param ref `name:tag@sha256:…` (tag-only is a B11 warning)
   */
  public static custom(ref: string, options: CustomBaseImageOptions): BaseImage {
    if (!PATTERNS.imageRef.test(ref ?? '')) {
      throw new Error(`BaseImage.custom: ref must be an image reference such as "registry/name:tag@sha256:…" (pattern ${PATTERNS.imageRef}), got ${JSON.stringify(ref)}`);
    }
    checkLibcVersion('BaseImage.custom: libcVersion', options.libcVersion);
    return new BaseImage(ref, ref, options.libc, options.libcVersion, options.hasShell ?? false, false);
  }

  /** The image reference used in `FROM` (the default of the `RUNTIME_IMAGE` build argument). */
  public readonly ref: string;
  /** A human-readable name used in messages. */
  public readonly description: string;
  /** The C library of the image. */
  public readonly libc: Libc;
  /** The release of the C library, when known. */
  public readonly libcVersion?: string;
  /** Whether the image has a shell. */
  public readonly hasShell: boolean;
  /** Whether this is `scratch`, which the Dockerfile has to furnish itself. */
  public readonly isScratch: boolean;

  private constructor(ref: string, description: string, libc: Libc, libcVersion: string | undefined, hasShell: boolean, isScratch: boolean) {
    this.ref = ref;
    this.description = description;
    this.libc = libc;
    this.libcVersion = libcVersion;
    this.hasShell = hasShell;
    this.isScratch = isScratch;
  }

  /** The reference without its digest (`name:tag`). */
  public get nameWithTag(): string {
    return splitDigest(this.ref).name;
  }

  /** The pinned digest, if the reference has one. */
  public get digest(): string | undefined {
    return splitDigest(this.ref).digest;
  }
}

/** Options of `BuilderImage.golang`. */
export interface GolangBuilderOptions {
  /**
   * Go release of the image tag, such as `1.26` or `1.26.8`.
   * @default '1.26'
   */
  readonly goVersion?: string;
  /**
   * Distribution the golang image is built on.
   * @default GolangVariant.TRIXIE
   */
  readonly variant?: GolangVariant;
  /**
   * Digest of the image; without one the reference is tag-only (a B11 warning).
   * @default - the digest golden-go pins for golang:1.26-trixie; none otherwise
   */
  readonly digest?: string;
}

/** Variants of the official golang image. */
export enum GolangVariant {
  /** Debian 13, glibc 2.41. */
  TRIXIE = 'trixie',
  /** Debian 12, glibc 2.36. */
  BOOKWORM = 'bookworm',
  /** Alpine, musl. */
  ALPINE = 'alpine',
}

/** Options of `BuilderImage.custom`. */
export interface CustomBuilderImageOptions {
  /** The C library cgo links against in this image. */
  readonly libc: Libc;
  /**
   * Release of that C library.
   * @default - unknown
   */
  readonly libcVersion?: string;
  /**
   * Go release installed in the image (checked against `goVersion`).
   * @default - not checked at render time; the build's self-check still compares `go version`
   */
  readonly goVersion?: string;
}

/** The image the Go binary is compiled in (the first stage of the Dockerfile). */
export class BuilderImage {
  /** The official golang image. */
  public static golang(options: GolangBuilderOptions = {}): BuilderImage {
    const goVersion = options.goVersion ?? DEFAULT_GO_VERSION;
    const variant = options.variant ?? GolangVariant.TRIXIE;
    if (!/^1\.\d+(\.\d+)?$/.test(goVersion)) {
      throw new Error(`BuilderImage.golang: goVersion must look like "1.26" or "1.26.8", got "${goVersion}"`);
    }
    const pinned = goVersion === '1.26' && variant === GolangVariant.TRIXIE ? GOLANG_126_TRIXIE : undefined;
    // Fully qualified: buildah and podman resolve short names only through registries.conf, often not at all.
    const ref = withDigest(`docker.io/library/golang:${goVersion}-${variant}`, options.digest ?? pinned);
    if (variant === GolangVariant.ALPINE) {
      return new BuilderImage(ref, Libc.MUSL, undefined, goVersion);
    }
    return new BuilderImage(ref, Libc.GLIBC, GLIBC_OF[variant as string as DebianRelease], goVersion);
  }

  /**
   * Any other Go toolchain image.
   * @param ref `name:tag@sha256:…`
   */
  public static custom(ref: string, options: CustomBuilderImageOptions): BuilderImage {
    if (!PATTERNS.imageRef.test(ref ?? '')) {
      throw new Error(`BuilderImage.custom: ref must be an image reference such as "registry/golang:1.26@sha256:…" (pattern ${PATTERNS.imageRef}), got ${JSON.stringify(ref)}`);
    }
    checkLibcVersion('BuilderImage.custom: libcVersion', options.libcVersion);
    if (options.goVersion !== undefined && !/^1\.\d+(\.\d+)?$/.test(options.goVersion)) {
      throw new Error(`BuilderImage.custom: goVersion must look like "1.26" or "1.26.8", got ${JSON.stringify(options.goVersion)}`);
    }
    return new BuilderImage(ref, options.libc, options.libcVersion, options.goVersion);
  }

  /** The image reference (the default of the `BUILDER_IMAGE` build argument). */
  public readonly ref: string;
  /** The C library cgo links against. */
  public readonly libc: Libc;
  /** The release of that C library, when known. */
  public readonly libcVersion?: string;
  /** The Go release of the image, when known. */
  public readonly goVersion?: string;

  private constructor(ref: string, libc: Libc, libcVersion: string | undefined, goVersion: string | undefined) {
    this.ref = ref;
    this.libc = libc;
    this.libcVersion = libcVersion;
    this.goVersion = goVersion;
  }
}
