
# --- s3_attachments: build with cargo (appended to the Makefile by config.m4) ---
#
# `make` runs cargo (release profile) and copies cargo's cdylib to
# modules/s3_attachments.so; `make install` (phpize's install-modules) copies
# that into $(EXTENSION_DIR). Variables recorded by ./configure, all can be
# overridden on the make command line:
#   CARGO                 cargo binary
#   S3A_RUST_BINDIR       cargo's directory; put on PATH for cargo if missing
#   S3A_PHP_CONFIG        php-config of the PHP to build for (ext-php-rs: PHP_CONFIG)
#   S3A_PHP               that PHP's CLI binary (ext-php-rs: PHP)
#   S3A_CARGO_TARGET_DIR  cargo's target directory (CARGO_TARGET_DIR)
#   S3A_CARGO_ENV         extra environment for cargo (RUSTC, LIBCLANG_PATH if given)
#
# make only calls cargo when a Rust source, Cargo.toml, Cargo.lock or build.rs
# is newer than modules/s3_attachments.so, so `sudo make install` after `make`
# does not run cargo as root. `make -B` always asks cargo, which then decides
# itself what is stale (e.g. after a toolchain update or a changed RUSTFLAGS).

S3A_CARGO_SO = $(S3A_CARGO_TARGET_DIR)/release/libs3_attachments.so
S3A_SOURCES := $(shell find $(srcdir)/src -type f -name '*.rs' 2>/dev/null) \
	$(srcdir)/Cargo.toml $(srcdir)/Cargo.lock $(srcdir)/build.rs

# The leading + lets cargo take part in make's jobserver (make -jN).
S3A_RUN_CARGO = cd $(srcdir) && \
	case ":$$PATH:" in *":$(S3A_RUST_BINDIR):"*) ;; *) PATH="$(S3A_RUST_BINDIR):$$PATH"; export PATH ;; esac && \
	env PHP_CONFIG="$(S3A_PHP_CONFIG)" PHP="$(S3A_PHP)" CARGO_TARGET_DIR="$(S3A_CARGO_TARGET_DIR)" $(S3A_CARGO_ENV) "$(CARGO)"

$(phplibdir)/s3_attachments.so: $(S3A_SOURCES)
	+$(S3A_RUN_CARGO) build --release --locked
	@$(mkinstalldirs) $(phplibdir)
	cp "$(S3A_CARGO_SO)" $@.tmp && mv -f $@.tmp $@

# What phpize's libtool rules would leave next to the module: `make test`
# sources this file for dlname. install-modules deletes it again.
$(phplibdir)/s3_attachments.la: $(phplibdir)/s3_attachments.so
	@printf "%s\n" "# s3_attachments.la - written by Makefile.frag (no libtool involved)" \
		"dlname='s3_attachments.so'" "library_names='s3_attachments.so'" \
		"old_library=''" "installed=no" "shouldnotlink=yes" > $@

# Replaces phpize's generic clean (see config.m4): removes the built module
# only, not cargo's target directory; `make cargo-clean` empties that
# (cargo clean --release: target/release only, other profiles stay).
clean:
	rm -f $(phplibdir)/s3_attachments.so $(phplibdir)/s3_attachments.la $(phplibdir)/s3_attachments.so.tmp
	rm -f $(top_builddir)/tmp-php.ini

cargo-clean:
	$(S3A_RUN_CARGO) clean --release

.PHONY: cargo-clean
