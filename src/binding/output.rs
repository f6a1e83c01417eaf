//! Writing to PHP's output layer from inside a streaming download, safely.
//!
//! A write can end the request: when the client has gone away and
//! `ignore_user_abort` is off, or when `memory_limit` is reached inside an
//! output buffer, PHP bails out with a longjmp. Jumping over the Rust
//! frames of a download would skip their destructors: the GET and its
//! connection would leak in a long-lived php-fpm worker (and it is
//! undefined behaviour). So each write runs under `try_catch`; after a
//! bailout the stream stops, the download is dropped normally, and only
//! then is the bailout raised again. With `ignore_user_abort` on, PHP
//! marks the connection aborted instead: the stream stops there too.

use std::panic::AssertUnwindSafe;

use ext_php_rs::zend::{bailout, output_write, try_catch, ProcessGlobals};

/// PHP_CONNECTION_NORMAL: neither aborted nor timed out.
const CONNECTION_NORMAL: i16 = 0;

/// Runs `download` with a sink that writes to PHP's output and says
/// whether to go on; re-raises a bailout once `download` has returned.
pub fn stream<T>(download: impl FnOnce(&mut dyn FnMut(&[u8]) -> bool) -> T) -> T {
    let mut bailed_out = false;
    let result = {
        let mut sink = |chunk: &[u8]| {
            if try_catch(AssertUnwindSafe(|| output_write(chunk))).is_err() {
                bailed_out = true;
                return false;
            }
            ProcessGlobals::get().connection_status == CONNECTION_NORMAL
        };
        download(&mut sink)
    };
    if bailed_out {
        drop(result);
        // SAFETY: everything this call owned is dropped: the download
        // (with its connection) inside `download`, and its result above.
        unsafe { bailout() }
    }
    result
}
