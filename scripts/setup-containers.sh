#!/usr/bin/env bash
# Installs podman/buildah (+ a local OCI registry) from Debian and configures them for a sandbox
# without CAP_SYS_RESOURCE: runc instead of crun and explicit rlimits (otherwise every
# `podman run` fails with "setrlimit ... Operation not permitted"), overlay storage (vfs copies
# every layer and is ~20x slower). Idempotent; needs root.
# Every Debian package the e2e suite uses is named here, dependencies of podman included, and installed
# without Recommends: nothing may depend on what a previous run or a person left on the machine.
#   catatonit: podman's pause binary for the infra container of `podman kube play` pods
#   containernetworking-plugins, iptables: the bridge network and published ports
#   uidmap: the newuidmap/newgidmap podman calls; conmon: the container monitor
#   busybox-static, ca-certificates, tzdata: the local base images (scripts/e2e-base-images.sh)
#   binutils: readelf for the ELF checks; openssl, curl: certificates of the local control plane and its
#   readiness checks (scripts/k8s-local/up.sh)
#   gcc, libc6-dev: cgo, for the corpus service examples/services/cgosqlite (SQLite)
#   podman-compose: runs the Compose file GoMicroservice.writeCompose writes (test/e2e/compose.e2e.test.ts)
#   debootstrap, debian-archive-keyring, gpgv: the Debian rootfs of the local cgo builder and glibc runtime
#   base images (scripts/e2e-base-images.sh cgo); debootstrap checks the mirror's Release signature only
#   when the keyring (only a Recommends) and gpgv (no dependency of it) are there, so both are named
set -euo pipefail

packages=(podman buildah runc catatonit conmon containernetworking-plugins iptables uidmap docker-registry
  busybox-static ca-certificates tzdata binutils openssl curl gcc libc6-dev podman-compose debootstrap
  debian-archive-keyring gpgv)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-containers: installing ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

mkdir -p /etc/containers
conf=/etc/containers/containers.conf
if ! grep -q 'golden-go' "$conf" 2>/dev/null; then
  cat > "$conf" <<'CONF'
# written by golden-go scripts/setup-containers.sh
[containers]
default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]
[engine]
runtime = "runc"
CONF
fi
storage=/etc/containers/storage.conf
if ! grep -q 'golden-go' "$storage" 2>/dev/null; then
  cat > "$storage" <<'CONF'
# written by golden-go scripts/setup-containers.sh
[storage]
driver = "overlay"
runroot = "/run/containers/storage"
graphroot = "/var/lib/containers/storage"
CONF
fi
# Only loopback registries are used by the tests; never let short names reach a public registry.
reg=/etc/containers/registries.conf.d/golden-go.conf
mkdir -p "$(dirname "$reg")"
[ -f "$reg" ] || printf '# written by golden-go\nunqualified-search-registries = []\n' > "$reg"

# Fail here, naming what is missing, rather than deep inside a test.
missing=()
for bin in podman buildah runc catatonit conmon newuidmap iptables docker-registry busybox readelf openssl curl gcc debootstrap podman-compose gpgv; do
  command -v "$bin" >/dev/null 2>&1 || missing+=("$bin")
done
for f in /usr/lib/cni/bridge /usr/lib/cni/portmap /usr/share/zoneinfo/UTC /etc/ssl/certs/ca-certificates.crt; do
  [ -e "$f" ] || missing+=("$f")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "setup-containers: missing after install: ${missing[*]}" >&2
  exit 1
fi
podman --version
buildah --version
