# A private MariaDB for the helpdesk (sourced by run.sh): a fresh data dir
# under $TMP, bound to 127.0.0.1 on a free port, no system config read
# (--no-defaults), stopped on exit with the other servers.
# Sets DB_PORT, DB_SOCKET, DB_PID; creates database $DB_NAME and user $DB_USER.

DB_NAME=osticket DB_USER=osticket DB_PASS=osticket-test-$$

# mariadbd on the data dir under $TMP/mariadb and $DB_PORT, in a process group
# of its own (remembered in STARTED_PIDS); sets DB_PID. 0 once it answers.
# bench/migration calls it again to restart the server on a restored data dir.
run_mariadbd() {
  local dir=$TMP/mariadb
  # Durability is not needed here; speed is (the schema load and the
  # installer's inserts dominate the set-up time).
  setsid mariadbd --no-defaults --user=root --datadir="$dir/data" --tmpdir="$dir/tmp" \
    --socket="$DB_SOCKET" --pid-file="$dir/mysqld.pid" --port="$DB_PORT" --bind-address=127.0.0.1 \
    --skip-name-resolve --skip-log-bin --innodb-buffer-pool-size=128M \
    --innodb-flush-log-at-trx-commit=0 --innodb-doublewrite=0 --sync-binlog=0 \
    --max-allowed-packet=64M --log-error="$dir/error.log" </dev/null >"$dir/stdout.log" 2>&1 &
  DB_PID=$!
  STARTED_PIDS+=("$DB_PID")
  wait_started "$DB_PID" 300 db_ready
}

db_ready() { mariadb --no-defaults --socket="$DB_SOCKET" -uroot -e 'SELECT 1' >/dev/null 2>&1; }

start_mariadb() {
  local dir=$TMP/mariadb attempt
  mkdir -p "$dir/data" "$dir/tmp"
  DB_SOCKET=$dir/mysqld.sock
  # As root, with root's socket login (unix_socket) for the set-up below.
  mariadb-install-db --no-defaults --datadir="$dir/data" --user=root \
    --auth-root-authentication-method=socket --skip-test-db >"$dir/install.log" 2>&1 ||
    { show_log "$dir/install.log"; die "mariadb-install-db failed"; }
  for attempt in 1 2 3; do
    DB_PORT=$(free_port)
    run_mariadbd && break
    say "MariaDB did not start on port $DB_PORT (attempt $attempt)"
    show_log "$dir/error.log"; show_log "$dir/stdout.log"
    stop_group "$DB_PID" TERM 10 || kill_group "$DB_PID"
    DB_PID=
  done
  [[ -n $DB_PID ]] || die "MariaDB did not start (log above)"
  mariadb --no-defaults --socket="$DB_SOCKET" -uroot <<SQL || die "cannot create the database and its user"
CREATE DATABASE \`$DB_NAME\` CHARACTER SET utf8mb4;
CREATE USER '$DB_USER'@'127.0.0.1' IDENTIFIED BY '$DB_PASS';
GRANT ALL ON \`$DB_NAME\`.* TO '$DB_USER'@'127.0.0.1';
SQL
  say "MariaDB $(mariadbd --version | awk '{print $3}') pid $DB_PID on 127.0.0.1:$DB_PORT"
}
