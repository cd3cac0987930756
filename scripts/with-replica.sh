#!/usr/bin/env bash
# Run a command with a streaming read replica of the throwaway PostgreSQL cluster that
# scripts/with-postgres.sh started (DATABASE_URL, on loopback): pg_basebackup -R of the
# primary into a temporary folder, started on another loopback port, removed afterwards.
#   scripts/with-postgres.sh scripts/with-replica.sh COMMAND [ARGS...]
# DATABASE_REPLICA_URL is set for COMMAND (docs/scaling.md). The primary's defaults serve:
# wal_level=replica, 10 WAL senders, and initdb's pg_hba lets 127.0.0.1 replicate.
# Exit 3 when no PostgreSQL binaries are found.
set -euo pipefail

bindir=${PG_BINDIR:-}
if [ -z "$bindir" ] || [ ! -x "$bindir/pg_basebackup" ]; then
  echo "pg_basebackup introuvable : lancez ce script par scripts/with-postgres.sh." >&2
  exit 3
fi
primary_port=$(python3 -c 'import os, urllib.parse; print(urllib.parse.urlsplit(os.environ["DATABASE_URL"]).port)')

source "$(dirname "${BASH_SOURCE[0]}")/lib/postgres.sh"
pg_workdir replica

# -R writes standby.signal and primary_conninfo: the copy starts as a hot standby that
# streams the primary's WAL.
"${as_owner[@]}" "$bindir/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres \
  -D "$workdir/data" -R -X stream -c fast >"$workdir/basebackup.log" 2>&1 \
  || { cat "$workdir/basebackup.log" >&2; exit 1; }
pg_start "-c hot_standby=on"

echo "Réplique PostgreSQL temporaire sur 127.0.0.1:$port ($workdir)"
export DATABASE_REPLICA_URL="postgres://postgres@127.0.0.1:$port/impact_alliances"
"$@"
