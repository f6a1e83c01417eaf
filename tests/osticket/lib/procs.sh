# Process and port helpers for tests/osticket/run.sh (sourced): the same
# patterns as tests/servers/run.sh. Every server runs in a process group of
# its own (setsid), is remembered in STARTED_PIDS and stopped on exit.

say() { echo "osticket: $*"; }
die() { echo "osticket: $*" >&2; exit 1; }

STARTED_PIDS=() # leaders of the process groups we started (setsid)

# stop_group, kill_group, free_port, port_open, wait_started: tests/support/server-tools.sh
source "$(dirname "${BASH_SOURCE[0]}")/../../support/server-tools.sh"

stop_started() { # every server we started, newest first
  local i pid
  for ((i = ${#STARTED_PIDS[@]} - 1; i >= 0; i--)); do
    pid=${STARTED_PIDS[i]}
    stop_group "$pid" TERM 10 || true
    kill_group "$pid"
  done
  STARTED_PIDS=()
}

show_log() { # show_log FILE [NOISE_REGEX]: its last lines without the noise, on failure
  [[ -s $1 ]] || return 0
  echo "---- $1 (last 60 lines${2:+ not matching $2})" >&2
  if [[ -n ${2:-} ]]; then grep -vE "$2" "$1" | tail -n 60 >&2; else tail -n 60 "$1" >&2; fi
  echo "----" >&2
}

# osTicket 1.18 under PHP 8.2 logs deprecations on every request.
PHP_NOISE='PHP Deprecated:'

# What both tests/osticket/run.sh and browser/run.sh need before they start
# anything: the extension (sets EXT to its absolute path), the S3 test
# server's environment, root ($1 says why), the osTicket tarball, and the
# packages. Uses ROOT, check_tarball and install_packages.
check_prerequisites() {
  EXT=${S3A_EXTENSION_PATH:-$ROOT/target/debug/libs3_attachments.so}
  [[ -f $EXT ]] || die "extension not found at $EXT (cargo build --locked, or set S3A_EXTENSION_PATH)"
  EXT=$(cd "$(dirname "$EXT")" && pwd -P)/$(basename "$EXT")
  local v
  for v in S3_TEST_ENDPOINT S3_TEST_REGION S3_TEST_BUCKET S3_TEST_ACCESS_KEY S3_TEST_SECRET_KEY; do
    [[ -n ${!v:-} ]] || die "$v is not set; start the S3 server: scripts/s3-server.sh start; eval \"\$(scripts/s3-server.sh env)\""
  done
  [[ $EUID -eq 0 ]] || die "must run as root ($1)"
  check_tarball
  install_packages
}
