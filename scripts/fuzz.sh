#!/usr/bin/env bash
# `npm run fuzz`: the hostile-input corpus (apps/api/test/hostile, also part of
# `npm test`), then schemathesis against /openapi.json of a real API process,
# then docs/fuzz/README.md with the counts of this run.
#
# The API runs on a free loopback port with a database, a Milvus collection
# and a queue prefix of its own, all removed at exit, as is the process.
# Schemathesis (pinned in scripts/fuzz/requirements.txt) is installed into
# $LOCAL_DIR/fuzz-venv on first use. It runs twice: with API_AUTH=disabled and a worker
# (FUZZ_MAX_EXAMPLES, default 100, cases per operation and phase) and with
# API_AUTH=required and a key (FUZZ_MAX_EXAMPLES_KEYED, default 30).
# FUZZ_KEEP=1 keeps the run's logs and reports (the path is printed).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

FUZZ_DB=nonstop_ingest_fuzz
FUZZ_VENV="$LOCAL_DIR/fuzz-venv"
WORK_DIR="$(mktemp -d)"
API_PID=""
WORKER_PID=""
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$FUZZ_DB"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export MILVUS_ADDRESS="127.0.0.1:$MILVUS_PORT"
export MILVUS_COLLECTION=fuzz_document_chunks
export QUEUE_PREFIX="fuzz-$$"
export LOG_LEVEL=warn

# shellcheck disable=SC2317 # called from the EXIT trap
finish() {
  local code=$?
  trap '' INT TERM
  if [[ -n "$API_PID" ]]; then stop_api; fi
  if [[ -n "$WORKER_PID" ]]; then stop_worker; fi
  node --import tsx scripts/fuzz/drop-fuzz-stores.ts >/dev/null 2>&1 || warn "could not drop the fuzz database or collection"
  if [[ -n "${FUZZ_KEEP:-}" ]]; then note "kept $WORK_DIR"; else rm -rf "$WORK_DIR"; fi
  exit "$code"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bash "$REPO_ROOT/scripts/services-up.sh"

note "==== hostile-input corpus ===="
corpus_status=0
DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/nonstop_ingest_test" MILVUS_COLLECTION=test_document_chunks_e5 \
  npx jest --selectProjects integration --runInBand apps/api/test/hostile --json --outputFile="$WORK_DIR/corpus.json" || corpus_status=1

note "==== schemathesis ===="
requirement="$(grep -v '^#' scripts/fuzz/requirements.txt)"
if [[ "$("$FUZZ_VENV/bin/pip" freeze 2>/dev/null | grep -i '^schemathesis==')" != "$requirement" ]]; then
  python3 -m venv "$FUZZ_VENV"
  "$FUZZ_VENV/bin/pip" install --quiet -r scripts/fuzz/requirements.txt
fi

psql -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -qc "CREATE DATABASE $FUZZ_DB" 2>/dev/null || true
FUZZ_ACCOUNT=fuzz_keyed
FUZZ_KEY="$(node --import tsx scripts/keys.ts create --account "$FUZZ_ACCOUNT" | tail -n 1)"

# start_api API_AUTH: the API on a free loopback port, small limits so generated bodies stay cheap; sets API_URL.
start_api() {
  local port
  port="$(node -e "const s=require('net').createServer().listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})")"
  PORT="$port" API_AUTH="$1" RATE_LIMIT_PER_MINUTE=1000000 AUTH_FAILURES_PER_WINDOW=1000000 LOG_FORMAT=json \
    MAX_DOCUMENTS_PER_REQUEST=5 MAX_DOCUMENTS_PER_JOB=20 MAX_CHUNKS_PER_DOCUMENT=10 MAX_CHUNK_TEXT_LENGTH=2000 \
    node --import tsx apps/api/src/main.ts >>"$WORK_DIR/api.log" 2>&1 &
  API_PID=$!
  API_URL="http://127.0.0.1:$port"
  for _ in $(seq 1 120); do
    if curl -fs "$API_URL/healthz" >/dev/null; then return 0; fi
    kill -0 "$API_PID" 2>/dev/null || { cat "$WORK_DIR/api.log"; die "the API exited before answering"; }
    sleep 0.5
  done
  die "the API did not answer /healthz within 60 s"
}

stop_api() {
  kill -TERM "$API_PID" 2>/dev/null || true
  wait "$API_PID" 2>/dev/null || true
  API_PID=""
}

# A worker, so the jobs the stateful phase creates finish and their streams end.
start_worker() {
  LOG_FORMAT=json node --import tsx apps/worker/src/main.ts >>"$WORK_DIR/worker.log" 2>&1 &
  WORKER_PID=$!
}

stop_worker() {
  kill -TERM "$WORKER_PID" 2>/dev/null || true
  wait "$WORKER_PID" 2>/dev/null || true
  WORKER_PID=""
}

CHECKS=not_a_server_error,status_code_conformance,content_type_conformance,response_headers_conformance,response_schema_conformance,negative_data_rejection
schemathesis_status=0
# run_schemathesis NAME EXTRA_ARGS...: one pass against the running API, its JSON report as schemathesis-NAME.json.
run_schemathesis() {
  local name="$1"
  shift
  note "---- schemathesis: $name ----"
  "$FUZZ_VENV/bin/schemathesis" run "$API_URL/openapi.json" \
    --seed 6 --workers 2 --request-timeout 30 --no-color --suppress-health-check too_slow \
    --report json --report-json-path "$WORK_DIR/schemathesis-$name.json" "$@" 2>&1 | tee -a "$WORK_DIR/schemathesis.log" || schemathesis_status=1
}

# Authentication off: generated bodies carry any account_name and reach the pipeline instead of stopping at 403;
# the stateful phase follows the OpenAPI links from a created job to its status, results, stream, deliveries and cancel.
start_api disabled
start_worker
run_schemathesis open --phases examples,coverage,fuzzing,stateful --checks "$CHECKS" --max-examples "${FUZZ_MAX_EXAMPLES:-100}"
stop_api
stop_worker
# Authentication on, with a key: the documented 401/403/429, and that a request without the key is refused (ignored_auth).
start_api required
run_schemathesis keyed --phases examples,coverage,fuzzing --checks "$CHECKS,ignored_auth" --max-examples "${FUZZ_MAX_EXAMPLES_KEYED:-30}" \
  -H "Authorization: Bearer $FUZZ_KEY"
stop_api
if grep -q '"level":"error"' "$WORK_DIR/api.log" "$WORK_DIR/worker.log"; then
  schemathesis_status=1
  warn "the API or the worker logged errors during the run:"; grep -h '"level":"error"' "$WORK_DIR/api.log" "$WORK_DIR/worker.log" | head -20 >&2
fi

node --import tsx scripts/fuzz/write-report.ts "$WORK_DIR" "$corpus_status" "$schemathesis_status"
if ((corpus_status || schemathesis_status)); then note "FUZZ FAILED (see above)"; exit 1; fi
note "fuzz passed: docs/fuzz/README.md"
