#!/usr/bin/env bash
# Throwaway PostgreSQL for the storage conformance suite.
#
#   eval "$(bash .ci/postgres.sh)"      # start (or reuse) and export OVERT_TEST_POSTGRES_URL
#   source .ci/postgres.sh              # same, exporting into the current shell
#   bash .ci/postgres.sh stop           # stop the cluster and delete its directory
#
# stdout carries only the `export OVERT_TEST_POSTGRES_URL=...` line; progress goes to
# stderr. Installs Debian's postgresql package when no server binaries are present.
# The cluster lives in ${OVERT_PG_DIR:-/tmp/overt-pg-$UID}, listens on 127.0.0.1 at
# ${OVERT_PG_PORT:-55432} (or the next free port), and is durable-off (fsync=off): test data only.
# When run as root, the server runs as the `postgres` system user (initdb refuses root).

_overt_pg_main() (
  set -euo pipefail

  local base="${OVERT_PG_DIR:-${TMPDIR:-/tmp}/overt-pg-$(id -u)}"
  local data="$base/data" sock="$base/sock" log="$base/server.log"
  local role=overt password=overt dbname=overt

  log() { printf 'postgres.sh: %s\n' "$*" >&2; }

  find_bindir() {
    local d
    for d in /usr/lib/postgresql/15/bin $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -rV); do
      if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
    done
    if command -v pg_config >/dev/null 2>&1; then
      d="$(pg_config --bindir)"
      if [[ -x "$d/initdb" && -x "$d/pg_ctl" ]]; then echo "$d"; return 0; fi
    fi
    if command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then
      dirname "$(command -v initdb)"; return 0
    fi
    return 1
  }

  local bindir
  if ! bindir="$(find_bindir)"; then
    log "PostgreSQL server binaries not found; installing the postgresql package"
    if [[ "$(id -u)" -ne 0 ]]; then log "need root to apt-get install postgresql"; exit 1; fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y -q --no-install-recommends postgresql >&2 ||
      { apt-get update -q >&2 && apt-get install -y -q --no-install-recommends postgresql >&2; }
    bindir="$(find_bindir)" || { log "postgresql installed but initdb/pg_ctl not found"; exit 1; }
  fi

  # Run a server tool as the cluster owner: `postgres` when we are root, else ourselves.
  local owner
  if [[ "$(id -u)" -eq 0 ]]; then
    owner=postgres
    if ! id "$owner" >/dev/null 2>&1; then
      useradd --system --no-create-home --shell /usr/sbin/nologin "$owner"
    fi
  else
    owner="$(id -un)"
  fi
  as_owner() {
    if [[ "$(id -u)" -eq 0 ]]; then
      if command -v runuser >/dev/null 2>&1; then runuser -u "$owner" -- "$@"
      else su "$owner" -s /bin/sh -c "$(printf '%q ' "$@")"; fi
    else
      "$@"
    fi
  }

  if [[ "${1:-start}" == "stop" ]]; then
    if [[ -f "$data/postmaster.pid" ]]; then as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >&2 || true; fi
    rm -rf "$base"
    log "stopped and removed $base"
    exit 0
  fi

  port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

  local port
  if [[ -f "$base/port" && -f "$data/postmaster.pid" ]] &&
    as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1; then
    port="$(cat "$base/port")"
    log "reusing running cluster in $base on port $port"
  else
    if [[ -f "$data/postmaster.pid" ]]; then
      as_owner "$bindir/pg_ctl" -D "$data" -m immediate -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$base"
    mkdir -p "$base" "$sock"
    port="${OVERT_PG_PORT:-55432}"
    local tries=0
    while port_in_use "$port"; do
      port=$((port + 1)); tries=$((tries + 1))
      if [[ $tries -gt 50 ]]; then log "no free port found near ${OVERT_PG_PORT:-55432}"; exit 1; fi
    done
    echo "$port" >"$base/port"
    [[ "$(id -u)" -eq 0 ]] && chown -R "$owner" "$base"
    chmod 700 "$base"

    log "initdb ($bindir) in $data"
    as_owner "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
      --encoding=UTF8 --locale=C.UTF-8 --no-sync >"$base/initdb.log" 2>&1 ||
      as_owner "$bindir/initdb" -D "$data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
        --encoding=UTF8 --locale=C --no-sync >"$base/initdb.log" 2>&1 ||
      { cat "$base/initdb.log" >&2; exit 1; }

    log "starting on 127.0.0.1:$port"
    as_owner "$bindir/pg_ctl" -D "$data" -l "$log" -w -t 60 \
      -o "-c listen_addresses=127.0.0.1 -p $port -k $sock -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200" \
      start >&2 || { cat "$log" >&2; exit 1; }
  fi

  local psql=("$bindir/psql" -X -q -v ON_ERROR_STOP=1 -h "$sock" -p "$port" -U postgres -d postgres)
  local ready=0
  for _ in $(seq 1 100); do
    if as_owner "$bindir/pg_isready" -q -h "$sock" -p "$port"; then ready=1; break; fi
    sleep 0.1
  done
  [[ $ready -eq 1 ]] || { log "server did not become ready"; cat "$log" >&2; exit 1; }

  if [[ "$(as_owner "${psql[@]}" -tAc "SELECT 1 FROM pg_roles WHERE rolname = '$role'")" != 1 ]]; then
    as_owner "${psql[@]}" -c "CREATE ROLE $role LOGIN CREATEDB PASSWORD '$password'" >&2
  fi
  if [[ "$(as_owner "${psql[@]}" -tAc "SELECT 1 FROM pg_database WHERE datname = '$dbname'")" != 1 ]]; then
    as_owner "${psql[@]}" -c "CREATE DATABASE $dbname OWNER $role" >&2
  fi

  echo "export OVERT_TEST_POSTGRES_URL=postgres://$role:$password@127.0.0.1:$port/$dbname"
)

if [[ "${BASH_SOURCE[0]}" != "$0" ]]; then
  # Sourced: export into the caller's shell without leaking `set -e` or helpers.
  if _overt_pg_out="$(_overt_pg_main "$@")"; then
    eval "$_overt_pg_out"
    echo "$_overt_pg_out"
  else
    echo "postgres.sh: failed" >&2
  fi
  unset -v _overt_pg_out
  unset -f _overt_pg_main
else
  _overt_pg_main "$@"
fi
