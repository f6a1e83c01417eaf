//! Uploads with bounded memory: below `multipart_threshold` one PutObject,
//! above it a multipart upload whose parts go up `max_concurrency` at a time.
//!
//! Every upload carries a CRC32C that S3 verifies: per part, and for the
//! whole object (the FULL_OBJECT checksum type), combined from the parts so
//! each byte is hashed once. A multipart upload that is neither completed
//! nor aborted keeps its parts, invisibly and billed, until a lifecycle rule
//! removes them; so every failure, `abort()` and drop aborts it here.

use std::collections::HashMap;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::{
    ChecksumAlgorithm, ChecksumType, CompletedMultipartUpload, CompletedPart, ObjectCannedAcl, ServerSideEncryption,
    StorageClass,
};
use bytes::Bytes;
use tokio::task::JoinSet;

use super::checksum;
use super::error::{Error, ErrorKind, Result};
use super::client::S3Client;
use super::options::{header_safe, BackendOptions, Checksums, ServerSideEncryption as Sse};
use super::part_buffer::PartBuffer;
use super::pending_aborts;
use super::process;
use super::s3_error::{from_sdk, Site};
use super::store::Store;
use super::value::{expect_map, expect_string, option_keys, OptionValue};

/// How far the store's clock may be behind ours when we look for uploads
/// it started on our behalf.
const CLOCK_SKEW: Duration = Duration::from_secs(60);
const ORPHAN_CLEANUP_TIMEOUT: Duration = Duration::from_secs(10);

/// S3 allows 2 KiB of user metadata per object.
const MAX_METADATA_BYTES: usize = 2048;

/// Per-object settings a caller may pass with an upload.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PutOptions {
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub metadata: HashMap<String, String>,
}

option_keys! {
    /// The options of one upload (putString, putFile, createUpload, add).
    PutKey ("upload") {
        ContentType => "content_type",
        CacheControl => "cache_control",
        Metadata => "metadata",
    }
}

impl PutOptions {
    pub fn from_pairs(pairs: &[(String, OptionValue)]) -> Result<Self> {
        let mut out = PutOptions::default();
        for (key, value) in pairs {
            if matches!(value, OptionValue::Null) {
                continue;
            }
            match PutKey::parse(key)? {
                PutKey::ContentType => out.content_type = Some(header_safe(key, expect_string(key, value)?)?),
                PutKey::CacheControl => out.cache_control = Some(header_safe(key, expect_string(key, value)?)?),
                PutKey::Metadata => out.metadata = metadata(expect_map(key, value)?)?,
            }
        }
        Ok(out)
    }
}

fn metadata(pairs: &[(String, OptionValue)]) -> Result<HashMap<String, String>> {
    let mut out = HashMap::new();
    let mut total = 0;
    for (name, value) in pairs {
        let name_ok = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
        if !name_ok {
            return Err(Error::config(format!(
                "metadata name {:?} is invalid: use letters, digits, '-' and '_'",
                name.escape_debug().to_string()
            )));
        }
        let value = header_safe(&format!("metadata.{name}"), expect_string(&format!("metadata.{name}"), value)?)?;
        total += name.len() + value.len();
        out.insert(name.to_ascii_lowercase(), value);
    }
    if total > MAX_METADATA_BYTES {
        return Err(Error::config(format!("metadata is {total} bytes; S3 allows at most {MAX_METADATA_BYTES}")));
    }
    Ok(out)
}

/// What a finished upload reports. A checksum is set only when the store
/// confirmed it, never from our own computation alone: `crc32c` when it
/// echoed the CRC32C it verified, `md5` (hex) when a single PUT's ETag is
/// the MD5 of the bytes we sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PutResult {
    pub size: u64,
    pub etag: String,
    pub crc32c: Option<u32>,
    pub md5: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Open,
    Finished,
    Aborted,
    Failed,
}

struct Multipart {
    upload_id: String,
    next_part: i32,
    in_flight: JoinSet<Result<CompletedPart>>,
    done: Vec<CompletedPart>,
}

/// A streaming upload: `write()` any number of times, then `finish()`.
pub struct Upload {
    store: Arc<Store>,
    key: String,
    put: PutOptions,
    parts: PartBuffer,
    size: u64,
    /// CRC32C of the bytes already cut into parts (`checksums` crc32c).
    crc: u32,
    /// MD5 of each part sent, in order (`checksums` md5): the multipart
    /// ETag the store must answer is derived from them.
    part_md5s: Vec<[u8; 16]>,
    multipart: Option<Multipart>,
    state: State,
    /// The process that started it; see `Drop`.
    owner: process::Owner,
}

/// The settings shared by PutObject and CreateMultipartUpload builders,
/// which are different types with the same setters.
macro_rules! with_object_settings {
    ($builder:expr, $store:expr, $put:expr) => {{
        let o = $store.options();
        let mut b = $builder
            .cache_control($put.cache_control.clone().unwrap_or_else(|| o.cache_control.clone()))
            .set_content_type($put.content_type.clone())
            .set_acl(o.acl.as_deref().map(ObjectCannedAcl::from))
            .set_storage_class(o.storage_class.as_deref().map(StorageClass::from));
        if !$put.metadata.is_empty() {
            b = b.set_metadata(Some($put.metadata.clone()));
        }
        match &o.sse {
            None => b,
            Some(Sse::Aes256) => b.server_side_encryption(ServerSideEncryption::Aes256),
            Some(Sse::Kms { key_id }) => {
                b.server_side_encryption(ServerSideEncryption::AwsKms).set_ssekms_key_id(key_id.clone())
            }
        }
    }};
}

impl Upload {
    pub(crate) fn new(store: Arc<Store>, key: String, put: PutOptions) -> Self {
        // A store that is reachable again gets the aborts it missed.
        pending_aborts::retry();
        let parts = PartBuffer::new(store.options().part_size as usize);
        Upload {
            store,
            key,
            put,
            parts,
            size: 0,
            crc: 0,
            part_md5s: Vec::new(),
            multipart: None,
            state: State::Open,
            owner: process::Owner::current(),
        }
    }

    pub fn key(&self) -> &str {
        &self.key
    }

    pub fn size(&self) -> u64 {
        self.size
    }

    fn site(&self, operation: &'static str) -> Site<'_> {
        Site { operation, bucket: self.store.bucket(), key: Some(&self.key) }
    }

    fn ensure_open(&self, operation: &'static str) -> Result<()> {
        self.ensure_own_process(operation)?;
        let why = match self.state {
            State::Open => return Ok(()),
            State::Finished => "the upload is already finished",
            State::Aborted => "the upload was aborted",
            State::Failed => "the upload failed earlier and was aborted; start a new one",
        };
        Err(Error::new(ErrorKind::Service, operation, why).at(operation, self.store.bucket(), Some(&self.key)))
    }

    fn ensure_own_process(&self, operation: &'static str) -> Result<()> {
        self.owner
            .check(operation, "upload", "started", "start")
            .map_err(|e| e.at(operation, self.store.bucket(), Some(&self.key)))
    }

    /// Adds bytes. Memory stays bounded: once the upload is known to be
    /// multipart, every full part is sent, waiting when too many are in flight.
    pub fn write(&mut self, bytes: &[u8]) -> Result<()> {
        self.ensure_open("write")?;
        // Part by part, so even one huge write is sent as it is cut.
        for chunk in bytes.chunks(self.store.options().part_size as usize) {
            self.parts.push(chunk);
            self.size += chunk.len() as u64;
            self.guard(|u| u.send_full_parts())?;
        }
        Ok(())
    }

    /// Reads from `source` straight into the part buffer and sends full
    /// parts as `write()` does. The outer error is the upload's, the inner
    /// one the source's; Ok(Ok(0)) at the end of `source`.
    pub fn write_from(&mut self, source: &mut dyn std::io::Read) -> Result<std::io::Result<usize>> {
        self.ensure_open("write")?;
        let n = match self.parts.fill_from(source) {
            Ok(n) => n,
            Err(e) => return Ok(Err(e)),
        };
        self.size += n as u64;
        self.guard(|u| u.send_full_parts())?;
        Ok(Ok(n))
    }

    /// Stores a body known whole in advance as one PutObject, as it is:
    /// no copy into parts and back. For bodies up to `multipart_threshold`.
    pub fn put_whole(&mut self, body: Bytes) -> Result<PutResult> {
        self.ensure_open("finish")?;
        debug_assert!(self.size == 0 && body.len() as u64 <= self.store.options().multipart_threshold);
        self.size = body.len() as u64;
        let result = self.guard(|u| u.put_body(body))?;
        self.state = State::Finished;
        Ok(result)
    }

    /// Runs a step; on failure aborts the whole upload before reporting.
    fn guard<T>(&mut self, step: impl FnOnce(&mut Self) -> Result<T>) -> Result<T> {
        step(self).inspect_err(|_| {
            self.abort_quietly();
            self.state = State::Failed;
        })
    }

    fn send_full_parts(&mut self) -> Result<()> {
        if self.multipart.is_none() && self.parts.buffered() as u64 > self.store.options().multipart_threshold {
            self.start_multipart()?;
        }
        if self.multipart.is_some() {
            while let Some(part) = self.parts.take_sendable() {
                self.send_part(part)?;
            }
        }
        Ok(())
    }

    fn start_multipart(&mut self) -> Result<()> {
        let client = self.store.client()?;
        let crc32c = self.mode() == Checksums::Crc32c;
        let request = with_object_settings!(client.s3.create_multipart_upload(), self.store, self.put)
            .bucket(self.store.bucket())
            .key(&self.key)
            .set_checksum_algorithm(crc32c.then_some(ChecksumAlgorithm::Crc32C))
            .set_checksum_type(crc32c.then_some(ChecksumType::FullObject));
        let asked_at = SystemTime::now();
        let out = match process::block_on(request.send())? {
            Ok(out) => out,
            Err(e) => {
                let err = from_sdk(&self.site("createMultipartUpload"), e);
                if err.kind == ErrorKind::Network {
                    self.abort_unknown_uploads(asked_at);
                }
                return Err(err);
            }
        };
        let upload_id = out.upload_id().map(str::to_owned).ok_or_else(|| {
            Error::new(ErrorKind::Service, "createMultipartUpload", "the store returned no upload id")
        })?;
        self.multipart = Some(Multipart { upload_id, next_part: 1, in_flight: JoinSet::new(), done: Vec::new() });
        Ok(())
    }

    /// A CreateMultipartUpload that timed out may still have been carried
    /// out by the store, leaving an upload whose id we never received and
    /// so could never abort. Look for uploads of this key started since we
    /// asked, and abort them. Best effort: the store may still be away.
    fn abort_unknown_uploads(&self, asked_at: SystemTime) {
        let Ok(client) = self.store.client() else { return };
        let bucket = self.store.bucket();
        let since = asked_at - CLOCK_SKEW;
        let cleanup = async {
            let listed = client.s3.list_multipart_uploads().bucket(bucket).prefix(&self.key).send().await.ok()?;
            for upload in listed.uploads() {
                let ours = upload.key() == Some(self.key.as_str())
                    && upload.initiated().and_then(|t| SystemTime::try_from(*t).ok()).is_some_and(|t| t >= since);
                if let (true, Some(id)) = (ours, upload.upload_id()) {
                    let _ = pending_aborts::abort(&client, bucket, &self.key, id, None).await;
                }
            }
            Some(())
        };
        let _ = process::block_on(async { tokio::time::timeout(ORPHAN_CLEANUP_TIMEOUT, cleanup).await });
    }

    fn send_part(&mut self, part: Bytes) -> Result<()> {
        let max_in_flight = self.store.options().max_concurrency;
        let check = BodyCheck::of(self.mode(), &part);
        match check {
            BodyCheck::Crc32c(part_crc) => self.crc = checksum::crc32c_combine(self.crc, part_crc, part.len() as u64),
            BodyCheck::Md5(md5) => self.part_md5s.push(md5),
            BodyCheck::None => {}
        }
        let etag_is_md5 = self.etag_is_md5();
        let client = self.store.part_client()?;
        let handle = process::parts_handle()?;
        let bucket = self.store.bucket().to_owned();
        let key = self.key.clone();
        let mp = self.multipart.as_mut().expect("multipart was started");
        while mp.in_flight.len() >= max_in_flight {
            let joined = process::block_on(mp.in_flight.join_next())?.expect("in_flight is not empty");
            mp.done.push(joined.map_err(task_failed)??);
        }
        let number = mp.next_part;
        mp.next_part += 1;
        let upload_id = mp.upload_id.clone();
        mp.in_flight.spawn_on(
            async move {
                let len = part.len() as i64;
                let site = Site { operation: "uploadPart", bucket: &bucket, key: Some(&key) };
                let out = client
                    .s3
                    .upload_part()
                    .bucket(&bucket)
                    .key(&key)
                    .upload_id(upload_id)
                    .part_number(number)
                    .content_length(len)
                    .set_checksum_crc32_c(check.crc32c_header())
                    .set_content_md5(check.content_md5())
                    .body(ByteStream::from(part))
                    .customize()
                    // The checksum (or MD5) protects the body; SHA-256 over it too would only cost CPU.
                    .disable_payload_signing()
                    .send()
                    .await
                    .map_err(|e| from_sdk(&site, e))?;
                if let (BodyCheck::Md5(md5), true, Some(etag)) = (check, etag_is_md5, out.e_tag()) {
                    check_etag(etag, &hex::encode(md5), &site, number)?;
                }
                Ok(CompletedPart::builder()
                    .part_number(number)
                    .set_e_tag(out.e_tag().map(str::to_owned))
                    .set_checksum_crc32_c(check.crc32c_header())
                    .build())
            },
            &handle,
        );
        Ok(())
    }

    /// Completes the upload and reports what the store confirmed.
    pub fn finish(&mut self) -> Result<PutResult> {
        self.ensure_open("finish")?;
        let result = self.guard(|u| if u.multipart.is_some() { u.finish_multipart() } else { u.put_single() })?;
        self.state = State::Finished;
        Ok(result)
    }

    /// Completes as a multipart upload even when the bytes would fit one
    /// PutObject (one short part, which S3 allows as the only part): how
    /// the access check sees what a store does with multipart objects
    /// without sending megabytes.
    pub(crate) fn finish_as_multipart(&mut self) -> Result<PutResult> {
        self.ensure_open("finish")?;
        let result = self.guard(|u| {
            if u.multipart.is_none() {
                u.start_multipart()?;
            }
            u.finish_multipart()
        })?;
        self.state = State::Finished;
        Ok(result)
    }

    fn put_single(&mut self) -> Result<PutResult> {
        let body = self.parts.take_all();
        self.put_body(body)
    }

    fn put_body(&mut self, body: Bytes) -> Result<PutResult> {
        let client = self.store.client()?;
        let confirmation = process::block_on(put_object(&self.store, &client, &self.key, &self.put, body))??;
        settle(&self.store, &self.key, confirmation)
    }

    fn finish_multipart(&mut self) -> Result<PutResult> {
        for part in self.parts.drain_parts() {
            self.send_part(part)?;
        }
        let mp = self.multipart.as_mut().expect("multipart was started");
        while let Some(joined) = process::block_on(mp.in_flight.join_next())? {
            mp.done.push(joined.map_err(task_failed)??);
        }
        mp.done.sort_by_key(|p| p.part_number());
        let parts = std::mem::take(&mut mp.done);
        let upload_id = mp.upload_id.clone();
        let client = self.store.client()?;
        let check = match self.mode() {
            Checksums::Crc32c => BodyCheck::Crc32c(self.crc),
            _ => BodyCheck::None,
        };
        let request = client
            .s3
            .complete_multipart_upload()
            .bucket(self.store.bucket())
            .key(&self.key)
            .upload_id(upload_id)
            .set_checksum_crc32_c(check.crc32c_header())
            .set_checksum_type(check.crc32c_header().map(|_| ChecksumType::FullObject))
            .multipart_upload(CompletedMultipartUpload::builder().set_parts(Some(parts)).build());
        let out =
            process::block_on(request.send())?.map_err(|e| from_sdk(&self.site("completeMultipartUpload"), e))?;
        // Completed: nothing is left to abort if the check below fails.
        self.multipart = None;
        let expected_etag = (!self.part_md5s.is_empty()).then(|| checksum::multipart_etag(&self.part_md5s));
        let mut result = self.confirmed(check, expected_etag, out.e_tag(), out.checksum_crc32_c())?;
        // A multipart ETag is no MD5 of the object.
        result.md5 = None;
        Ok(result)
    }

    fn mode(&self) -> Checksums {
        self.store.options().checksums
    }

    fn etag_is_md5(&self) -> bool {
        etag_is_md5(self.store.options())
    }

    fn confirmed(
        &self,
        sent: BodyCheck,
        expected_etag: Option<String>,
        etag: Option<&str>,
        echoed: Option<&str>,
    ) -> Result<PutResult> {
        let confirmation = confirm(self.store.options(), self.size, sent, expected_etag, etag, echoed);
        settle(&self.store, &self.key, confirmation)
    }

    /// Abandons the upload: parts in flight are cancelled and a started
    /// multipart upload is aborted on the store.
    pub fn abort(&mut self) -> Result<()> {
        self.ensure_own_process("abort")?;
        if self.state != State::Open {
            return Ok(());
        }
        self.state = State::Aborted;
        self.parts.clear();
        let Some(mut mp) = self.multipart.take() else { return Ok(()) };
        mp.in_flight.abort_all();
        while process::block_on(mp.in_flight.join_next())?.is_some() {}
        pending_aborts::abort_upload(&self.store, &self.key, &mp.upload_id).inspect_err(|e| {
            pending_aborts::remember(&self.store, &self.key, &mp.upload_id, e);
        })
    }

    fn abort_quietly(&mut self) {
        let _ = self.abort();
    }
}

impl Drop for Upload {
    fn drop(&mut self) {
        // Dropped by a fork child that inherited it: the upload belongs to
        // the parent, which will finish or abort it itself.
        if self.multipart.is_some() && self.owner.is_current() {
            self.abort_quietly();
        }
    }
}

/// One PutObject of a body known whole, with the checksum `checksums`
/// asks for; async so that `UploadQueue` runs many at once on the parts
/// runtime. Nothing here blocks: a corrupt object is reported, and deleted
/// by `settle` on the PHP thread.
pub(crate) async fn put_object(
    store: &Store,
    client: &S3Client,
    key: &str,
    put: &PutOptions,
    body: Bytes,
) -> Result<Confirmation> {
    let options = store.options();
    let size = body.len() as u64;
    let check = BodyCheck::of(options.checksums, &body);
    let request = with_object_settings!(client.s3.put_object(), store, put)
        .bucket(store.bucket())
        .key(key)
        .content_length(body.len() as i64)
        .set_checksum_crc32_c(check.crc32c_header())
        .set_content_md5(check.content_md5())
        .body(ByteStream::from(body))
        .customize()
        .disable_payload_signing();
    let site = Site { operation: "putObject", bucket: store.bucket(), key: Some(key) };
    let out = request.send().await.map_err(|e| from_sdk(&site, e))?;
    let expected_etag = match check {
        BodyCheck::Md5(md5) => Some(hex::encode(md5)),
        _ => None,
    };
    Ok(confirm(options, size, check, expected_etag, out.e_tag(), out.checksum_crc32_c()))
}

/// What the store confirmed about a body it took: what it holds, or why
/// it holds other bytes than were sent.
pub(crate) enum Confirmation {
    Stored(PutResult),
    /// What differs, and what to do if it keeps happening.
    Corrupt(String, &'static str),
}

/// When the store's CRC32C keeps differing from what was sent.
const FIX_CRC32C: &str = "retry; if it persists while the bytes are intact, the store miscomputes checksums: \
     set 'checksums' to 'md5' (or 'none')";
/// When the store's ETag keeps differing from the MD5 of what was sent.
const FIX_ETAG: &str = "retry; if it persists while the bytes are intact, this store's ETags are not the MD5 of \
     the content (encryption or compression on its side): set 'checksums' to 'crc32c' where the store supports \
     it, else to 'none'";

/// An ETag is the MD5 of the stored bytes (of a single PUT; of each part)
/// except under SSE-KMS.
fn etag_is_md5(options: &BackendOptions) -> bool {
    !matches!(options.sse, Some(Sse::Kms { .. }))
}

/// Checks what the store confirmed against what was sent: its echo of our
/// CRC32C, or an ETag that must be our MD5.
fn confirm(
    options: &BackendOptions,
    size: u64,
    sent: BodyCheck,
    expected_etag: Option<String>,
    etag: Option<&str>,
    echoed: Option<&str>,
) -> Confirmation {
    let etag = etag.unwrap_or_default().trim_matches('"').to_owned();
    let echoed = echoed.and_then(checksum::from_header);
    if let (BodyCheck::Crc32c(sent), Some(stored)) = (sent, echoed) {
        if stored != sent {
            return Confirmation::Corrupt(
                format!(
                    "the store reports CRC32C {} but {} was sent",
                    checksum::to_hex(stored),
                    checksum::to_hex(sent)
                ),
                FIX_CRC32C,
            );
        }
    }
    let mut md5 = None;
    if let (Some(expected), true) = (expected_etag, etag_is_md5(options)) {
        if !etag.eq_ignore_ascii_case(&expected) {
            return Confirmation::Corrupt(
                format!("the store answered ETag {etag:?} but the MD5 of what was sent is {expected}"),
                FIX_ETAG,
            );
        }
        md5 = Some(expected);
    }
    Confirmation::Stored(PutResult {
        size,
        etag,
        crc32c: echoed.filter(|_| matches!(sent, BodyCheck::Crc32c(_))),
        md5,
    })
}

/// A store that holds other bytes than were sent gets its object removed
/// rather than keep a corrupt attachment. Blocking: on the PHP thread.
pub(crate) fn settle(store: &Store, key: &str, confirmation: Confirmation) -> Result<PutResult> {
    match confirmation {
        Confirmation::Stored(result) => Ok(result),
        Confirmation::Corrupt(what, fix) => {
            let _ = store.delete(key);
            Err(Error::new(ErrorKind::Integrity, "upload", format!("{what}; the object was deleted"))
                .at("upload", store.bucket(), Some(key))
                .about_option("checksums")
                .with_fix(fix))
        }
    }
}

/// What one request body carries for the store to verify, per `checksums`.
#[derive(Debug, Clone, Copy)]
enum BodyCheck {
    Crc32c(u32),
    Md5([u8; 16]),
    None,
}

impl BodyCheck {
    fn of(mode: Checksums, body: &[u8]) -> Self {
        match mode {
            Checksums::Crc32c => BodyCheck::Crc32c(checksum::crc32c(body)),
            Checksums::Md5 => BodyCheck::Md5(checksum::md5(body)),
            Checksums::None => BodyCheck::None,
        }
    }

    fn crc32c_header(&self) -> Option<String> {
        match self {
            BodyCheck::Crc32c(crc) => Some(checksum::to_header(*crc)),
            _ => None,
        }
    }

    fn content_md5(&self) -> Option<String> {
        match self {
            BodyCheck::Md5(md5) => Some(checksum::md5_header(md5)),
            _ => None,
        }
    }
}

/// A part's ETag must be the MD5 of its bytes: a store that does not check
/// Content-MD5 but stored other bytes is caught here.
fn check_etag(etag: &str, expected: &str, site: &Site, number: i32) -> Result<()> {
    let etag = etag.trim_matches('"');
    if etag.eq_ignore_ascii_case(expected) {
        return Ok(());
    }
    Err(Error::new(
        ErrorKind::Integrity,
        site.operation,
        format!("part {number}: the store answered ETag {etag:?} but the MD5 of what was sent is {expected}"),
    )
    .at(site.operation, site.bucket, site.key)
    .about_option("checksums")
    .with_fix(FIX_ETAG))
}

fn task_failed(e: tokio::task::JoinError) -> Error {
    Error::new(ErrorKind::Service, "uploadPart", format!("a part upload task ended abnormally: {e}"))
}
