//! `S3AttachmentBackend`: the PHP face of `core::Backend`.

// Parameters are named as PHP shows them (`$uploadId`), and ext-php-rs
// takes the names from the Rust ones.
#![allow(non_snake_case)]

use std::os::unix::ffi::OsStrExt;

use ext_php_rs::binary::Binary;
use ext_php_rs::binary_slice::BinarySlice;
use ext_php_rs::boxed::ZBox;
use ext_php_rs::prelude::*;
use ext_php_rs::types::ZendHashTable;

use super::convert::{incomplete_upload, object_info, object_page, pairs, put_result, string_values};
use super::exceptions::{exception_value, OrThrow};
use super::output;
use super::reader::S3AttachmentReader;
use super::upload::S3AttachmentUpload;
use super::upload_queue::S3AttachmentUploadQueue;
use crate::core::{check_access, Backend, BackendOptions, ByteRange, Error, PresignOptions, PutOptions, QueueOptions};

/// Stores and serves attachment bytes in one bucket and prefix.
/// Holds no secret in any PHP-visible property, so var_dump, print_r and
/// var_export show nothing of the configuration; serialize() is refused.
#[php_class]
pub struct S3AttachmentBackend {
    inner: Backend,
}

#[php_impl]
impl S3AttachmentBackend {
    pub fn __construct(options: &ZendHashTable) -> PhpResult<Self> {
        let options = BackendOptions::from_pairs(&pairs(Some(options))).or_throw()?;
        Ok(S3AttachmentBackend { inner: Backend::new(options) })
    }

    pub fn put_file(
        &self,
        key: BinarySlice<u8>,
        path: BinarySlice<u8>,
        opts: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let put = PutOptions::from_pairs(&pairs(opts)).or_throw()?;
        let path = std::path::Path::new(std::ffi::OsStr::from_bytes(&path));
        let result = self.inner.put_file(&key, path, put).or_throw()?;
        Ok(put_result(&result))
    }

    pub fn put_string(
        &self,
        key: BinarySlice<u8>,
        data: BinarySlice<u8>,
        opts: Option<&ZendHashTable>,
    ) -> PhpResult<ZBox<ZendHashTable>> {
        let put = PutOptions::from_pairs(&pairs(opts)).or_throw()?;
        let result = self.inner.put_bytes(&key, &data, put).or_throw()?;
        Ok(put_result(&result))
    }

    pub fn create_upload(&self, key: BinarySlice<u8>, opts: Option<&ZendHashTable>) -> PhpResult<S3AttachmentUpload> {
        let put = PutOptions::from_pairs(&pairs(opts)).or_throw()?;
        Ok(S3AttachmentUpload::new(self.inner.create_upload(&key, put).or_throw()?))
    }

    #[php(defaults(offset = 0))]
    pub fn read(&self, key: BinarySlice<u8>, offset: i64, length: Option<i64>) -> PhpResult<Binary<u8>> {
        let range = ByteRange::new(offset, length).or_throw()?;
        Ok(self.inner.read(&key, range).or_throw()?.into())
    }

    #[php(defaults(offset = 0))]
    pub fn open_read(&self, key: BinarySlice<u8>, offset: i64) -> PhpResult<S3AttachmentReader> {
        let range = ByteRange::new(offset, None).or_throw()?;
        Ok(S3AttachmentReader::new(self.inner.open_read(&key, range).or_throw()?))
    }

    /// Streams through PHP's output layer, so `ob_start()` captures it and
    /// php-fpm sends it as it comes. Stops when the client has gone away.
    #[php(defaults(offset = 0))]
    pub fn passthru(&self, key: BinarySlice<u8>, offset: i64, length: Option<i64>) -> PhpResult<i64> {
        let range = ByteRange::new(offset, length).or_throw()?;
        let outcome = output::stream(|sink| self.inner.passthru(&key, range, sink));
        Ok(outcome.or_throw()? as i64)
    }

    pub fn presign_get(&self, key: BinarySlice<u8>, opts: Option<&ZendHashTable>) -> PhpResult<String> {
        let opts = PresignOptions::from_pairs(&pairs(opts)).or_throw()?;
        self.inner.presign_get(&key, &opts).or_throw()
    }

    pub fn head(&self, key: BinarySlice<u8>) -> PhpResult<Option<ZBox<ZendHashTable>>> {
        Ok(self.inner.head(&key).or_throw()?.as_ref().map(object_info))
    }

    /// True when the object is gone, including when it already was.
    pub fn delete(&self, key: BinarySlice<u8>) -> PhpResult<bool> {
        self.inner.delete(&key).or_throw()?;
        Ok(true)
    }

    /// A queue of whole-body uploads that run in the background.
    pub fn create_upload_queue(&self, opts: Option<&ZendHashTable>) -> PhpResult<S3AttachmentUploadQueue> {
        let threshold = self.inner.options().multipart_threshold;
        let options = QueueOptions::from_pairs(&pairs(opts), threshold).or_throw()?;
        Ok(S3AttachmentUploadQueue::new(self.inner.create_upload_queue(options)))
    }

    /// HEADs of many stored keys, `$jobs` at once: key => info, null (no
    /// such object) or the exception of that key's failure, unthrown.
    #[php(defaults(jobs = 16))]
    pub fn head_many(&self, keys: &ZendHashTable, jobs: i64) -> PhpResult<ZBox<ZendHashTable>> {
        if !(1..=256).contains(&jobs) {
            return Err(Error::option("jobs", format!("jobs must be from 1 to 256; got {jobs}"))).or_throw();
        }
        let keys = string_values(keys).or_throw()?;
        let results = self.inner.head_many(&keys, jobs as usize).or_throw()?;
        let mut table = ZendHashTable::new();
        for (key, result) in keys.iter().zip(results) {
            let key = String::from_utf8_lossy(key);
            let _ = match result {
                Ok(info) => table.insert(key.as_ref(), info.as_ref().map(object_info)),
                Err(err) => table.insert(key.as_ref(), exception_value(&err)),
            };
        }
        Ok(table)
    }

    /// One page of the objects under the prefix (needs s3:ListBucket).
    #[php(defaults(max = 1000))]
    pub fn list_objects(&self, after: Option<String>, max: i64) -> PhpResult<ZBox<ZendHashTable>> {
        let page = self.inner.list_objects(after.as_deref(), max.clamp(1, 1000) as usize).or_throw()?;
        Ok(object_page(&page))
    }

    /// Multipart uploads under the prefix neither completed nor aborted.
    pub fn list_incomplete_uploads(&self) -> PhpResult<Vec<ZBox<ZendHashTable>>> {
        Ok(self.inner.list_incomplete_uploads().or_throw()?.iter().map(incomplete_upload).collect())
    }

    pub fn abort_incomplete_upload(
        &self,
        key: BinarySlice<u8>,
        uploadId: String,
    ) -> PhpResult<()> {
        self.inner.abort_incomplete_upload(&key, &uploadId).or_throw()
    }

    pub fn object_key(&self, key: BinarySlice<u8>) -> PhpResult<String> {
        self.inner.object_key(&key).or_throw()
    }

    pub fn check_access(&self) -> PhpResult<ZBox<ZendHashTable>> {
        let report = check_access(&self.inner).or_throw()?;
        let o = self.inner.options();
        let mut t = ZendHashTable::new();
        let _ = t.insert("ok", true);
        let _ = t.insert("bucket", o.bucket.clone());
        let _ = t.insert("prefix", o.prefix.as_str().to_owned());
        let _ = t.insert("region", report.region);
        let _ = t.insert("endpoint", report.endpoint);
        let _ = t.insert("probe_key", report.probe_key);
        let _ = t.insert("checksums", o.checksums.name());
        let _ = t.insert("checksum_confirmed", report.checksum_confirmed);
        let _ = t.insert("elapsed_ms", report.elapsed_ms);
        let _ = t.insert("warnings", report.warnings);
        Ok(t)
    }
}
