#!/usr/bin/env bash
# The start/stop life of scripts/lib/local-server.sh (behind
# scripts/s3-server.sh and scripts/moto-server.sh), with a stand-in server
# whose start can be slowed or broken: python3's http.server, serving a
# directory named stand-in-store, which is how the library recognises it
# (SERVER_BIN in its command line).
#
#   tests/scripts/local-server.sh      # about 15 s
#
# 1. The launched subshell takes 3 s to exec the server (a busy machine):
#    start waits for it and succeeds. It used to look for the server's name
#    in the pid's command line at once and give up within 2 s.
# 2. The server runs but never answers: start gives up after READY_SECONDS,
#    says so, and stops the process it started (pid file removed).
# 3. The server exits at once: start gives up without waiting the full time.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
TMP=$(mktemp -d /tmp/s3a-local-server.XXXXXX)
failures=0
checks=0

check() { # check WHAT COMMAND...
  local what=$1
  shift
  checks=$((checks + 1))
  if "$@"; then
    echo "ok   $what"
  else
    echo "FAIL $what"
    failures=$((failures + 1))
  fi
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# Runs the library's `start` in a child shell with the stand-in server, on a
# free port of its own. $1: what the launched subshell does before it execs
# (a busy machine: "sleep 3"); $2: what it becomes: a server that answers
# (answers), one that runs and never answers (silent) or none (exits).
run_start() {
  local delay=$1 kind=$2
  PORT=$(free_port)
  STATE=$TMP/state-$PORT
  (
    NAME=stand-in ENDPOINT=http://127.0.0.1:$PORT
    PIDFILE=$STATE/server.pid LOG=$STATE/server.log
    SERVER_BIN=stand-in-store STOP_SECONDS=5 PORT_VARIABLE=STAND_IN_PORT READY_SECONDS=6
    VENV=$TMP/venv REQS=/dev/null
    # shellcheck source=../../scripts/lib/local-server.sh
    source "$ROOT/scripts/lib/local-server.sh"
    install_server() { :; }
    ensure_bucket() { :; }
    answers() { curl -sf -o /dev/null --max-time 1 "$ENDPOINT/"; }
    launch_server() {
      local program
      case $kind in
        answers) program=(python3 -m http.server --bind 127.0.0.1 --directory "$STATE/stand-in-store" "$PORT") ;;
        silent) program=(python3 -c 'import time; time.sleep(600)' "$STATE/stand-in-store") ;;
        exits) program=(python3 -c 'raise SystemExit("stand-in: cannot start")' "$STATE/stand-in-store") ;;
      esac
      mkdir -p "$STATE/stand-in-store"
      # As s3-server.sh does: a subshell that execs setsid, which execs the server.
      (eval "$delay"; exec setsid "${program[@]}" </dev/null >"$LOG" 2>&1 9>&-) &
      echo $! >"$PIDFILE"
    }
    start
  ) >"$TMP/out" 2>&1
}

# The pid the library reported starting, from its output.
started_pid() { sed -n 's/.*started stand-in-store (pid \([0-9]*\)).*/\1/p' "$TMP/out"; }
pid_file_names_server() { [[ -f $STATE/server.pid ]] && grep -qa stand-in-store "/proc/$(<"$STATE/server.pid")/cmdline"; }
gone() { [[ -n $1 ]] && ! kill -0 "$1" 2>/dev/null; }
said() { grep -q "$1" "$TMP/out"; }

cleanup() {
  pkill -f "$TMP/state-.*/stand-in-store" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

echo "--- a server whose launch takes 3 s to exec"
rc=0
run_start "sleep 3" answers || rc=$?
check "start succeeds (exit $rc)" test "$rc" -eq 0
check "it did not give up first" bash -c '! grep -q "did not become ready" "$1"' _ "$TMP/out"
check "the server answers" curl -sf -o /dev/null --max-time 2 "http://127.0.0.1:$PORT/"
check "the pid file names the server" pid_file_names_server
pid=$(started_pid)
[[ -z $pid ]] || kill -TERM -- "-$pid" 2>/dev/null || true

echo "--- a server that runs and never answers"
rc=0
run_start "sleep 1" silent || rc=$?
pid=$(started_pid)
check "start fails (exit $rc)" test "$rc" -eq 1
check "it says the server did not become ready" said "server did not become ready on http://127.0.0.1:$PORT"
check "it says it stops what it started" said "stopping the server this run started (pid $pid)"
sleep 0.5
check "the process it started is gone (pid ${pid:-none})" gone "$pid"
check "its pid file is removed" test ! -e "$STATE/server.pid"

echo "--- a server that exits at once"
rc=0
SECONDS=0
run_start "true" exits || rc=$?
check "start fails (exit $rc)" test "$rc" -eq 1
check "it says the server did not become ready" said "server did not become ready"
check "it did not wait the full READY_SECONDS (took ${SECONDS} s of 6)" test "$SECONDS" -lt 5

echo
if ((failures)); then
  echo "tests/scripts/local-server.sh: $failures of $checks checks failed; last output:"
  cat "$TMP/out"
  exit 1
fi
echo "tests/scripts/local-server.sh: $checks checks passed"
