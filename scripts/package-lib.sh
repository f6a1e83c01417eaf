# Shared by scripts/package-deb and scripts/package-pie: the version, the PHP
# to build for, and the release build. Sourced, not run.

PKG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$PKG_ROOT/scripts/rust-toolchain.sh"
source "$PKG_ROOT/scripts/lib/debian-root.sh"

die() { echo "${0##*/}: $*" >&2; exit 1; }

# The extension's version: [package] version in Cargo.toml (what
# `php --ri s3_attachments` and phpversion() report).
crate_version() {
  sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$PKG_ROOT/Cargo.toml" | head -n 1
}

# php_target PHP_CONFIG [PHP]: sets PHP_CONFIG_BIN, PHP_BIN (PHP, else the
# CLI php-config names), PHP_MINOR (8.2), PHP_API (20220829), PHP_EXT_DIR,
# PHP_ZTS (0/1), PHP_DEBUG (0/1) for it. PHP_ROOT stays empty: that PHP runs
# here (php_target_suite sets it for a PHP inside a build root).
php_target() {
  PHP_ROOT=
  PHP_CONFIG_BIN=$(command -v "$1") || die "php-config '$1' not found; install php8.2-dev or pass --php-config PATH"
  PHP_BIN=${2:-$("$PHP_CONFIG_BIN" --php-binary)}
  [[ -x $PHP_BIN ]] || die "$PHP_CONFIG_BIN names no PHP CLI ($PHP_BIN); install php8.2-cli"
  PHP_MINOR=$("$PHP_CONFIG_BIN" --version | cut -d. -f1,2)
  PHP_API=$("$PHP_CONFIG_BIN" --phpapi)
  PHP_EXT_DIR=$("$PHP_CONFIG_BIN" --extension-dir)
  PHP_ZTS=$("$PHP_BIN" -n -r 'echo PHP_ZTS ? 1 : 0;')
  PHP_DEBUG=$("$PHP_BIN" -n -r 'echo PHP_DEBUG ? 1 : 0;')
}

# php_target_suite SUITE: php_target for the PHP that Debian release SUITE
# ships (bookworm 8.2, trixie 8.4). On a machine running SUITE that is its own
# php-config<X.Y>. Otherwise the build runs here, with this machine's Rust,
# against the PHP of a build root: SUITE made by mmdebstrap with
# php<X.Y>-dev and -cli from Debian, kept in target/debian-roots/SUITE
# (delete it for a fresh one). Two small wrappers beside it run its
# php-config and php through chroot; the php-config one gives the include
# paths as seen from here (bindgen and cc read them). The .so links against
# this machine's glibc, and needs that one's symbol versions at run time
# (dpkg-shlibdeps turns them into Depends), not the root's. Sets PHP_ROOT.
php_target_suite() {
  local suite=$1 minor codename roots root bin want
  minor=$(debian_suite_php "$suite") || exit 1
  codename=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
  if [[ $codename == "$suite" ]] && command -v "php-config$minor" >/dev/null; then
    php_target "php-config$minor"
    return
  fi
  [[ $EUID -eq 0 ]] || die "building for $suite on ${codename:-this system} uses a $suite build root (mmdebstrap, chroot): run as root"
  roots=${S3A_BUILD_ROOTS:-$PKG_ROOT/target/debian-roots}
  root=$roots/$suite bin=$roots/$suite.bin
  want="php$minor-cli,php$minor-dev"
  if [[ ! -f $root/.s3a-build-root || $(<"$root/.s3a-build-root") != "$want" ]]; then
    # Nothing is ever mounted in it: chroot runs php and php-config without /proc.
    rm -rf --one-file-system "$root"
    mkdir -p "$roots"
    debian_bootstrap "$root" "$suite" "$want" >&2 || die "making the $suite build root in $root failed"
    echo "$want" >"$root/.s3a-build-root"
  fi
  mkdir -p "$bin"
  printf '%s\n' '#!/bin/sh' \
    "# php-config$minor of the $suite build root, run inside it, with the include" \
    "# paths as seen from outside (written by scripts/package-lib.sh)." \
    "out=\$(chroot '$root' /usr/bin/env -i PATH=/usr/bin:/bin /usr/bin/php-config$minor \"\$@\") || exit \$?" \
    "printf '%s\\n' \"\$out\" | sed 's|-I/|-I$root/|g'" >"$bin/php-config"
  printf '%s\n' '#!/bin/sh' \
    "# php$minor of the $suite build root (written by scripts/package-lib.sh)." \
    "exec chroot '$root' /usr/bin/env -i PATH=/usr/bin:/bin LANG=C.UTF-8 /usr/bin/php$minor \"\$@\"" >"$bin/php"
  chmod 0755 "$bin/php-config" "$bin/php"
  php_target "$bin/php-config" "$bin/php"
  PHP_ROOT=$root
  [[ $PHP_MINOR == "$minor" ]] || die "the $suite build root's php-config reports PHP $PHP_MINOR, not $minor"
  echo "build: for PHP $("$PHP_BIN" -n -r 'echo PHP_VERSION;') (API $PHP_API) in the $suite build root ${root#"$PKG_ROOT"/}" >&2
}

# release_build: cargo build --release for the PHP php_target chose; prints
# the .so. The default php-config builds in target/ (shared with
# install-extension.sh and phpize); another PHP gets target/php<X.Y>, so
# switching between them does not rebuild everything each time.
release_build() {
  local target=${CARGO_TARGET_DIR:-$PKG_ROOT/target}
  if [[ $(readlink -f "$PHP_CONFIG_BIN") != "$(readlink -f "$(command -v php-config 2>/dev/null)")" ]]; then
    target=$target/php$PHP_MINOR
  fi
  use_rust_toolchain || die "no Rust toolchain >= $(rust_min_version); scripts/install-deps.sh installs one"
  echo "build: cargo build --release --locked for PHP $PHP_MINOR ($PHP_CONFIG_BIN), $(command -v cargo)" >&2
  (cd "$PKG_ROOT" && PHP_CONFIG=$PHP_CONFIG_BIN PHP=$PHP_BIN CARGO_TARGET_DIR=$target \
    cargo build --release --locked --quiet) >&2 || die "cargo build --release failed"
  [[ -f $target/release/libs3_attachments.so ]] || die "$target/release/libs3_attachments.so is missing after the build"
  echo "$target/release/libs3_attachments.so"
}

# check_loads SO: the .so loads into this PHP with nothing else (-n) and
# reports the crate's version.
check_loads() {
  local got rc so=$1
  if [[ -n ${PHP_ROOT:-} ]]; then # that PHP sees the root's files only
    so=/tmp/s3a-check-loads-$$.so
    install -m 0644 "$1" "$PHP_ROOT$so"
  fi
  got=$("$PHP_BIN" -n -d "extension=$so" -r 'echo phpversion("s3_attachments");' 2>&1) && rc=0 || rc=$?
  [[ -z ${PHP_ROOT:-} ]] || rm -f "$PHP_ROOT$so"
  ((rc == 0)) || die "$1 does not load into $PHP_BIN: $got"
  [[ $got == "$(crate_version)" ]] || die "$1 reports version '$got', Cargo.toml says $(crate_version)"
}
