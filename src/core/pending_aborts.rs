//! Multipart uploads whose abort failed, because the store was down or out
//! of reach at that moment. Their parts stay on the bucket, invisible and
//! billed, so the process keeps a list and tries again, best effort, each
//! time it starts a new upload: a store that comes back gets its orphans
//! removed without waiting for a lifecycle rule.

use std::sync::Mutex;
use std::time::Duration;

use once_cell::sync::Lazy;

use super::backend::Backend;
use super::client::S3Client;
use super::error::Result;
use super::process;
use super::s3_error::{from_sdk, Site};

struct PendingAbort {
    backend: Backend,
    key: String,
    upload_id: String,
}

static PENDING: Lazy<Mutex<Vec<PendingAbort>>> = Lazy::new(|| Mutex::new(Vec::new()));

/// A store that is down must not hold up the upload that retries.
const RETRY_BUDGET: Duration = Duration::from_secs(5);
/// Past this many, the oldest are forgotten (the lifecycle rule remains).
const MAX_PENDING: usize = 1000;

/// Aborts a multipart upload. An upload the store no longer knows counts
/// as aborted.
pub(crate) fn abort_upload(backend: &Backend, key: &str, upload_id: &str) -> Result<()> {
    let client = backend.client()?;
    process::block_on(abort(&client, &backend.options().bucket, key, upload_id))?
}

/// The same, from inside the runtime.
pub(crate) async fn abort(client: &S3Client, bucket: &str, key: &str, upload_id: &str) -> Result<()> {
    match client.s3.abort_multipart_upload().bucket(bucket).key(key).upload_id(upload_id).send().await {
        Ok(_) => Ok(()),
        Err(e) => {
            let err = from_sdk(&Site { operation: "abortMultipartUpload", bucket, key: Some(key) }, e);
            if err.code.as_deref() == Some("NoSuchUpload") {
                Ok(())
            } else {
                Err(err)
            }
        }
    }
}

pub(crate) fn remember(backend: &Backend, key: &str, upload_id: &str) {
    let mut pending = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    if pending.len() >= MAX_PENDING {
        pending.remove(0);
    }
    pending.push(PendingAbort { backend: backend.clone(), key: key.to_owned(), upload_id: upload_id.to_owned() });
}

/// Tries every remembered abort once more, within a small time budget.
pub(crate) fn retry() {
    let todo = std::mem::take(&mut *PENDING.lock().unwrap_or_else(|p| p.into_inner()));
    if todo.is_empty() {
        return;
    }
    let started = std::time::Instant::now();
    let mut left = Vec::new();
    for p in todo {
        let done = started.elapsed() < RETRY_BUDGET && abort_upload(&p.backend, &p.key, &p.upload_id).is_ok();
        if !done {
            left.push(p);
        }
    }
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).extend(left);
}

/// How many aborts wait for a retry (for `php --ri`).
pub fn count() -> usize {
    PENDING.lock().unwrap_or_else(|p| p.into_inner()).len()
}
