#!/usr/bin/env bash
# The extension under real servers that fork their workers after module
# startup: a private php-fpm (pm = static, 4 workers) and a private Apache
# with mod_php (prefork, 4 children), each with the extension loaded at
# startup, each driven with a few hundred upload / read / passthru / presign
# requests (tests/servers/drive.php). Checks every byte, that no request
# hangs, that workers survive, and that each worker reuses its S3 connections
# (a counting proxy, conn_counter.py, sits between the workers and S3).
#
#   tests/servers/run.sh
#
# Needs: the built extension (S3A_EXTENSION_PATH, default
# target/debug/libs3_attachments.so) and a running S3 server described by
# S3_TEST_* (scripts/test sets both; by hand: cargo build --locked;
# scripts/s3-server.sh start; eval "$(scripts/s3-server.sh env)").
# Installs php8.2-fpm, apache2, libapache2-mod-php8.2 and libfcgi-bin when
# missing. Never touches the system's php-fpm or Apache configuration or
# services: everything runs from a temp dir, bound to 127.0.0.1 on free ports.
#
# Then, on php-fpm and Apache, cancelled downloads (tests/servers/cancel.py):
# a large object passthru()'d and cut by the client with a reset, many
# times, with ignore_user_abort on and off; the workers' S3 connections and
# memory must stay flat.
#
# Knobs: S3A_SERVERS_REQUESTS (300 per server), S3A_SERVERS_CONCURRENCY (8),
# S3A_SERVERS_TIMEOUT (20 s per request), S3A_SERVERS_SEED (repeat a run's
# request mix), S3A_SERVERS_ONLY (fpm or apache), S3A_SERVERS_KEEP=1 (keep
# the temp dir with configs and logs), S3A_SERVERS_CANCELS (30 cancelled
# downloads per mode and server), S3A_SERVERS_CANCEL_MIB (32, the object's size).
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
ROOT=$(cd "$HERE/../.." && pwd -P)
EXT=${S3A_EXTENSION_PATH:-$ROOT/target/debug/libs3_attachments.so}
REQUESTS=${S3A_SERVERS_REQUESTS:-300}
CONCURRENCY=${S3A_SERVERS_CONCURRENCY:-8}
TIMEOUT=${S3A_SERVERS_TIMEOUT:-20}
ONLY=${S3A_SERVERS_ONLY:-}
CANCELS=${S3A_SERVERS_CANCELS:-30}
CANCEL_MIB=${S3A_SERVERS_CANCEL_MIB:-32}
CANCEL_FATAL_AFTER_KIB=4096 # below CANCEL_MIB: a passthru() into an output buffer fails mid-stream
CANCEL_MEMORY_LIMIT_MIB=64 CANCEL_HOG_MIB=48 # the buffer meets memory_limit after ~16 MiB, below CANCEL_MIB
WORKERS=4
# Connections a worker may open over the run: one kept alive for requests,
# the parts runtime's own for the 2 parts of a 6 MiB upload, and slack for
# the server closing an idle one. Without reuse, every S3 request would open
# one: hundreds per server.
MAX_CONNS_PER_WORKER=4

say() { echo "servers: $*"; }
die() { echo "servers: $*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites

[[ -f $EXT ]] || die "extension not found at $EXT (cargo build --locked, or set S3A_EXTENSION_PATH)"
EXT=$(cd "$(dirname "$EXT")" && pwd -P)/$(basename "$EXT")
for v in S3_TEST_ENDPOINT S3_TEST_BUCKET S3_TEST_ACCESS_KEY S3_TEST_SECRET_KEY; do
  [[ -n ${!v:-} ]] || die "$v is not set; start the S3 server: scripts/s3-server.sh start; eval \"\$(scripts/s3-server.sh env)\""
done
[[ $S3_TEST_ENDPOINT =~ ^http://([^/:]+):([0-9]+)/?$ ]] ||
  die "S3_TEST_ENDPOINT must be http://HOST:PORT (the counting proxy forwards plain TCP), got $S3_TEST_ENDPOINT"
S3_HOST=${BASH_REMATCH[1]} S3_PORT=${BASH_REMATCH[2]}

# Root: php-fpm and Apache switch their workers to www-data, and apt.
[[ $EUID -eq 0 ]] || die "must run as root (php-fpm and Apache drop their workers to www-data)"

source "$HERE/../support/server-tools.sh" # install_packages_quietly, stop_group, kill_group, free_port, port_open, wait_started
install_packages_quietly php8.2-fpm apache2 libapache2-mod-php8.2 libfcgi-bin php8.2-cli curl python3

# ---------------------------------------------------------------- state and cleanup

TMP=$(mktemp -d /tmp/s3a-servers.XXXXXX)
chmod 755 "$TMP" # the workers (www-data) read the docroot inside it
DOCROOT=$TMP/docroot
mkdir -p "$DOCROOT"
cp "$HERE/app.php" "$HERE/lib.php" "$DOCROOT/"
echo ok >"$DOCROOT/ready.txt"
chmod 644 "$DOCROOT"/*
RUN_ID=$(date +%Y%m%d%H%M%S)-$$ RUN_TAG='' # objects go to servers/<sapi>/$RUN_ID-<server>/
CANCEL_LOG='' # where app.php's stream action writes how each download ended (per server)

PASSED=0 FAILED=0
check() { # check OK_EXPR_STATUS "description"
  if [[ $1 == 0 ]]; then PASSED=$((PASSED + 1)); else FAILED=$((FAILED + 1)); echo "  FAIL $2"; fi
}

STARTED_PIDS=() # leaders of the process groups we started (setsid)
cleanup() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    stop_group "$pid" TERM 5 || true
    kill_group "$pid"
  done
  if [[ ${S3A_SERVERS_KEEP:-} == 1 ]]; then
    say "kept $TMP"
  else
    rm -rf "$TMP"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM


fpm_ready() { grep -q 'ready to handle connections' "$1" 2>/dev/null && port_open "$2"; }

start_proxy() { # start_proxy NAME: sets PROXY_PORT, PROXY_STATE, PROXY_PID
  PROXY_STATE=$TMP/$1-conns.json
  setsid python3 "$HERE/conn_counter.py" "$S3_HOST" "$S3_PORT" "$PROXY_STATE" \
    </dev/null >"$TMP/$1-proxy.log" 2>&1 &
  PROXY_PID=$!
  STARTED_PIDS+=("$PROXY_PID")
  local i
  for ((i = 0; i < 100; i++)); do
    [[ -s $PROXY_STATE ]] && break
    sleep 0.05
  done
  [[ -s $PROXY_STATE ]] || { cat "$TMP/$1-proxy.log" >&2; die "the counting proxy did not start"; }
  PROXY_PORT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["port"])' "$PROXY_STATE")
}

write_php_ini() { # write_php_ini FILE: only what the app needs, the extension loaded at startup
  cat >"$1" <<EOF
extension = $EXT
; as in Debian's default php-fpm and Apache set-ups
zend_extension = opcache
opcache.enable = 1
display_errors = Off
display_startup_errors = On
log_errors = On
error_reporting = E_ALL
output_buffering = 4096
post_max_size = 64M
memory_limit = 256M
max_execution_time = 60
EOF
}

# The app's S3 settings: the endpoint is the counting proxy.
app_env() { # app_env FORMAT: one line per variable
  local name value
  for name in S3_TEST_ENDPOINT S3_TEST_BUCKET S3_TEST_REGION S3_TEST_ACCESS_KEY S3_TEST_SECRET_KEY S3A_SERVERS_RUN \
    S3A_SERVERS_CANCEL_LOG AWS_EC2_METADATA_DISABLED; do
    case $name in
      S3_TEST_ENDPOINT) value=http://127.0.0.1:$PROXY_PORT ;;
      S3_TEST_REGION) value=${S3_TEST_REGION:-us-east-1} ;;
      S3A_SERVERS_RUN) value=$RUN_TAG ;;
      S3A_SERVERS_CANCEL_LOG) value=$CANCEL_LOG ;;
      AWS_EC2_METADATA_DISABLED) value=true ;;
      *) value=${!name} ;;
    esac
    # shellcheck disable=SC2059
    printf "$1\n" "$name" "$value"
  done
}

show_log() { # show_log FILE: its last lines (without php-fpm's idle chatter), on failure
  [[ -s $1 ]] || return 0
  echo "---- ${1#"$TMP"/} (last 80 lines)"
  grep -vE 'DEBUG: .*(fpm_event_loop|fpm_children_make|fpm_pctl_kill_all)\(' "$1" | tail -n 80
  echo "----"
}

# Crashes and panics the logs must not contain.
CRASH_PATTERN='exited on signal|exit signal|Segmentation|core dumped|panicked|Rust panic|SIGSEGV|SIGABRT|PHP Fatal'
# ... except the fatal errors cancel.py causes on purpose inside an output
# buffer (its handler's, and memory_limit's in app.php), and PHP's own
# complaint about the first at request shutdown (a fatal error inside a
# handler leaves the output layer marked busy until then).
EXPECTED_FATAL='app\.php: fatal error in an output buffer, on purpose|PHP Request Shutdown: Cannot use output buffering in output buffering display handlers|Allowed memory size of [0-9]+ bytes exhausted .* in [^ ]*/app\.php on line'
crashes() { # crashes LOG...: the crash lines of the logs; false when none
  grep -hE "$CRASH_PATTERN" "$@" | grep -vE "$EXPECTED_FATAL"
}

# The driver deleted every object it stored; nothing may be left under the
# run's prefix, neither an object nor an open multipart upload. Listed with
# the project's signed curl (which knows the local server's keys).
check_leftovers() { # check_leftovers NAME SAPI
  local s3curl=$ROOT/scripts/s3-curl.sh prefix objects uploads
  [[ -x $s3curl ]] || { say "$1: $s3curl missing, bucket not checked for leftovers"; return 0; }
  prefix="servers%2F$2%2F$RUN_TAG%2F"
  objects=$("$s3curl" GET "/$S3_TEST_BUCKET?list-type=2&prefix=$prefix" --max-time 10 2>&1 || true)
  uploads=$("$s3curl" GET "/$S3_TEST_BUCKET?uploads&prefix=$prefix" --max-time 10 2>&1 || true)
  local r
  [[ $objects == *"<KeyCount>0</KeyCount>"* ]] && r=0 || r=1
  check $r "$1: no object left under servers/$2/$RUN_TAG/ ($(leftover_detail "$objects"))"
  [[ $uploads == *ListMultipartUploadsResult* && $uploads != *"<Upload>"* ]] && r=0 || r=1
  check $r "$1: no multipart upload left open under servers/$2/$RUN_TAG/ ($(leftover_detail "$uploads"))"
}
leftover_detail() { # the first keys of a listing, or the start of the answer
  local keys
  keys=$(grep -o '<Key>[^<]*' <<<"$1" | sed 's/<Key>//' | head -3 | tr '\n' ' ')
  echo "${keys:-${1:0:200}}"
}

run_driver() { # run_driver NAME KIND ADDR MASTER_PID MASTER_HAS_RUNTIME(yes|no)
  local result=$TMP/$1-result.json rc=0
  # TMPDIR: the driver's scratch files live (and die) with ours.
  TMPDIR=$TMP php -n -d memory_limit=1G "$HERE/drive.php" --name "$1" --kind "$2" --addr "$3" \
    --script "$DOCROOT/app.php" --counter "$PROXY_STATE" --s3 "$S3_HOST:$S3_PORT" \
    --master-pid "$4" --master-runtime "$5" --workers "$WORKERS" --result "$result" --requests "$REQUESTS" \
    --concurrency "$CONCURRENCY" --timeout "$TIMEOUT" --max-conns-per-worker "$MAX_CONNS_PER_WORKER" \
    ${S3A_SERVERS_SEED:+--seed "$S3A_SERVERS_SEED"} || rc=$?
  add_result "$result" "$1: the driver ended without a result (exit $rc)"
  return "$rc"
}

add_result() { # add_result RESULT_JSON MESSAGE_IF_MISSING: adds a tool's passed/failed counts to ours
  if [[ -s $1 ]]; then
    local p f
    read -r p f < <(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["passed"], r["failed"])' "$1")
    PASSED=$((PASSED + p)) FAILED=$((FAILED + f))
  else
    check 1 "$2"
  fi
}

new_cancel_log() { # new_cancel_log NAME: a fresh log the workers (www-data) can append to
  CANCEL_LOG=$TMP/$1-cancel.log
  : >"$CANCEL_LOG"
  chmod 666 "$CANCEL_LOG"
}

run_cancel() { # run_cancel NAME KIND ADDR MASTER_PID
  local result=$TMP/$1-cancel-result.json rc=0
  python3 "$HERE/cancel.py" --name "$1" --kind "$2" --addr "$3" --script "$DOCROOT/app.php" \
    --counter "$PROXY_STATE" --master-pid "$4" --workers "$WORKERS" --log "$CANCEL_LOG" \
    --result "$result" --cancels "$CANCELS" --size-mib "$CANCEL_MIB" --timeout "$TIMEOUT" \
    --fatal-after-kib "$CANCEL_FATAL_AFTER_KIB" --memory-limit-mib "$CANCEL_MEMORY_LIMIT_MIB" \
    --hog-mib "$CANCEL_HOG_MIB" || rc=$?
  add_result "$result" "$1: cancel.py ended without a result (exit $rc)"
  return "$rc"
}

# ---------------------------------------------------------------- php-fpm

run_fpm() { # run_fpm plain|preload
  local variant=$1 name dir port pid log attempt ready='' requests=$REQUESTS r
  local as_user=() pool_user=$'user = www-data\ngroup = www-data'
  if [[ $variant == plain ]]; then
    name=php-fpm
  else
    # The master itself uses the backend (opcache.preload) before forking,
    # so every worker inherits a started runtime, a client and a pooled
    # connection. As root, opcache would preload in a throw-away child: the
    # master runs as www-data instead (its workers keep that uid).
    name=php-fpm+preload
    requests=$((REQUESTS / 2))
    as_user=(setpriv --reuid=www-data --regid=www-data --init-groups)
    pool_user=
  fi
  dir=$TMP/$name
  mkdir -p "$dir"
  log=$dir/fpm-error.log
  RUN_TAG=$RUN_ID-${name//+/-} # no "+": it would need escaping in S3 listings
  new_cancel_log "$name"
  local ext=$EXT
  if [[ $variant == preload ]] && ! "${as_user[@]}" test -r "$EXT"; then
    cp "$EXT" "$dir/" # www-data cannot read the build tree
    ext=$dir/$(basename "$EXT")
  fi
  EXT=$ext write_php_ini "$dir/php.ini"
  if [[ $variant == preload ]]; then
    cp "$HERE/preload.php" "$HERE/lib.php" "$dir/"
    echo "opcache.preload = $dir/preload.php" >>"$dir/php.ini"
  fi
  chmod 644 "$dir"/*
  start_proxy "$name"
  for attempt in 1 2 3; do
    port=$(free_port)
    # log_level = debug: fpm logs how each worker exited only at debug level.
    # process_control_timeout: on SIGQUIT workers finish and exit(0) instead
    # of being sent SIGTERM at once.
    cat >"$dir/php-fpm.conf" <<EOF
[global]
pid = $dir/php-fpm.pid
error_log = $log
log_level = debug
daemonize = no
process_control_timeout = 10s

[s3a]
$pool_user
listen = 127.0.0.1:$port
listen.backlog = 511
pm = static
pm.max_children = $WORKERS
pm.max_requests = 0
request_terminate_timeout = 0
catch_workers_output = yes
decorate_workers_output = no
clear_env = yes
$(app_env 'env[%s] = %s')
EOF
    chmod 600 "$dir/php-fpm.conf"
    [[ $variant == plain ]] || chown -R www-data:www-data "$dir"
    # PHP_INI_SCAN_DIR empty: no conf.d, only our php.ini. The master gets
    # the app's S3 settings too (only preload.php uses them there). env,
    # setsid and setpriv all exec: $! is php-fpm itself, and it has no
    # child but its workers (fpm warns about any other).
    local vars
    mapfile -t vars < <(app_env '%s=%s')
    env "${vars[@]}" PHP_INI_SCAN_DIR='' setsid "${as_user[@]}" php-fpm8.2 -F -c "$dir/php.ini" -y "$dir/php-fpm.conf" \
      </dev/null >"$dir/fpm-stdout.log" 2>&1 &
    pid=$!
    STARTED_PIDS+=("$pid")
    wait_started "$pid" 150 fpm_ready "$log" "$port" && { ready=1; break; }
    say "$name did not start on port $port (attempt $attempt)"
    show_log "$log"; show_log "$dir/fpm-stdout.log"
    stop_group "$pid" TERM 5 || kill_group "$pid"
  done
  [[ -n $ready ]] || { check 1 "$name: started"; return 1; }
  say "$name master $pid on 127.0.0.1:$port, workers: $(pgrep -P "$pid" | tr '\n' ' ')(S3 through proxy :$PROXY_PORT)"
  if [[ $variant == preload ]]; then
    grep -q "preload.php: pid $pid used the backend before the fork" "$log" "$dir/fpm-stdout.log" && r=0 || r=1
    check $r "$name: the master used the backend before forking (preload.php says so in the log)"
  fi

  local rc=0 failed_before=$FAILED
  REQUESTS=$requests run_driver "$name" fcgi "127.0.0.1:$port" "$pid" \
    "$([[ $variant == plain ]] && echo no || echo yes)" || rc=$?
  if [[ $variant == plain ]]; then
    run_cancel "$name" fcgi "127.0.0.1:$port" "$pid" || rc=1
  fi

  check_leftovers "$name" fpm-fcgi
  crashes "$log" "$dir/fpm-stdout.log" && r=1 || r=0
  check $r "$name: no crash or panic in the logs"
  # Graceful stop (SIGQUIT): workers holding the extension's runtime threads
  # must exit cleanly and promptly.
  stop_group "$pid" QUIT 15 && r=0 || r=1
  check $r "$name: stops within 15 s of SIGQUIT"
  kill_group "$pid"
  local exited
  exited=$(grep -c 'exited with code 0' "$log" || true)
  [[ $exited == "$WORKERS" ]] && r=0 || r=1
  check $r "$name: all $WORKERS workers exited with code 0 at shutdown ($exited exits with code 0 logged)"
  stop_group "$PROXY_PID" TERM 5 || kill_group "$PROXY_PID"
  if ((rc != 0 || FAILED > failed_before)); then
    show_log "$log"; show_log "$dir/fpm-stdout.log"; rc=1
  fi
  return "$rc"
}

# ---------------------------------------------------------------- Apache + mod_php

run_apache() {
  local dir=$TMP/apache port pid log attempt ready=''
  mkdir -p "$dir/php"
  log=$dir/error.log
  RUN_TAG=$RUN_ID-apache
  new_cancel_log apache
  write_php_ini "$dir/php/php.ini"
  start_proxy apache
  for attempt in 1 2 3; do
    port=$(free_port)
    { apache_conf_base "$dir" "$port" "$WORKERS" env
      cat <<EOF
MaxConnectionsPerChild 0
KeepAlive Off
Timeout 60

PHPIniDir "$dir/php"
DocumentRoot "$DOCROOT"
<Directory />
  Require all denied
</Directory>
<Directory "$DOCROOT">
  Require all granted
</Directory>
<FilesMatch "\.php\$">
  SetHandler application/x-httpd-php
</FilesMatch>
$(app_env 'SetEnv %s "%s"')
EOF
    } >"$dir/apache2.conf"
    chmod 600 "$dir/apache2.conf"
    PHP_INI_SCAN_DIR='' setsid apache2 -f "$dir/apache2.conf" -DFOREGROUND \
      </dev/null >"$dir/stdout.log" 2>&1 &
    pid=$!
    STARTED_PIDS+=("$pid")
    wait_started "$pid" 100 curl -fsS --max-time 2 -o /dev/null "http://127.0.0.1:$port/ready.txt" 2>/dev/null && { ready=1; break; }
    say "Apache did not start on port $port (attempt $attempt)"
    show_log "$log"; show_log "$dir/stdout.log"
    stop_group "$pid" TERM 5 || kill_group "$pid"
  done
  [[ -n $ready ]] || { check 1 "apache: started"; return 1; }
  [[ $(cat "$dir/apache2.pid" 2>/dev/null) == "$pid" ]] || say "note: PidFile says $(cat "$dir/apache2.pid" 2>/dev/null), started $pid"
  sleep 0.5 # StartServers children are forked one by one
  say "Apache (prefork, mod_php) parent $pid on 127.0.0.1:$port, children: $(pgrep -P "$pid" | tr '\n' ' ')(S3 through proxy :$PROXY_PORT)"

  local rc=0 failed_before=$FAILED
  run_driver apache-mod_php http "127.0.0.1:$port" "$pid" no || rc=$?
  run_cancel apache-mod_php http "127.0.0.1:$port" "$pid" || rc=1

  local r
  check_leftovers apache-mod_php apache2handler
  crashes "$log" "$dir/stdout.log" && r=1 || r=0
  check $r "apache: no crash or panic in the logs"
  stop_group "$pid" TERM 15 && r=0 || r=1
  check $r "apache: stops within 15 s of SIGTERM"
  kill_group "$pid"
  stop_group "$PROXY_PID" TERM 5 || kill_group "$PROXY_PID"
  if ((rc != 0 || FAILED > failed_before)); then
    show_log "$log"; show_log "$dir/stdout.log"; rc=1
  fi
  return "$rc"
}

# ---------------------------------------------------------------- main

START=$SECONDS
say "extension $EXT"
say "S3 $S3_TEST_ENDPOINT bucket $S3_TEST_BUCKET, prefix servers/<sapi>/$RUN_ID-<server>/"
if [[ -z $ONLY || $ONLY == fpm ]]; then
  echo; echo "=== php-fpm (pm = static, $WORKERS workers)"
  run_fpm plain || true
  echo; echo "=== php-fpm, the master using the backend before it forks (opcache.preload)"
  run_fpm preload || true
fi
if [[ -z $ONLY || $ONLY == apache ]]; then
  echo; echo "=== Apache 2.4 + mod_php (prefork, $WORKERS children)"
  run_apache || true
fi
echo
say "done in $((SECONDS - START)) s"
echo "$PASSED passed, $FAILED failed"
((FAILED == 0 && PASSED > 0))
