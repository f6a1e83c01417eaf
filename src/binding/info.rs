//! What `php --ri s3_attachments` and phpinfo() show.

use ext_php_rs::zend::ModuleEntry;
use ext_php_rs::{info_table_end, info_table_row, info_table_start};

pub extern "C" fn module_info(_module: *mut ModuleEntry) {
    info_table_start!();
    info_table_row!("s3_attachments support", "enabled");
    info_table_row!("extension version", env!("CARGO_PKG_VERSION"));
    info_table_row!("aws-sdk-s3 version", env!("S3A_AWS_SDK_S3_VERSION"));
    info_table_row!("ext-php-rs version", env!("S3A_EXT_PHP_RS_VERSION"));
    let process = crate::core::process::report();
    let started = |yes: bool| if yes { "started" } else { "not started" };
    info_table_row!("request runtime in this process", started(process.requests_runtime));
    info_table_row!("multipart parts runtime in this process", started(process.parts_runtime));
    info_table_row!("S3 clients in this process", process.clients.to_string());
    info_table_row!("multipart aborts awaiting retry", crate::core::pending_aborts::count().to_string());
    info_table_row!("multipart aborts given up", crate::core::pending_aborts::dropped().to_string());
    info_table_end!();
}
