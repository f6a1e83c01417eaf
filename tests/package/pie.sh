#!/usr/bin/env bash
# PIE: the prebuilt archive, composer.json, and the source route PIE takes
# when no prebuilt archive matches. Run by scripts/test-package.
#
#   1. scripts/package-pie names the archive exactly as PIE computes it for
#      this PHP (worked out here from the PHP and the machine, not by the
#      script's own helper), with s3_attachments.so alone at its root and a
#      matching .sha256;
#   2. that .so loads into a PHP started with -n (no php.ini, nothing else of
#      ours) and reports the Cargo.toml version;
#   3. `composer validate` (Debian's composer) accepts composer.json, and its
#      php-ext section uses only keys and values PIE documents;
#   4. the source route: `git archive HEAD`, then phpize, ./configure (bare,
#      as PIE runs it), make, make install INSTALL_ROOT=<temp>; the installed
#      .so loads. This is a full release build in its own target directory.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
cd "$ROOT"
source scripts/package-lib.sh
php_target "${PHP_CONFIG:-php-config}"

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

version=$(crate_version)
tag=$version

# --- 1. the archive and its name ------------------------------------------
scripts/package-pie --tag "$tag" --php-config "$PHP_CONFIG_BIN"
machine=$(uname -m)
case $machine in x86_64|amd64) arch=x86_64 ;; aarch64|arm64) arch=arm64 ;; *) arch=x86 ;; esac
libc=glibc
ldd "$(command -v ls)" 2>&1 | grep musl >/dev/null && libc=musl
minor=$("$PHP_BIN" -n -r 'echo PHP_MAJOR_VERSION, ".", PHP_MINOR_VERSION;')
ts=$("$PHP_BIN" -n -r 'echo PHP_ZTS ? "zts" : "nts";')
expected="php_s3_attachments-${tag}_php${minor}-${arch}-linux-${libc}-${ts}.zip"
zip=dist/$expected
[[ -f $zip ]] || fail "dist/ has no $expected (PIE's name for PHP $minor $ts on $arch/$libc): $(ls dist)"
ok "archive named as PIE computes it: $expected"
[[ $(unzip -Z1 "$zip") == s3_attachments.so ]] || fail "$zip should hold s3_attachments.so alone, at its root; it holds: $(unzip -Z1 "$zip" | tr '\n' ' ')"
(cd dist && sha256sum -c --quiet "$expected.sha256") || fail "$zip.sha256 does not match"
ok "s3_attachments.so alone at the root, sha256 matches"

# --- 2. the archive's .so loads with nothing else -------------------------
unzip -q "$zip" -d "$tmp/zip"
got=$("$PHP_BIN" -n -d "extension=$tmp/zip/s3_attachments.so" -r '
  echo phpversion("s3_attachments"), " ", class_exists("S3AttachmentBackend", false) ? "classes" : "no-classes";')
[[ $got == "$version classes" ]] || fail "the archive's .so in php -n: expected '$version classes', got '$got'"
ok "the archive's .so loads into '$PHP_BIN -n' (version $version, classes registered)"

# --- 3. composer.json -----------------------------------------------------
if ! command -v composer >/dev/null; then
  echo "composer: installing Debian's composer package"
  SUDO=; [[ $EUID -eq 0 ]] || SUDO=sudo
  $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends composer >/dev/null
fi
composer_version=$(composer --version 2>/dev/null | sed -n 's/^Composer version \([0-9.]*\).*/\1/p')
# Composer learnt the php-ext section in 2.7; older ones (bookworm has 2.5)
# list it as an unknown property among the publish checks. Then validate
# the rest strictly and leave php-ext to the check below.
if version_at_least "$composer_version" 2.7; then
  composer validate --strict --no-check-lock || fail "composer $composer_version validate --strict refuses composer.json"
  ok "composer $composer_version validate --strict"
else
  out=$(composer validate --strict --no-check-lock 2>&1) && rc=0 || rc=$?
  others=$(grep '^- ' <<<"$out" | grep -v 'The property php-ext is not defined' || true)
  [[ -z $others ]] || fail "composer $composer_version validate: $others"
  composer validate --no-check-publish --no-check-lock >/dev/null 2>&1 \
    || fail "composer $composer_version validate --no-check-publish refuses composer.json: $out"
  ok "composer $composer_version validate (rc $rc: its only complaint is the php-ext section, which Composer < 2.7 does not know)"
fi
"$PHP_BIN" -n -r '
  $c = json_decode(file_get_contents("composer.json"), true, 512, JSON_THROW_ON_ERROR);
  $e = $c["php-ext"] ?? [];
  $problems = [];
  if (($c["type"] ?? null) !== "php-ext") $problems[] = "type must be php-ext";
  $known = ["extension-name", "priority", "support-zts", "support-nts", "build-path", "download-url-method",
            "os-families", "os-families-exclude", "configure-options"];
  foreach (array_diff(array_keys($e), $known) as $k) $problems[] = "php-ext.$k is not a PIE key";
  if (($e["extension-name"] ?? null) !== "s3_attachments") $problems[] = "extension-name must be s3_attachments";
  if (!is_int($e["priority"] ?? 80) || $e["priority"] < 10 || $e["priority"] > 99) $problems[] = "priority must be 10..99";
  if (($e["support-nts"] ?? true) !== true) $problems[] = "support-nts must be true";
  if (($e["support-zts"] ?? true) !== false) $problems[] = "support-zts must be false (ZTS is not built or tested)";
  if (($e["os-families"] ?? null) !== ["linux"]) $problems[] = "os-families must be [\"linux\"]";
  if (($e["download-url-method"] ?? null) !== ["pre-packaged-binary", "composer-default"])
      $problems[] = "download-url-method must prefer pre-packaged-binary, then composer-default";
  if ($problems) { fwrite(STDERR, implode("\n", $problems) . "\n"); exit(1); }
' || fail "composer.json php-ext section"
ok "php-ext: s3_attachments, NTS only, linux only, pre-packaged-binary then composer-default"

# --- 4. the source route --------------------------------------------------
# Extracted and built under target/pie-source-route/, whose cargo target
# directory is kept between runs: the first run builds every crate (a full
# release build), later ones only the extension's own crate (a few minutes).
work=$ROOT/target/pie-source-route
rm -rf "$work/src"
mkdir -p "$work/src"
git archive --format=tar HEAD | tar -x -C "$work/src"
# git archive dates every file at the commit, which can be older than the
# last build here: cargo would then take the old build as fresh. Dated now,
# the extension's crate is always rebuilt from this archive.
find "$work/src" -exec touch {} +
for gone in tests bench .ci scripts/test scripts/s3-server.sh; do
  [[ ! -e $work/src/$gone ]] || fail "git archive still contains $gone (.gitattributes export-ignore)"
done
for kept in config.m4 Makefile.frag Cargo.toml Cargo.lock build.rs src/lib.rs php/plugin.php stubs/s3_attachments.stub.php README.md; do
  [[ -e $work/src/$kept ]] || fail "git archive lacks $kept, which the build or the admin needs"
done
ok "git archive: no tests/bench/CI/dev scripts; sources, plugin, stub and README kept"
started=$SECONDS
(
  cd "$work/src"
  "$(dirname "$PHP_CONFIG_BIN")/phpize$(basename "$PHP_CONFIG_BIN" | sed 's/^php-config//')" >phpize.out 2>&1 || { cat phpize.out; exit 1; }
  CARGO_TARGET_DIR=$work/target ./configure --with-php-config="$PHP_CONFIG_BIN" >configure.out 2>&1 \
    || { tail -20 configure.out; exit 1; }
  make >make.out 2>&1 || { tail -30 make.out; exit 1; }
  make install INSTALL_ROOT="$tmp/root" >install.out 2>&1 || { cat install.out; exit 1; }
) || fail "the source route (phpize, ./configure, make, make install) failed"
installed=$tmp/root$PHP_EXT_DIR/s3_attachments.so
[[ -f $installed ]] || fail "make install INSTALL_ROOT=$tmp/root did not install $installed"
got=$("$PHP_BIN" -n -d "extension=$installed" -r 'echo phpversion("s3_attachments");')
[[ $got == "$version" ]] || fail "the source-built .so reports '$got', expected $version"
ok "source route: phpize, bare ./configure, make, make install -> $PHP_EXT_DIR/s3_attachments.so loads ($((SECONDS - started)) s)"
echo "pie: all checks passed"
