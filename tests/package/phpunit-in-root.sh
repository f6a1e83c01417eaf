#!/usr/bin/env bash
# The extension's PHPUnit suite (tests/extension) under another Debian
# release's PHP, with the .so its package ships. Run by scripts/test-package
# for trixie (PHP 8.4):
#
#   tests/package/phpunit-in-root.sh SUITE PACKAGE.deb
#
# In a fresh SUITE root (mmdebstrap; PHP, that release's own phpunit, and what
# the suite calls out to: python3 for tests/support/fault_proxy.py, openssl,
# curl), with the committed tree copied in: PHP -d extension=<the .so taken
# out of PACKAGE.deb> phpunit -c tests/extension/phpunit.xml.
# The suite runs against its own SeaweedFS, started inside the root by
# scripts/s3-server.sh on a free loopback port and stopped at the end: one
# test (ServerRestartTest) stops and restarts its server, and the shared one
# must never go down under the other users of this machine.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/lib/debian-root.sh"
source "$ROOT/tests/support/server-tools.sh"
suite=$1 deb=$2

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

minor=$(debian_suite_php "$suite")
api=$(dpkg-deb -f "$deb" Depends | grep -o 'phpapi-[0-9]*' | cut -d- -f2)
[[ -n $api ]] || fail "$deb depends on no phpapi-<API>"
# The static weed binary the shared server runs (installed into .tools/ when
# this checkout has none yet; nothing is started here).
"$ROOT/scripts/s3-server.sh" install >/dev/null
weed=$ROOT/.tools/seaweedfs-venv/bin/weed
[[ -x $weed ]] || fail "$weed is missing after scripts/s3-server.sh install"

root=$(mktemp -d /tmp/s3a-phpunit-root.XXXXXX)
started=$SECONDS
debian_root_create "$root" "$suite" \
  "php$minor-cli,php$minor-curl,php$minor-mbstring,php$minor-xml,phpunit,python3,openssl,curl"
ok "clean $suite root with PHP $(in_root "php -r 'echo PHP_VERSION;'"), $(in_root 'phpunit --version' | head -1 | cut -d' ' -f1,2) from Debian ($((SECONDS - started)) s)"

# The committed tree (as a clone has it), the extension out of the package,
# and SeaweedFS where scripts/s3-server.sh looks for it.
mkdir -p "$root/src"
git -C "$ROOT" ls-files -z | tar -C "$ROOT" --null -T - -cf - | tar -C "$root/src" -xf -
dpkg-deb -x "$deb" "$root/tmp/package"
so=/tmp/package/usr/lib/php/$api/s3_attachments.so
[[ -f $root$so ]] || fail "$deb has no $so"
venv=$root/src/.tools/seaweedfs-venv
install -D -m 0755 "$weed" "$venv/bin/weed"
cp "$ROOT/scripts/seaweedfs-requirements.txt" "$venv/requirements.installed"

# Stops the root's own SeaweedFS, also when the run inside was cut short.
stop_root_server() {
  local pid
  pid=$(cat "$root/src/.s3-server/weed.pid" 2>/dev/null) || return 0
  if [[ -n $pid ]] && grep -qa weed "/proc/$pid/cmdline" 2>/dev/null; then
    kill -TERM -- "-$pid" 2>/dev/null || kill -TERM "$pid" 2>/dev/null || true
    for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.2; done
    kill -KILL -- "-$pid" 2>/dev/null || true
  fi
}
trap 'stop_root_server; debian_root_destroy' EXIT

port=$(free_port)
t0=$SECONDS
set +e
in_root "cd /src
  export S3_TEST_PORT=$port AWS_EC2_METADATA_DISABLED=true S3A_EXTENSION_PATH=$so
  trap 'scripts/s3-server.sh stop >/dev/null' EXIT
  scripts/s3-server.sh start
  eval \"\$(scripts/s3-server.sh env)\"
  php -d extension=\$S3A_EXTENSION_PATH /usr/bin/phpunit -c tests/extension/phpunit.xml" >"$root.phpunit.log" 2>&1
rc=$?
set -e
stop_root_server
grep -E '^(PHPUnit [0-9]|Runtime:|Time:|OK|Tests:|ERRORS|FAILURES|There (was|were) [0-9]+ (error|failure|risky|warning|skipped|incomplete))' \
  "$root.phpunit.log" || true
if ((rc != 0)); then
  sed -n '/^There \(was\|were\) [0-9]* \(error\|failure\)/,$p' "$root.phpunit.log" | head -60
  echo "--- the root's SeaweedFS log (last lines):"
  tail -n 30 "$root/src/.s3-server/weed.log" 2>/dev/null || true
  rm -f "$root.phpunit.log"
  fail "the extension's PHPUnit suite under PHP $minor in the $suite root (exit $rc)"
fi
rm -f "$root.phpunit.log"
ok "tests/extension under PHP $minor with the packaged .so, against SeaweedFS on 127.0.0.1:$port inside the root ($((SECONDS - t0)) s)"

echo "phpunit ($suite): all checks passed in $((SECONDS - started)) s"
