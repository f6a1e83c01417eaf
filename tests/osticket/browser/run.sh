#!/usr/bin/env bash
# A real browser against the real osTicket (issue 11): Debian's chromium,
# headless, driven by playwright-core, logs in as the helpdesk's admin agent
# and opens a ticket whose thread shows an inline PNG and carries a 60 s WAV,
# both stored in S3 by the plugin. In proxy mode and then in redirect mode it
# checks that the image shows, that the WAV plays and seeks (proxy mode:
# Apache's access log shows 206 answers to the browser's ranges), and that on
# reload in redirect mode the image comes from the browser's cache (no
# request for it reaches the store: a request recorder sits in front of
# SeaweedFS and the plugin's endpoint points at it). Screenshots go to a
# folder the run prints (tests/osticket/browser/artifacts/, git-ignored).
#
#   tests/osticket/browser/run.sh      # as root; prints "N passed, M failed"
#
# Needs what tests/osticket/run.sh needs (root, the extension, S3_TEST_*, the
# osTicket tarball) and installs what is missing: its apt packages, Debian's
# chromium, and playwright-core from npm (pinned in package-lock.json).
# OSTICKET_KEEP=1 keeps the temp dir (helpdesk, logs).
set -euo pipefail

BROWSER=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
HERE=$(cd "$BROWSER/.." && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
source "$HERE/lib/helpdesk.sh"
say() { echo "browser: $*"; }
# A browser keeps up to 6 keep-alive connections to the helpdesk, each holding
# a prefork worker until KeepAliveTimeout (5 s): with the suite's 4 workers
# every page stalled 5-7 s waiting for one.
WEB_WORKERS=12
die() { echo "browser: $*" >&2; exit 1; }

START=$SECONDS
check_prerequisites "apt, Apache's www-data children, chromium without its sandbox"
check_plugin_source
if [[ ! -x /usr/bin/chromium ]]; then
  say "apt: installing chromium"
  { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends chromium; } ||
    die "apt-get could not install chromium"
fi
command -v node >/dev/null && command -v npm >/dev/null ||
  die "node (20 or later: playwright-core's own requirement) and npm are needed"
if [[ ! -f $BROWSER/node_modules/playwright-core/package.json ]]; then
  say "npm: installing playwright-core (package-lock.json)"
  (cd "$BROWSER" && npm ci --no-audit --no-fund --loglevel=error) || die "npm ci failed in $BROWSER"
fi

ARTIFACTS=$BROWSER/artifacts/$(date -u +%Y%m%dT%H%M%SZ)-$$
mkdir -p "$ARTIFACTS"
TMP=$(mktemp -d /tmp/s3a-browser.XXXXXX)
chmod 755 "$TMP" # the Apache children (www-data) read the helpdesk inside it
cleanup() {
  stop_started
  # The run's objects: prepare.php stored them under the run's folder of the shared bucket.
  if [[ -n ${OST_PHP:-} && ${OSTICKET_KEEP:-} != 1 ]]; then
    ROOT=$ROOT "$OST_PHP" -r 'require getenv("ROOT")."/tests/osticket/suite/lib.php";
      foreach (store_keys(getenv("OST_S3_FOLDER")."/") as $k) s3()->delete($k);' ||
      say "could not delete the objects under $OST_S3_FOLDER/"
  fi
  if [[ ${OSTICKET_KEEP:-} == 1 ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

OST_S3_FOLDER=osticket-tests/browser-$(date +%Y%m%d%H%M%S)-$$
say "extension $EXT"
say "S3 $S3_TEST_ENDPOINT bucket $S3_TEST_BUCKET, folder $OST_S3_FOLDER"
set_up_helpdesk # its admin agent: s3admin, password Adm1n-$$-Passw0rd! (this shell's $$)

# The request recorder in front of SeaweedFS: the plugin talks to the store
# through it, and so does the browser in redirect mode (signed URLs name
# the endpoint), so its log holds every request that reached the store.
STORE_LOG=$TMP/store-requests.log
setsid python3 "$ROOT/tests/support/fault_proxy.py" --upstream "$(php -r 'echo parse_url($argv[1], PHP_URL_HOST), ":", parse_url($argv[1], PHP_URL_PORT);' "$S3_TEST_ENDPOINT")" \
  --log-requests "$STORE_LOG" </dev/null >"$TMP/recorder.port" 2>"$TMP/recorder.err" &
STARTED_PIDS+=("$!")
wait_started "$!" 50 test -s "$TMP/recorder.port" || { show_log "$TMP/recorder.err"; die "fault_proxy.py (the request recorder) did not start"; }
RECORDER=http://127.0.0.1:$(head -n 1 "$TMP/recorder.port")
say "request recorder at $RECORDER"

export OST_ROOT OST_HTTP_HOST OST_S3_FOLDER OST_PHP=$TMP/bin/php OST_URL=$WEB_URL OST_PHP_ERROR_LOG=$PHP_ERROR_LOG
"$OST_PHP" "$BROWSER/prepare.php" ticket "$TMP/ticket.json" || die "could not prepare the ticket"
say "set-up done in $((SECONDS - START)) s"

rc=0
OST_ADMIN_USER=s3admin OST_ADMIN_PASS="Adm1n-$$-Passw0rd!" OST_TICKET_JSON=$TMP/ticket.json \
  OST_ACCESS_LOG=$TMP/apache/access.log OST_STORE_LOG=$STORE_LOG OST_RECORDER=$RECORDER \
  OST_ARTIFACTS=$ARTIFACTS OST_PREPARE="$BROWSER/prepare.php" \
  node "$BROWSER/drive.mjs" || rc=$?
if ((rc != 0)); then
  show_log "$PHP_ERROR_LOG" "$PHP_NOISE"
  show_log "$TMP/apache/error.log"
  show_log "$TMP/apache/access.log"
fi
say "screenshots in $ARTIFACTS"
say "done in $((SECONDS - START)) s"
exit "$rc"
