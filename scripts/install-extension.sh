#!/usr/bin/env bash
# Builds the extension (cargo, release profile) and installs it into a Debian/
# Ubuntu PHP the way Debian's own PHP extensions are installed:
#   <extension_dir>/s3_attachments.so
#   /etc/php/<ver>/mods-available/s3_attachments.ini   (extension=s3_attachments.so)
#   phpenmod -v <ver> s3_attachments                   (CLI, FPM and Apache)
# then reminds you to restart php<ver>-fpm / apache2 (or does it: --restart).
#
#   scripts/install-extension.sh [--php-config PATH] [--restart] [--no-build]
#   scripts/install-extension.sh --uninstall [--php-config PATH] [--restart]
#
# Builds as the calling user; only the install steps use sudo when not root.
# Other systems: the phpize route (phpize && ./configure && make && make install)
# plus `extension=s3_attachments.so` in php.ini does the same.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
php_config=${PHP_CONFIG:-php-config}
action=install
restart=no
build=yes
while (($#)); do
  case $1 in
    --php-config) php_config=$2; shift ;;
    --php-config=*) php_config=${1#*=} ;;
    --restart) restart=yes ;;
    --no-build) build=no ;;
    --uninstall) action=uninstall ;;
    -h|--help) sed -n '2,15p' "${BASH_SOURCE[0]}" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "unknown argument: $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

die() { echo "error: $*" >&2; exit 1; }

php_config=$(command -v "$php_config") \
  || die "php-config not found; install php8.2-dev (apt-get install php8.2-dev) or pass --php-config PATH"
php_bin=$("$php_config" --php-binary)
ext_dir=$("$php_config" --extension-dir)
ver=$("$php_config" --version | cut -d. -f1,2)   # 8.2
ini_dir=/etc/php/$ver/mods-available
ini=$ini_dir/s3_attachments.ini
so=$ext_dir/s3_attachments.so

SUDO=
if [[ $EUID -ne 0 ]]; then SUDO=sudo; fi

command -v phpenmod >/dev/null && [[ -d $ini_dir ]] \
  || die "no phpenmod or $ini_dir: not a Debian-style PHP $ver. Use: phpize && ./configure && make && sudo make install, then add extension=s3_attachments.so to php.ini ($php_bin --ini)"

restart_services() {
  local units=() u
  for u in "php$ver-fpm" apache2; do
    if systemctl is-active --quiet "$u" 2>/dev/null; then units+=("$u"); fi
  done
  if [[ $restart == yes ]]; then
    if ((${#units[@]})); then
      echo "restarting: ${units[*]}"
      $SUDO systemctl restart "${units[@]}"
    else
      echo "no running php$ver-fpm or apache2 unit to restart"
    fi
  else
    echo "restart the PHP servers to pick this up, e.g.: sudo systemctl restart php$ver-fpm apache2 (whichever you run)"
  fi
}

if [[ $action == uninstall ]]; then
  if [[ -f $ini ]]; then $SUDO phpdismod -v "$ver" s3_attachments; fi
  # phpdismod leaves its bookkeeping (disabled_by_admin markers, one per SAPI;
  # its -p purge only clears the last SAPI); drop it with the module.
  $SUDO rm -f /var/lib/php/modules/"$ver"/*/{enabled,disabled}_by_{admin,maint}/s3_attachments
  $SUDO rm -f "$ini" "$so"
  echo "removed $so and $ini"
  restart_services
  exit 0
fi

if [[ $build == yes ]]; then
  cargo=${CARGO:-}
  if [[ -z $cargo ]]; then
    source "$root/scripts/rust-toolchain.sh"
    use_rust_toolchain \
      || die "no cargo with rustc >= $(rust_min_version) on PATH or in ~/.cargo/bin; scripts/install-deps.sh installs one (Debian's cargo-web)"
    cargo=$(command -v cargo)
  fi
  case ":$PATH:" in *":$(dirname "$cargo"):"*) ;; *) PATH="$(dirname "$cargo"):$PATH" ;; esac
  echo "building: $cargo build --release --locked (PHP_CONFIG=$php_config)"
  (cd "$root" && PHP_CONFIG=$php_config PHP=$php_bin "$cargo" build --release --locked)
fi
built=${CARGO_TARGET_DIR:-$root/target}/release/libs3_attachments.so
[[ $built == /* ]] || built=$root/$built
[[ -f $built ]] || die "$built is missing; build first (drop --no-build)"

$SUDO install -D -m 0644 "$built" "$so"
echo "installed $so"
printf '%s\n' "; s3_attachments: osTicket attachments in S3 (installed by scripts/install-extension.sh)" \
  "; priority=20" "extension=s3_attachments.so" | $SUDO tee "$ini" >/dev/null
echo "wrote $ini"
$SUDO phpenmod -v "$ver" s3_attachments
sapis=()
for link in /etc/php/"$ver"/*/conf.d/*-s3_attachments.ini; do
  [[ -e $link ]] && sapis+=("$(basename "$(dirname "$(dirname "$link")")")")
done
echo "enabled for: ${sapis[*]:-nothing?}"

"$php_bin" -r 'exit(class_exists("S3AttachmentBackend") ? 0 : 1);' \
  || die "$php_bin does not load s3_attachments after install; check: $php_bin --ri s3_attachments"
"$php_bin" --ri s3_attachments | sed -n '1,12p'
restart_services
