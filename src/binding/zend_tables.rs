//! Looking up classes and methods in the engine's tables during startup,
//! before `EG(class_table)` exists, and marking a parameter sensitive.

use std::ffi::c_char;

use ext_php_rs::ffi::{zend_function, zend_string, HashTable};
use ext_php_rs::types::ZendStr;
use ext_php_rs::zend::ClassEntry;

extern "C" {
    fn zend_add_attribute(
        attributes: *mut *mut HashTable,
        name: *mut zend_string,
        argc: u32,
        flags: u32,
        offset: u32,
        lineno: u32,
    ) -> *mut core::ffi::c_void;
    static mut zend_post_startup_cb: Option<unsafe extern "C" fn() -> i32>;
}

/// A class registered so far. During startup `EG(class_table)` does not
/// exist yet, so this reads the compiler's table, which holds every class.
pub fn registered_class(name: &str) -> Option<&'static ClassEntry> {
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

/// Marks a method's parameter `#[\SensitiveParameter]`, as PHP's own
/// `password_hash()` marks its password: stack traces then show a
/// SensitiveParameterValue object instead of the value. False when the
/// class or method is not there.
pub fn mark_sensitive(class: &str, method: &str, position: u32) -> bool {
    let Some(ce) = registered_class(class) else { return false };
    // SAFETY: a registered class's method table; the name is valid for its length.
    let func = unsafe {
        ext_php_rs::ffi::zend_hash_str_find_ptr_lc(&ce.function_table, method.as_ptr().cast::<c_char>(), method.len())
    };
    if func.is_null() {
        return false;
    }
    // Owned by the function's attribute from now on, for the process.
    let name = ZendStr::new("SensitiveParameter", true);
    // What zend_attributes.h's inline zend_add_parameter_attribute() does
    // for an internal function: persistent, and offset 0 is the function.
    // SAFETY: an internal function of a registered class, at startup.
    unsafe {
        let func = func.cast::<zend_function>();
        zend_add_attribute(&mut (*func).common.attributes, name.into_raw(), 0, ZEND_ATTRIBUTE_PERSISTENT, position + 1, 0)
    };
    true
}

const ZEND_ATTRIBUTE_PERSISTENT: u32 = 1;

static mut PREVIOUS_POST_STARTUP: Option<unsafe extern "C" fn() -> i32> = None;
static mut AFTER_STARTUP: Option<fn()> = None;

unsafe extern "C" fn post_startup() -> i32 {
    // SAFETY: set once in MINIT, read once here, single-threaded startup.
    unsafe {
        if let Some(run) = AFTER_STARTUP {
            let _ = std::panic::catch_unwind(run);
        }
        match PREVIOUS_POST_STARTUP {
            Some(previous) => previous(),
            None => 0,
        }
    }
}

/// Runs `run` once every module has started (our classes registered),
/// before the server forks: the engine's post-startup hook, chained.
pub fn after_startup(run: fn()) {
    // SAFETY: MINIT is single-threaded; the hook is chained as opcache does.
    unsafe {
        AFTER_STARTUP = Some(run);
        PREVIOUS_POST_STARTUP = zend_post_startup_cb;
        zend_post_startup_cb = Some(post_startup);
    }
}
