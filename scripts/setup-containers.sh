#!/usr/bin/env bash
# Installs podman/buildah (+ a local OCI registry) from Debian and configures them for a sandbox
# without CAP_SYS_RESOURCE: runc instead of crun and explicit rlimits (otherwise every
# `podman run` fails with "setrlimit ... Operation not permitted"), overlay storage (vfs copies
# every layer and is ~20x slower). Idempotent; needs root.
set -euo pipefail

packages=(podman buildah runc docker-registry busybox-static ca-certificates tzdata binutils)
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

podman --version
buildah --version
