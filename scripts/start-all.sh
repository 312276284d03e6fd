#!/usr/bin/env bash
# `npm start`: the whole service on this machine, in the foreground.
#   1. services-up (Redis, PostgreSQL database, Milvus, the embedding server)
#   2. npm run migrate
#   3. the API (on 127.0.0.1) and one worker as child processes, output
#      prefixed, with a generated ADMIN_TOKEN for Bull Board, printed
# Ctrl-C (or SIGTERM) stops both children, then the services THIS run started
# (services that were already running are left alone). If either child exits
# on its own, the other is stopped too and the script exits non-zero, so a
# supervisor sees the failure instead of half a service.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"
cd "$REPO_ROOT"

CHILD_STOP_TIMEOUT="${CHILD_STOP_TIMEOUT:-20}"
STARTED_FILE="$(mktemp)"
children=() # PIDs of the api and worker; each leads its own process group

# The app reads these; derive them from the same ports services-up uses.
export REDIS_URL="${REDIS_URL:-redis://127.0.0.1:$REDIS_PORT}"
export MILVUS_ADDRESS="${MILVUS_ADDRESS:-127.0.0.1:$MILVUS_PORT}"
export DATABASE_URL="${DATABASE_URL:-postgres://$PGUSER@$PGHOST:$PGPORT/$PGDATABASE_NAME}"
# Embeddings: the config's default, EMBEDDING_PROVIDER=local-e5 (the
# multilingual-e5-small server services-up starts on 127.0.0.1:8390: Korean and
# English). EMBEDDING_PROVIDER=local selects all-MiniLM-L6-v2 in-process.
# Development: API keys are off (API_AUTH=disabled), so the API listens on
# this machine only; Bull Board and /metrics open with a token made for this
# run (printed below) unless ADMIN_TOKEN is set.
export HOST="${HOST:-127.0.0.1}"
if [[ -z "${ADMIN_TOKEN:-}" ]]; then
  ADMIN_TOKEN="$(od -An -N24 -tx1 /dev/urandom | tr -d ' \n')"
  export ADMIN_TOKEN
fi

# stop_children: SIGTERM each child's whole group (npm, sh, tsx, node) so the
# apps shut down gracefully, in parallel; SIGKILL a group that is still there
# after the timeout.
# shellcheck disable=SC2317 # called from the EXIT trap
stop_children() {
  local pid killer
  for pid in "${children[@]}"; do kill -TERM -- "-$pid" 2>/dev/null || true; done
  for pid in "${children[@]}"; do
    (sleep "$CHILD_STOP_TIMEOUT" && kill -KILL -- "-$pid" 2>/dev/null) &
    killer=$!
    # Reap the leader first (a zombie would look alive to kill -0), then wait
    # for the rest of its group (node may outlive npm by a moment).
    wait "$pid" 2>/dev/null || true
    wait_for "$CHILD_STOP_TIMEOUT" bash -c "! kill -0 -- -$pid 2>/dev/null" || kill -KILL -- "-$pid" 2>/dev/null || true
    kill "$killer" 2>/dev/null || true
  done
}

# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
  local code=$?
  # A second Ctrl-C must not cut the clean-up short (children have their own
  # process groups, so the terminal's signal does not reach them anyway).
  trap '' INT TERM
  stop_children
  local started=()
  mapfile -t started <"$STARTED_FILE"
  if ((${#started[@]})); then
    note "stopping the services this run started: ${started[*]}"
    bash "$REPO_ROOT/scripts/services-down.sh" "${started[@]}" || true
  fi
  rm -f "$STARTED_FILE"
  exit "$code"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# start_child NAME CMD...: runs CMD in its own session (setsid: own process
# group, so we can signal npm and everything under it at once), its output
# prefixed with [NAME]. The prefixer ignores INT/TERM so it outlives the
# child's shutdown and no log line is lost (it ends when the child closes stdout).
start_child() {
  local name="$1"
  shift
  setsid "$@" </dev/null > >(trap '' INT TERM; exec sed -u "s/^/[$name] /") 2>&1 &
  children+=("$!")
}

SERVICES_STARTED_FILE="$STARTED_FILE" bash "$REPO_ROOT/scripts/services-up.sh"
npm run --silent migrate

start_child "api   " npm run --silent start:api
start_child "worker" npm run --silent start:worker
note "api (pid ${children[0]}) and worker (pid ${children[1]}) started; Ctrl-C stops them"
note "API: http://$HOST:${PORT:-8000}  Bull Board: http://$HOST:${PORT:-8000}/admin/queues (any user name, password: the admin token)"
note "ADMIN_TOKEN=$ADMIN_TOKEN"

# Either child ending on its own is a failure: cleanup stops the other.
status=0
wait -n "${children[@]}" || status=$?
note "a child process exited (status $status); stopping the other"
exit 1
