#!/usr/bin/env bash
# Masthead's pages over HTTP beside the Wagtail peer and nginx (the ceiling), in one run per
# configuration: the origin's page cache off, on, on with Redis, and behind Varnish
# (`masthead serve --edge varnish`). Prints the peer's wrk table for each (req/s, p50, p99).
#
# Needs the peer built and a Masthead data folder holding its stories (../shared/peer/README.md):
#   cp -r ../shared/peer /tmp/peer && PYTHON=... /tmp/peer/wagtail/setup.sh
#   python3 /tmp/peer/masthead/make_feed.py 20000 /tmp/peer-feeds
#   MASTHEAD_DATA_DIR=/tmp/mh-bench/data masthead migrate && masthead ingest /tmp/peer-feeds
#   PEER=/tmp/peer MH_DATA=/tmp/mh-bench/data benchmarks/bench_http.sh [OUT] [CONFIG...]
# Article URLs are wire stories (metered): wrk sends no cookies, so they measure the meter's
# decision for cookie-less readers at one address (whole, then walled once its budget is used).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
PEER=${PEER:?set PEER to the built peer folder}
MH_DATA=${MH_DATA:?set MH_DATA to a data folder holding the peer corpus}
OUT=${1:-$(mktemp -d)}
shift || true
configs=("$@")
[ ${#configs[@]} -gt 0 ] || configs=(cache-off cache-on cache-redis varnish)
export PATH="$here/.venv/bin:$PATH" PEER MH_DATA
for config in "${configs[@]}"; do
  echo "== $config"
  case $config in
    cache-off) env MASTHEAD_PAGE_CACHE=false "$PEER/masthead/side_by_side.sh" "$OUT/$config" ;;
    cache-on) "$PEER/masthead/side_by_side.sh" "$OUT/$config" ;;
    cache-redis)
      redis-cli -n 5 flushdb >/dev/null
      env REDIS_URL=redis://127.0.0.1:6379/5 "$PEER/masthead/side_by_side.sh" "$OUT/$config" ;;
    varnish) env MH_SERVE_ARGS="--edge varnish" "$PEER/masthead/side_by_side.sh" "$OUT/$config" ;;
    *) echo "unknown configuration $config" >&2; exit 2 ;;
  esac
done
echo "results: $OUT"
