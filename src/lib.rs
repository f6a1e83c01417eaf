//! `s3_attachments`: a PHP extension that keeps osTicket attachments in S3
//! and S3-compatible stores.
//!
//! Two rooms: `core` is plain Rust (tested by `cargo test`), `binding` is
//! the thin ext-php-rs layer that converts PHP values and errors.

pub mod core;
#[cfg(not(test))]
mod binding;
