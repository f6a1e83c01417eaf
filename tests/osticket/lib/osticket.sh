# The helpdesk under test (sourced by run.sh): osTicket unpacked from the
# tarball named by OSTICKET_TARBALL, installed headlessly into the private
# MariaDB, the plugin copied in (from php/, or PLUGIN_SRC), installed, configured and enabled through
# osTicket's own plugin code. Sets OST_ROOT, OST_HTTP_HOST, and exports
# OST_PLUGIN_PATH (where the plugin is, relative to include/).
#
# The plugin comes as a folder (OSTICKET_PLUGIN_FROM=folder, the default:
# php/ copied to include/plugins/s3-native) or as one file
# (OSTICKET_PLUGIN_FROM=phar: the archive scripts/package-plugin built,
# OSTICKET_PLUGIN_PHAR, default dist/s3-attachments-plugin.phar, copied to
# include/plugins/s3-attachments-plugin.phar).
PLUGIN_FOLDER_PATH=plugins/s3-native
PLUGIN_PHAR_PATH=plugins/s3-attachments-plugin.phar

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

# check_plugin_source [phar]: OSTICKET_PLUGIN_FROM is folder or phar; the
# archive, when this run uses it (as the plugin, or "phar" for a later
# step), exists and matches php/ (scripts/package-plugin-verify.php), before
# anything is started. Sets PLUGIN_FROM and PLUGIN_PHAR.
check_plugin_source() {
  PLUGIN_FROM=${OSTICKET_PLUGIN_FROM:-folder}
  [[ $PLUGIN_FROM == folder || $PLUGIN_FROM == phar ]] ||
    die "OSTICKET_PLUGIN_FROM=$PLUGIN_FROM: say folder (php/) or phar (dist/s3-attachments-plugin.phar)"
  PLUGIN_PHAR=${OSTICKET_PLUGIN_PHAR:-$ROOT/dist/s3-attachments-plugin.phar}
  if [[ $PLUGIN_FROM == phar || ${1:-} == phar ]]; then
    [[ -f $PLUGIN_PHAR ]] || die "the plugin archive $PLUGIN_PHAR is missing; build it: scripts/package-plugin"
    local version
    version=$(php -n -d display_errors=stderr -d extension=phar "$ROOT/scripts/package-plugin-verify.php" "$PLUGIN_PHAR" "$ROOT/php") ||
      die "the plugin archive $PLUGIN_PHAR is broken or out of date with php/ (above); rebuild it: scripts/package-plugin"
    say "plugin archive: $PLUGIN_PHAR (plugin $version, $(stat -c %s "$PLUGIN_PHAR") bytes)"
  fi
}

# The helpdesk's settings, then the plugin copied in and set up as an admin
# does (plugin-admin.php install), from the folder or the archive.
install_plugin() {
  OST_ROOT=$OST_ROOT OST_HTTP_HOST=$OST_HTTP_HOST \
    "$TMP/bin/php" "$HERE/setup-helpdesk.php" >"$TMP/setup.log" 2>&1 ||
    { show_log "$TMP/setup.log"; show_log "$PHP_ERROR_LOG" "$PHP_NOISE"; die "preparing the helpdesk failed"; }
  if [[ $PLUGIN_FROM == phar ]]; then
    install -m 0644 "$PLUGIN_PHAR" "$OST_ROOT/include/$PLUGIN_PHAR_PATH"
    export OST_PLUGIN_PATH=$PLUGIN_PHAR_PATH
  else
    cp -r "${PLUGIN_SRC:-$ROOT/php}" "$OST_ROOT/include/$PLUGIN_FOLDER_PATH"
    export OST_PLUGIN_PATH=$PLUGIN_FOLDER_PATH
  fi
  chmod -R a+rX "$OST_ROOT"
  plugin_admin install
}

# The same helpdesk switched from the folder to the archive the way that
# asks most of the plugin: the .phar copied in and installed while the folder
# install is still there (its storage.php must then declare nothing and say
# so, not break every page), configured afresh, then the folder install
# deleted in Admin Panel > Manage > Plugins (its instance and settings go
# with it) and its folder removed.
switch_plugin_to_phar() {
  [[ $OST_PLUGIN_PATH == "$PLUGIN_FOLDER_PATH" ]] || die "switch_plugin_to_phar: the plugin is not the folder install"
  install -m 0644 "$PLUGIN_PHAR" "$OST_ROOT/include/$PLUGIN_PHAR_PATH"
  export OST_PLUGIN_PATH=$PLUGIN_PHAR_PATH
  plugin_admin install
  # A page through Apache too while both are installed (suite/tests/phar_plugin.php reads the logs).
  curl -sS -o /dev/null "$WEB_URL/index.php" || die "the helpdesk's home page did not answer with both copies installed"
  OST_PLUGIN_PATH=$PLUGIN_FOLDER_PATH plugin_admin uninstall
  rm -rf "${OST_ROOT:?}/include/$PLUGIN_FOLDER_PATH"
}

plugin_admin() { # plugin_admin install|uninstall: plugin-admin.php in a booted helpdesk, for OST_PLUGIN_PATH
  OST_ROOT=$OST_ROOT OST_HTTP_HOST=$OST_HTTP_HOST OST_S3_FOLDER=$OST_S3_FOLDER \
    "$TMP/bin/php" "$HERE/plugin-admin.php" "$1" >>"$TMP/setup.log" 2>&1 ||
    { show_log "$TMP/setup.log"; show_log "$PHP_ERROR_LOG" "$PHP_NOISE"; die "plugin-admin.php $1 ($OST_PLUGIN_PATH) failed"; }
  say "$(tail -n 1 "$TMP/setup.log")"
}
