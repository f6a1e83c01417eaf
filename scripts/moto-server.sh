#!/usr/bin/env bash
# A second, independent S3 implementation on 127.0.0.1 for the compatibility
# suite (tests/compat): moto's standalone server, from PyPI.
#
#   scripts/moto-server.sh start    # install if needed, start (or reuse), create the bucket
#   scripts/moto-server.sh stop     # stop the server this script started
#   scripts/moto-server.sh status   # exit 0 if it answers as an S3 store
#   scripts/moto-server.sh env      # export lines: eval "$(scripts/moto-server.sh env)"
#
# Port: MOTO_TEST_PORT (default 8335; SeaweedFS has 8333). State lives in
# .tools/moto-server/, the venv in .tools/moto-server-venv (git-ignored).
#
# moto checks no signature at all (any key pair is accepted), keeps everything
# in memory (a restart empties it) and differs from AWS where it matters for
# checksums: it reports a wrong CRC32C for multipart objects. See the README,
# "Compatibility with S3-compatible stores".
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${MOTO_TEST_PORT:-8335}
ENDPOINT=http://127.0.0.1:$PORT
BUCKET=s3att-compat
# moto accepts any credentials; these only have to look like keys.
ACCESS_KEY=S3ATTMOTOTESTKEY0001 SECRET_KEY=s3att-moto-secret-local-only

VENV=$ROOT/.tools/moto-server-venv
REQS=$ROOT/scripts/moto-requirements.txt
STATE=$ROOT/.tools/moto-server
PIDFILE=$STATE/moto.pid LOG=$STATE/moto.log

say() { echo "moto-server: $*"; }
die() { echo "moto-server: $*" >&2; exit 1; }

# Ready means an S3 ListBuckets answer, not merely an open port (Werkzeug
# opens it before the S3 backend is loaded, and anything else could hold it).
answers() {
  local out
  out=$(curl -s -f --max-time 2 "$ENDPOINT/" 2>/dev/null) && [[ $out == *ListAllMyBucketsResult* ]]
}

# The pid in our pid file, if that process is still a moto_server.
our_pid() {
  local pid
  [[ -f $PIDFILE ]] && pid=$(<"$PIDFILE") && [[ -n $pid ]] &&
    grep -qa moto_server "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [[ -n $state && $state != [ZX] ]]
}

install_moto() {
  # Reinstall only when the pinned requirements change (copy kept in the venv).
  if [[ -x $VENV/bin/moto_server ]] && cmp -s "$REQS" "$VENV/requirements.installed"; then
    return
  fi
  say "installing moto[server] into ${VENV#"$ROOT"/} (pinned by hash; about a minute)"
  rm -rf "$VENV"
  mkdir -p "$(dirname "$VENV")"
  python3 -m venv --without-pip "$VENV" || die "python3 -m venv failed; run scripts/install-deps.sh"
  local pip=(python3 -m pip --python "$VENV/bin/python")
  if ! "${pip[@]}" --version >/dev/null 2>&1; then
    "$VENV/bin/python" -m ensurepip >/dev/null
    pip=("$VENV/bin/python" -m pip)
  fi
  "${pip[@]}" install -q --disable-pip-version-check --no-input \
    --only-binary=:all: --require-hashes -r "$REQS" ||
    die "installing moto failed (the hashes pin CPython 3.11 wheels for linux x86-64; see $REQS)"
  cp "$REQS" "$VENV/requirements.installed"
}

launch() {
  # -H 127.0.0.1: loopback only. setsid: a Ctrl-C in a test run must not kill
  # it, and it becomes a process group we can stop as a whole.
  (cd "$STATE" && exec setsid "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" \
    </dev/null >"$LOG" 2>&1 9>&-) &
  echo $! >"$PIDFILE"
  say "started moto_server (pid $!), log ${LOG#"$ROOT"/}"
}

terminate() {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do # up to 10 s
    alive "$pid" || return 0
    sleep 0.2
  done
  say "still running after 10 s; killing its process group"
  kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
}

wait_ready() {
  local pid=$1 started=${2:-} i
  for ((i = 0; i < 300; i++)); do # 60 s
    answers && return 0
    alive "$pid" || break
    sleep 0.2
  done
  echo "moto-server: server did not become ready on $ENDPOINT; last log lines:" >&2
  tail -n 30 "$LOG" >&2 || true
  if [[ $started == started ]] && alive "$pid"; then
    say "stopping the server this run started (pid $pid)" >&2
    terminate "$pid"
    rm -f "$PIDFILE"
  fi
  exit 1
}

ensure_bucket() {
  # moto checks no signature, so a plain request creates the bucket.
  local code
  code=$(curl -s -X PUT "$ENDPOINT/$BUCKET" -o "$STATE/create-bucket.out" -w '%{http_code}' --max-time 10) || true
  if [[ $code == 200 ]] || grep -q BucketAlreadyOwnedByYou "$STATE/create-bucket.out"; then
    say "bucket $BUCKET ready at $ENDPOINT"
  else
    cat "$STATE/create-bucket.out" >&2
    tail -n 30 "$LOG" >&2 || true
    die "creating bucket $BUCKET failed (HTTP $code)"
  fi
}

start() {
  local pid
  mkdir -p "$STATE"
  exec 9>"$STATE/start.lock"
  flock 9
  if answers; then
    say "reusing the server already answering on $ENDPOINT"
  elif pid=$(our_pid); then
    say "server (pid $pid) is running but not answering yet; waiting"
    wait_ready "$pid"
  else
    if curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; then
      die "port $PORT is taken by something that is no S3 store; set MOTO_TEST_PORT"
    fi
    install_moto
    launch
    wait_ready "$(<"$PIDFILE")" started
  fi
  ensure_bucket
}

stop() {
  local pid
  mkdir -p "$STATE"
  exec 9>"$STATE/start.lock"
  flock 9
  if ! pid=$(our_pid); then
    rm -f "$PIDFILE"
    say "no server started by this script is running"
    if answers; then say "note: something else still answers on $ENDPOINT"; fi
    return 0
  fi
  say "stopping moto_server (pid $pid)"
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

env_lines() {
  cat <<EOF
export MOTO_TEST_ENDPOINT=$ENDPOINT
export MOTO_TEST_BUCKET=$BUCKET
export MOTO_TEST_ACCESS_KEY=$ACCESS_KEY
export MOTO_TEST_SECRET_KEY=$SECRET_KEY
EOF
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
