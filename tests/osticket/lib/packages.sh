# Installs what the real-osTicket suite needs (sourced by run.sh), without
# letting the packages start their system services: MariaDB on 3306 and
# Apache on *:80 would otherwise start on install. Our own servers run from
# a temp dir instead.

OSTICKET_PACKAGES=(mariadb-server mariadb-client apache2 libapache2-mod-php8.2 php8.2-cli
  php8.2-mysql php8.2-mbstring php8.2-intl php8.2-xml php8.2-gd php8.2-imap php8.2-curl
  php8.2-zip php8.2-apcu curl python3)

install_packages() {
  local missing=() p
  for p in "${OSTICKET_PACKAGES[@]}"; do
    [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
  done
  ((${#missing[@]})) || return 0
  say "apt: installing ${missing[*]}"
  # A policy-rc.d that denies service starts during this install, unless
  # the system already has one (containers usually do).
  local policy=/usr/sbin/policy-rc.d ours=
  if [[ ! -e $policy ]]; then
    printf '#!/bin/sh\n# temporary, from tests/osticket/lib/packages.sh\nexit 101\n' >"$policy"
    chmod 755 "$policy"
    ours=1
  fi
  local rc=0
  # Another apt run (another suite's install) may hold the lock: wait for it.
  { apt-get -o DPkg::Lock::Timeout=600 update -qq &&
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq \
      --no-install-recommends "${missing[@]}"; } || rc=$?
  [[ -z $ours ]] || rm -f "$policy"
  ((rc == 0)) || die "apt-get failed ($rc) installing ${missing[*]}"
}
