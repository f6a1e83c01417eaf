#!/usr/bin/env bash
# The plugin in a REAL osTicket 1.18.1: a private MariaDB and a private
# Apache 2.4 + mod_php 8.2 on 127.0.0.1 (free ports, temp dir, stopped on
# exit), osTicket unpacked from a tarball and installed headlessly, the
# plugin from php/ installed, configured (its real form, its access check
# against S3) and enabled through osTicket's PluginManager, the extension
# loaded in Apache's and the CLI's PHP. Then suite/run.php drives what
# osTicket itself calls: the config form, manage.php file backends/migrate,
# API tickets with attachments, file.php downloads (redirect and proxy),
# deletes, cron, getData(). Then the same helpdesk switches to the plugin
# as one file, dist/s3-attachments-plugin.phar (scripts/package-plugin
# builds it; a missing or stale one fails the run), and stores, reads and
# serves a file through it. See README.md in this folder.
#
#   tests/osticket/run.sh
#   OSTICKET_PLUGIN_FROM=phar tests/osticket/run.sh   # the whole suite on the .phar
#
# Needs root (apt, and Apache drops its children to www-data), the built
# extension (S3A_EXTENSION_PATH, default target/debug/libs3_attachments.so),
# a running S3 server described by S3_TEST_* (scripts/s3-server.sh start;
# eval "$(scripts/s3-server.sh env)"), and osTicket 1.18.1:
# OSTICKET_TARBALL, default ../shared/osticket/osTicket-v1.18.1.tar.gz
# beside the repository. OSTICKET_KEEP=1 keeps the temp dir (helpdesk,
# configs, logs) and leaves the test objects in the bucket.
#
# Why Apache with mod_php and not php-fpm: osTicket's JSON API needs
# api/.htaccess (mod_rewrite to api/http.php), which only Apache reads, and
# mod_php loads the extension in the same process tree that serves the
# request: no FastCGI wiring to get wrong. php-fpm is covered by
# tests/servers/run.sh for the extension itself.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
source "$HERE/lib/helpdesk.sh"

START=$SECONDS
check_prerequisites "apt, and Apache drops its children to www-data"
check_plugin_source phar # the archive is installed after the suite, if not as the plugin itself

TMP=$(mktemp -d /tmp/s3a-osticket.XXXXXX)
chmod 755 "$TMP" # the Apache children (www-data) read the helpdesk inside it
cleanup() {
  stop_started
  if [[ ${OSTICKET_KEEP:-} == 1 ]]; then say "kept $TMP"; else rm -rf "$TMP"; fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# New objects of this run go under their own folder of the shared bucket.
OST_S3_FOLDER=osticket-tests/$(date +%Y%m%d%H%M%S)-$$
say "extension $EXT"
say "S3 $S3_TEST_ENDPOINT bucket $S3_TEST_BUCKET, folder $OST_S3_FOLDER"

set_up_helpdesk
say "set-up done in $((SECONDS - START)) s"

run_suite() { # run_suite [TEST_FILE...]: suite/run.php in a booted helpdesk (default: every test file)
  OST_ROOT=$OST_ROOT OST_HTTP_HOST=$OST_HTTP_HOST OST_URL=$WEB_URL OST_PHP=$TMP/bin/php \
    OST_S3_FOLDER=$OST_S3_FOLDER OST_PHP_ERROR_LOG=$PHP_ERROR_LOG OST_MAIL_DIR=$MAIL_DIR OST_APACHE_ERROR_LOG=$TMP/apache/error.log OST_KEEP_OBJECTS=${OSTICKET_KEEP:-} \
    "$TMP/bin/php" "$HERE/suite/run.php" "$@"
}

echo
rc=0
run_suite || rc=$?
if [[ $PLUGIN_FROM == folder ]]; then
  # The plugin as one file, in the same helpdesk, servers and bucket folder:
  # the short check that osTicket lists, installs and runs the .phar.
  echo
  t0=$EPOCHREALTIME
  switch_plugin_to_phar
  run_suite phar_plugin logs || rc=$?
  say "the plugin from $PLUGIN_PHAR_PATH checked in $(awk "BEGIN { printf \"%.1f\", $EPOCHREALTIME - $t0 }") s"
fi
if ((rc != 0)); then
  show_log "$PHP_ERROR_LOG" "$PHP_NOISE"
  show_log "$TMP/apache/error.log"
fi
say "done in $((SECONDS - START)) s"
exit "$rc"
