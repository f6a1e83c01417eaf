# A private helpdesk for a suite (sourced by run.sh and browser/run.sh):
# the libraries that make it, and the one order of its set-up.
HELPDESK_LIB=$(dirname "${BASH_SOURCE[0]}")
source "$HELPDESK_LIB/procs.sh"
source "$HELPDESK_LIB/packages.sh"
source "$HELPDESK_LIB/php.sh"
source "$HELPDESK_LIB/mariadb.sh"
source "$HELPDESK_LIB/apache.sh"
source "$HELPDESK_LIB/osticket.sh"

# PHP's config, MariaDB, osTicket unpacked and served by Apache, installed
# (its admin agent: s3admin, password Adm1n-$$-Passw0rd!, this shell's $$),
# and the plugin installed, configured and enabled.
set_up_helpdesk() {
  write_php_config
  start_mariadb
  unpack_osticket
  start_apache
  install_osticket
  install_plugin
}
