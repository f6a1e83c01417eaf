# A private Apache 2.4 with mod_php 8.2 serving the helpdesk (sourced by
# run.sh): prefork, bound to 127.0.0.1 on a free port, config and logs under
# $TMP, the extension loaded at startup through PHP_DIR's php.ini.
# AllowOverride All: osTicket's api/.htaccess rewrites /api/tickets.json to
# api/http.php (mod_rewrite), and include/.htaccess denies access (the old
# "Deny from all", mod_access_compat). Sets WEB_PORT, WEB_URL.

WEB_WORKERS=4

web_ready() { # any HTTP answer (a 404 for a path that does not exist)
  [[ $(curl -s --max-time 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$WEB_PORT/s3a-ready-probe") != 000 ]]
}

start_apache() {
  local dir=$TMP/apache attempt pid= log
  mkdir -p "$dir"
  log=$dir/error.log
  for attempt in 1 2 3; do
    WEB_PORT=$(free_port)
    { apache_conf_base "$dir" "$WEB_PORT" "$WEB_WORKERS" authz_host access_compat mime dir rewrite
      cat <<CONF
KeepAlive On
Timeout 120

TypesConfig /etc/mime.types
LogFormat "%h %t \"%r\" %>s %b %D \"%{Range}i\"" timed
CustomLog "$dir/access.log" timed
PHPIniDir "$PHP_DIR"
DocumentRoot "$OST_ROOT"
DirectoryIndex index.php index.html
<Directory />
  AllowOverride None
  Require all denied
</Directory>
<Directory "$OST_ROOT">
  AllowOverride All
  Require all granted
</Directory>
<FilesMatch "\.php\$">
  SetHandler application/x-httpd-php
</FilesMatch>
CONF
    } >"$dir/apache2.conf"
    PHP_INI_SCAN_DIR=$PHP_SCAN_DIR setsid apache2 -f "$dir/apache2.conf" -DFOREGROUND \
      </dev/null >"$dir/stdout.log" 2>&1 &
    pid=$!
    STARTED_PIDS+=("$pid")
    wait_started "$pid" 100 web_ready && break
    say "Apache did not start on port $WEB_PORT (attempt $attempt)"
    show_log "$log"; show_log "$dir/stdout.log"
    stop_group "$pid" TERM 10 || kill_group "$pid"
    pid=
  done
  [[ -n $pid ]] || die "Apache did not start (logs above)"
  WEB_URL=http://127.0.0.1:$WEB_PORT
  say "Apache (prefork, mod_php $(php -r 'echo PHP_VERSION;')) pid $pid on $WEB_URL"
}
