#!/usr/bin/env bash
# The README's "Getting started", as a newcomer runs it, outside this repository:
#   1. a new cdk8s TypeScript app from the cdk8s CLI's template (`cdk8s init typescript-app`), golden-go
#      installed from the packed library, `main.ts` = the README's first example as written, `cdk8s synth`;
#   2. a Pulumi TypeScript program (the files `pulumi new typescript` writes), `index.ts` = the README's
#      Pulumi example as written, run under Pulumi's mocks (no pulumi CLI, no cloud, no Docker engine).
# The Python binding is checked by .ci/run's wheel step (test/bindings/python/app.py).
#
# usage: scripts/onboarding.sh WORKDIR [TARBALL]
#   TARBALL  the packed library; default: dist/js/golden-go@*.tgz (`npx projen package:js`), else one
#            `npm pack` of the compiled library (`npx projen compile` first when lib/ or .jsii is missing).
# Leaves WORKDIR/cdk8s-app (synth output in dist/, the synth's stderr in synth.stderr) and
# WORKDIR/pulumi-app (resources.json: every resource the program registered, with its inputs).
# npm downloads come from npm's cache when it has them (prefer-offline).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=${1:?usage: scripts/onboarding.sh WORKDIR [TARBALL]}
mkdir -p "$work"
work=$(cd "$work" && pwd)
export npm_config_prefer_offline=true npm_config_audit=false npm_config_fund=false npm_config_update_notifier=false
say() { printf 'onboarding: %s\n' "$*" >&2; }
example() { node "$root/scripts/readme-example.js" "$root/README.md" "$1" "$2" "${3:-1}"; }

tarball=${2:-}
if [ -z "$tarball" ]; then
  tarball=$(ls "$root"/dist/js/golden-go@*.tgz 2>/dev/null | head -1 || true)
fi
if [ -z "$tarball" ]; then
  # What a published package holds: the compiled lib/ and the jsii assembly (.jsii).
  if [ ! -f "$root/.jsii" ] || [ ! -f "$root/lib/index.js" ]; then (cd "$root" && npx projen compile >&2); fi
  tarball="$work/$(cd "$root" && npm pack --silent --pack-destination "$work" | tail -1)"
fi
tarball=$(cd "$(dirname "$tarball")" && pwd)/$(basename "$tarball")
say "library: $tarball"

# 1. cdk8s
app="$work/cdk8s-app"
rm -rf "$app" && mkdir -p "$app" && cd "$app"
say "cdk8s: npx cdk8s-cli@2 init typescript-app"
if ! npx --yes cdk8s-cli@2 init typescript-app > "$work/cdk8s-init.log" 2>&1; then
  # The template's post-install hook runs `cdk8s import` (Kubernetes types from raw.githubusercontent.com)
  # after `npm install`; only that step may fail here: golden-go does not use imports/.
  if ! grep -q 'Command failed: npm run import' "$work/cdk8s-init.log"; then
    cat "$work/cdk8s-init.log" >&2
    exit 1
  fi
  say "cdk8s: the template's 'cdk8s import' needs GitHub and failed; the project and its packages are in place"
fi
say "cdk8s: npm i golden-go (the tarball)"
npm i --loglevel=error "$tarball" >&2
example "Getting started" ts 1 > main.ts
say "cdk8s: npx cdk8s synth"
npx cdk8s synth 2> synth.stderr || { cat synth.stderr >&2; exit 1; }

# 2. Pulumi
papp="$work/pulumi-app"
rm -rf "$papp" && mkdir -p "$papp" && cd "$papp"
cat > Pulumi.yaml <<'EOF'
name: orders
runtime:
  name: nodejs
  options:
    typescript: true
EOF
cat > package.json <<'EOF'
{ "name": "orders", "main": "index.ts", "private": true }
EOF
cat > tsconfig.json <<'EOF'
{
  "compilerOptions": {
    "strict": true, "outDir": "bin", "target": "es2020", "module": "commonjs", "moduleResolution": "node",
    "sourceMap": true, "experimentalDecorators": true, "pretty": true, "noFallthroughCasesInSwitch": true,
    "noImplicitReturns": true, "forceConsistentCasingInFileNames": true
  },
  "files": ["index.ts"]
}
EOF
# TypeScript pinned: @pulumi/pulumi declares a peer `typescript < 7`; unpinned, npm's resolver tries 7.x.
say "pulumi: npm i golden-go @pulumi/pulumi @pulumi/docker @pulumi/kubernetes typescript@~5.9"
npm i --loglevel=error "$tarball" @pulumi/pulumi @pulumi/docker @pulumi/kubernetes typescript@~5.9 ts-node@10 @types/node >&2
example "Pulumi" ts 1 > index.ts
# The harness, not part of a user's program: Pulumi's mocks stand in for the engine.
cat > mocks.js <<'EOF'
const crypto = require('crypto');
const pulumi = require('@pulumi/pulumi');
const registered = [];
pulumi.runtime.setMocks({
  newResource(args) {
    registered.push({ type: args.type, name: args.name, inputs: args.inputs });
    const state = { ...args.inputs };
    if (args.type === 'docker:index/image:Image') {
      // What a registry would answer: repository@digest of the pushed image.
      const repo = String(args.inputs.imageName).replace(/:[^:/]+$/, '');
      state.repoDigest = `${repo}@sha256:${crypto.createHash('sha256').update(args.name).digest('hex')}`;
    }
    return { id: `${args.name}-id`, state };
  },
  call: (args) => args.inputs,
}, 'orders', 'dev', false);
require('./index.ts');
// Resources register asynchronously; disconnect() resolves once every pending registration is done.
pulumi.runtime.disconnect().then(() => process.stdout.write(JSON.stringify(registered, undefined, 2) + '\n'));
EOF
say "pulumi: the program under Pulumi's mocks"
node -r ts-node/register mocks.js > resources.json
say "done: $work"
