#!/usr/bin/env bash
# The API contract: serves the app on a fresh SQLite database with the demo loaded, then
# runs schemathesis (pinned) over /api/v1/openapi.json with every check and every phase,
# authenticated as the demo administrator, with a fixed seed. Exits non-zero on any
# failure. Only 127.0.0.1 is ever contacted, and the run is bounded in count and time.
#
#   bash .ci/api-contract.sh                              # the CI run (about two minutes)
#   API_CONTRACT_MAX_TIME=300 bash .ci/api-contract.sh    # a long run (over 10,000 requests)
#
# Settings (environment): API_CONTRACT_EXAMPLES (test cases per operation and phase,
# default 10), API_CONTRACT_SEED (default 1), API_CONTRACT_MAX_TIME (seconds: fuzzing and
# stateful testing repeat until it is spent; unset, each phase stops at its examples),
# API_CONTRACT_TIMEOUT (hard limit on the run, default 900 s), API_CONTRACT_VENV (default
# target/api-contract/venv).
# Business-rule refusals that the schema cannot express are listed in
# .ci/schemathesis.toml; nothing else is excluded.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
EXAMPLES=${API_CONTRACT_EXAMPLES:-10}
SEED=${API_CONTRACT_SEED:-1}
MAX_TIME=${API_CONTRACT_MAX_TIME:-}
TIMEOUT=${API_CONTRACT_TIMEOUT:-900}
VENV=${API_CONTRACT_VENV:-target/api-contract/venv}
BIN=target/debug/pathways

log() { printf '\n== %s\n' "$*"; }

log "schemathesis $ST_VERSION"
if ! "$VENV/bin/st" --version 2>/dev/null | grep -q "$ST_VERSION"; then
  if ! python3 -m venv --help >/dev/null 2>&1 || ! python3 -c 'import ensurepip' 2>/dev/null; then
    # Debian ships the venv module (with ensurepip) separately.
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq
    apt-get install -y -qq python3-venv >/dev/null
  fi
  rm -rf "$VENV"
  python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$ST_VERSION"
fi
"$VENV/bin/st" --version

log "build"
cargo build --quiet
WORK=$(mktemp -d)
SERVER_PID=
cleanup() {
  if [ -n "$SERVER_PID" ]; then
    kill "$SERVER_PID" 2>/dev/null || true
    wait "$SERVER_PID" 2>/dev/null || true
  fi
  rm -rf "$WORK"
}
trap cleanup EXIT

log "a fresh database with the demo"
export DATABASE_URL="sqlite://$WORK/contract.db"
"$BIN" migrate
"$BIN" demo >/dev/null
TOKEN=$("$BIN" token create --email admin@demo.pathways.test --name "API contract")

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
# The request log (one line per request, target pathways::request) counts the requests;
# errors are logged as well.
PATHWAYS_LOG="warn,pathways::request=info" "$BIN" serve --addr "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER_PID=$!
ready_polls=0
for _ in $(seq 1 100); do
  if python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz')" 2>/dev/null; then
    ready_polls=$(grep -c ' pathways::request: ' "$WORK/server.log" || true)
    break
  fi
  sleep 0.2
done

log "schemathesis: $EXAMPLES examples per operation, seed $SEED"
started=$(date +%s)
status=0
budget=()
[ -n "$MAX_TIME" ] && budget=(--max-time "$MAX_TIME")
timeout "$TIMEOUT" "$VENV/bin/st" --config-file .ci/schemathesis.toml run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$SEED" \
  --max-examples "$EXAMPLES" \
  "${budget[@]}" \
  --workers 1 \
  --no-shrink \
  --request-timeout 30 \
  --header "Authorization: Bearer $TOKEN" || status=$?
elapsed=$(($(date +%s) - started))
# Every request the server saw after it answered the health check.
requests=$(($(grep -c ' pathways::request: ' "$WORK/server.log" || true) - ready_polls))
echo "API contract: $requests requests in ${elapsed}s, exit status $status"
if [ "$status" -ne 0 ]; then
  echo "server errors (last lines):"
  grep -v ' pathways::request: ' "$WORK/server.log" | tail -n 20
fi
exit "$status"
