# Shared by the suites that run private servers (tests/servers/run.sh,
# tests/osticket/): apt installs that start no system service, and stopping
# the process groups they start, free ports and waiting for a server. Sourced; the sourcing script defines say/die.

# Installs the Debian packages of "$@" that are missing, without letting
# them start their system services (Apache on *:80, MariaDB on 3306, php-fpm):
# the suites run their own servers from temp dirs.
install_packages_quietly() {
  local missing=() p
  for p in "$@"; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "apt: installing ${missing[*]}"
  # A policy-rc.d that denies service starts during this install, unless
  # the system already has one (containers usually do).
  local policy=/usr/sbin/policy-rc.d ours=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from tests/support/server-tools.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  local rc=0
  # Another suite's install may hold the apt lock: wait for it.
  { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}"; } || rc=$?
  [[ -z $ours ]] || rm -f "$policy"
  ((rc == 0)) || die "apt-get failed ($rc) installing ${missing[*]}"
}

stop_group() { # stop_group PID SIGNAL SECONDS: 0 if it exited in time
  local pid=$1 sig=$2 secs=$3 i
  kill -0 "$pid" 2>/dev/null || return 0
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < secs * 10; i++)); do
    kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
    sleep 0.1
  done
  return 1
}

kill_group() { # whatever is left of a group we started
  kill -KILL -- "-$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
}

free_port() {
  python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

wait_started() { # wait_started PID TRIES CMD...: polls CMD every 0.1 s while PID lives
  local pid=$1 tries=$2 i
  shift 2
  for ((i = 0; i < tries; i++)); do
    "$@" && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

# The part every private Apache's config shares (tests/servers, tests/osticket):
# everything under DIR (error.log there), bound to 127.0.0.1:PORT, run as
# www-data, prefork with a fixed pool of WORKERS children (none forked or
# reaped under load: the cancel tests measure the same children before and
# after), mod_php 8.2, and mod_NAME for each further NAME.
apache_conf_base() { # apache_conf_base DIR PORT WORKERS [NAME...]
  local dir=$1 port=$2 workers=$3 mods=/usr/lib/apache2/modules name
  shift 3
  cat <<CONF
ServerRoot "$dir"
DefaultRuntimeDir "$dir"
PidFile "$dir/apache2.pid"
Mutex file:$dir default
ErrorLog "$dir/error.log"
LogLevel warn
Listen 127.0.0.1:$port
ServerName 127.0.0.1:$port
User www-data
Group www-data

LoadModule mpm_prefork_module $mods/mod_mpm_prefork.so
LoadModule authz_core_module $mods/mod_authz_core.so
CONF
  for name in "$@"; do
    echo "LoadModule ${name}_module $mods/mod_$name.so"
  done
  cat <<CONF
LoadModule php_module $mods/libphp8.2.so

StartServers $workers
MinSpareServers 1
MaxSpareServers $workers
ServerLimit $workers
MaxRequestWorkers $workers
CONF
}
