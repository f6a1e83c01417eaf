//! The ext-php-rs layer: PHP values in, PHP exceptions out. Behaviour lives
//! in `crate::core`; each method here converts arguments, calls the core and
//! converts the result.

mod backend;
mod convert;
mod exceptions;
mod info;
mod reader;
mod upload;

use ext_php_rs::prelude::*;

#[php_module]
pub fn get_module(module: ModuleBuilder) -> ModuleBuilder {
    module
        .startup_function(exceptions::register_on_startup)
        .class::<backend::S3AttachmentBackend>()
        .class::<upload::S3AttachmentUpload>()
        .class::<reader::S3AttachmentReader>()
        .info_function(info::module_info)
}
