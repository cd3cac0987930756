#!/usr/bin/env bash
# Run a command with a throwaway Redis server as the cache: loopback only, no persistence,
# stopped afterwards, within REDIS_MAXMEMORY (default 256mb), least recently used keys
# evicted first.   scripts/with-redis.sh COMMAND [ARGS...]   (CACHE_URL is set)
# Exit 3 when redis-server is not installed.
set -euo pipefail
if ! command -v redis-server >/dev/null 2>&1; then
  echo "redis-server introuvable : installez le paquet redis-server." >&2
  exit 3
fi
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
# Page-cache keys include every query parameter, so their number has no bound: Redis keeps
# at most REDIS_MAXMEMORY and evicts the least recently used keys (docs/deployment.md).
redis-server --bind 127.0.0.1 --port "$port" --save '' --appendonly no --daemonize no \
  --maxmemory "${REDIS_MAXMEMORY:-256mb}" --maxmemory-policy allkeys-lru \
  --loglevel warning >/dev/null &
server=$!
trap 'kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 50); do
  (echo > "/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "Redis temporaire sur 127.0.0.1:$port"
export CACHE_URL="redis://127.0.0.1:$port/0"
"$@"
