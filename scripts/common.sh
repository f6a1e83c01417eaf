# Shared by scripts/demo and scripts/test: prerequisites, the debug build of
# the extension, and a local S3 server that is stopped again on exit when
# this run started it (a server someone already runs is left alone).
# Sourced, not run.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
# The Rust toolchain (rustup's, else one on PATH, else Debian's cargo-web,
# which prepare() installs): see scripts/rust-toolchain.sh.
source "$ROOT/scripts/rust-toolchain.sh"
# Tests and the demo never consult EC2 instance metadata for credentials.
export AWS_EC2_METADATA_DISABLED=true
EXTENSION="$ROOT/target/debug/libs3_attachments.so"

prepare() {
  scripts/install-deps.sh
  use_rust_toolchain || { echo "build: no Rust toolchain >= $(rust_min_version); see scripts/install-deps.sh" >&2; exit 1; }
  echo "build: cargo build (debug, $(command -v cargo))"
  cargo build --locked --quiet
  [[ -f $EXTENSION ]] || { echo "build: $EXTENSION is missing" >&2; exit 1; }
  if scripts/s3-server.sh status >/dev/null 2>&1; then
    echo "s3-server: using the server that is already running"
  else
    scripts/s3-server.sh start
    trap 'scripts/s3-server.sh stop' EXIT
  fi
  eval "$(scripts/s3-server.sh env)"
}

# PHP with the freshly built extension and nothing else from php.ini that
# could load another copy of it.
php_ext() {
  php -d "extension=$EXTENSION" "$@"
}
