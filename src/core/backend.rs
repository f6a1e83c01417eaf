//! `Backend`: one bucket and prefix, and every operation on its objects,
//! as a thin façade over the modules that do the work on a `Store`.
//! Cheap to clone; holds no connection itself (those live per process in
//! `process.rs`), so a backend used before a fork keeps working after it.

use std::sync::Arc;

use bytes::Bytes;

use super::download::ObjectReader;
use super::error::{Error, ErrorKind, Result};
use super::listing::{self, IncompleteUpload, ObjectPage};
use super::pending_aborts;
use super::options::BackendOptions;
use super::presign::{self, PresignOptions};
use super::range::ByteRange;
use super::store::{ObjectInfo, Store};
use super::upload::{PutOptions, PutResult, Upload};
use super::upload_queue::{QueueOptions, UploadQueue};

#[derive(Clone)]
pub struct Backend {
    store: Arc<Store>,
}

impl Backend {
    /// Checks options only; nothing touches the network until first use.
    pub fn new(options: BackendOptions) -> Self {
        Backend { store: Store::new(options) }
    }

    pub fn options(&self) -> &BackendOptions {
        self.store.options()
    }

    pub(crate) fn store(&self) -> &Arc<Store> {
        &self.store
    }

    /// The full key of an object this backend creates: strictly checked.
    pub fn object_key(&self, key: &[u8]) -> Result<String> {
        self.store.new_object_key(key)
    }

    /// The full key of an object that already exists, as it was stored.
    pub fn stored_key(&self, key: &[u8]) -> Result<String> {
        self.store.stored_object_key(key)
    }

    pub fn create_upload(&self, key: &[u8], put: PutOptions) -> Result<Upload> {
        Ok(Upload::new(self.store.clone(), self.object_key(key)?, put))
    }

    /// Size known up front: up to the threshold one PutObject of the bytes
    /// as given, above it a multipart upload.
    pub fn put_bytes(&self, key: &[u8], data: &[u8], put: PutOptions) -> Result<PutResult> {
        let mut upload = self.create_upload(key, put)?;
        if data.len() as u64 <= self.options().multipart_threshold {
            return upload.put_whole(Bytes::copy_from_slice(data));
        }
        upload.write(data)?;
        upload.finish()
    }

    /// Streams a file from disk; see `put_reader`.
    pub fn put_file(&self, key: &[u8], path: &std::path::Path, put: PutOptions) -> Result<PutResult> {
        let object_key = self.object_key(key)?;
        let name = path.display().to_string();
        let unreadable = |e| self.unreadable(&name, &object_key, e);
        let mut file = std::fs::File::open(path).map_err(unreadable)?;
        let metadata = file.metadata().map_err(unreadable)?;
        if metadata.is_dir() {
            return Err(unreadable(std::io::Error::other("it is a directory")));
        }
        self.put_reader(key, &mut file, metadata.len(), &name, put)
    }

    /// Streams a source expected to hold `expected_len` bytes: up to the
    /// threshold it is read whole into its body, a larger one straight into
    /// the part buffers. A read error aborts the upload and is the error
    /// reported (as a `Config` error naming `source_name`), even when the
    /// abort fails too: pending_aborts remembers and retries that one.
    pub fn put_reader(
        &self,
        key: &[u8],
        source: &mut dyn std::io::Read,
        expected_len: u64,
        source_name: &str,
        put: PutOptions,
    ) -> Result<PutResult> {
        let object_key = self.object_key(key)?;
        let unreadable = |e| self.unreadable(source_name, &object_key, e);
        let threshold = self.options().multipart_threshold;
        let mut upload = Upload::new(self.store.clone(), object_key.clone(), put);
        if expected_len <= threshold {
            let mut body = Vec::with_capacity(expected_len as usize + 1);
            source.read_to_end(&mut body).map_err(unreadable)?;
            if body.len() as u64 <= threshold {
                return upload.put_whole(body.into());
            }
            // It grew while being read: the multipart path takes it from here.
            upload.write(&body)?;
        }
        loop {
            match upload.write_from(source)? {
                Ok(0) => break,
                Ok(_) => {}
                Err(e) => {
                    let _ = upload.abort();
                    return Err(unreadable(e));
                }
            }
        }
        upload.finish()
    }

    fn unreadable(&self, source_name: &str, object_key: &str, e: std::io::Error) -> Error {
        Error::new(ErrorKind::Config, "putFile", format!("cannot read {source_name}: {e}"))
            .at("putFile", self.store.bucket(), Some(object_key))
    }

    pub fn open_read(&self, key: &[u8], range: ByteRange) -> Result<ObjectReader> {
        ObjectReader::open(&self.store, self.stored_key(key)?, range)
    }

    pub fn read(&self, key: &[u8], range: ByteRange) -> Result<Vec<u8>> {
        if range.is_empty() {
            let object_key = self.stored_key(key)?;
            self.store.head(&object_key)?.ok_or_else(|| self.store.not_found("getObject", &object_key))?;
            return Ok(Vec::new());
        }
        self.open_read(key, range)?.read_to_end()
    }

    /// Streams a range into `sink` chunk by chunk; returns the bytes sent.
    /// `sink` returns false to stop early (the client went away).
    pub fn passthru(&self, key: &[u8], range: ByteRange, sink: &mut dyn FnMut(&[u8]) -> bool) -> Result<u64> {
        if range.is_empty() {
            self.read(key, range)?;
            return Ok(0);
        }
        let mut reader = self.open_read(key, range)?;
        let mut sent = 0u64;
        while let Some(chunk) = reader.next_chunk()? {
            if !sink(&chunk) {
                break;
            }
            sent += chunk.len() as u64;
        }
        Ok(sent)
    }

    /// HEAD on a stored key; None when it does not exist.
    pub fn head(&self, key: &[u8]) -> Result<Option<ObjectInfo>> {
        self.store.head(&self.stored_key(key)?)
    }

    /// Deletes a stored key; a missing object counts as deleted.
    pub fn delete(&self, key: &[u8]) -> Result<()> {
        self.store.delete(&self.stored_key(key)?)
    }

    pub fn presign_get(&self, key: &[u8], opts: &PresignOptions) -> Result<String> {
        presign::presign_get(&self.store, &self.stored_key(key)?, opts)
    }

    /// HEADs of many stored keys, `jobs` at once; results in key order.
    pub fn head_many(&self, keys: &[Vec<u8>], jobs: usize) -> Result<Vec<Result<Option<ObjectInfo>>>> {
        // A refused key fails alone, like a store error for that key.
        let checked: Vec<Result<String>> = keys.iter().map(|k| self.stored_key(k)).collect();
        let valid: Vec<String> = checked.iter().filter_map(|k| k.as_ref().ok().cloned()).collect();
        let mut headed = self.store.head_many(valid, jobs)?.into_iter();
        Ok(checked
            .into_iter()
            .map(|k| match k {
                Ok(_) => headed.next().expect("one result per valid key"),
                Err(e) => Err(e),
            })
            .collect())
    }

    pub fn create_upload_queue(&self, options: QueueOptions) -> UploadQueue {
        UploadQueue::new(self.store.clone(), options)
    }

    pub fn list_objects(&self, after: Option<&str>, max: usize) -> Result<ObjectPage> {
        listing::list_objects(&self.store, after, max)
    }

    pub fn list_incomplete_uploads(&self) -> Result<Vec<IncompleteUpload>> {
        listing::list_incomplete_uploads(&self.store)
    }

    /// Aborts a multipart upload left open; one already gone counts as aborted.
    pub fn abort_incomplete_upload(&self, key: &[u8], upload_id: &str) -> Result<()> {
        pending_aborts::abort_upload(&self.store, &self.stored_key(key)?, upload_id)
    }
}
