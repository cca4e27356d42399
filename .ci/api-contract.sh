#!/usr/bin/env bash
# The API contract: serves the app on a fresh SQLite database with the demo loaded, then
# runs schemathesis (pinned) over /api/v1/openapi.json with every check and every phase,
# authenticated as the demo administrator, with a fixed seed. Exits non-zero on any
# failure. Only 127.0.0.1 is ever contacted, and the run is bounded in count and time.
#
#   bash .ci/api-contract.sh                              # the CI run (about two minutes)
#   API_CONTRACT_EXAMPLES=200 bash .ci/api-contract.sh    # a long run
#
# Settings (environment): API_CONTRACT_EXAMPLES (test cases per operation and phase,
# default 12), API_CONTRACT_SEED (default 1), API_CONTRACT_MAX_TIME (seconds,
# default 1800), API_CONTRACT_VENV (default target/api-contract/venv).
# Business-rule refusals that the schema cannot express are listed in
# .ci/schemathesis.toml; nothing else is excluded.
set -euo pipefail
cd "$(dirname "$0")/.."

ST_VERSION=4.32.5
EXAMPLES=${API_CONTRACT_EXAMPLES:-12}
SEED=${API_CONTRACT_SEED:-1}
MAX_TIME=${API_CONTRACT_MAX_TIME:-1800}
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
export PATHWAYS_LOG=warn
"$BIN" migrate
"$BIN" demo >/dev/null
TOKEN=$("$BIN" token create --email admin@demo.pathways.test --name "API contract")

PORT=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BIN" serve --addr "127.0.0.1:$PORT" 2>"$WORK/server.log" &
SERVER_PID=$!
for _ in $(seq 1 100); do
  python3 -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$PORT/healthz')" 2>/dev/null && break
  sleep 0.2
done

log "schemathesis: $EXAMPLES examples per operation, seed $SEED"
started=$(date +%s)
status=0
"$VENV/bin/st" --config-file .ci/schemathesis.toml run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --checks all \
  --phases examples,coverage,fuzzing,stateful \
  --seed "$SEED" \
  --max-examples "$EXAMPLES" \
  --max-time "$MAX_TIME" \
  --workers 1 \
  --no-shrink \
  --request-timeout 30 \
  --header "Authorization: Bearer $TOKEN" \
  --report ndjson --report-ndjson-path "$WORK/events.ndjson" || status=$?
elapsed=$(($(date +%s) - started))
# Every request sent is one recorded interaction of a finished scenario.
requests=$(python3 - "$WORK/events.ndjson" <<'EOF'
import json, sys
total = 0
for line in open(sys.argv[1], encoding="utf-8"):
    event = json.loads(line).get("ScenarioFinished")
    if event:
        total += len(event.get("recorder", {}).get("interactions", {}))
print(total)
EOF
)
echo "API contract: $requests requests in ${elapsed}s, exit status $status"
if [ "$status" -ne 0 ]; then
  echo "server log (last lines):"
  tail -n 20 "$WORK/server.log"
fi
exit "$status"
