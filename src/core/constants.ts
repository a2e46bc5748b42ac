/** Marker that tells golden-go a file is its own output and may be regenerated. */
export const GENERATED_MARKER = 'golden-go:generated';

/** Path of the service binary inside the image. */
export const BINARY_PATH = '/app';

/** An image repository without tag or digest (distribution spec: lower-case path, optional registry[:port]/). */
export const REPOSITORY = /^(?:[a-zA-Z0-9.-]+(?::[0-9]+)?\/)?[a-z0-9]+(?:[._-][a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;

/** A digest as registries report it. */
export const DIGEST = /^sha256:[0-9a-f]{64}$/;

/** An image reference pinned by digest (`…@sha256:<64 hex>`); group 1 is the digest. */
export const PINNED_REFERENCE = /@(sha256:[0-9a-f]{64})$/;

/** A DNS label (RFC 1123): the form of object and namespace names. */
export const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** Variable names that hold credentials (R16 for manifests, B08 for build arguments). */
export const SECRET_NAME = /(PASSWORD|PASSWD|SECRET|TOKEN|NETRC|API_?KEY|PRIVATE_?KEY|CREDENTIAL|ACCESS_?KEY)/i;

/** glibc release of each Debian line golden-go's bases come in (B02 compares builder and runtime). */
export const DEBIAN_GLIBC: Record<string, string> = { buster: '2.28', bullseye: '2.31', bookworm: '2.36', trixie: '2.41' };

/** The project's home, for links in reports (SARIF `informationUri`, `helpUri`). */
export const REPOSITORY_URL = 'https://github.com/golden-go/golden-go';

/** The Go release golden-go builds with and assumes when nothing else says (HardenedGoImage, GoMicroservice). */
export const DEFAULT_GO_VERSION = '1.26';
