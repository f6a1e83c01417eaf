# Which cargo builds the extension. Sourced by scripts that run cargo, so they
# all pick the same one (a different PATH from one build to the next makes
# ext-php-rs rerun bindgen).
#
# The minimum is stated once, as rust-version in Cargo.toml. Preferred:
# rustup's cargo in ${CARGO_HOME:-~/.cargo}/bin (a developer who installed
# rustup wants it), then any cargo on PATH: on Debian 12 that is cargo-web /
# rustc-web from bookworm-security (/usr/bin/cargo, Rust 1.96), which
# scripts/install-deps.sh installs when nothing recent enough is found.
# A toolchain counts only if its cargo and the rustc beside it both run and
# rustc is at least the minimum (a rustup proxy without a default toolchain
# fails `--version` and is skipped).

RUST_ROOT=${RUST_ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)}

rust_min_version() {
  sed -n 's/^rust-version *= *"\([0-9.]*\)".*/\1/p' "$RUST_ROOT/Cargo.toml" | head -n 1
}

# version_at_least HAVE NEED: true when HAVE >= NEED (dotted numbers).
version_at_least() {
  [[ -n $1 ]] && printf '%s\n%s\n' "$2" "$1" | sort -V -C
}

# rustc_version_in DIR: the version of DIR/rustc (e.g. 1.96.0), or nothing.
rustc_version_in() {
  "$1/rustc" --version 2>/dev/null | sed -n 's/^rustc \([0-9][0-9.]*\).*/\1/p'
}

# Prints the directory of the first usable toolchain; fails when none is.
rust_toolchain_dir() {
  local min cand dir seen=:
  min=$(rust_min_version)
  [[ -n $min ]] || { echo "rust: no rust-version in $RUST_ROOT/Cargo.toml" >&2; return 1; }
  for cand in "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" $(type -ap cargo); do
    dir=$(dirname "$cand")
    [[ $seen == *":$dir:"* ]] && continue
    seen+="$dir:"
    [[ -x $cand ]] && "$cand" --version >/dev/null 2>&1 || continue
    version_at_least "$(rustc_version_in "$dir")" "$min" && { echo "$dir"; return 0; }
  done
  return 1
}

# Puts the chosen toolchain first on PATH, only when cargo and rustc do not already
# resolve to it (so PATH, and with it ext-php-rs's bindgen cache, stays put).
use_rust_toolchain() {
  local dir
  dir=$(rust_toolchain_dir) || return 1
  [[ $(command -v cargo 2>/dev/null) == "$dir/cargo" && $(command -v rustc 2>/dev/null) == "$dir/rustc" ]] \
    || PATH="$dir:$PATH"
  export PATH
}
