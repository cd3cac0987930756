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

workdir=$(mktemp -d -t impact-alliances-pg.XXXXXX)
as_owner=()
if [ "$(id -u)" = 0 ]; then
  id postgres >/dev/null 2>&1 || useradd --system --home-dir "$workdir" --shell /usr/sbin/nologin postgres
  chown postgres "$workdir"
  chmod 700 "$workdir"
  as_owner=(runuser -u postgres --)
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')

cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}
trap cleanup EXIT INT TERM

"${as_owner[@]}" "$bindir/initdb" -D "$workdir/data" -U postgres -A trust -E UTF8 \
  --locale=C.UTF-8 >"$workdir/initdb.log" 2>&1 || { cat "$workdir/initdb.log" >&2; exit 1; }
"${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
  -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
  start >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }

echo "PostgreSQL $("$bindir/postgres" --version | awk '{print $3}') temporaire sur 127.0.0.1:$port ($workdir)"
export DATABASE_URL="postgres://postgres@127.0.0.1:$port/impact_alliances"
# Where its binaries are (scripts/with-replica.sh makes a replica of this cluster).
export PG_BINDIR="$bindir"
# How to restart this cluster (`make reliability` restarts it under load).
export PG_RESTART_COMMAND="${as_owner[*]} $bindir/pg_ctl -D $workdir/data -m fast -w -t 60 restart"
"${as_owner[@]}" "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres impact_alliances
"$@"
