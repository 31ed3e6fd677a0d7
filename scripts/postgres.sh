#!/usr/bin/env bash
# Debian's PostgreSQL server for the tests: `install` adds it with apt when missing (root only).
# The tests start their own throw-away cluster (test/helpers/postgres.ts): initdb in a temporary
# folder, run as the non-root `postgres` user, listening on 127.0.0.1 on a free port.
set -euo pipefail

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1; }

case "${1:-install}" in
  install)
    if [ -n "$(pg_bin)" ] && [ -x "$(pg_bin)/initdb" ] && id postgres >/dev/null 2>&1; then
      echo "[postgres] $("$(pg_bin)/postgres" --version) present"
      exit 0
    fi
    if [ "$(id -u)" != 0 ]; then
      echo "[postgres] PostgreSQL is missing: run 'sudo apt-get install -y postgresql' (Debian) and retry" >&2
      exit 1
    fi
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq --no-install-recommends postgresql >/dev/null
    # The package starts a system cluster; the tests never use it.
    (command -v pg_ctlcluster >/dev/null && pg_lsclusters -h 2>/dev/null | while read -r v c _; do pg_ctlcluster "$v" "$c" stop || true; done) || true
    echo "[postgres] installed $("$(pg_bin)/postgres" --version)"
    ;;
  bin)
    pg_bin
    ;;
  *)
    echo "usage: $0 [install|bin]" >&2
    exit 2
    ;;
esac
