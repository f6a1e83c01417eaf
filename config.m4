dnl config.m4 for s3_attachments: the classic PHP install route.
dnl
dnl   phpize && ./configure && make && make install
dnl
dnl The extension is written in Rust (ext-php-rs), so there is no C to compile:
dnl configure checks the Rust toolchain and libclang, and Makefile.frag runs
dnl `cargo build --release --locked` and copies target/release/libs3_attachments.so
dnl to modules/s3_attachments.so, which phpize's own `make install` then installs
dnl into `php-config --extension-dir`. `phpize --clean` removes everything
dnl generated here.
dnl
dnl Variables that configure honours (and records for make):
dnl   CARGO            cargo to use (default: cargo on PATH, else $CARGO_HOME/bin
dnl                    or ~/.cargo/bin, where rustup puts it)
dnl   RUSTC            rustc to use (default: the one next to cargo, else PATH)
dnl   CARGO_TARGET_DIR cargo's target directory (default: ./target)
dnl   LIBCLANG_PATH    directory holding libclang.so, for bindgen

dnl Enabled by default: PIE runs a bare `./configure --with-php-config=...`
dnl (it passes only options the user names), and a phpize build of this
dnl directory has no other extension to build anyway.
PHP_ARG_ENABLE([s3-attachments],
  [whether to enable the s3_attachments extension],
  [AS_HELP_STRING([--disable-s3-attachments],
    [Do not build s3_attachments (built with cargo; needs Rust and libclang)])],
  [yes])

if test "$PHP_S3_ATTACHMENTS" != "no"; then
  AC_ARG_VAR([CARGO], [cargo command used to build the extension])
  AC_ARG_VAR([RUSTC], [rustc command cargo should use])
  AC_ARG_VAR([CARGO_TARGET_DIR], [cargo's target directory (default: ./target)])
  AC_ARG_VAR([LIBCLANG_PATH], [directory containing libclang.so (bindgen)])

  dnl --- the PHP this is built for -------------------------------------------
  dnl phpize's configure has resolved --with-php-config into $PHP_CONFIG (by
  dnl default the bare name php-config); cargo gets an absolute path so that
  dnl ext-php-rs reads the same PHP's headers, whatever PATH says at make time.
  AC_MSG_CHECKING([for the php-config to build against])
  case "$PHP_CONFIG" in
    /*) S3A_PHP_CONFIG=$PHP_CONFIG ;;
    */*) S3A_PHP_CONFIG=`pwd`/$PHP_CONFIG ;;
    *) S3A_PHP_CONFIG=`command -v "$PHP_CONFIG" 2>/dev/null` ;;
  esac
  if test -z "$S3A_PHP_CONFIG" || test ! -x "$S3A_PHP_CONFIG"; then
    AC_MSG_RESULT([not found])
    AC_MSG_ERROR([cannot find php-config ($PHP_CONFIG); install the PHP development files (Debian/Ubuntu: apt-get install php8.2-dev) or use --with-php-config=PATH])
  fi
  AC_MSG_RESULT([$S3A_PHP_CONFIG])

  s3a_php_vernum=`"$S3A_PHP_CONFIG" --vernum 2>/dev/null`
  s3a_php_version=`"$S3A_PHP_CONFIG" --version 2>/dev/null`
  AC_MSG_CHECKING([whether PHP is 8.x])
  if test -z "$s3a_php_vernum" || test "$s3a_php_vernum" -lt 80000 || test "$s3a_php_vernum" -ge 90000; then
    AC_MSG_RESULT([no ($s3a_php_vernum)])
    AC_MSG_ERROR([s3_attachments needs PHP 8.x (built and tested on 8.2); $S3A_PHP_CONFIG reports '$s3a_php_version'])
  fi
  AC_MSG_RESULT([yes ($s3a_php_version)])

  dnl ext-php-rs runs the PHP CLI (php -i) while building to learn ZTS and the
  dnl Zend API version; hand it the binary that belongs to this php-config.
  AC_MSG_CHECKING([for the PHP CLI binary of that PHP])
  S3A_PHP=$PHP_EXECUTABLE
  if test -z "$S3A_PHP" || test ! -x "$S3A_PHP"; then
    AC_MSG_RESULT([not found ($S3A_PHP)])
    AC_MSG_ERROR(['$S3A_PHP_CONFIG --php-binary' names no executable; ext-php-rs needs the PHP CLI to build (Debian/Ubuntu: apt-get install php8.2-cli)])
  fi
  AC_MSG_RESULT([$S3A_PHP])

  dnl --- Rust ----------------------------------------------------------------
  s3a_rust_min=`$SED -n 's/^rust-version *= *"\(.*\)".*/\1/p' "$abs_srcdir/Cargo.toml" | head -n 1`
  test -n "$s3a_rust_min" || s3a_rust_min=1.94
  s3a_rustup_hint="Install Rust $s3a_rust_min or newer. Debian 12: apt-get install cargo-web rustc-web
(Rust 1.96 from bookworm-security; Debian 13: the same from trixie-security).
Elsewhere, with rustup:
    curl --proto '=https' --tlsv1.2 -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal
(see https://rustup.rs; it installs into ~/.cargo/bin, where configure looks too),
then re-run ./configure, or set CARGO=/path/to/cargo."

  dnl rustup installs into ${CARGO_HOME:-~/.cargo}/bin, which is often not on
  dnl PATH in non-login shells (sudo, CI, PIE), so look there as well, and
  dnl first: whoever installed rustup wants it used (as scripts/rust-toolchain.sh).
  dnl The first cargo whose rustc is recent enough wins, so an old distribution
  dnl cargo earlier on PATH does not hide a good one.
  s3a_cargo_home_bin="${CARGO_HOME:-$HOME/.cargo}/bin"
  if test -z "$CARGO"; then
    AC_MSG_CHECKING([for a cargo whose rustc is at least $s3a_rust_min])
    s3a_save_IFS=$IFS
    IFS=$PATH_SEPARATOR
    for s3a_dir in $s3a_cargo_home_bin$PATH_SEPARATOR$PATH; do
      IFS=$s3a_save_IFS
      test -n "$s3a_dir" && test -x "$s3a_dir/cargo" && test -x "$s3a_dir/rustc" || continue
      "$s3a_dir/cargo" --version >/dev/null 2>&1 || continue
      s3a_v=`"$s3a_dir/rustc" --version 2>/dev/null | $SED -n 's/^rustc \(@<:@0-9.@:>@*\).*/\1/p'`
      test -n "$s3a_v" || continue
      AS_VERSION_COMPARE([$s3a_v], [$s3a_rust_min], [], [CARGO=$s3a_dir/cargo], [CARGO=$s3a_dir/cargo])
      test -n "$CARGO" && break
    done
    IFS=$s3a_save_IFS
    AC_MSG_RESULT([${CARGO:-none}])
  fi
  dnl None recent enough: take any, so the checks below say what is wrong.
  AC_PATH_PROG([CARGO], [cargo], [], [$s3a_cargo_home_bin$PATH_SEPARATOR$PATH])
  if test -z "$CARGO"; then
    AC_MSG_ERROR([cargo was not found on PATH or in $s3a_cargo_home_bin.
$s3a_rustup_hint])
  fi
  dnl A CARGO given as a bare name (CARGO=cargo) is taken as-is by AC_PATH_PROG.
  case "$CARGO" in
    */*) ;;
    *) CARGO=`command -v "$CARGO" 2>/dev/null || echo "$CARGO"` ;;
  esac
  AC_MSG_CHECKING([whether $CARGO works])
  s3a_cargo_version=`"$CARGO" --version 2>/dev/null`
  if test -z "$s3a_cargo_version"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR(['$CARGO --version' failed (for rustup: is a default toolchain set? rustup default stable).
$s3a_rustup_hint])
  fi
  AC_MSG_RESULT([$s3a_cargo_version])

  dnl cargo runs `rustc` from PATH (or $RUSTC). Put cargo's own directory in
  dnl front at make time when it is not on PATH, and check that rustc here.
  S3A_RUST_BINDIR=`AS_DIRNAME(["$CARGO"])`
  s3a_rustc=$RUSTC
  if test -z "$s3a_rustc"; then
    if test -x "$S3A_RUST_BINDIR/rustc"; then
      s3a_rustc=$S3A_RUST_BINDIR/rustc
    else
      s3a_rustc=`command -v rustc 2>/dev/null`
    fi
  fi
  AC_MSG_CHECKING([for rustc])
  s3a_rustc_version=
  test -n "$s3a_rustc" && s3a_rustc_version=`"$s3a_rustc" --version 2>/dev/null`
  if test -z "$s3a_rustc_version"; then
    AC_MSG_RESULT([no])
    AC_MSG_ERROR([rustc was not found next to $CARGO or on PATH (or 'rustc --version' failed).
$s3a_rustup_hint])
  fi
  AC_MSG_RESULT([$s3a_rustc ($s3a_rustc_version)])

  AC_MSG_CHECKING([whether rustc is at least $s3a_rust_min])
  s3a_rustc_num=`echo "$s3a_rustc_version" | $SED -n 's/^rustc \(@<:@0-9.@:>@*\).*/\1/p'`
  AS_VERSION_COMPARE([$s3a_rustc_num], [$s3a_rust_min],
    [AC_MSG_RESULT([no ($s3a_rustc_num)])
     AC_MSG_ERROR([rustc $s3a_rustc_num is too old; Cargo.toml needs rust-version $s3a_rust_min.
If Rust came from rustup: rustup update stable. Otherwise:
$s3a_rustup_hint])],
    [AC_MSG_RESULT([yes ($s3a_rustc_num)])],
    [AC_MSG_RESULT([yes ($s3a_rustc_num)])])

  dnl --- libclang (bindgen reads PHP's headers through it) ------------------
  AC_MSG_CHECKING([for libclang])
  s3a_libclang=
  s3a_llvm_libdir=
  if command -v llvm-config >/dev/null 2>&1; then
    s3a_llvm_libdir=`llvm-config --libdir 2>/dev/null`
  fi
  s3a_multiarch=`$CC -print-multiarch 2>/dev/null`
  if test -n "$LIBCLANG_PATH"; then
    s3a_libclang_dirs=$LIBCLANG_PATH
  else
    s3a_libclang_dirs="$s3a_llvm_libdir `ls -d /usr/lib/llvm-*/lib /usr/lib64/llvm*/lib 2>/dev/null` /usr/lib/$s3a_multiarch /usr/lib64 /usr/lib /usr/local/lib /usr/local/opt/llvm/lib /opt/homebrew/opt/llvm/lib /Library/Developer/CommandLineTools/usr/lib"
  fi
  for s3a_dir in $s3a_libclang_dirs; do
    test -d "$s3a_dir" || continue
    for s3a_lib in "$s3a_dir"/libclang.so* "$s3a_dir"/libclang-*.so* "$s3a_dir"/libclang.dylib; do
      if test -f "$s3a_lib"; then
        s3a_libclang=$s3a_lib
        break 2
      fi
    done
  done
  if test -z "$s3a_libclang"; then
    AC_MSG_RESULT([no])
    if test -n "$LIBCLANG_PATH"; then
      s3a_where="in LIBCLANG_PATH=$LIBCLANG_PATH"
    else
      s3a_where="in the usual library directories"
    fi
    AC_MSG_ERROR([libclang was not found $s3a_where. ext-php-rs uses bindgen, which
needs libclang (and clang's headers) to read PHP's headers. Install them:
    Debian/Ubuntu: apt-get install clang libclang-dev
    Fedora/RHEL:   dnf install clang-devel
    Alpine:        apk add clang-dev
or set LIBCLANG_PATH to the directory that holds libclang.so.])
  fi
  AC_MSG_RESULT([$s3a_libclang])

  dnl --- where cargo puts its output ----------------------------------------
  if test -n "$CARGO_TARGET_DIR"; then
    case "$CARGO_TARGET_DIR" in
      /*) S3A_CARGO_TARGET_DIR=$CARGO_TARGET_DIR ;;
      *) S3A_CARGO_TARGET_DIR=$abs_srcdir/$CARGO_TARGET_DIR ;;
    esac
  else
    S3A_CARGO_TARGET_DIR=$abs_srcdir/target
  fi
  AC_MSG_CHECKING([for cargo's target directory])
  AC_MSG_RESULT([$S3A_CARGO_TARGET_DIR])

  dnl Only passed to cargo when set: RUSTC and LIBCLANG_PATH.
  S3A_CARGO_ENV=
  test -n "$RUSTC" && S3A_CARGO_ENV="$S3A_CARGO_ENV RUSTC=$RUSTC"
  test -n "$LIBCLANG_PATH" && S3A_CARGO_ENV="$S3A_CARGO_ENV LIBCLANG_PATH=$LIBCLANG_PATH"

  PHP_SUBST(CARGO)
  PHP_SUBST(S3A_RUST_BINDIR)
  PHP_SUBST(S3A_PHP_CONFIG)
  PHP_SUBST(S3A_PHP)
  PHP_SUBST(S3A_CARGO_TARGET_DIR)
  PHP_SUBST(S3A_CARGO_ENV)

  dnl No PHP_NEW_EXTENSION: there are no C sources for libtool to compile and
  dnl link. Instead register the module by hand, the way PHP_SHARED_MODULE
  dnl does; Makefile.frag has the rule that makes it (a copy of cargo's .so
  dnl plus the small libtool-style .la that `make test` reads the name from).
  PHP_MODULES="$PHP_MODULES \$(phplibdir)/s3_attachments.la"
  dnl (and give PHP_GEN_BUILD_DIRS a directory: with none, shtool complains)
  PHP_ADD_BUILD_DIR([$abs_builddir/modules])
  PHP_ADD_MAKEFILE_FRAGMENT([$abs_srcdir/Makefile.frag], [$abs_srcdir], [$abs_builddir])

  dnl The generic `clean` recipe in phpize's build/Makefile.global runs
  dnl `find . -name \*.so | xargs rm -f` (and the same for *.a, *.o, *.la,
  dnl *.lo), which reaches into cargo's target directory (about 400 files:
  dnl proc-macro .so files, aws-lc's objects) and anywhere else in the tree
  dnl (a Python venv under .tools/, say). Measured: the next make then recompiles 66 of the 219
  dnl crates, about 10 minutes here. Rename that target so Makefile.frag's
  dnl `clean` is the only one (build/ is phpize's copy, rewritten by every
  dnl phpize run). Should a future Makefile.global not match the pattern, make
  dnl only warns that Makefile.frag's recipe overrides the generic one.
  if test -f "$abs_srcdir/build/Makefile.global"; then
    $SED -e 's/^clean:/phpize-generic-clean:/' "$abs_srcdir/build/Makefile.global" > "$abs_srcdir/build/Makefile.global.s3a" \
      && mv "$abs_srcdir/build/Makefile.global.s3a" "$abs_srcdir/build/Makefile.global"
  fi
fi
