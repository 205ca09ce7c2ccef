#!/usr/bin/env bash
# The whole test suite: on SQLite with the local-memory cache, then again on PostgreSQL and
# Redis where those servers answer (DATABASE_URL / REDIS_URL, or the local defaults).
# Whatever part cannot run is named on the last lines, never silently passed over.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL="${DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}"
RD_URL="${REDIS_URL:-redis://127.0.0.1:6379/0}"
export PYTHONDONTWRITEBYTECODE=1
mkdir -p test-artifacts
skipped=()

echo "== lint (ruff)"
.venv/bin/ruff check masthead tests benchmarks || exit 1
.venv/bin/ruff format --check masthead tests benchmarks || exit 1
echo "== types (mypy with django-stubs)"
MASTHEAD_DATA_DIR="$(mktemp -d)" .venv/bin/mypy || exit 1
echo "== layers (import-linter: pyproject.toml, [tool.importlinter])"
.venv/bin/lint-imports --no-cache || exit 1

echo "== suite 1/2: SQLite + local-memory cache"
env -u DATABASE_URL -u REDIS_URL MASTHEAD_DATA_DIR="$(mktemp -d)" $PY -m pytest "$@"
status=$?
[ $status -ne 0 ] && exit $status

pg_up=$($PY - "$PG_URL" <<'PYEOF'
import sys
try:
    import psycopg
    psycopg.connect(sys.argv[1].replace("postgres://", "postgresql://", 1), connect_timeout=3).close()
    print("yes")
except Exception:
    print("no")
PYEOF
)
rd_up=$($PY - "$RD_URL" <<'PYEOF'
import sys
try:
    import redis
    redis.Redis.from_url(sys.argv[1], socket_connect_timeout=3).ping()
    print("yes")
except Exception:
    print("no")
PYEOF
)

if [ "$pg_up" = yes ]; then
  extra_env=(DATABASE_URL="$PG_URL")
  label="PostgreSQL"
  if [ "$rd_up" = yes ]; then extra_env+=(REDIS_URL="$RD_URL"); label="PostgreSQL + Redis"
  else skipped+=("Redis part: no Redis server answered at $RD_URL"); fi
  echo "== suite 2/2: $label (browser tests ran in suite 1)"
  env "${extra_env[@]}" MASTHEAD_DATA_DIR="$(mktemp -d)" $PY -m pytest -m "not browser" "$@"
  status=$?
else
  skipped+=("PostgreSQL + Redis part: no PostgreSQL server answered at $PG_URL")
fi

for s in "${skipped[@]}"; do echo "SKIPPED: $s"; done
exit $status
