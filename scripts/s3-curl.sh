#!/usr/bin/env bash
# SigV4-signed curl against the local S3 test server (scripts/s3-server.sh).
#
#   scripts/s3-curl.sh METHOD PATH [curl args...]
#   scripts/s3-curl.sh GET /                                  # ListBuckets
#   scripts/s3-curl.sh PUT /s3att-test/a.txt --data-binary @file
#   scripts/s3-curl.sh GET '/s3att-test?list-type=2&prefix=a'
#   S3_CURL_IDENTITY=readonly scripts/s3-curl.sh PUT /s3att-test/x -T file   # expect 403
#
# Signs as the admin identity unless S3_CURL_IDENTITY=readonly. Prints the
# response body; add -w '%{http_code}' / --fail-with-body as needed.
set -euo pipefail

HERE=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)
if [[ $# -lt 2 ]]; then
  echo "usage: $0 METHOD PATH [curl args...]" >&2
  exit 2
fi
method=$1 path=$2
shift 2

# Endpoint and keys come from the one place that defines them.
eval "$("$HERE/s3-server.sh" env)"
key=$S3_TEST_ACCESS_KEY secret=$S3_TEST_SECRET_KEY
if [[ ${S3_CURL_IDENTITY:-admin} == readonly ]]; then
  key=$S3_TEST_READONLY_ACCESS_KEY secret=$S3_TEST_READONLY_SECRET_KEY
fi

# curl 7.88 (Debian 12) signs the query string as written: the server rejects
# the signature unless parameters are sorted and valueless ones carry '='
# (`?uploads` -> `?uploads=`). Normalise so callers need not care.
if [[ $path == *\?* ]]; then
  IFS='&' read -ra params <<<"${path#*\?}"
  for i in "${!params[@]}"; do [[ ${params[i]} == *=* ]] || params[i]+="="; done
  path="${path%%\?*}?$(printf '%s\n' "${params[@]}" | LC_ALL=C sort -t= -k1,1 -k2 | paste -sd'&')"
fi

# curl 7.88 sends no x-amz-content-sha256, and without it a --data-binary body
# fails the server's signature check; declaring the payload unsigned (as AWS
# allows) keeps every way of sending a body (--data-binary, -T, stdin) valid.
args=(-sS --aws-sigv4 "aws:amz:$S3_TEST_REGION:s3" --user "$key:$secret"
      -H 'x-amz-content-sha256: UNSIGNED-PAYLOAD')
# `-X HEAD` would make curl wait for a body that never comes; -I does HEAD right.
if [[ $method == HEAD ]]; then args+=(-I); else args+=(-X "$method"); fi

exec curl "${args[@]}" "$@" "$S3_TEST_ENDPOINT$path"
