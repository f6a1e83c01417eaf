#!/usr/bin/env bash
# Installs what a bare Debian 12 needs to build and test the extension.
# Idempotent: asks apt only about packages that are missing, so repeated runs
# are fast and work offline.
set -euo pipefail

SUDO=
if [[ $EUID -ne 0 ]]; then SUDO=sudo; fi

# PHP 8.2 headers + php-config for the build, the extensions the tests and the
# AWS-SDK comparison use, clang/libclang for bindgen (ext-php-rs), phpunit,
# curl (signed requests in scripts/s3-curl.sh).
pkgs=(php8.2-cli php8.2-dev php8.2-curl php8.2-mbstring php8.2-xml clang
      libclang-dev phpunit curl ca-certificates openssl)

# scripts/s3-server.sh needs `python3 -m venv`. Debian's python3 ships venv's
# ensurepip separately (python3-venv); another python3 first on PATH (pyenv)
# brings its own and must be left alone.
if python3 -c 'import ensurepip, venv' 2>/dev/null; then
  echo "python3 venv: ok ($(python3 -c 'import sys; print(sys.executable)'))"
elif [[ $(python3 -c 'import sys; print(sys.base_prefix)' 2>/dev/null || echo /usr) == /usr ]]; then
  echo "python3 venv: needs Debian's python3-venv"
  pkgs+=(python3-venv) # missing python3 also lands here: python3-venv pulls it in
else
  echo "python3 on PATH ($(command -v python3)) cannot create venvs (no ensurepip); fix it or put Debian's first" >&2
  exit 1
fi

missing=()
for p in "${pkgs[@]}"; do
  [[ $(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null) == ii* ]] || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "apt: installing ${missing[*]}"
  $SUDO apt-get update
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
else
  echo "apt: all ${#pkgs[@]} packages already installed"
fi

# Rust: rustup's toolchain when it is recent enough, else a cargo on PATH that
# is, else Debian's cargo-web/rustc-web (bookworm-security: Rust 1.96; they
# conflict with Debian's much older cargo/rustc packages, which apt replaces).
source "$(dirname "${BASH_SOURCE[0]}")/rust-toolchain.sh"
rust_min=$(rust_min_version)
if ! rust_dir=$(rust_toolchain_dir); then
  candidate=$(apt-cache policy rustc-web 2>/dev/null | sed -n 's/^ *Candidate: \([0-9][0-9.]*\).*/\1/p')
  if ! version_at_least "$candidate" "$rust_min"; then
    $SUDO apt-get update
    candidate=$(apt-cache policy rustc-web 2>/dev/null | sed -n 's/^ *Candidate: \([0-9][0-9.]*\).*/\1/p')
  fi
  if ! version_at_least "$candidate" "$rust_min"; then
    echo "rust: no cargo with rustc >= $rust_min (Cargo.toml rust-version) on PATH or in ~/.cargo/bin," >&2
    offered=${candidate:-"missing from apt's sources"}
    echo "  and apt's rustc-web is $offered (Debian 12 has 1.96 in bookworm-security:" >&2
    echo "  'deb http://deb.debian.org/debian-security bookworm-security main' in apt's sources)." >&2
    echo "  Or install Rust with rustup: curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal" >&2
    exit 1
  fi
  echo "rust: none >= $rust_min found; apt: installing cargo-web rustc-web $candidate"
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends cargo-web rustc-web
  rust_dir=$(rust_toolchain_dir) || {
    echo "rust: cargo-web/rustc-web installed, but no cargo with rustc >= $rust_min runs (check: cargo --version; rustc --version)" >&2
    exit 1
  }
fi
echo "rust: ok ($("$rust_dir/rustc" --version), cargo at $rust_dir/cargo; Cargo.toml needs >= $rust_min)"
echo "install-deps: done"
