#!/usr/bin/env bash
# Install the Debian packages the test suite (and, with `wrk`, the benchmark) needs, when they
# are missing and apt-get can.
# Never fails by itself: the tests that need a missing package say so (and fail under CI=true).
set -u
missing=()
ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || command -v initdb >/dev/null 2>&1 || missing+=(postgresql)
for extra in "$@"; do
  case "$extra" in
    chromium) command -v chromium >/dev/null 2>&1 || missing+=(chromium fonts-dejavu-core) ;;
    wrk) command -v wrk >/dev/null 2>&1 || missing+=(wrk) ;;
    redis) command -v redis-server >/dev/null 2>&1 || missing+=(redis-server) ;;
  esac
done
[ ${#missing[@]} -eq 0 ] && exit 0
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
  echo "Paquets système manquants : ${missing[*]} (installez-les avec votre gestionnaire de paquets)." >&2
  exit 0
fi
echo "Installation des paquets système : ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq >/dev/null && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null \
  || echo "Installation impossible de : ${missing[*]}" >&2
exit 0
