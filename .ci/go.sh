#!/usr/bin/env bash
# Go and golang.org/x/mod from Debian, for the independent check of receipts, proofs and
# checkpoints with Go's checksum-database code (test/interop/verify.go, built in GOPATH mode
# against /usr/share/gocode). Installs golang-go and golang-golang-x-mod-dev when either is
# missing; like postgres.sh, installing needs root. Progress goes to stderr.
set -euo pipefail

log() { printf 'go.sh: %s\n' "$*" >&2; }
have() { command -v go >/dev/null 2>&1 && [[ -d /usr/share/gocode/src/golang.org/x/mod/sumdb/tlog ]]; }

if have; then
  log "$(go version), golang.org/x/mod in /usr/share/gocode"
  exit 0
fi
if [[ "$(id -u)" -ne 0 ]]; then log "need root to apt-get install golang-go golang-golang-x-mod-dev"; exit 1; fi
export DEBIAN_FRONTEND=noninteractive
packages=(golang-go golang-golang-x-mod-dev)
apt-get install -y -q --no-install-recommends "${packages[@]}" >&2 ||
  { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends "${packages[@]}" >&2; }
have || { log "installed, but go or /usr/share/gocode/src/golang.org/x/mod/sumdb is missing"; exit 1; }
log "$(go version), golang.org/x/mod in /usr/share/gocode"
