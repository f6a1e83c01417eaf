# The life of a local test server on 127.0.0.1, shared by scripts/s3-server.sh
# (SeaweedFS) and scripts/moto-server.sh (moto): install into a venv pinned by
# hash, start (or reuse), wait until it answers, stop, status.
# Sourced, not run. The sourcing script sets:
#   NAME ROOT PORT ENDPOINT STATE PIDFILE LOG VENV REQS
#   SERVER_BIN       the program in the venv (weed, moto_server); also how our
#                    pid is recognised in /proc/PID/cmdline
#   STOP_SECONDS     how long a TERM may take before the group is killed
#   PORT_VARIABLE    the environment variable that moves the port
# and defines: answers (0 when it answers as the store), launch_server (starts
# it in the background, setsid, pid into $PIDFILE), ensure_bucket, env_lines;
# optionally before_launch and check_our_server PID, and READY_SECONDS (how
# long a server may take to answer; default 60).

say() { echo "$NAME: $*"; }
die() { echo "$NAME: $*" >&2; exit 1; }

# The pid in our pid file, if that process is still our server.
our_pid() {
  local pid
  [[ -f $PIDFILE ]] && pid=$(<"$PIDFILE") && [[ -n $pid ]] &&
    grep -qa "$SERVER_BIN" "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

# Whether a process exists and has not exited (a child we have not reaped
# yet stays in /proc as a zombie, and kill -0 succeeds on it).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [[ -n $state && $state != [ZX] ]]
}

install_server() {
  # Reinstall only when the pinned requirements change (copy kept in the venv).
  if [[ -x $VENV/bin/$SERVER_BIN ]] && cmp -s "$REQS" "$VENV/requirements.installed"; then
    return
  fi
  say "installing into ${VENV#"$ROOT"/} (pinned by hash)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  # Seeding pip into the venv (ensurepip) takes ~7 s; the host's pip, when it
  # has one, can install into a bare venv instead (~3 s).
  python3 -m venv --without-pip "$VENV" || die "python3 -m venv failed; run scripts/install-deps.sh"
  local pip=(python3 -m pip --python "$VENV/bin/python")
  if ! "${pip[@]}" --version >/dev/null 2>&1; then
    "$VENV/bin/python" -m ensurepip >/dev/null
    pip=("$VENV/bin/python" -m pip)
  fi
  "${pip[@]}" install -q --disable-pip-version-check --no-input \
    --only-binary=:all: --require-hashes -r "$REQS" ||
    die "installing from $REQS failed (its hashes pin wheels for one Python and platform)"
  cp "$REQS" "$VENV/requirements.installed"
}

# Stops a server and everything in its process group (setsid made it the
# leader).
terminate() {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < STOP_SECONDS * 5; i++)); do
    alive "$pid" || break
    sleep 0.2
  done
  if alive "$pid"; then
    say "still running after $STOP_SECONDS s; killing its process group"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  elif kill -0 -- "-$pid" 2>/dev/null; then
    kill -KILL -- "-$pid" 2>/dev/null || true # what it left behind in its group
  fi
}

# Waits for the server of pid $1 to answer. $2 = "started": this run
# launched it, so it is stopped again if it never answers. The launched pid
# is checked for being alive, not for being our server: right after launch it
# is still the subshell that has not exec'd the server yet (on a busy
# machine, for a while), and taking that for a dead server gave up at once.
wait_ready() {
  local pid=$1 started=${2:-} i
  for ((i = 0; i < ${READY_SECONDS:-60} * 5; i++)); do # polled every 0.2 s
    answers && return 0
    alive "$pid" || break # it died: no point waiting
    sleep 0.2
  done
  echo "$NAME: server did not become ready on $ENDPOINT; last log lines:" >&2
  tail -n 30 "$LOG" >&2 || true
  if [[ $started == started ]] && alive "$pid"; then
    say "stopping the server this run started (pid $pid)" >&2
    terminate "$pid"
    rm -f "$PIDFILE"
  fi
  exit 1
}

start() {
  local pid
  mkdir -p "$STATE"
  # Concurrent `start`s (parallel test runners) must not race into two servers.
  exec 9>"$STATE/start.lock"
  flock 9
  if answers; then
    say "reusing the server already answering on $ENDPOINT"
  elif pid=$(our_pid); then
    if declare -F check_our_server >/dev/null; then check_our_server "$pid"; fi
    say "server (pid $pid) is running but not answering yet; waiting"
    wait_ready "$pid"
  else
    # Something else on the port (not answering as our store): don't fight it.
    if curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; then
      die "port $PORT is taken by something that does not answer as this store; set $PORT_VARIABLE"
    fi
    install_server
    if declare -F before_launch >/dev/null; then before_launch; fi
    launch_server
    say "started $SERVER_BIN (pid $(<"$PIDFILE")), log ${LOG#"$ROOT"/}"
    wait_ready "$(<"$PIDFILE")" started
  fi
  ensure_bucket
}

stop() {
  local pid
  mkdir -p "$STATE"
  # The start lock too: a `start` racing this stop would otherwise see the
  # dying server answer and reuse it, or launch one whose pid file we remove.
  exec 9>"$STATE/start.lock"
  flock 9
  if ! pid=$(our_pid); then
    rm -f "$PIDFILE"
    say "no server started by this script is running"
    if answers; then say "note: something else still answers on $ENDPOINT"; fi
    return 0
  fi
  say "stopping $SERVER_BIN (pid $pid)"
  terminate "$pid"
  rm -f "$PIDFILE"
  say "stopped"
}

status() {
  local pid
  pid=$(our_pid) || pid=
  if answers; then
    say "running on $ENDPOINT ($([[ -n $pid ]] && echo "pid $pid" || echo "not started by this script"))"
  elif [[ -n $pid ]]; then
    say "process $pid is running but $ENDPOINT does not answer"
    return 1
  else
    say "not running"
    return 1
  fi
}

local_server_main() {
  case ${1:-} in
    start) start ;;
    install) install_server ;;
    stop) stop ;;
    status) status ;;
    env) env_lines ;;
    *) echo "usage: $0 start|stop|status|env|install" >&2; exit 2 ;;
  esac
}
