#!/usr/bin/env bash
# Prints a directory of strict JSON Schemas for a Kubernetes release, generated once per machine from
# the OpenAPI document inside the k8s.io/kubernetes module (fetched through the Go module proxy).
# Usage: scripts/k8s-schemas.sh v1.27.16
set -euo pipefail
version=${1:?usage: k8s-schemas.sh vX.Y.Z}
cache=${GOLDEN_GO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/golden-go-tools}
out="$cache/k8s-schemas/$version"
if [ ! -f "$out/.complete" ]; then
  dir=$(cd "$(mktemp -d)" && GOFLAGS=-mod=mod go mod download -json "k8s.io/kubernetes@$version" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",$/\1/p')
  [ -f "$dir/api/openapi-spec/swagger.json" ] || { echo "k8s-schemas: no swagger.json in k8s.io/kubernetes@$version" >&2; exit 1; }
  rm -rf "$out"
  node "$(dirname "$0")/openapi2jsonschema.js" "$dir/api/openapi-spec/swagger.json" "$out"
  touch "$out/.complete"
fi
echo "$out"
