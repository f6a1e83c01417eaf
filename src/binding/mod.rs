//! The ext-php-rs layer: PHP values in, PHP exceptions out. Behaviour lives
//! in `crate::core`; each method here converts arguments, calls the core and
//! converts the result.

mod backend;
mod convert;
mod exceptions;
mod info;
mod output;
mod reader;
mod upload;
mod upload_queue;
mod zend_tables;

use ext_php_rs::prelude::*;

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .startup_function(startup)
        .class::<backend::S3AttachmentBackend>()
        .class::<upload::S3AttachmentUpload>()
        .class::<reader::S3AttachmentReader>()
        .class::<upload_queue::S3AttachmentUploadQueue>()
        .info_function(info::module_info)
}

/// Module startup: the exception classes first (methods throw them), then,
/// once every class is registered, the secrets kept out of stack traces.
extern "C" fn startup(ty: i32, module: i32) -> i32 {
    let status = exceptions::register_on_startup(ty, module);
    zend_tables::after_startup(|| {
        // The options array holds the secret key: a constructor that throws
        // (bad options) must not put it in the exception's trace.
        zend_tables::mark_sensitive("S3AttachmentBackend", "__construct", 0);
    });
    status
}
