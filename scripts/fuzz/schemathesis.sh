#!/usr/bin/env bash
# Fuzzes the HTTP edge with Schemathesis (from PyPI) against its own /openapi.json: starts a
# throwaway server on the in-memory host (packages/host/src/http/serve-for-fuzz.ts), then runs
# two time-boxed passes (as the bootstrap admin, as a customer) with every check but one: no 5xx,
# each status, media type, header and body as documented, bad input refused, auth not ignored,
# 405 for undeclared methods. `positive_data_acceptance` is left out: schema-valid requests are
# refused on purpose by domain rules (422 currency_mismatch, 409 product_already_exists) and by
# a reused Idempotency-Key (422), which a JSON Schema cannot express.
#
# What fails the run, and why (decided from each pass's JUnit report, not from Schemathesis's
# exit code, which is 1 for a finding and for a crash of the tool alike):
# - a failed check (`<failure>`): a finding about the API (a 5xx, a response that does not
#   conform to the document, ...). Always fails.
# - an error (`<error>`) of any other kind (the server unreachable or dead, a timeout, a schema
#   Schemathesis cannot load, an unknown crash): fails, since that operation was not tested.
# - except the one known tool crash, `SystemError: AST constructor recursion depth mismatch`:
#   a race in CPython's AST constructor (python/cpython#106905: one recursion counter per
#   interpreter, shared by threads; fixed in 3.11.8 and 3.12.2) that Hypothesis hits when it parses
#   source to describe a lambda (`lambda_sources.py`) while several Schemathesis workers build
#   strategies at once in the coverage phase. It says nothing about the API: reported, not fatal.
# The crash is also avoided rather than only tolerated: Schemathesis runs with one worker
# (`FUZZ_WORKERS`, default 1). Its workers are threads, and generation is bound by the GIL, so
# four workers gave no more test cases than one here (907 vs 932 in 40 s); on Python 3.11.7 four
# workers crashed the coverage phase on every run (2 of 21 operations), one worker never did.
# Schemathesis, Hypothesis and their dependencies are pinned in scripts/fuzz/requirements.txt
# (the versions this was verified with), so a new release cannot change the verdict unasked.
#
# Usage: scripts/fuzz/schemathesis.sh
#   FUZZ_MAX_EXAMPLES   examples per operation and phase (default 20)
#   FUZZ_MAX_TIME_S     time budget of each pass in seconds (default 120)
#   FUZZ_WORKERS        Schemathesis workers (default 1, see above)
#   FUZZ_PYTHON         the Python that makes .cache/fuzz-venv (default python3)
#   SCHEMATHESIS        a schemathesis executable to use instead of the pinned one in
#                       .cache/fuzz-venv (installed with pip from scripts/fuzz/requirements.txt)
# Reports: .cache/fuzz-report/{admin,customer}.junit.xml. Examples found are kept in
# .cache/fuzz-examples and tried first on the next run.
# Exit code: 0 when no pass has a finding or an error other than the known crash; 1 otherwise.
set -euo pipefail
cd "$(dirname "$0")/../.."

MAX_EXAMPLES="${FUZZ_MAX_EXAMPLES:-20}"
MAX_TIME="${FUZZ_MAX_TIME_S:-120}"
WORKERS="${FUZZ_WORKERS:-1}"
PYTHON="${FUZZ_PYTHON:-python3}"
VENV=.cache/fuzz-venv
REQUIREMENTS=scripts/fuzz/requirements.txt
REPORTS=.cache/fuzz-report

ST="${SCHEMATHESIS:-}"
if [ -z "$ST" ]; then
  # (Re)install when the venv is missing or was made from other pins.
  if ! cmp -s "$REQUIREMENTS" "$VENV/requirements.txt" || [ ! -x "$VENV/bin/schemathesis" ]; then
    echo "fuzz: installing Schemathesis into $VENV ($("$PYTHON" --version 2>&1))"
    rm -rf "$VENV"
    "$PYTHON" -m venv "$VENV"
    "$VENV/bin/pip" install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
    cp "$REQUIREMENTS" "$VENV/requirements.txt"
  fi
  ST="$VENV/bin/schemathesis"
fi
echo "fuzz: $("$ST" --version 2>&1 | head -n 1)"

LOG="$(mktemp)"
node --conditions=ordo-source --import tsx packages/host/src/http/serve-for-fuzz.ts >"$LOG" 2>&1 &
SERVER=$!
trap 'kill "$SERVER" 2>/dev/null || true; wait "$SERVER" 2>/dev/null || true; rm -f "$LOG"' EXIT

for _ in $(seq 1 120); do
  if grep -q '^ready ' "$LOG"; then break; fi
  if ! kill -0 "$SERVER" 2>/dev/null; then cat "$LOG"; echo "fuzz: the server did not start" >&2; exit 1; fi
  sleep 0.5
done
if ! grep -q '^ready ' "$LOG"; then cat "$LOG"; echo "fuzz: the server was not ready in 60 s" >&2; exit 1; fi
read -r _ URL ADMIN_TOKEN CUSTOMER_TOKEN < <(grep '^ready ' "$LOG")
echo "fuzz: server at $URL"

# Reads one JUnit report; prints what it found and exits 1 on a finding or a fatal error.
verdict() {
  "$PYTHON" - "$1" "$2" <<'PY'
import re
import sys
import xml.etree.ElementTree as ET

path, who = sys.argv[1], sys.argv[2]
KNOWN_CRASH = "AST constructor recursion depth mismatch"
try:
    root = ET.parse(path).getroot()
except (OSError, ET.ParseError) as error:
    print(f"fuzz: {who}: no readable JUnit report ({error}): Schemathesis did not finish")
    sys.exit(1)
findings, errors, known = [], [], []
cases = list(root.iter("testcase"))
for case in cases:
    name = case.get("name", "?")
    for failure in case.findall("failure"):
        checks = re.findall(r"^- (ST\d+ .+)$", failure.text or "", re.M)
        findings.append(f"{name}: {'; '.join(checks) or failure.get('message') or 'a check failed'}")
    for error in case.findall("error"):
        text = error.text or error.get("message") or ""
        (known if KNOWN_CRASH in text else errors).append(f"{name}: {' '.join(text.split()[:12])}")
print(
    f"fuzz: {who}: {len(cases)} operations, {len(findings)} failed checks, "
    f"{len(errors)} errors, {len(known)} known tool crashes (not counted)"
)
for line in known:
    print(f"fuzz: {who}: NOT COUNTED (CPython gh-106905 in Hypothesis, the rest of that operation's coverage phase did not run): {line}")
for line in findings:
    print(f"fuzz: {who}: FINDING {line}")
for line in errors:
    print(f"fuzz: {who}: ERROR {line}")
sys.exit(1 if findings or errors else 0)
PY
}

rm -rf "$REPORTS"
mkdir -p "$REPORTS"
status=0
for who in admin customer; do
  if [ "$who" = admin ]; then token="$ADMIN_TOKEN"; else token="$CUSTOMER_TOKEN"; fi
  echo "fuzz: pass as $who (max $MAX_EXAMPLES examples per operation, $MAX_TIME s, $WORKERS worker(s))"
  code=0
  "$ST" run "$URL/openapi.json" \
    --checks all \
    --exclude-checks positive_data_acceptance \
    --generation-with-security-parameters false \
    --generation-database .cache/fuzz-examples \
    --max-examples "$MAX_EXAMPLES" \
    --max-time "$MAX_TIME" \
    --request-timeout 10 \
    --workers "$WORKERS" \
    --header "Authorization: Bearer $token" \
    --suppress-health-check all \
    --report junit \
    --report-dir "$REPORTS" \
    --report-junit-path "$REPORTS/$who.junit.xml" \
    --no-color || code=$?
  # 0: nothing found; 1: something found or crashed (the report says which); else a usage error.
  if [ "$code" -gt 1 ]; then
    echo "fuzz: $who: Schemathesis exited with $code" >&2
    status=1
  elif ! verdict "$REPORTS/$who.junit.xml" "$who"; then
    status=1
  fi
done
if ! kill -0 "$SERVER" 2>/dev/null; then echo "fuzz: the server died during the run" >&2; status=1; fi
if grep -q '"level":50' "$LOG"; then echo "fuzz: the server logged errors" >&2; fi
exit "$status"
