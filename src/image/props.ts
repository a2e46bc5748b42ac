import type { BaseImage, BuilderImage } from './base-image';
import type { ImageHealthCheck } from './health-check';
import type { SelfCheck } from './self-check';

/** Describes a Go module and how to package it. Every default follows the golden checklist (B01–B21). */
export interface HardenedGoImageProps {
  /** Service name: the image title label and the default image name. Lower-case DNS-style. */
  readonly name: string;
  /**
   * Go release the module is built with; the build fails if `go version` disagrees (B18).
   * @default '1.26'
   */
  readonly goVersion?: string;
  /**
   * The `go` directive of the module's go.mod. The build fails at synth when it asks for a newer Go
   * than goVersion (GOTOOLCHAIN=local downloads nothing); `HardenedGoImage.goModGoVersion` passes it
   * on to `GoMicroservice` for container-aware GOMAXPROCS (R05).
   * @default - read from `<context>/go.mod` by `HardenedGoImage` (relative to the working directory); unknown when there is none
   */
  readonly goModGoVersion?: string;
  /**
   * Image the binary is compiled in.
   * @default - docker.io/library/golang:1.26-trixie pinned by digest
   */
  readonly builderImage?: BuilderImage;
  /**
   * Image the binary runs on.
   * @default BaseImage.distrolessStatic() (Debian 13, nonroot, pinned by digest)
   */
  readonly runtimeImage?: BaseImage;
  /**
   * Package to build, relative to the module root.
   * @default '.'
   */
  readonly mainPackage?: string;
  /**
   * Build with cgo. Needs a runtime base whose libc family matches the builder's and whose release
   * is the same or newer (B02); cross-compilation then happens under emulation.
   * @default false
   */
  readonly cgo?: boolean;
  /**
   * GOPROXY default baked into the `GOPROXY` build argument (B05).
   * @default 'https://proxy.golang.org,direct'
   */
  readonly goProxy?: string;
  /**
   * Private module path patterns (GOPRIVATE), such as `github.com/acme/*`. They bypass the proxy and
   * the checksum database; `*` is rejected (B06). Credentials come from a `netrc` build secret (B08).
   * @default - none
   */
  readonly goPrivate?: string[];
  /**
   * Extra patterns for modules fetched through the proxy but absent from the checksum database (GONOSUMDB).
   * `*` is rejected (B06).
   * @default - none
   */
  readonly goNoSumDb?: string[];
  /**
   * Alternative checksum database (GOSUMDB), for example a private sumdb mirror. `off` is rejected (B06).
   * @default - Go's default, sum.golang.org
   */
  readonly goSumDb?: string;
  /**
   * Build-secret id that holds a netrc for private modules.
   * @default 'netrc'
   */
  readonly netrcSecretId?: string;
  /**
   * Extra environment for `go build` (for example GOEXPERIMENT or GOAMD64). Variables with their own
   * prop or rule (CGO_ENABLED, GOPROXY, GOSUMDB, GONOSUMDB, GOPRIVATE, GOINSECURE, GOFLAGS, GOTOOLCHAIN,
   * GOOS, GOARCH) are rejected.
   * @default - none
   */
  readonly goEnv?: Record<string, string>;
  /**
   * Build tags in addition to `timetzdata`, which is always set (B15).
   * @default - none
   */
  readonly buildTags?: string[];
  /**
   * Variable set to the version with `-ldflags -X`.
   * @default 'main.version'
   */
  readonly versionVariable?: string;
  /**
   * Variable set to the commit with `-ldflags -X`.
   * @default 'main.commit'
   */
  readonly commitVariable?: string;
  /**
   * Variable set with `-ldflags -X` to the build time in RFC 3339 UTC (`2023-11-14T22:13:20Z`), computed
   * in the build from the `SOURCE_DATE_EPOCH` build argument (sourceDateEpoch), so it is reproducible.
   * The build fails, naming this prop, when the variable is not in the binary.
   * @default - no build date is stamped
   */
  readonly buildDateVariable?: string;
  /**
   * More variables to set with `-ldflags -X`: fully qualified variable → value, for example
   * `{ 'github.com/acme/svc/internal/buildinfo.Channel': 'stable' }`; variables of other packages
   * and of dependencies work too. The build fails, naming the variable, when one is not in the binary.
   * Values: letters, digits and `_ . , : = / @ % + -`.
   * @default - none
   */
  readonly stamp?: Record<string, string>;
  /**
   * Version stamped into the binary and the labels (the `VERSION` build argument default).
   * @default 'dev'
   */
  readonly version?: string;
  /**
   * Commit stamped into the binary and the labels (the `COMMIT` build argument default).
   * @default 'unknown'
   */
  readonly commit?: string;
  /**
   * Build time as Unix seconds, normally the commit time (`git log -1 --format=%ct`). It sets the
   * image creation time and the `created` label, so identical inputs give identical digests (B09).
   * @default 0
   */
  readonly sourceDateEpoch?: number;
  /**
   * Target platforms (B19).
   * @default ['linux/amd64', 'linux/arm64']
   */
  readonly platforms?: string[];
  /**
   * Exec-form entrypoint; must start with the service binary `/app` (B14).
   * @default ['/app']
   */
  readonly entrypoint?: string[];
  /**
   * Exec-form default arguments (CMD).
   * @default - none
   */
  readonly command?: string[];
  /**
   * Whether the build runs the binary. The static proof from the built binary (`go version -m`:
   * CGO_ENABLED, the Go release) always runs; the binary itself only runs when declared, for
   * example `SelfCheck.run(['version'])`, and a failure names this prop.
   * @default SelfCheck.none() - static proof only
   */
  readonly selfCheck?: SelfCheck;
  /**
   * Arguments to run the binary with during the build.
   * @deprecated use `selfCheck: SelfCheck.run([...])`; an empty list means `SelfCheck.none()`.
   * @default - see selfCheck
   */
  readonly selfCheckArgs?: string[];
  /**
   * An exec-form HEALTHCHECK that calls the service binary (B16). Kubernetes ignores it; it helps
   * `docker run` and Compose users.
   * @default - no HEALTHCHECK
   */
  readonly healthCheck?: ImageHealthCheck;
  /**
   * Source repository URL for the `org.opencontainers.image.source` label (B17).
   * @default - label left out, with a B17 warning
   */
  readonly sourceUrl?: string;
  /**
   * Image description label.
   * @default - none
   */
  readonly description?: string;
  /**
   * Image repository used by the build commands, such as `registry.example.com/team/hello`.
   * @default - the service name
   */
  readonly imageName?: string;
  /**
   * Build context (the module root) as the build commands should name it.
   * @default '.'
   */
  readonly context?: string;
  /**
   * Directory the Dockerfile is written to, as the build commands should name it.
   * @default - the context
   */
  readonly dockerfileDir?: string;
  /**
   * Extra .dockerignore patterns. Patterns that exclude go.mod or go.sum are rejected (B04).
   * @default - none
   */
  readonly dockerignore?: string[];
  /**
   * Treat warnings that have an error form (tag-only bases, B11) as errors.
   * @default false
   */
  readonly strict?: boolean;
  /**
   * Rules this image is exempt from, rule id → written reason (at least a sentence). Recorded in the
   * Dockerfile (`# golden-go:suppress …`) and in the checklist report. Same as `Checklist.suppress(image, …)`.
   * @default - none
   */
  readonly suppressions?: Record<string, string>;
}
