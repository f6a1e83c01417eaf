# One PHP configuration for the helpdesk's CLI and Apache's mod_php (sourced
# by run.sh): Debian's module list (mysqli, intl, gd, imap, ... from
# /etc/php/8.2/<sapi>/conf.d, minus any s3_attachments entry, so the build
# under test is the only copy loaded) plus the extension under test.
# Outgoing e-mail (osTicket without SMTP uses PHP's mail()) goes to a sink
# that keeps each message in $MAIL_DIR: the suite reads the attachments
# osTicket put in its alerts.
# Sets PHP_DIR (PHPIniDir), PHP_SCAN_DIR, PHP_ERROR_LOG, MAIL_DIR and writes
# $TMP/bin/php, the CLI wrapper every helper and the suite run.

write_php_config() {
  PHP_DIR=$TMP/php PHP_SCAN_DIR=$TMP/php/conf.d PHP_ERROR_LOG=$TMP/php/errors.log MAIL_DIR=$TMP/mail
  mkdir -p "$PHP_SCAN_DIR" "$TMP/bin" "$MAIL_DIR"
  chmod 1777 "$MAIL_DIR" # the Apache children (www-data) send mail too
  cat >"$TMP/bin/sendmail" <<SH
#!/bin/sh
# PHP's sendmail_path: keeps the message instead of sending it.
exec cat >"\$(mktemp '$MAIL_DIR/XXXXXXXX.eml')"
SH
  chmod 755 "$TMP/bin" "$TMP/bin/sendmail"
  local f
  for f in /etc/php/8.2/apache2/conf.d/*.ini; do
    [[ $(basename "$f") == *s3_attachments* ]] || ln -s "$(readlink -f "$f")" "$PHP_SCAN_DIR/$(basename "$f")" # the name keeps the load order
  done
  cat >"$PHP_DIR/php.ini" <<INI
extension = $EXT
date.timezone = UTC
memory_limit = 256M
post_max_size = 64M
upload_max_filesize = 64M
max_execution_time = 120
output_buffering = 4096
display_errors = Off
display_startup_errors = On
log_errors = On
error_reporting = E_ALL
error_log = $PHP_ERROR_LOG
sendmail_path = $TMP/bin/sendmail
INI
  : >"$PHP_ERROR_LOG"
  chmod 666 "$PHP_ERROR_LOG" # the Apache children (www-data) append to it
  chmod 755 "$PHP_DIR" "$PHP_SCAN_DIR"
  chmod 644 "$PHP_DIR/php.ini"
  cat >"$TMP/bin/php" <<SH
#!/bin/sh
PHP_INI_SCAN_DIR='$PHP_SCAN_DIR' exec php -c '$PHP_DIR/php.ini' "\$@"
SH
  chmod 755 "$TMP/bin/php"
  "$TMP/bin/php" -r 'foreach (["s3_attachments", "mysqli", "intl", "mbstring", "gd", "imap", "zip", "apcu", "xml"] as $m)
      if (!extension_loaded($m)) { fwrite(STDERR, "PHP module $m is not loaded\n"); exit(1); }' ||
    die "the CLI PHP lacks a module (see above)"
}
