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

# Rust cannot be installed from here (only package registries are reachable):
# point at rustup instead.
export PATH=$PATH:$HOME/.cargo/bin
if command -v cargo >/dev/null && command -v rustc >/dev/null; then
  echo "rust: ok ($(rustc --version), cargo at $(command -v cargo))"
else
  echo "rust: cargo not found on PATH or in ~/.cargo/bin. Install a toolchain with rustup:" >&2
  echo "  curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal" >&2
  echo "then open a new shell (or: . \"\$HOME/.cargo/env\")" >&2
  exit 1
fi
echo "install-deps: done"
