# Installs what the real-osTicket suite needs (sourced by run.sh), without
# letting the packages start their system services: MariaDB on 3306 and
# Apache on *:80 would otherwise start on install. Our own servers run from
# a temp dir instead.

OSTICKET_PACKAGES=(mariadb-server mariadb-client apache2 libapache2-mod-php8.2 php8.2-cli
  php8.2-mysql php8.2-mbstring php8.2-intl php8.2-xml php8.2-gd php8.2-imap php8.2-curl
  php8.2-zip php8.2-apcu curl python3)

install_packages() {
  install_packages_quietly "${OSTICKET_PACKAGES[@]}"
}
