#!/usr/bin/env bash
# Run a command against a throwaway PostgreSQL cluster: made in a temporary folder, owned by
# the `postgres` user when run as root, listening on loopback only, removed afterwards.
#   scripts/with-postgres.sh COMMAND [ARGS...]      (DATABASE_URL is set for COMMAND)
# Exit 3 when no PostgreSQL binaries are found.
set -euo pipefail

find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then echo "$PG_BINDIR"; return; fi
  local candidate
  for candidate in /usr/lib/postgresql/*/bin; do
    [ -x "$candidate/initdb" ] && [ -x "$candidate/postgres" ] && { echo "$candidate"; return; }
  done
  command -v initdb >/dev/null 2>&1 && dirname "$(command -v initdb)" && return
  return 1
}

if ! bindir=$(find_bindir); then
  echo "PostgreSQL introuvable (initdb/postgres) : installez le paquet postgresql ou définissez PG_BINDIR." >&2
  exit 3
fi

source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"
pg_workdir pg

"${as_owner[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 || { cat "$workdir/initdb.log" >&2; exit 1; }
pg_start "-c synchronous_commit=off -c full_page_writes=off"

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') temporaire sur 127.0.0.1:$port ($workdir)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/impact_alliances"
# Where its binaries are (scripts/with-replica.sh makes a replica of this cluster).
export PG_BINDIR="$bindir"
# How to restart this cluster (`make reliability` restarts it under load).
export PG_RESTART_COMMAND="${as_owner[*]} $bindir/pg_ctl -D $workdir/data -m fast -w -t 60 restart"
"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres impact_alliances
"$@"
