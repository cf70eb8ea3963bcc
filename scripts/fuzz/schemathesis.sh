#!/usr/bin/env bash
# Fuzzes the HTTP edge with Schemathesis (from PyPI) against its own /openapi.json: starts a
# throwaway server on the in-memory host (packages/host/src/http/serve-for-fuzz.ts), then runs
# two time-boxed passes (as the bootstrap admin, as a customer) with every check but one: no 5xx,
# each status, media type, header and body as documented, bad input refused, auth not ignored,
# 405 for undeclared methods. `positive_data_acceptance` is left out: schema-valid requests are
# refused on purpose by domain rules (422 currency_mismatch, 409 product_already_exists) and by
# a reused Idempotency-Key (422), which a JSON Schema cannot express.
#
# Usage: scripts/fuzz/schemathesis.sh
#   FUZZ_MAX_EXAMPLES   examples per operation and phase (default 20)
#   FUZZ_MAX_TIME_S     time budget of each pass in seconds (default 120)
#   SCHEMATHESIS        the schemathesis executable (default: from PATH, else installed with pip
#                       into .cache/fuzz-venv)
# Exit code: Schemathesis's (non-zero when a check failed).
set -euo pipefail
cd "$(dirname "$0")/../.."

MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
MAX_TIME="${FUZZ_MAX_TIME_S:-120}"
ST="${SCHEMATHESIS:-}"
if [ -z "$ST" ]; then
  if command -v schemathesis >/dev/null 2>&1; then
    ST="$(command -v schemathesis)"
  else
    if [ ! -x .cache/fuzz-venv/bin/schemathesis ]; then
      python3 -m venv .cache/fuzz-venv
      .cache/fuzz-venv/bin/pip install --quiet 'schemathesis>=4,<5'
    fi
    ST=.cache/fuzz-venv/bin/schemathesis
  fi
fi

LOG="$(mktemp)"
node --conditions=ordo-source --import tsx packages/host/src/http/serve-for-fuzz.ts >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT

for _ in $(seq 1 120); do
  if grep -q '^ready ' "$LOG"; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG"; echo "fuzz: the server did not start" >&2; exit 1; fi
  sleep 0.5
done
read -r _ URL ADMIN_TOKEN CUSTOMER_TOKEN < <(grep '^ready ' "$LOG")
echo "fuzz: server at $URL"

status=0
for who in admin customer; do
  if [ "$who" = admin ]; then token="$ADMIN_TOKEN"; else token="$CUSTOMER_TOKEN"; fi
  echo "fuzz: pass as $who (max $MAX_EXAMPLES examples per operation, $MAX_TIME s)"
  "$ST" run "$URL/openapi.json" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --generation-with-security-parameters false \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --request-timeout 10 \
    --workers 4 \
    --header "Authorization: Bearer $token" \
    --suppress-health-check all \
    --no-color || status=$?
done
if grep -q '"level":50' "$LOG"; then echo "fuzz: the server logged errors" >&2; fi
exit "$status"
