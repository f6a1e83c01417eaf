//! `UploadQueue`: many whole-body uploads in flight at once, in the
//! background, while the caller produces the next bodies (a migration
//! reading files from a database). Each upload is one PutObject checked as
//! `putString()` checks it; they run on the parts runtime, so they move
//! between the caller's calls, not only inside them.
//!
//! Memory is bounded by `max_buffered_bytes` (the bodies in flight; a body
//! is held until its request ends), and `add()` waits for room. Failures
//! never surface from `add()`: they are completions like successes, so one
//! failed file does not stop the others.

use std::collections::VecDeque;
use std::sync::Arc;

use bytes::Bytes;
use tokio::task::JoinSet;

use super::error::{Error, ErrorKind, Result};
use super::process;
use super::store::Store;
use super::upload::{put_object, settle, Confirmation, PutOptions, PutResult};
use super::value::{expect_u64, option_keys, OptionValue};

const DEFAULT_JOBS: usize = 16;
const MAX_JOBS: u64 = 256;
const DEFAULT_MAX_BUFFERED_BYTES: u64 = 64 * 1024 * 1024;

/// How much a queue keeps in flight.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct QueueOptions {
    /// Uploads in flight at once.
    pub jobs: usize,
    /// Bytes of the bodies in flight, at most.
    pub max_buffered_bytes: u64,
}

option_keys! {
    /// The options of an upload queue (uploadQueue()).
    QueueKey ("upload queue") {
        Jobs => "jobs",
        MaxBufferedBytes => "max_buffered_bytes",
    }
}

impl QueueOptions {
    /// `threshold` is the backend's multipart threshold: the largest body
    /// the queue takes, so the buffer must hold at least one.
    pub fn from_pairs(pairs: &[(String, OptionValue)], threshold: u64) -> Result<Self> {
        let mut out = QueueOptions { jobs: DEFAULT_JOBS, max_buffered_bytes: DEFAULT_MAX_BUFFERED_BYTES.max(threshold) };
        for (key, value) in pairs {
            if matches!(value, OptionValue::Null) {
                continue;
            }
            match QueueKey::parse(key)? {
                QueueKey::Jobs => out.jobs = expect_u64(key, value, 1, MAX_JOBS, "uploads in flight")? as usize,
                QueueKey::MaxBufferedBytes => {
                    out.max_buffered_bytes = expect_u64(key, value, threshold, i64::MAX as u64, "bytes")
                        .map_err(|e| e.with_fix("a queue must hold at least one body of up to the multipart threshold"))?
                }
            }
        }
        Ok(out)
    }
}

/// One finished upload: what the caller gave, and how it ended.
pub struct Completion {
    pub tag: Vec<u8>,
    pub key: Vec<u8>,
    pub size: u64,
    pub result: Result<PutResult>,
}

/// What a task hands back; the verdict on a corrupt object (and its
/// deletion) is made on the caller's thread by `settle`.
struct Finished {
    tag: Vec<u8>,
    key: Vec<u8>,
    object_key: String,
    size: u64,
    outcome: Result<Confirmation>,
}

pub struct UploadQueue {
    store: Arc<Store>,
    options: QueueOptions,
    in_flight: JoinSet<Finished>,
    buffered: u64,
    ready: VecDeque<Completion>,
    /// The process that started it: a fork child must not join tasks of a
    /// runtime whose threads it does not have.
    owner: process::Owner,
}

impl UploadQueue {
    pub(crate) fn new(store: Arc<Store>, options: QueueOptions) -> Self {
        UploadQueue {
            store,
            options,
            in_flight: JoinSet::new(),
            buffered: 0,
            ready: VecDeque::new(),
            owner: process::Owner::current(),
        }
    }

    /// Starts one upload, after waiting for room; `key` is checked as for
    /// any new object, and handed back with the completion. Returns the
    /// completions ready to collect.
    pub fn add(&mut self, tag: Vec<u8>, key: Vec<u8>, body: Bytes, put: PutOptions) -> Result<usize> {
        self.ensure_own_process()?;
        let object_key = self.store.new_object_key(&key)?;
        let threshold = self.store.options().multipart_threshold;
        if body.len() as u64 > threshold {
            return Err(Error::config(format!(
                "the body is {} bytes; an upload queue takes bodies of at most {threshold} bytes \
                 (the multipart threshold)",
                body.len()
            ))
            .at("add", self.store.bucket(), Some(&object_key))
            .with_fix("stream larger files with createUpload()"));
        }
        let size = body.len() as u64;
        while !self.in_flight.is_empty()
            && (self.in_flight.len() >= self.options.jobs || self.buffered + size > self.options.max_buffered_bytes)
        {
            self.join_one()?;
        }
        let store = self.store.clone();
        let client = store.part_client()?;
        let handle = process::parts_handle()?;
        self.buffered += size;
        self.in_flight.spawn_on(
            async move {
                let outcome = put_object(&store, &client, &object_key, &put, body).await;
                Finished { tag, key, object_key, size, outcome }
            },
            &handle,
        );
        Ok(self.ready.len())
    }

    /// Completions so far; with `wait`, at least one unless none is pending.
    pub fn collect(&mut self, wait: bool) -> Result<Vec<Completion>> {
        self.ensure_own_process()?;
        // Whatever has ended meanwhile, without waiting.
        while let Some(joined) = self.in_flight.try_join_next() {
            self.settle_one(joined);
        }
        if wait && self.ready.is_empty() && !self.in_flight.is_empty() {
            self.join_one()?;
        }
        Ok(self.ready.drain(..).collect())
    }

    /// Waits for every upload; returns all completions not yet collected.
    pub fn drain(&mut self) -> Result<Vec<Completion>> {
        self.ensure_own_process()?;
        while !self.in_flight.is_empty() {
            self.join_one()?;
        }
        Ok(self.ready.drain(..).collect())
    }

    /// Added and not yet collected.
    pub fn pending(&self) -> usize {
        self.in_flight.len() + self.ready.len()
    }

    fn join_one(&mut self) -> Result<()> {
        if let Some(joined) = process::block_on_stream(self.in_flight.join_next())? {
            self.settle_one(joined);
        }
        Ok(())
    }

    fn settle_one(&mut self, joined: std::result::Result<Finished, tokio::task::JoinError>) {
        let finished = match joined {
            Ok(finished) => finished,
            // A task that panicked or was cancelled lost its tag with it; it
            // cannot happen short of a bug, so say so loudly by the tag-less
            // completion rather than hang the caller.
            Err(e) => {
                self.ready.push_back(Completion {
                    tag: Vec::new(),
                    key: Vec::new(),
                    size: 0,
                    result: Err(Error::new(ErrorKind::Service, "putObject", format!("an upload task ended abnormally: {e}"))),
                });
                return;
            }
        };
        self.buffered -= finished.size;
        let result = finished.outcome.and_then(|c| settle(&self.store, &finished.object_key, c));
        self.ready.push_back(Completion { tag: finished.tag, key: finished.key, size: finished.size, result });
    }

    fn ensure_own_process(&self) -> Result<()> {
        self.owner.check("uploadQueue", "upload queue", "created", "create")
    }
}

impl Drop for UploadQueue {
    /// Requests in flight are let finish, so none is cut half-sent; their
    /// completions are dropped with the queue, as the caller chose.
    fn drop(&mut self) {
        if self.owner.is_current() {
            while let Ok(Some(_)) = process::block_on_stream(self.in_flight.join_next()) {}
        } else {
            // Inherited across fork(): the tasks belong to the parent.
            std::mem::forget(std::mem::take(&mut self.in_flight));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MIB: u64 = 1024 * 1024;

    fn parse(pairs: &[(&str, OptionValue)]) -> Result<QueueOptions> {
        let pairs: Vec<(String, OptionValue)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        QueueOptions::from_pairs(&pairs, 16 * MIB)
    }

    #[test]
    fn defaults_hold_at_least_one_body() {
        assert_eq!(parse(&[]).unwrap(), QueueOptions { jobs: 16, max_buffered_bytes: 64 * MIB });
        let pairs = vec![];
        let big_threshold = QueueOptions::from_pairs(&pairs, 100 * MIB).unwrap();
        assert_eq!(big_threshold.max_buffered_bytes, 100 * MIB);
    }

    #[test]
    fn jobs_and_buffer_are_bounded() {
        let o = parse(&[("jobs", OptionValue::Int(4)), ("max_buffered_bytes", OptionValue::Int(32 * MIB as i64))]).unwrap();
        assert_eq!(o, QueueOptions { jobs: 4, max_buffered_bytes: 32 * MIB });
        for jobs in [0, 257, -1] {
            let e = parse(&[("jobs", OptionValue::Int(jobs))]).unwrap_err();
            assert_eq!(e.option.as_deref(), Some("jobs"), "{e}");
        }
        let e = parse(&[("max_buffered_bytes", OptionValue::Int(MIB as i64))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("max_buffered_bytes"));
        assert!(e.to_string().contains("multipart threshold"), "{e}");
    }

    #[test]
    fn unknown_options_and_wrong_types_are_refused() {
        let e = parse(&[("job", OptionValue::Int(4))]).unwrap_err();
        assert!(e.to_string().contains("'job' is unknown"), "{e}");
        let e = parse(&[("jobs", OptionValue::Str("4".into()))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("jobs"));
    }
}
