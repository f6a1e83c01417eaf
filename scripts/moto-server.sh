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
NAME=moto-server SERVER_BIN=moto_server PORT_VARIABLE=MOTO_TEST_PORT STOP_SECONDS=10

source "$ROOT/scripts/lib/local-server.sh"

# Ready means an S3 ListBuckets answer, not merely an open port (Werkzeug
# opens it before the S3 backend is loaded, and anything else could hold it).
answers() {
  local out
  out=$(curl -s -f --max-time 2 "$ENDPOINT/" 2>/dev/null) && [[ $out == *ListAllMyBucketsResult* ]]
}

launch_server() {
  # -H 127.0.0.1: loopback only. setsid: a Ctrl-C in a test run must not kill
  # it, and it becomes a process group we can stop as a whole.
  (cd "$STATE" && exec setsid "$VENV/bin/moto_server" -H 127.0.0.1 -p "$PORT" \
    </dev/null >"$LOG" 2>&1 9>&-) &
  echo $! >"$PIDFILE"
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

env_lines() {
  cat <<EOF
export MOTO_TEST_ENDPOINT=$ENDPOINT
export MOTO_TEST_BUCKET=$BUCKET
export MOTO_TEST_ACCESS_KEY=$ACCESS_KEY
export MOTO_TEST_SECRET_KEY=$SECRET_KEY
EOF
}

local_server_main "$@"
