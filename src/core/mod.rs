//! The plain-Rust core: configuration, keys, ranges, uploads, downloads,
//! presigning and error mapping. No PHP type appears here, so `cargo test`
//! covers it without a PHP runtime.

pub mod access_check;
pub mod backend;
pub mod checksum;
pub mod client;
pub mod disposition;
pub mod download;
pub mod error;
pub mod key;
pub mod listing;
pub mod options;
pub mod part_buffer;
pub mod pending_aborts;
pub mod presign;
pub mod process;
pub mod range;
pub mod s3_error;
pub mod sigv4;
pub mod store;
pub mod upload;
pub mod upload_queue;
pub mod value;

#[cfg(test)]
mod live_tests;

pub use access_check::{check_access, AccessReport};
pub use backend::Backend;
pub use presign::PresignOptions;
pub use store::ObjectInfo;
pub use download::ObjectReader;
pub use error::{Error, ErrorKind, Result};
pub use options::BackendOptions;
pub use range::ByteRange;
pub use upload::{PutOptions, PutResult, Upload};
pub use upload_queue::{Completion, QueueOptions, UploadQueue};
pub use value::OptionValue;
