#!/usr/bin/env bash
# Installs the manifest checkers once per machine into a cache outside the repository and prints the
# bin directory to put on PATH (last line of stdout). Re-runs are no-ops while the pinned versions,
# and pss-check's source, are unchanged.
#   Go tools through the Go module proxy: kube-score, kubeconform, cosign v3 (Sigstore bundles as OCI
#   referrers by default; --new-bundle-format=false still writes the legacy .sig/.att layout, so one
#   binary signs and verifies both), syft (the whole-image SBOM of publish: SPDX 2.3, CycloneDX 1.6),
#   opa (tests the Gatekeeper Rego), govulncheck (the reachability-aware vulnerability gate of publish,
#   source mode). cosign v3 and syft are the long cold builds (minutes each; see README "Supply chain"),
#   run once per machine under nice.
#   pss-check (tools/pss-check): Pod Security Standards "restricted" by k8s.io/pod-security-admission
#   checkov through PyPI, in its own virtualenv
# With CI=true a tool that fails to install fails the script, so CI never runs a checker suite on
# nothing. Elsewhere each missing tool is reported and the suites that need it skip with a warning.
set -uo pipefail

cache=${GOLDEN_GO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/golden-go-tools}
bin="$cache/bin"
mkdir -p "$bin"
export GOTOOLCHAIN=local
missing=()

fail() { # name reason
  echo "install-tools: $1 is NOT installed: $2" >&2
  missing+=("$1")
}

# Each Go tool is built into a directory of its own version ($cache/go/<name>@<version>) and linked
# into $bin: moving between versions (branches, worktrees sharing the cache) relinks, never rebuilds.
go_tool() { # name module@version [ldflags]
  local name=$1 mod=$2 ldflags=${3:-} stamp="$bin/.$1.version" dir="$cache/go/$1@${2##*@}"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then return; fi
  if [ ! -x "$dir/$name" ]; then
    echo "install-tools: go install $mod" >&2
    local started=$SECONDS
    if ! GOBIN="$dir" GOFLAGS=-mod=mod nice go install -ldflags="$ldflags" "$mod" >"$cache/$name.log" 2>&1; then
      fail "$name" "$(tail -n 2 "$cache/$name.log" | tr '\n' ' ')(log: $cache/$name.log)"
      return
    fi
    echo "install-tools: $name built in $((SECONDS - started))s" >&2
  fi
  ln -sfn "$dir/$name" "$bin/$name"
  echo "$mod" > "$stamp"
}

go_tool kube-score github.com/zegl/kube-score/cmd/kube-score@v1.20.0
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0
go_tool cosign github.com/sigstore/cosign/v3/cmd/cosign@v3.1.3
# syft's releases stamp their version; without it the SBOM's creator reads "syft-[not provided]".
go_tool syft github.com/anchore/syft/cmd/syft@v1.57.2 "-X main.version=1.57.2"
go_tool opa github.com/open-policy-agent/opa@v1.22.2
go_tool govulncheck golang.org/x/vuln/cmd/govulncheck@v1.9.0

# pss-check is built from the project's own source: the key covers everything that goes into the
# binary (module files, non-test sources, the toolchain), so an edit rebuilds it and nothing else does.
pss_src="$(cd "$(dirname "$0")/.." && pwd)/tools/pss-check"
pss_key=$(cd "$pss_src" && { go version; cat go.mod go.sum; for f in $(ls ./*.go | grep -v '_test\.go$'); do echo "$f"; cat "$f"; done; } | sha256sum | cut -d' ' -f1)
if [ ! -x "$bin/pss-check" ] || [ "$(cat "$bin/.pss-check.version" 2>/dev/null)" != "$pss_key" ]; then
  echo "install-tools: go build tools/pss-check" >&2
  if (cd "$pss_src" && GOFLAGS=-mod=readonly go build -o "$bin/pss-check" .) >"$cache/pss-check.log" 2>&1; then
    echo "$pss_key" > "$bin/.pss-check.version"
  else
    fail pss-check "$(tail -n 3 "$cache/pss-check.log" | tr '\n' ' ')(log: $cache/pss-check.log)"
  fi
fi

checkov_version=3.3.30
if [ ! -x "$bin/checkov" ] || [ "$(cat "$bin/.checkov.version" 2>/dev/null)" != "$checkov_version" ]; then
  echo "install-tools: pip install checkov==$checkov_version" >&2
  if python3 -m venv "$cache/checkov-venv" && "$cache/checkov-venv/bin/pip" install -q "checkov==$checkov_version" >"$cache/checkov.log" 2>&1; then
    ln -sf "$cache/checkov-venv/bin/checkov" "$bin/checkov"
    echo "$checkov_version" > "$bin/.checkov.version"
  else
    fail checkov "$(tail -n 3 "$cache/checkov.log" | tr '\n' ' ')(log: $cache/checkov.log)"
  fi
fi

echo "$bin"
if [ ${#missing[@]} -gt 0 ]; then
  echo "install-tools: ######## MISSING: ${missing[*]} ########" >&2
  if [ "${CI:-}" = true ]; then
    echo "install-tools: CI=true, so a missing checker fails the run" >&2
    exit 1
  fi
  echo "install-tools: the checker tests will skip what is missing; re-run bash scripts/install-tools.sh once it is fixed" >&2
fi
