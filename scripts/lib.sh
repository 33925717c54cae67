# Shared by scripts/*: start the services the tests need, and stop exactly what we started.
# shellcheck shell=bash

STARTED_PIDS=()

stop_started() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    # SIGINT is PostgreSQL's "fast" shutdown; other services treat it like SIGTERM.
    kill -INT "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# Starts the machine's PostgreSQL cluster unless it is already running, makes sure the `desk`
# role exists, and exports DESK_TEST_POSTGRES_URL for the tests.
start_postgres() {
  local line ver name status datadir pid
  line=$(pg_lsclusters --no-header 2>/dev/null | head -n 1)
  if [ -z "$line" ]; then
    echo "no PostgreSQL cluster found; run scripts/install-deps" >&2
    return 1
  fi
  read -r ver name _port status _owner datadir _log <<<"$line"
  if [ "$status" != "online" ]; then
    pg_ctlcluster --skip-systemctl-redirect "$ver" "$name" start
    pid=$(head -n 1 "$datadir/postmaster.pid")
    STARTED_PIDS+=("$pid")
    echo "started PostgreSQL $ver/$name (pid $pid)"
  fi
  local port
  port=$(pg_lsclusters --no-header | awk 'NR==1 {print $3}')
  su postgres -c "psql -p $port -qtAc \"SELECT 1 FROM pg_roles WHERE rolname='desk'\"" | grep -q 1 ||
    su postgres -c "psql -p $port -qc \"CREATE ROLE desk LOGIN SUPERUSER PASSWORD 'desk'\""
  export DESK_TEST_POSTGRES_URL="postgres://desk:desk@127.0.0.1:$port/postgres"
}
