#!/usr/bin/env bash
# Installs the manifest checkers once per machine into a cache outside the repository and prints the
# bin directory to put on PATH. Re-runs are no-ops while the pinned versions are in place.
#   Go tools through the Go module proxy: kube-score, kubeconform, cosign (v2: the legacy signature
#   layout that Debian's registry:2 serves without the OCI referrers API), opa (tests the Gatekeeper Rego)
#   checkov through PyPI, in its own virtualenv
# kube-linter and Polaris are tried too: at the time of writing the Go module proxy reachable from
# CI refuses both modules (403), and neither is published on PyPI or npm. The checker tests report
# them as skipped, with this reason, when they are missing.
set -uo pipefail

cache=${GOLDEN_GO_TOOLS:-${XDG_CACHE_HOME:-$HOME/.cache}/golden-go-tools}
bin="$cache/bin"
mkdir -p "$bin"
export GOBIN="$bin" GOFLAGS=-mod=mod GOTOOLCHAIN=local

go_tool() { # name module@version
  local name=$1 mod=$2 stamp="$bin/.$1.version"
  if [ -x "$bin/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$mod" ]; then return 0; fi
  echo "install-tools: go install $mod" >&2
  if go install "$mod" >"$cache/$name.log" 2>&1; then
    echo "$mod" > "$stamp"
  else
    echo "install-tools: $name is not installable here: $(tail -n 2 "$cache/$name.log" | tr '\n' ' ')" >&2
    return 1
  fi
}

status=0
go_tool kube-score github.com/zegl/kube-score/cmd/kube-score@v1.20.0 || status=1
go_tool kubeconform github.com/yannh/kubeconform/cmd/kubeconform@v0.7.0 || status=1
go_tool cosign github.com/sigstore/cosign/v2/cmd/cosign@v2.6.5 || status=1
go_tool opa github.com/open-policy-agent/opa@v1.22.2 || status=1
go_tool kube-linter golang.stackrox.io/kube-linter/cmd/kube-linter@v0.7.6 || true
go_tool polaris github.com/fairwindsops/polaris/v9@v9.6.1 || true

checkov_version=3.3.30
if [ "$(cat "$bin/.checkov.version" 2>/dev/null)" != "$checkov_version" ]; then
  echo "install-tools: pip install checkov==$checkov_version" >&2
  if python3 -m venv "$cache/checkov-venv" && "$cache/checkov-venv/bin/pip" install -q "checkov==$checkov_version" >"$cache/checkov.log" 2>&1; then
    ln -sf "$cache/checkov-venv/bin/checkov" "$bin/checkov"
    echo "$checkov_version" > "$bin/.checkov.version"
  else
    echo "install-tools: checkov failed: $(tail -n 3 "$cache/checkov.log")" >&2
    status=1
  fi
fi

echo "$bin"
exit $status
