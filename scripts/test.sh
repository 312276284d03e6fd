#!/usr/bin/env bash
# `npm test`: unit tests, then integration tests against real services
# (our Redis, PostgreSQL, Milvus, the multilingual embedding server of the
# default EMBEDDING_PROVIDER=local-e5), which services-up brings up if they are
# not running. all-MiniLM-L6-v2 (EMBEDDING_PROVIDER=local) keeps its own tests
# (packages/embeddings/test/local-*.int.test.ts, the blue/green re-embed).
#
# Extra arguments go to both jest runs, e.g. `npm test -- -t "kill -9"`.
# Services are left running for the next run (fast); `npm run services:down`
# stops them. With CI=true the services this run started are stopped at exit.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

# A database, collection and queue prefix of their own, so tests never touch
# the data of a local `npm start`. TEST_DATABASE_NAME gives a checkout its own
# test database: branches that add different migrations cannot share one
# (node-pg-migrate refuses a database whose applied migrations it lacks).
export PGDATABASE_NAME="${TEST_DATABASE_NAME:-nonstop_ingest_test}"
export DATABASE_URL="postgres://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE_NAME"
export REDIS_URL="redis://127.0.0.1:$REDIS_PORT"
export MILVUS_ADDRESS="127.0.0.1:$MILVUS_PORT"
# A collection records its model, and a process refuses one of another model:
# this name is the default model's (an older checkout's test_document_chunks
# holds all-MiniLM-L6-v2 vectors).
export MILVUS_COLLECTION=test_document_chunks_e5
export QUEUE_PREFIX=test
export LOG_LEVEL=warn

STARTED_FILE="$(mktemp)"
# shellcheck disable=SC2317 # called from the EXIT trap
finish() {
  local code=$?
  trap '' INT TERM
  local started=()
  mapfile -t started <"$STARTED_FILE"
  rm -f "$STARTED_FILE"
  if [[ "${CI:-}" == true ]]; then
    if ((${#started[@]})); then bash "$REPO_ROOT/scripts/services-down.sh" "${started[@]}" || true; fi
  else
    note "services are left running for the next test run; npm run services:down stops them"
  fi
  exit "$code"
}
trap finish EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

SERVICES_STARTED_FILE="$STARTED_FILE" bash "$REPO_ROOT/scripts/services-up.sh"

# With a filter (a path or -t pattern) one of the two projects may match no
# test, which jest calls a failure; without one, "no tests" is a real failure.
filter=()
if (($#)); then filter=(--passWithNoTests); fi

status=0
note "==== docker-compose.yml (docker compose config) ===="
bash "$REPO_ROOT/scripts/check-compose.sh" || status=1
note "==== typecheck (apps, packages, tests, bench, chaos) ===="
npx tsc -p tsconfig.json --noEmit || status=1
note "==== lint (typescript-eslint) and format (prettier --check; npm run format fixes it) ===="
npm run --silent lint || status=1
npm run --silent format:check || status=1
note "==== layer rules (dependency-cruiser) and deploy/ (promtool: alert rules, their tests, dashboard queries) ===="
npm run --silent check:layers || status=1
npm run --silent check:deploy || status=1
note "==== API types generated from the OpenAPI document are current (npm run generate:api-types) ===="
npm run --silent check:api-types || status=1
note "==== unit tests ===="
npx jest --selectProjects unit "${filter[@]}" "$@" || status=1
note "==== integration tests ===="
# Every test closes what it opens, so jest exits on its own (no --forceExit);
# find a leak with `npm test -- --detectOpenHandles`.
npx jest --selectProjects integration --runInBand "${filter[@]}" "$@" || status=1

if ((status)); then note "TESTS FAILED"; else note "all tests passed"; fi
exit "$status"
