#!/usr/bin/env bash
# "On a fresh Debian 12 machine the scripts need nothing else": in a clean
# Debian root (mmdebstrap, no Rust, no PHP), the committed tree (git archive
# of HEAD with every file) runs scripts/install-deps.sh, which has to find no
# Rust and install Debian's cargo-web/rustc-web, then builds the extension
# with that toolchain (cargo build --locked, debug, as scripts/test does) and
# loads it into the root's PHP. Downloads the crates from crates.io and builds
# every one: about 10 minutes on two cores. Run by
# `scripts/test-package --fresh-debian`.
#
#   tests/package/fresh-debian.sh [SUITE]     # default bookworm
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/lib/debian-root.sh"
suite=${1:-bookworm}

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

root=$(mktemp -d /tmp/s3a-fresh-root.XXXXXX)
started=$SECONDS
debian_root_create "$root" "$suite" "git"
in_root "! command -v cargo && ! command -v rustc && ! command -v php" >/dev/null || fail "the fresh root already has cargo, rustc or php"
ok "clean $suite root without Rust or PHP ($((SECONDS - started)) s)"
# This machine's own CA additions (a TLS-inspecting egress proxy, say), as a
# server behind such a proxy has them: cargo reaches crates.io over https.
# ca-certificates, which install-deps.sh installs, picks them up.
if compgen -G '/usr/local/share/ca-certificates/*.crt' >/dev/null; then
  mkdir -p "$root/usr/local/share/ca-certificates"
  cp /usr/local/share/ca-certificates/*.crt "$root/usr/local/share/ca-certificates/"
fi
mkdir -p "$root/src"
# Every committed file, export-ignore or not: this is a developer's clone.
git -C "$ROOT" ls-files -z | tar -C "$ROOT" --null -T - -cf - | tar -C "$root/src" -xf -

t0=$SECONDS
in_root "cd /src && scripts/install-deps.sh" >"$root.deps.log" 2>&1 || { tail -30 "$root.deps.log"; fail "scripts/install-deps.sh in the fresh root"; }
grep -E '^rust: ' "$root.deps.log"
grep -q 'apt: installing cargo-web rustc-web\|installing cargo-web rustc-web' "$root.deps.log" || fail "install-deps.sh did not install cargo-web/rustc-web"
in_root "cargo --version; rustc --version" | tee "$root.rust"
grep -q '^rustc 1\.9[0-9]\|^rustc 1\.[1-9][0-9][0-9]' "$root.rust" || fail "the root's rustc is not Debian's rustc-web: $(cat "$root.rust")"
ok "install-deps.sh installed Debian's Rust ($((SECONDS - t0)) s)"
rm -f "$root.deps.log" "$root.rust"

t0=$SECONDS
in_root "cd /src && . scripts/rust-toolchain.sh && use_rust_toolchain && cargo build --locked --quiet" >"$root.build.log" 2>&1 \
  || { tail -30 "$root.build.log"; fail "cargo build with Debian's cargo"; }
rm -f "$root.build.log"
got=$(in_root "php -n -d extension=/src/target/debug/libs3_attachments.so -r 'echo phpversion(\"s3_attachments\");'")
[[ $got == "$(sed -n '/^\[package\]/,/^\[/s/^version *= *"\([^"]*\)".*/\1/p' "$ROOT/Cargo.toml")" ]] \
  || fail "the extension built with Debian's cargo does not load: '$got'"
ok "cargo build --locked with Debian's cargo-web, the .so loads into the root's PHP ($((SECONDS - t0)) s)"

debian_root_destroy
echo "fresh-debian ($suite): all checks passed in $((SECONDS - started)) s"
