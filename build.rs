//! Checks the build prerequisites up front, so a missing PHP toolchain is
//! reported as a sentence rather than a bindgen backtrace, and records the
//! versions `php --ri s3_attachments` shows.

use std::path::Path;
use std::process::Command;

fn main() {
    println!("cargo:rerun-if-changed=Cargo.lock");
    println!("cargo:rerun-if-env-changed=PHP_CONFIG");
    check_php_config();
    check_libclang();
    let lock = std::fs::read_to_string(Path::new(&std::env::var("CARGO_MANIFEST_DIR").unwrap()).join("Cargo.lock"))
        .unwrap_or_default();
    for (krate, var) in [("aws-sdk-s3", "S3A_AWS_SDK_S3_VERSION"), ("ext-php-rs", "S3A_EXT_PHP_RS_VERSION")] {
        println!("cargo:rustc-env={var}={}", locked_version(&lock, krate).unwrap_or("unknown"));
    }
}

fn check_php_config() {
    let php_config = std::env::var("PHP_CONFIG").unwrap_or_else(|_| "php-config".into());
    let version = Command::new(&php_config).arg("--version").output();
    match version {
        Ok(out) if out.status.success() => {
            let v = String::from_utf8_lossy(&out.stdout).trim().to_owned();
            if !v.starts_with("8.") {
                fail(&format!("{php_config} reports PHP {v}; this extension needs PHP 8.x (built and tested on 8.2)"));
            }
        }
        _ => fail(&format!(
            "`{php_config}` was not found or failed. Install the PHP development files \
             (Debian/Ubuntu: apt-get install php8.2-dev) or set PHP_CONFIG to php-config's path"
        )),
    }
}

fn check_libclang() {
    if std::env::var_os("LIBCLANG_PATH").is_some() {
        return;
    }
    let found = ["/usr/lib", "/usr/lib64", "/usr/local/lib", "/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
        .iter()
        .flat_map(|dir| std::fs::read_dir(dir).into_iter().flatten().flatten())
        .any(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            name.starts_with("libclang") && name.contains(".so")
                || name.starts_with("llvm-") && entry.path().join("lib/libclang.so").exists()
        });
    if !found {
        fail("libclang was not found; ext-php-rs needs it to read PHP's headers. \
              Install it (Debian/Ubuntu: apt-get install clang libclang-dev) or set LIBCLANG_PATH");
    }
}

fn locked_version<'a>(lock: &'a str, krate: &str) -> Option<&'a str> {
    let marker = format!("name = \"{krate}\"\nversion = \"");
    let start = lock.find(&marker)? + marker.len();
    lock[start..].split('"').next()
}

fn fail(message: &str) -> ! {
    eprintln!("error: {message}");
    panic!("{message}");
}
