#!/usr/bin/env bash
# The Debian package in a clean Debian root, as an admin would use it.
# Run by scripts/test-package (which builds both packages first):
#
#   tests/package/deb.sh SUITE PACKAGE.deb NEWER.deb
#
# In a fresh SUITE root (mmdebstrap, PHP CLI, FPM and Apache's mod_php from
# Debian): apt-get install ./PACKAGE.deb; the module is listed by `php -m` and
# `php-fpm<X.Y> -m`, linked for cli, fpm and apache2, `php --ri` shows the
# version, a script stores and reads an object on the local S3 server; the
# admin edits the ini and disables the module for the CLI, then the upgrade
# to NEWER.deb keeps both (conffile, php-maintscript-helper state);
# `apt-get remove` disables it and keeps the ini; `apt-get purge` leaves
# nothing of it behind.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
source "$ROOT/scripts/lib/debian-root.sh"
suite=$1 deb=$2 newer=$3

fail() { echo "FAIL: $*" >&2; exit 1; }
ok() { echo "ok: $*"; }

package=$(dpkg-deb -f "$deb" Package)
version=$(dpkg-deb -f "$deb" Version)
newer_version=$(dpkg-deb -f "$newer" Version)
minor=${package#php}; minor=${minor%%-*}
dpkg --compare-versions "$newer_version" gt "$version" || fail "$newer is $newer_version, not newer than $version"
crate_version=${version%-*}; crate_version=${crate_version/\~/-}

[[ -n ${S3_TEST_ENDPOINT:-} ]] || fail "S3_TEST_* are not set: scripts/s3-server.sh start; eval \"\$(scripts/s3-server.sh env)\""
curl -s -o /dev/null --max-time 5 "$S3_TEST_ENDPOINT" || fail "the S3 test server at $S3_TEST_ENDPOINT does not answer (scripts/s3-server.sh start)"

root=$(mktemp -d /tmp/s3a-debian-root.XXXXXX)
started=$SECONDS
debian_root_create "$root" "$suite" "php$minor-cli,php$minor-fpm,libapache2-mod-php$minor"
ok "clean $suite root with PHP $(in_root "php -r 'echo PHP_VERSION;'") from Debian ($((SECONDS - started)) s)"
cp "$deb" "$newer" "$root/tmp/"
install -m 0644 "$ROOT/tests/package/s3-roundtrip.php" "$root/tmp/s3-roundtrip.php"
pkgfile=/tmp/${deb##*/} newerfile=/tmp/${newer##*/}
ini=/etc/php/$minor/mods-available/s3_attachments.ini

# --- install --------------------------------------------------------------
in_root "apt-get install -y -q $pkgfile" >"$root.install.log" 2>&1 || { cat "$root.install.log"; fail "apt-get install ./${deb##*/}"; }
rm -f "$root.install.log"
in_root "php -m" | grep -x s3_attachments >/dev/null || fail "php -m does not list s3_attachments after install"
in_root "php-fpm$minor -m" | grep -x s3_attachments >/dev/null || fail "php-fpm$minor -m does not list s3_attachments"
for sapi in cli fpm apache2; do
  in_root "test \"\$(readlink -f /etc/php/$minor/$sapi/conf.d/20-s3_attachments.ini)\" = $ini" \
    || fail "$sapi: /etc/php/$minor/$sapi/conf.d/20-s3_attachments.ini does not link to $ini"
done
in_root "php --ri s3_attachments" | grep -E "version.*=> $crate_version\$" >/dev/null \
  || fail "php --ri s3_attachments does not show version $crate_version: $(in_root 'php --ri s3_attachments' | head -5)"
ok "apt-get install: php -m, php-fpm$minor -m list it; enabled for cli, fpm, apache2 (20-s3_attachments.ini); php --ri shows $crate_version"
in_root "dpkg-query -W -f='\${Conffiles}' $package" | grep -F "$ini" >/dev/null || fail "$ini is not a conffile"
in_root "test -f /usr/share/php-s3-attachments/osticket-plugin/plugin.php && test -f /usr/share/doc/$package/copyright && test -f /usr/share/doc/$package/README.md.gz" \
  || fail "the plugin folder or the docs are missing"
ok "ini is a conffile; plugin in /usr/share/php-s3-attachments/osticket-plugin/; README and copyright in /usr/share/doc/$package/"
cli=/usr/share/php-s3-attachments/osticket-plugin/bin/s3-attachments
in_root "php $cli --help" | grep -F 'migrate' >/dev/null || fail "the plugin's admin command: php $cli --help does not list migrate"
ok "the plugin's admin command runs from the package (php $cli --help)"
in_root "php /tmp/s3-roundtrip.php" || fail "storing and reading an object through the installed extension"

# --- upgrade, keeping the admin's changes ---------------------------------
in_root "echo '; s3_attachments.some_admin_note = kept' >> $ini; phpdismod -v $minor -s cli s3_attachments"
in_root "apt-get install -y -q $newerfile" >"$root.upgrade.log" 2>&1 || { cat "$root.upgrade.log"; fail "upgrade to ${newer##*/}"; }
rm -f "$root.upgrade.log"
[[ $(in_root "dpkg-query -W -f='\${Version}' $package") == "$newer_version" ]] || fail "after the upgrade $package is not $newer_version"
in_root "grep -q some_admin_note $ini" || fail "the upgrade replaced the admin's edited $ini"
in_root "php -m" | grep -x s3_attachments >/dev/null && fail "the upgrade re-enabled the module for the CLI, which the admin had disabled"
in_root "php-fpm$minor -m" | grep -x s3_attachments >/dev/null || fail "after the upgrade php-fpm$minor -m does not list s3_attachments"
ok "upgrade $version -> $newer_version: the edited ini kept, the CLI stays disabled as the admin chose, FPM enabled"
in_root "phpenmod -v $minor -s cli s3_attachments"
in_root "php -m" | grep -x s3_attachments >/dev/null || fail "phpenmod -s cli did not enable it again"

# --- remove: disabled, ini kept --------------------------------------------
in_root "apt-get remove -y -q $package" >/dev/null 2>&1 || fail "apt-get remove $package"
in_root "php -m" | grep -x s3_attachments >/dev/null && fail "php -m still lists s3_attachments after apt-get remove"
in_root "php-fpm$minor -m" | grep -x s3_attachments >/dev/null && fail "php-fpm$minor -m still lists s3_attachments after apt-get remove"
in_root "test -f $ini" || fail "apt-get remove deleted $ini (a conffile stays until purge)"
in_root "! ls /etc/php/$minor/*/conf.d/ | grep -q s3_attachments" || fail "conf.d links remain after apt-get remove"
in_root "test ! -e /usr/lib/php/*/s3_attachments.so && test ! -e /usr/share/php-s3-attachments" || fail "the .so or the plugin remain after apt-get remove"
[[ $(in_root "dpkg-query -W -f='\${db:Status-Abbrev}' $package") == rc* ]] || fail "$package is not in state rc (removed, config kept)"
ok "apt-get remove: module disabled everywhere, .so and plugin gone, $ini kept"

# --- purge: nothing left ----------------------------------------------------
in_root "apt-get purge -y -q $package" >/dev/null 2>&1 || fail "apt-get purge $package"
left=$(in_root "find / -xdev \\( -path /proc -o -path /tmp \\) -prune -o \\( -name '*s3_attachments*' -o -name '*s3-attachments*' \\) -print" || true)
[[ -z $left ]] || fail "apt-get purge left: $left"
in_root "dpkg-query -W $package" >/dev/null 2>&1 && [[ $(in_root "dpkg-query -W -f='\${db:Status-Abbrev}' $package") != un* ]] \
  && fail "dpkg still knows $package after purge"
ok "apt-get purge: no file, link or helper state named s3_attachments/s3-attachments left"

debian_root_destroy
echo "deb ($suite): all checks passed in $((SECONDS - started)) s"
