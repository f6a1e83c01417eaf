# Debian roots made with mmdebstrap from the apt mirror this machine uses:
# the clean roots the package tests run in (tests/package/) and the build
# roots scripts/package-deb builds in for another Debian release. Sourced,
# not run.
#
#   debian_suite_php SUITE                  # the PHP a release ships: bookworm 8.2, trixie 8.4
#   debian_php_suite X.Y                    # the reverse: 8.4 -> trixie
#   debian_bootstrap DIR SUITE PACKAGES     # just mmdebstrap: nothing mounted, nothing to tear down
#   debian_root_create DIR SUITE PACKAGES   # e.g. bookworm php8.2-cli,php8.2-fpm; /proc and /dev mounted
#   in_root CMD...                          # runs CMD in it (bash -c when one string)
#   debian_root_destroy                     # unmounts and deletes it (also on exit)
#
# A root shares this machine's network namespace, so the S3 test server on
# 127.0.0.1 is reachable from inside; apt inside uses the same mirror over
# http. Services never start inside (policy-rc.d answers 101).

# The Debian releases this project builds and tests for, and their PHP.
DEBIAN_SUITES=(bookworm trixie)
debian_suite_php() {
  case $1 in
    bookworm) echo 8.2 ;;
    trixie) echo 8.4 ;;
    *) echo "unknown Debian release '$1' (known: ${DEBIAN_SUITES[*]})" >&2; return 1 ;;
  esac
}
debian_php_suite() {
  local suite
  for suite in "${DEBIAN_SUITES[@]}"; do
    [[ $(debian_suite_php "$suite") == "$1" ]] && { echo "$suite"; return 0; }
  done
  echo "no Debian release known here ships PHP $1 (bookworm: 8.2, trixie: 8.4)" >&2
  return 1
}

# The Debian mirror URIs of this machine's apt sources (comments skipped):
# .../debian and .../debian-security.
apt_mirror() { # apt_mirror debian|debian-security
  local f
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
    [[ -f $f ]] && grep -v '^[[:space:]]*#' "$f"
  done | { grep -oE "https?://[^ ]+/$1/?( |$)" || true; } | awk 'NR == 1 { sub(/ $/, ""); sub(/\/$/, ""); print }'
}

debian_bootstrap() {
  local dir=$1 suite=$2 include=$3 mirror security
  mirror=${DEBIAN_MIRROR:-$(apt_mirror debian)}
  security=${DEBIAN_SECURITY_MIRROR:-$(apt_mirror debian-security)}
  [[ -n $mirror && -n $security ]] || { echo "no Debian mirror in /etc/apt/sources.list*; set DEBIAN_MIRROR and DEBIAN_SECURITY_MIRROR" >&2; return 1; }
  command -v mmdebstrap >/dev/null || {
    echo "apt: installing mmdebstrap"
    DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends mmdebstrap >/dev/null
  }
  echo "root: mmdebstrap $suite from $mirror (+ $suite-updates, $suite-security) with $include"
  mmdebstrap --mode=root --variant=apt --quiet \
    --include="$include" \
    --essential-hook='printf "#!/bin/sh\nexit 101\n" > "$1/usr/sbin/policy-rc.d"; chmod 755 "$1/usr/sbin/policy-rc.d"' \
    "$suite" "$dir" \
    "deb $mirror $suite main" "deb $mirror $suite-updates main" "deb $security $suite-security main"
}

DEBIAN_ROOT=
debian_root_create() {
  local dir=$1 suite=$2 include=$3
  DEBIAN_ROOT=$dir
  trap debian_root_destroy EXIT
  debian_bootstrap "$dir" "$suite" "$include" || return 1
  mount -t proc proc "$dir/proc"
  mount --bind /dev "$dir/dev"
}

in_root() {
  if (($# == 1)); then
    chroot "$DEBIAN_ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
      S3_TEST_ENDPOINT="${S3_TEST_ENDPOINT:-}" S3_TEST_BUCKET="${S3_TEST_BUCKET:-}" S3_TEST_REGION="${S3_TEST_REGION:-}" \
      S3_TEST_ACCESS_KEY="${S3_TEST_ACCESS_KEY:-}" S3_TEST_SECRET_KEY="${S3_TEST_SECRET_KEY:-}" \
      /bin/bash -euo pipefail -c "$1"
  else
    chroot "$DEBIAN_ROOT" /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
      HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive "$@"
  fi
}

debian_root_destroy() {
  [[ -n $DEBIAN_ROOT && -d $DEBIAN_ROOT ]] || return 0
  local m
  for m in dev proc; do
    mountpoint -q "$DEBIAN_ROOT/$m" && umount -l "$DEBIAN_ROOT/$m"
  done
  # Only delete once nothing is mounted inside any more.
  if ! grep -q " $DEBIAN_ROOT/" /proc/mounts; then
    rm -rf --one-file-system "$DEBIAN_ROOT"
  else
    echo "root: $DEBIAN_ROOT still has mounts; left in place" >&2
  fi
  DEBIAN_ROOT=
}
