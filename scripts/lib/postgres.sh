# Sourced by scripts/with-postgres.sh and scripts/with-replica.sh: what a throwaway cluster
# needs, whether a primary or its replica.
#   pg_workdir NAME    a temporary folder ($workdir) owned by the `postgres` user when run as
#                      root ($as_owner runs a command as that user), a free loopback port
#                      ($port), and the cluster stopped and the folder removed at exit
#   pg_start OPTIONS   start the cluster of $workdir/data on 127.0.0.1:$port, with the
#                      server options OPTIONS added to ours
# $bindir must name the PostgreSQL binaries.

pg_workdir() {
  workdir=$(mktemp -d -t "impact-alliances-$1.XXXXXX")
  as_owner=()
  if [ "$(id -u)" = 0 ]; then
    id postgres >/dev/null 2>&1 || useradd --system --home-dir "$workdir" --shell /usr/sbin/nologin postgres
    chown postgres "$workdir"
    chmod 700 "$workdir"
    as_owner=(runuser -u postgres --)
  fi
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
  trap pg_cleanup EXIT INT TERM
}

pg_cleanup() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -m immediate stop >/dev/null 2>&1 || true
  rm -rf "$workdir"
}

pg_start() {
  "${as_owner[@]}" "$bindir/pg_ctl" -D "$workdir/data" -l "$workdir/server.log" -w -t 60 \
    -o "-c listen_addresses=127.0.0.1 -p $port -k $workdir -c fsync=off $1" \
    start >/dev/null || { cat "$workdir/server.log" >&2; exit 1; }
}
