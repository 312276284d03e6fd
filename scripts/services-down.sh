#!/usr/bin/env bash
# Stops exactly the services that services-up.sh started, found by the PIDs it
# recorded in $LOCAL_DIR/pids/. Never touches anything else: not the machine's
# Redis on 6379, not PostgreSQL, not a Milvus or Redis someone else started.
#
# Usage: services-down.sh [e5] [milvus] [redis]   (no argument: all three)
# Idempotent: a service that is not running is skipped; stale PID files go.
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

STOP_TIMEOUT="${STOP_TIMEOUT:-20}"
take_lock

# stop_group NAME PID: SIGTERM to the whole process group (services-up started
# it with setsid, so PGID = PID), SIGKILL whatever is left after the timeout.
stop_group() {
  local name="$1" pgid="$2"
  kill -TERM -- "-$pgid" 2>/dev/null || true
  if ! wait_for "$STOP_TIMEOUT" bash -c "! kill -0 -- -$pgid 2>/dev/null"; then
    warn "$name (process group $pgid) still running after ${STOP_TIMEOUT} s: SIGKILL"
    kill -KILL -- "-$pgid" 2>/dev/null || true
    wait_for 5 bash -c "! kill -0 -- -$pgid 2>/dev/null" || warn "$name (process group $pgid) survived SIGKILL"
  fi
}

# stop_pid NAME PID: Redis daemonizes itself; SIGTERM makes it fsync the AOF
# and exit cleanly, which can take a moment with a large AOF.
stop_pid() {
  local name="$1" pid="$2"
  kill -TERM "$pid" 2>/dev/null || true
  if ! wait_for "$STOP_TIMEOUT" bash -c "! kill -0 $pid 2>/dev/null"; then
    warn "$name (pid $pid) still running after ${STOP_TIMEOUT} s: SIGKILL"
    kill -KILL "$pid" 2>/dev/null || true
  fi
}

services=("$@")
((${#services[@]})) || services=(e5 milvus redis)

for name in "${services[@]}"; do
  case "$name" in
    e5 | milvus | redis) ;;
    *) die "unknown service '$name' (expected e5, milvus or redis)" ;;
  esac
  if ! pid="$(pid_of "$name")"; then
    # pid_of has removed a stale PID file, if there was one.
    note "$name: not running (nothing of ours to stop)"
    continue
  fi
  note "$name: stopping pid $pid"
  if [[ "$name" == milvus || "$name" == e5 ]]; then
    # pid_of checked that group $pid still holds that service's processes.
    stop_group "$name" "$pid"
  else
    stop_pid "$name" "$pid"
  fi
  rm -f "$PID_DIR/$name.pid" "$PID_DIR/$name.addr" "$PID_DIR/$name.health"
  note "$name: stopped"
done
