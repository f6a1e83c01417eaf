//! Multipart uploads whose abort failed, because the store was down or out
//! of reach at that moment. Their parts stay on the bucket, invisible and
//! billed, so the process keeps a list and tries again, best effort, each
//! time it starts a new upload: a store that comes back gets its orphans
//! removed without waiting for a lifecycle rule.
//!
//! The retry sits in front of every upload, so it must stay cheap: one
//! short attempt per entry, no attempt at all once the store proved still
//! down in this round, and entries that can never succeed (the upload or
//! bucket is gone, the credentials may not abort) are dropped, not kept.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use once_cell::sync::Lazy;

use super::client::S3Client;
use super::error::{Error, ErrorKind, Result};
use super::process;
use super::s3_error::{from_sdk, Site};
use super::store::Store;

struct PendingAbort {
    store: Arc<Store>,
    key: String,
    upload_id: String,
}

/// This process's list: a fork child starts with an empty one (its
/// parent retries the uploads it started).
#[derive(Default)]
struct Pending {
    pid: u32,
    aborts: Vec<PendingAbort>,
    dropped: u64,
}

static PENDING: Lazy<Mutex<Pending>> = Lazy::new(Mutex::default);

/// One retry is one attempt of at most this long.
const RETRY_ATTEMPT_TIMEOUT: Duration = Duration::from_secs(2);
/// Past this many, the oldest are forgotten (the lifecycle rule remains).
const MAX_PENDING: usize = 1000;

fn with_pending<T>(f: impl FnOnce(&mut Pending) -> T) -> T {
    let mut guard = PENDING.lock().unwrap_or_else(|p| p.into_inner());
    let pid = std::process::id();
    if guard.pid != pid {
        *guard = Pending { pid, ..Pending::default() };
    }
    f(&mut guard)
}

/// Aborts a multipart upload. An upload the store no longer knows counts
/// as aborted.
pub(crate) fn abort_upload(store: &Store, key: &str, upload_id: &str) -> Result<()> {
    let client = store.client()?;
    process::block_on(abort(&client, store.bucket(), key, upload_id, None))?
}

/// The same, from inside the runtime; `attempt_timeout` makes it a single
/// attempt of at most that long.
pub(crate) async fn abort(
    client: &S3Client,
    bucket: &str,
    key: &str,
    upload_id: &str,
    attempt_timeout: Option<Duration>,
) -> Result<()> {
    let mut request = client.s3.abort_multipart_upload().bucket(bucket).key(key).upload_id(upload_id).customize();
    if let Some(limit) = attempt_timeout {
        request = request.config_override(
            aws_sdk_s3::config::Builder::default()
                .retry_config(RetryConfig::disabled())
                .timeout_config(TimeoutConfig::builder().connect_timeout(limit).operation_timeout(limit).build()),
        );
    }
    match request.send().await {
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

/// Whether retrying can never help: the upload or the bucket is gone, or
/// the credentials may not abort uploads.
fn is_permanent(err: &Error) -> bool {
    matches!(err.kind, ErrorKind::NotFound | ErrorKind::AccessDenied)
        || matches!(err.status, Some(403 | 404))
        || matches!(err.code.as_deref(), Some("NoSuchUpload" | "NoSuchBucket"))
}

/// Keeps a failed abort for a later retry, unless it failed for good.
pub(crate) fn remember(store: &Arc<Store>, key: &str, upload_id: &str, failure: &Error) {
    with_pending(|p| {
        if is_permanent(failure) {
            p.dropped += 1;
            return;
        }
        if p.aborts.len() >= MAX_PENDING {
            p.aborts.remove(0);
            p.dropped += 1;
        }
        p.aborts.push(PendingAbort { store: store.clone(), key: key.to_owned(), upload_id: upload_id.to_owned() });
    });
}

/// Tries the remembered aborts once more: one short attempt each, and
/// none after one that finds the store still unreachable.
pub(crate) fn retry() {
    let todo = with_pending(|p| std::mem::take(&mut p.aborts));
    if todo.is_empty() {
        return;
    }
    let mut left = Vec::new();
    let mut dropped = 0;
    let mut store_down = false;
    for entry in todo {
        if store_down {
            left.push(entry);
            continue;
        }
        let attempt = entry.store.client().and_then(|client| {
            process::block_on(abort(
                &client,
                entry.store.bucket(),
                &entry.key,
                &entry.upload_id,
                Some(RETRY_ATTEMPT_TIMEOUT),
            ))?
        });
        match attempt {
            Ok(()) => {}
            Err(e) if is_permanent(&e) => dropped += 1,
            Err(_) => {
                store_down = true;
                left.push(entry);
            }
        }
    }
    with_pending(|p| {
        p.dropped += dropped;
        left.append(&mut p.aborts);
        p.aborts = left;
    });
}

/// How many aborts wait for a retry in this process (for `php --ri`).
pub fn count() -> usize {
    with_pending(|p| p.aborts.len())
}

/// How many were given up in this process: failed for good, or pushed out
/// of a full list (for `php --ri`).
pub fn dropped() -> u64 {
    with_pending(|p| p.dropped)
}

/// The list is process-wide: tests that fill or empty it (here and in
/// live_tests) take this lock, so that none sees another's entries.
#[cfg(test)]
pub(crate) static TEST_SERIAL: Mutex<()> = Mutex::new(());

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::options::BackendOptions;
    use crate::core::value::OptionValue;


    fn store() -> Arc<Store> {
        Store::new(BackendOptions::from_pairs(&[("bucket".into(), OptionValue::Str("bkt".into()))]).unwrap())
    }

    fn failure(kind: ErrorKind, status: Option<u16>, code: Option<&str>) -> Error {
        let mut e = Error::new(kind, "abortMultipartUpload", "x");
        e.status = status;
        e.code = code.map(str::to_owned);
        e
    }

    #[test]
    fn permanent_failures_are_dropped_and_transient_ones_kept() {
        let _serial = TEST_SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let (kept_before, dropped_before) = (count(), dropped());
        let s = store();
        remember(&s, "k", "u1", &failure(ErrorKind::AccessDenied, Some(403), Some("AccessDenied")));
        remember(&s, "k", "u2", &failure(ErrorKind::NotFound, Some(404), Some("NoSuchBucket")));
        remember(&s, "k", "u3", &failure(ErrorKind::Service, Some(404), Some("NoSuchUpload")));
        assert_eq!((count(), dropped()), (kept_before, dropped_before + 3));
        remember(&s, "k", "u4", &failure(ErrorKind::Network, None, None));
        remember(&s, "k", "u5", &failure(ErrorKind::Service, Some(503), Some("SlowDown")));
        assert_eq!((count(), dropped()), (kept_before + 2, dropped_before + 3));
        with_pending(|p| p.aborts.retain(|a| !matches!(a.upload_id.as_str(), "u4" | "u5")));
    }

    #[test]
    fn a_fork_child_starts_with_an_empty_list() {
        let _serial = TEST_SERIAL.lock().unwrap_or_else(|p| p.into_inner());
        let s = store();
        remember(&s, "k", "parent", &failure(ErrorKind::Network, None, None));
        with_pending(|p| p.pid = p.pid.wrapping_add(1)); // as if inherited across fork()
        assert_eq!(count(), 0);
        assert_eq!(dropped(), 0);
    }
}
