# Shared by scripts/package-deb and scripts/package-pie: the version, the PHP
# to build for, and the release build. Sourced, not run.

PKG_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
source "$PKG_ROOT/scripts/rust-toolchain.sh"

die() { echo "${0##*/}: $*" >&2; exit 1; }

# The extension's version: [package] version in Cargo.toml (what
# `php --ri s3_attachments` and phpversion() report).
crate_version() {
  sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$PKG_ROOT/Cargo.toml" | head -n 1
}

# php_target PHP_CONFIG: sets PHP_CONFIG_BIN, PHP_BIN, PHP_MINOR (8.2),
# PHP_API (20220829), PHP_EXT_DIR, PHP_ZTS (0/1), PHP_DEBUG (0/1) for it.
php_target() {
  PHP_CONFIG_BIN=$(command -v "$1") || die "php-config '$1' not found; install php8.2-dev or pass --php-config PATH"
  PHP_BIN=$("$PHP_CONFIG_BIN" --php-binary)
  [[ -x $PHP_BIN ]] || die "$PHP_CONFIG_BIN names no PHP CLI ($PHP_BIN); install php8.2-cli"
  PHP_MINOR=$("$PHP_CONFIG_BIN" --version | cut -d. -f1,2)
  PHP_API=$("$PHP_CONFIG_BIN" --phpapi)
  PHP_EXT_DIR=$("$PHP_CONFIG_BIN" --extension-dir)
  PHP_ZTS=$("$PHP_BIN" -n -r 'echo PHP_ZTS ? 1 : 0;')
  PHP_DEBUG=$("$PHP_BIN" -n -r 'echo PHP_DEBUG ? 1 : 0;')
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
  local got
  got=$("$PHP_BIN" -n -d "extension=$1" -r 'echo phpversion("s3_attachments");' 2>&1) \
    || die "$1 does not load into $PHP_BIN: $got"
  [[ $got == "$(crate_version)" ]] || die "$1 reports version '$got', Cargo.toml says $(crate_version)"
}
