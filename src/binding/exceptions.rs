//! The exception hierarchy, and where a core error becomes one of them.
//!
//! The classes are registered as plain PHP subclasses of RuntimeException
//! (not Rust-backed objects) so PHP code can construct, extend and catch
//! them like any exception class of its own. The base class carries what a
//! caller may act on as typed fields with getters (the S3 code, request id,
//! operation, option name, bucket, key, HTTP status), so nobody has to
//! parse a message; they are null on exceptions PHP code constructs.

use std::ffi::{c_char, c_int};

use ext_php_rs::builders::{ClassBuilder, FunctionBuilder};
use ext_php_rs::convert::IntoZval;
use ext_php_rs::exception::PhpException;
use ext_php_rs::ffi::{zend_class_entry, zend_object};
use ext_php_rs::flags::{DataType, MethodFlags};
use ext_php_rs::types::{ZendObject, Zval};
use ext_php_rs::zend::{ClassEntry, ExecuteData};

use super::zend_tables::registered_class;
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

/// The base class's fields: property name and getter.
const FIELDS: &[(&str, &str)] = &[
    ("s3Code", "getS3Code"),
    ("requestId", "getRequestId"),
    ("operation", "getOperation"),
    ("optionName", "getOptionName"),
    ("bucket", "getBucket"),
    ("objectKey", "getObjectKey"),
    ("httpStatus", "getHttpStatus"),
];

const ZEND_ACC_PROTECTED: c_int = 1 << 1;

extern "C" {
    fn zend_declare_property_null(ce: *mut zend_class_entry, name: *const c_char, len: usize, access: c_int);
    fn zend_update_property_stringl(
        scope: *mut zend_class_entry,
        object: *mut zend_object,
        name: *const c_char,
        name_len: usize,
        value: *const c_char,
        value_len: usize,
    );
    fn zend_update_property_long(
        scope: *mut zend_class_entry,
        object: *mut zend_object,
        name: *const c_char,
        name_len: usize,
        value: i64,
    );
    fn zend_read_property(
        scope: *mut zend_class_entry,
        object: *mut zend_object,
        name: *const c_char,
        name_len: usize,
        silent: bool,
        rv: *mut Zval,
    ) -> *mut Zval;
}

fn runtime_exception() -> &'static ClassEntry {
    registered_class("RuntimeException").expect("SPL registers RuntimeException before extensions start")
}

fn base_exception() -> &'static ClassEntry {
    registered_class(BASE).expect("the base exception is registered first")
}

fn declare_fields(ce: &'static mut ClassEntry, _: ext_php_rs::args::ArgInfoTables) {
    for (name, _) in FIELDS {
        // SAFETY: MINIT, the class being registered; the name is valid for its length.
        unsafe { zend_declare_property_null(ce, name.as_ptr().cast(), name.len(), ZEND_ACC_PROTECTED) };
    }
}

/// One getter: reads its field (by the getter's position in FIELDS).
fn read_field(ex: &mut ExecuteData, retval: &mut Zval, index: usize) {
    let name = FIELDS[index].0;
    let Some(this) = ex.get_self() else { return retval.set_null() };
    let mut scratch = Zval::new();
    let scope = (base_exception() as *const ClassEntry).cast_mut();
    // SAFETY: `this` is the live object the method was called on; the
    // engine returns a pointer into it or to `scratch`, both alive here.
    let value = unsafe { zend_read_property(scope, this, name.as_ptr().cast(), name.len(), true, &mut scratch).as_ref() };
    match value {
        Some(v) if v.is_string() => retval.set_string(v.str().unwrap_or_default(), false).unwrap_or_default(),
        Some(v) if v.is_long() => retval.set_long(v.long().unwrap_or_default()),
        _ => retval.set_null(),
    }
}

macro_rules! getters {
    ($($index:literal => $fn:ident,)*) => {
        $(extern "C" fn $fn(ex: &mut ExecuteData, retval: &mut Zval) { read_field(ex, retval, $index) })*
        const GETTERS: &[extern "C" fn(&mut ExecuteData, &mut Zval)] = &[$($fn,)*];
    };
}

getters! {
    0 => get_s3_code,
    1 => get_request_id,
    2 => get_operation,
    3 => get_option_name,
    4 => get_bucket,
    5 => get_object_key,
    6 => get_http_status,
}

/// A panic must not cross this `extern "C"` boundary: it would abort PHP.
pub extern "C" fn register_on_startup(_type: i32, _module: i32) -> i32 {
    let registered = std::panic::catch_unwind(|| {
        let mut base = ClassBuilder::new(BASE).extends((runtime_exception, "RuntimeException")).registration(declare_fields);
        for (i, (field, getter)) in FIELDS.iter().enumerate() {
            let returns = if *field == "httpStatus" { DataType::Long } else { DataType::String };
            base = base.method(FunctionBuilder::new(*getter, GETTERS[i]).returns(returns, false, true), MethodFlags::Public);
        }
        let mut ok = base.register().is_ok();
        for (_, name) in CLASSES {
            // No Rust object behind these: instances are ordinary exceptions.
            ok &= ClassBuilder::new(*name).extends((base_exception, BASE)).registration(|_, _| {}).register().is_ok();
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

/// The exception object for a core error, its fields filled in, as a
/// value: thrown by `to_php`, or handed back unthrown where one failure
/// among many is reported (an upload queue's completions, `headMany`).
/// Its code is the HTTP status when the store answered, else 0.
pub fn exception_value(err: &Error) -> Option<Zval> {
    let class = ClassEntry::try_find(class_for(err.kind))?;
    let message = err.to_string();
    let code = err.status.map_or(0, i32::from);
    let mut object = ZendObject::new(class);
    let scope = (class as *const ClassEntry).cast_mut();
    let ptr: *mut zend_object = &mut *object;
    let set_str = |name: &str, value: &str| {
        // SAFETY: a live object of `class`; names and values valid for their lengths.
        unsafe {
            zend_update_property_stringl(scope, ptr, name.as_ptr().cast(), name.len(), value.as_ptr().cast(), value.len())
        }
    };
    set_str("message", &message);
    for (field, value) in [
        ("s3Code", err.code.as_deref()),
        ("requestId", err.request_id.as_deref()),
        ("operation", Some(err.operation)),
        ("optionName", err.option.as_deref()),
        ("bucket", err.bucket.as_deref()),
        ("objectKey", err.key.as_deref()),
    ] {
        if let Some(value) = value {
            set_str(field, value);
        }
    }
    // SAFETY: as above.
    unsafe { zend_update_property_long(scope, ptr, c"code".as_ptr(), 4, i64::from(code)) };
    if let Some(status) = err.status {
        // SAFETY: as above.
        unsafe { zend_update_property_long(scope, ptr, c"httpStatus".as_ptr(), 10, i64::from(status)) };
    }
    object.into_zval(false).ok()
}

/// The exception to throw for a core error.
pub fn to_php(err: Error) -> PhpException {
    let message = err.to_string();
    let code = err.status.map_or(0, i32::from);
    let class = ClassEntry::try_find(class_for(err.kind)).unwrap_or_else(ext_php_rs::zend::ce::exception);
    match exception_value(&err) {
        Some(zval) => PhpException::new(message, code, class).with_object(zval),
        None => PhpException::new(message, code, class),
    }
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
