//! `S3AttachmentUploadQueue`: many uploads in the background, made by
//! `createUploadQueue()`.

use ext_php_rs::binary::Binary;
use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{checksums, pairs};
use super::exceptions::{exception_value, OrThrow};
use crate::core::{Completion, PutOptions, UploadQueue};

/// Dropping it (unset, end of request) waits for the uploads in flight, so
/// none is cut half-sent; their completions are dropped with it.
#[php_class]
pub struct S3AttachmentUploadQueue {
    inner: UploadQueue,
}

impl S3AttachmentUploadQueue {
    pub fn new(inner: UploadQueue) -> Self {
        S3AttachmentUploadQueue { inner }
    }
}

#[php_impl]
impl S3AttachmentUploadQueue {
    /// Returns how many completions are ready to collect.
    pub fn add(
        &mut self,
        tag: BinarySlice<u8>,
        key: BinarySlice<u8>,
        data: BinarySlice<u8>,
        opts: Option<&ZendHashTable>,
    ) -> PhpResult<i64> {
        let put = PutOptions::from_pairs(&pairs(opts)).or_throw()?;
        let body = bytes::Bytes::copy_from_slice(&data);
        Ok(self.inner.add(tag.to_vec(), key.to_vec(), body, put).or_throw()? as i64)
    }

    #[php(defaults(wait = false))]
    pub fn collect(&mut self, wait: bool) -> PhpResult<Vec<ZBox<ZendHashTable>>> {
        Ok(self.inner.collect(wait).or_throw()?.iter().map(completion).collect())
    }

    pub fn drain(&mut self) -> PhpResult<Vec<ZBox<ZendHashTable>>> {
        Ok(self.inner.drain().or_throw()?.iter().map(completion).collect())
    }

    pub fn pending(&self) -> i64 {
        self.inner.pending() as i64
    }
}

/// `['tag', 'key', 'ok', 'size', 'etag', 'checksums', 'error']`: what
/// `putString()` returns, plus the caller's tag and key, and on failure
/// the exception, unthrown (etag null, checksums empty).
fn completion(done: &Completion) -> ZBox<ZendHashTable> {
    let mut table = ZendHashTable::new();
    let _ = table.insert("tag", Binary::from(done.tag.clone()));
    let _ = table.insert("key", Binary::from(done.key.clone()));
    let _ = table.insert("ok", done.result.is_ok());
    let _ = table.insert("size", done.size as i64);
    match &done.result {
        Ok(result) => {
            let _ = table.insert("etag", result.etag.clone());
            let _ = table.insert("checksums", checksums(result.crc32c, result.md5.as_deref()));
            let _ = table.insert("error", ());
        }
        Err(err) => {
            let _ = table.insert("etag", ());
            let _ = table.insert("checksums", ZendHashTable::new());
            let _ = table.insert("error", exception_value(err));
        }
    }
    table
}
