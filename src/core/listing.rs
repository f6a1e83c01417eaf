//! What lies under the backend's prefix as a whole: its objects (for an
//! audit of objects no row points at) and its multipart uploads that were
//! neither completed nor aborted (left by a killed process, invisible and
//! billed until aborted). Both need list permissions the rest of the
//! extension never asks for, so they are separate calls.

use super::error::Result;
use super::process;
use super::s3_error::{from_sdk, Site};
use super::store::Store;

/// Keys per page S3 returns at most.
pub const MAX_PAGE: usize = 1000;

/// An object under the prefix; `key` is relative to the prefix.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListedObject {
    pub key: String,
    pub size: u64,
    pub last_modified: Option<i64>,
}

/// One page of objects, and the key to list after for the next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectPage {
    pub objects: Vec<ListedObject>,
    pub next: Option<String>,
}

/// A multipart upload started and never finished; `key` relative.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IncompleteUpload {
    pub key: String,
    pub upload_id: String,
    pub initiated: Option<i64>,
}

fn relative(store: &Store, full: &str) -> Option<String> {
    full.strip_prefix(store.options().prefix.as_str()).map(str::to_owned)
}

/// Up to `max` objects under the prefix, in key order, after the
/// relative key `after`.
pub fn list_objects(store: &Store, after: Option<&str>, max: usize) -> Result<ObjectPage> {
    let prefix = store.options().prefix.as_str();
    let client = store.client()?;
    let request = client
        .s3
        .list_objects_v2()
        .bucket(store.bucket())
        .prefix(prefix)
        .set_start_after(after.map(|a| format!("{prefix}{a}")))
        .max_keys(max.clamp(1, MAX_PAGE) as i32);
    let site = Site { operation: "listObjects", bucket: store.bucket(), key: None };
    let out = process::block_on(request.send())?.map_err(|e| from_sdk(&site, e))?;
    let objects: Vec<ListedObject> = out
        .contents()
        .iter()
        .filter_map(|o| {
            Some(ListedObject {
                key: relative(store, o.key()?)?,
                size: o.size().unwrap_or(0).max(0) as u64,
                last_modified: o.last_modified().map(|t| t.secs()),
            })
        })
        .collect();
    let truncated = out.is_truncated().unwrap_or(false);
    let next = out.contents().last().and_then(|o| o.key()).and_then(|k| relative(store, k)).filter(|_| truncated);
    Ok(ObjectPage { objects, next })
}

/// Every multipart upload under the prefix that is still open.
pub fn list_incomplete_uploads(store: &Store) -> Result<Vec<IncompleteUpload>> {
    let client = store.client()?;
    let site = Site { operation: "listMultipartUploads", bucket: store.bucket(), key: None };
    let mut found = Vec::new();
    let (mut key_marker, mut id_marker): (Option<String>, Option<String>) = (None, None);
    loop {
        let request = client
            .s3
            .list_multipart_uploads()
            .bucket(store.bucket())
            .prefix(store.options().prefix.as_str())
            .set_key_marker(key_marker.take())
            .set_upload_id_marker(id_marker.take());
        let out = process::block_on(request.send())?.map_err(|e| from_sdk(&site, e))?;
        for upload in out.uploads() {
            let (Some(key), Some(upload_id)) = (upload.key().and_then(|k| relative(store, k)), upload.upload_id())
            else {
                continue;
            };
            found.push(IncompleteUpload {
                key,
                upload_id: upload_id.to_owned(),
                initiated: upload.initiated().map(|t| t.secs()),
            });
        }
        if !out.is_truncated().unwrap_or(false) {
            return Ok(found);
        }
        key_marker = out.next_key_marker().map(str::to_owned);
        id_marker = out.next_upload_id_marker().map(str::to_owned);
        if key_marker.is_none() {
            // A store that says "truncated" without a marker would loop forever.
            return Ok(found);
        }
    }
}
