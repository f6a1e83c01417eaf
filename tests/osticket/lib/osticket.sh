# The helpdesk under test (sourced by run.sh): osTicket unpacked from the
# tarball named by OSTICKET_TARBALL, installed headlessly into the private
# MariaDB, the plugin from php/ (or PLUGIN_SRC) copied in, installed, configured and enabled
# through osTicket's own plugin code. Sets OST_ROOT, OST_HTTP_HOST.

# The re-pack of the v1.18.1 tag kept beside the project (../shared), minus
# the mPDF fonts; GitHub's archive of the tag works too (its checksum differs).
OSTICKET_REPACK_SHA256=af2a1ca4114ba60f996630328014106b168e115c7abe543d61597ad23da976ba
OSTICKET_UPSTREAM_URL=https://github.com/osTicket/osTicket/archive/refs/tags/v1.18.1.tar.gz

check_tarball() {
  OSTICKET_TARBALL=${OSTICKET_TARBALL:-$ROOT/../shared/osticket/osTicket-v1.18.1.tar.gz}
  if [[ ! -f $OSTICKET_TARBALL ]]; then
    die "osTicket 1.18.1 not found at $OSTICKET_TARBALL.
  Download the v1.18.1 release: curl -fLo osTicket-v1.18.1.tar.gz $OSTICKET_UPSTREAM_URL
  and run with OSTICKET_TARBALL=/path/to/osTicket-v1.18.1.tar.gz.
  Checksums: the re-pack of that tag kept in ../shared/osticket/ (without the mPDF fonts) has
  sha256 $OSTICKET_REPACK_SHA256. GitHub's archive is a different file with a different
  checksum: pin the one you downloaded yourself (sha256sum) and keep using that file."
  fi
  local sum
  sum=$(sha256sum "$OSTICKET_TARBALL" | awk '{print $1}')
  if [[ $sum == "$OSTICKET_REPACK_SHA256" ]]; then
    say "osTicket: $OSTICKET_TARBALL (the pinned re-pack of v1.18.1)"
  else
    say "osTicket: $OSTICKET_TARBALL, sha256 $sum: not the pinned re-pack (GitHub's archive of v1.18.1 differs from it; make sure it is that release)"
  fi
}

unpack_osticket() {
  OST_ROOT=$TMP/osticket
  mkdir -p "$OST_ROOT"
  # The tarballs have one top folder (osTicket-v1.18.1/ or, from GitHub, osTicket-1.18.1/).
  tar -xzf "$OSTICKET_TARBALL" -C "$OST_ROOT" --strip-components=1 --no-same-owner ||
    die "cannot unpack $OSTICKET_TARBALL"
  [[ -f $OST_ROOT/main.inc.php && -f $OST_ROOT/include/class.file.php && -f $OST_ROOT/setup/setup.inc.php ]] ||
    die "$OSTICKET_TARBALL does not hold an osTicket source tree (main.inc.php, include/, setup/)"
  grep -q "define('MAJOR_VERSION', '1.18')" "$OST_ROOT/bootstrap.php" ||
    die "$OSTICKET_TARBALL is not osTicket 1.18 (bootstrap.php says $(grep -o "MAJOR_VERSION', '[^']*'" "$OST_ROOT/bootstrap.php"))"
}

install_osticket() {
  OST_HTTP_HOST=127.0.0.1:$WEB_PORT
  local t0=$SECONDS
  OST_DB_HOST=127.0.0.1:$DB_PORT OST_DB_NAME=$DB_NAME OST_DB_USER=$DB_USER OST_DB_PASS=$DB_PASS \
    OST_HTTP_HOST=$OST_HTTP_HOST OST_ADMIN_USER=s3admin OST_ADMIN_PASS="Adm1n-$$-Passw0rd!" \
    "$TMP/bin/php" "$HERE/install-osticket.php" "$OST_ROOT" >"$TMP/install.log" 2>&1 ||
    { show_log "$TMP/install.log"; show_log "$PHP_ERROR_LOG" "$PHP_NOISE"; die "installing osTicket failed"; }
  # As an admin finishes an install: without setup/ (the staff panel
  # warns while it is there).
  rm -rf "$OST_ROOT/setup"
  say "osTicket installed in $((SECONDS - t0)) s"
}

install_plugin() { # from PLUGIN_SRC (default: the tree's php/)
  cp -r "${PLUGIN_SRC:-$ROOT/php}" "$OST_ROOT/include/plugins/s3-native"
  chmod -R a+rX "$OST_ROOT"
  OST_ROOT=$OST_ROOT OST_HTTP_HOST=$OST_HTTP_HOST OST_S3_FOLDER=$OST_S3_FOLDER \
    "$TMP/bin/php" "$HERE/setup-helpdesk.php" >"$TMP/setup.log" 2>&1 ||
    { show_log "$TMP/setup.log"; show_log "$PHP_ERROR_LOG" "$PHP_NOISE"; die "preparing the helpdesk failed"; }
  say "$(tail -n 1 "$TMP/setup.log")"
}
