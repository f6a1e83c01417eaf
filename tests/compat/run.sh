#!/usr/bin/env bash
# Runs the compatibility suite (tests/compat): starts SeaweedFS and moto when
# they are not running, and stops again only what this run started.
#
#   tests/compat/run.sh [phpunit args...]
#
# The extension: S3A_EXTENSION_PATH (scripts/test exports it), else the debug build.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
cd "$ROOT"
EXTENSION=${S3A_EXTENSION_PATH:-$ROOT/target/debug/libs3_attachments.so}
[[ -f $EXTENSION ]] || { echo "tests/compat/run.sh: no extension at $EXTENSION (build it, or set S3A_EXTENSION_PATH)" >&2; exit 1; }

started=()
cleanup() {
  local s
  for s in ${started[@]+"${started[@]}"}; do
    "scripts/$s.sh" stop || true
  done
}
trap cleanup EXIT
for s in s3-server moto-server; do
  if ! "scripts/$s.sh" status >/dev/null 2>&1; then
    "scripts/$s.sh" start
    started+=("$s")
  fi
done
eval "$(scripts/s3-server.sh env)"
eval "$(scripts/moto-server.sh env)"
export AWS_EC2_METADATA_DISABLED=true
php -d "extension=$EXTENSION" /usr/bin/phpunit -c tests/compat/phpunit.xml "$@"
