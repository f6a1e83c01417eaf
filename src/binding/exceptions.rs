//! The exception hierarchy, and where a core error becomes one of them.
//!
//! The classes are registered as plain PHP subclasses of RuntimeException
//! (not Rust-backed objects) so PHP code can construct, extend and catch
//! them like any exception class of its own.

use ext_php_rs::builders::ClassBuilder;
use ext_php_rs::exception::PhpException;
use ext_php_rs::zend::ClassEntry;

use crate::core::{Error, ErrorKind};

pub const BASE: &str = "S3AttachmentException";

/// Each kind of failure and its class, children of `BASE`.
const CLASSES: &[(ErrorKind, &str)] = &[
    (ErrorKind::Config, "S3AttachmentConfigException"),
    (ErrorKind::NotFound, "S3AttachmentNotFoundException"),
    (ErrorKind::AccessDenied, "S3AttachmentAccessDeniedException"),
    (ErrorKind::Network, "S3AttachmentNetworkException"),
    (ErrorKind::Integrity, "S3AttachmentIntegrityException"),
];

/// A class registered so far. During startup `EG(class_table)` does not
/// exist yet, so this reads the compiler's table, which holds every class.
fn registered_class(name: &str) -> Option<&'static ClassEntry> {
    // SAFETY: the compiler globals exist for the life of the process.
    let table = unsafe { ext_php_rs::ffi::ext_php_rs_compiler_globals().as_ref() }?.class_table;
    if table.is_null() {
        return None;
    }
    // SAFETY: the engine's live class table; the name is valid for its length.
    let found = unsafe { ext_php_rs::ffi::zend_hash_str_find_ptr_lc(table, name.as_ptr().cast(), name.len()) };
    // SAFETY: entries of the class table are class entries living for the process.
    unsafe { found.cast::<ClassEntry>().as_ref() }
}

fn runtime_exception() -> &'static ClassEntry {
    registered_class("RuntimeException").expect("SPL registers RuntimeException before extensions start")
}

fn base_exception() -> &'static ClassEntry {
    registered_class(BASE).expect("the base exception is registered first")
}

/// A panic must not cross this `extern "C"` boundary: it would abort PHP.
pub extern "C" fn register_on_startup(_type: i32, _module: i32) -> i32 {
    let registered = std::panic::catch_unwind(|| {
        let plain = |name: &str, parent: ext_php_rs::class::ClassEntryInfo| {
            // No Rust object behind these: instances are ordinary exceptions.
            ClassBuilder::new(name).extends(parent).registration(|_, _| {}).register().is_ok()
        };
        let mut ok = plain(BASE, (runtime_exception, "RuntimeException"));
        for (_, name) in CLASSES {
            ok &= plain(name, (base_exception, BASE));
        }
        ok
    });
    if registered.unwrap_or(false) {
        0
    } else {
        -1
    }
}

fn class_for(kind: ErrorKind) -> &'static str {
    CLASSES.iter().find(|(k, _)| *k == kind).map_or(BASE, |(_, name)| name)
}

/// The exception for a core error. Its code is the HTTP status when the
/// store answered, else 0.
pub fn to_php(err: Error) -> PhpException {
    let class = ClassEntry::try_find(class_for(err.kind))
        .or_else(|| ClassEntry::try_find(BASE))
        .unwrap_or_else(ext_php_rs::zend::ce::exception);
    PhpException::new(err.to_string(), err.status.map_or(0, i32::from), class)
}

/// `?` on core results inside methods.
pub trait OrThrow<T> {
    fn or_throw(self) -> Result<T, PhpException>;
}

impl<T> OrThrow<T> for crate::core::Result<T> {
    fn or_throw(self) -> Result<T, PhpException> {
        self.map_err(to_php)
    }
}
