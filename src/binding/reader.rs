//! `S3AttachmentReader`: one streaming GET, made by `openRead()`.

use ext_php_rs::binary::Binary;
use ext_php_rs::prelude::*;

use super::exceptions::OrThrow;
use crate::core::{Error, ObjectReader};

#[php_class]
pub struct S3AttachmentReader {
    inner: ObjectReader,
}

impl S3AttachmentReader {
    pub fn new(inner: ObjectReader) -> Self {
        S3AttachmentReader { inner }
    }
}

#[php_impl]
impl S3AttachmentReader {
    /// Up to `$length` bytes; fewer only at the end; '' after it.
    #[php(defaults(length = 65536))]
    pub fn read(&mut self, length: i64) -> PhpResult<Binary<u8>> {
        if length < 1 {
            return Err(Error::config(format!("length must be 1 or more; got {length}"))).or_throw();
        }
        Ok(self.inner.read(length as usize).or_throw()?.into())
    }

    /// The whole object's size in bytes.
    pub fn size(&self) -> i64 {
        self.inner.size() as i64
    }
}
