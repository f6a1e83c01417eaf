//! `S3AttachmentUpload`: a streaming upload, made by `createUpload()`.

use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::put_result;
use super::exceptions::OrThrow;
use crate::core::Upload;

/// Dropping it (unset, end of request) without `finish()` aborts it, so
/// no half object and no multipart upload is left behind.
#[php_class]
pub struct S3AttachmentUpload {
    inner: Upload,
}

impl S3AttachmentUpload {
    pub fn new(inner: Upload) -> Self {
        S3AttachmentUpload { inner }
    }
}

#[php_impl]
impl S3AttachmentUpload {
    /// Returns the number of bytes taken.
    pub fn write(&mut self, bytes: BinarySlice<u8>) -> PhpResult<i64> {
        self.inner.write(&bytes).or_throw()?;
        Ok(bytes.len() as i64)
    }

    pub fn finish(&mut self) -> PhpResult<ZBox<ZendHashTable>> {
        Ok(put_result(&self.inner.finish().or_throw()?))
    }

    pub fn abort(&mut self) -> PhpResult<()> {
        self.inner.abort().or_throw()
    }

    /// Bytes written so far.
    pub fn size(&self) -> i64 {
        self.inner.size() as i64
    }

    pub fn key(&self) -> String {
        self.inner.key().to_owned()
    }
}
