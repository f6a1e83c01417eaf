//! `Backend`: one bucket and prefix, and every operation on its objects.
//! Cheap to clone; holds no connection itself (those live per process in
//! `process.rs`), so a backend used before a fork keeps working after it.

use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

use aws_sdk_s3::types::ChecksumMode;
use bytes::Bytes;

use super::checksum;
use super::client::S3Client;
use super::disposition::{content_disposition, validate_content_type, DispositionType};
use super::download::ObjectReader;
use super::error::{Error, ErrorKind, Result};
use super::options::{BackendOptions, Endpoint};
use super::process::{self, ClientUse};
use super::range::ByteRange;
use super::s3_error::{from_sdk, Site};
use super::sigv4::{self, SigningCredentials, Target};
use super::upload::{PutOptions, PutResult, Upload};
use super::value::{expect_string, OptionValue};

/// S3 refuses presigned URLs valid for more than seven days.
pub const MAX_URL_TTL: u64 = 7 * 24 * 3600;
pub const DEFAULT_URL_TTL: u64 = 3600;

#[derive(Clone)]
pub struct Backend {
    options: Arc<BackendOptions>,
    fingerprint: Arc<str>,
}

/// What HEAD tells about a stored object.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObjectInfo {
    pub size: u64,
    pub etag: String,
    pub content_type: Option<String>,
    pub cache_control: Option<String>,
    pub last_modified: Option<i64>,
    pub storage_class: Option<String>,
    /// The full-object CRC32C the store holds, when it reports one.
    pub crc32c: Option<u32>,
}

/// Options of a presigned download link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignOptions {
    pub ttl: u64,
    pub disposition: Option<DispositionType>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

impl PresignOptions {
    pub fn from_pairs(pairs: &[(String, OptionValue)]) -> Result<Self> {
        let mut out = PresignOptions { ttl: DEFAULT_URL_TTL, disposition: None, filename: None, content_type: None };
        for (key, value) in pairs {
            match (key.as_str(), value) {
                (_, OptionValue::Null) => {}
                // Clamped, not refused: osTicket computes TTLs up to the next
                // midnight and may ask for 0 at its edge.
                ("ttl", OptionValue::Int(t)) => out.ttl = (*t).clamp(1, MAX_URL_TTL as i64) as u64,
                ("ttl", other) => {
                    return Err(Error::config(format!("option 'ttl' must be an int (seconds); got {}", other.type_name())))
                }
                ("disposition", v) => out.disposition = Some(DispositionType::parse(&expect_string(key, v)?)?),
                ("filename", v) => out.filename = Some(expect_string(key, v)?),
                ("content_type", v) => {
                    let ct = expect_string(key, v)?;
                    validate_content_type(&ct)?;
                    out.content_type = Some(ct);
                }
                (other, _) => {
                    return Err(Error::config(format!("presign option '{}' is unknown", other.escape_debug()))
                        .with_fix("use only ttl, disposition, filename, content_type"))
                }
            }
        }
        if out.filename.is_some() && out.disposition.is_none() {
            out.disposition = Some(DispositionType::Attachment);
        }
        Ok(out)
    }
}

/// What `check_access` proved.
#[derive(Debug, Clone)]
pub struct AccessReport {
    pub probe_key: String,
    pub region: String,
    pub endpoint: Option<String>,
    pub checksum_confirmed: bool,
    pub elapsed_ms: f64,
}

impl Backend {
    /// Checks options only; nothing touches the network until first use.
    pub fn new(options: BackendOptions) -> Self {
        let fingerprint = options.client_fingerprint().into();
        Backend { options: Arc::new(options), fingerprint }
    }

    pub fn options(&self) -> &BackendOptions {
        &self.options
    }

    pub(crate) fn client(&self) -> Result<Arc<S3Client>> {
        process::client_for(&self.options, &self.fingerprint, ClientUse::Requests)
    }

    /// The client multipart parts are sent with, on the parts runtime.
    pub(crate) fn part_client(&self) -> Result<Arc<S3Client>> {
        process::client_for(&self.options, &self.fingerprint, ClientUse::Parts)
    }

    pub fn object_key(&self, key: &[u8]) -> Result<String> {
        self.options.prefix.object_key(key)
    }

    fn site<'a>(&'a self, operation: &'static str, key: &'a str) -> Site<'a> {
        Site { operation, bucket: &self.options.bucket, key: Some(key) }
    }

    pub fn create_upload(&self, key: &[u8], put: PutOptions) -> Result<Upload> {
        let object_key = self.object_key(key)?;
        super::pending_aborts::retry();
        Ok(Upload::new(self.clone(), object_key, put))
    }

    pub fn put_bytes(&self, key: &[u8], data: &[u8], put: PutOptions) -> Result<PutResult> {
        let mut upload = self.create_upload(key, put)?;
        upload.write(data)?;
        upload.finish()
    }

    /// Streams a file from disk, one part-sized read at a time.
    pub fn put_file(&self, key: &[u8], path: &std::path::Path, put: PutOptions) -> Result<PutResult> {
        use std::io::Read;
        let object_key = self.object_key(key)?;
        let unreadable = |e: std::io::Error| {
            Error::new(ErrorKind::Config, "putFile", format!("cannot read {}: {e}", path.display()))
                .at("putFile", &self.options.bucket, Some(&object_key))
        };
        let mut file = std::fs::File::open(path).map_err(unreadable)?;
        if file.metadata().map_err(unreadable)?.is_dir() {
            return Err(unreadable(std::io::Error::other("it is a directory")));
        }
        super::pending_aborts::retry();
        let mut upload = Upload::new(self.clone(), object_key.clone(), put);
        // 1 MiB reads: large enough for the disk, small next to the parts.
        let mut block = vec![0u8; 1 << 20];
        loop {
            let n = match file.read(&mut block) {
                Ok(0) => break,
                Ok(n) => n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
                Err(e) => {
                    upload.abort()?;
                    return Err(unreadable(e));
                }
            };
            upload.write(&block[..n])?;
        }
        upload.finish()
    }

    pub fn open_read(&self, key: &[u8], range: ByteRange) -> Result<ObjectReader> {
        ObjectReader::open(self, self.object_key(key)?, range)
    }

    pub fn read(&self, key: &[u8], range: ByteRange) -> Result<Vec<u8>> {
        if range.is_empty() {
            let object_key = self.object_key(key)?;
            self.head(&object_key)?.ok_or_else(|| not_found(self, "getObject", &object_key))?;
            return Ok(Vec::new());
        }
        self.open_read(key, range)?.read_to_end()
    }

    /// Streams a range into `sink` chunk by chunk; returns the bytes sent.
    pub fn passthru(&self, key: &[u8], range: ByteRange, sink: &mut dyn FnMut(&[u8]) -> Result<()>) -> Result<u64> {
        if range.is_empty() {
            self.read(key, range)?;
            return Ok(0);
        }
        let mut reader = self.open_read(key, range)?;
        let mut sent = 0u64;
        while let Some(chunk) = reader.next_chunk()? {
            sink(&chunk)?;
            sent += chunk.len() as u64;
        }
        Ok(sent)
    }

    /// HEAD on a full object key; None when it does not exist.
    pub fn head(&self, object_key: &str) -> Result<Option<ObjectInfo>> {
        let client = self.client()?;
        let request = client
            .s3
            .head_object()
            .bucket(&self.options.bucket)
            .key(object_key)
            .checksum_mode(ChecksumMode::Enabled);
        match process::block_on(request.send())? {
            Ok(out) => Ok(Some(ObjectInfo {
                size: out.content_length().unwrap_or(0).max(0) as u64,
                etag: out.e_tag().unwrap_or_default().trim_matches('"').to_owned(),
                content_type: out.content_type().map(str::to_owned),
                cache_control: out.cache_control().map(str::to_owned),
                last_modified: out.last_modified().map(|t| t.secs()),
                storage_class: out.storage_class().map(|s| s.as_str().to_owned()),
                crc32c: out.checksum_crc32_c().and_then(checksum::from_header),
            })),
            Err(e) => {
                let err = from_sdk(&self.site("headObject", object_key), e);
                if err.kind == ErrorKind::NotFound {
                    Ok(None)
                } else {
                    Err(err)
                }
            }
        }
    }

    /// Deletes; a missing object counts as deleted.
    pub fn delete_object(&self, object_key: &str) -> Result<()> {
        let client = self.client()?;
        let request = client.s3.delete_object().bucket(&self.options.bucket).key(object_key);
        match process::block_on(request.send())? {
            Ok(_) => Ok(()),
            Err(e) => {
                let err = from_sdk(&self.site("deleteObject", object_key), e);
                if err.kind == ErrorKind::NotFound && err.code.as_deref() != Some("NoSuchBucket") {
                    Ok(())
                } else {
                    Err(err)
                }
            }
        }
    }

    pub fn presign_get(&self, key: &[u8], opts: &PresignOptions) -> Result<String> {
        let object_key = self.object_key(key)?;
        let client = self.client()?;
        let creds = match client.fresh_credentials() {
            Some(creds) => creds,
            None => process::block_on(client.credentials())??,
        };
        let (origin, host, path) = self.url_parts(&client, &object_key)?;
        let disposition = opts.disposition.map(|d| content_disposition(d, opts.filename.as_deref()));
        let mut extra: Vec<(&str, &str)> = Vec::new();
        if let Some(d) = &disposition {
            extra.push(("response-content-disposition", d));
        }
        if let Some(ct) = &opts.content_type {
            extra.push(("response-content-type", ct));
        }
        let now = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
        Ok(sigv4::presign_get(
            &Target { origin: &origin, host: &host, path: &path },
            &client.region,
            &SigningCredentials {
                access_key_id: creds.access_key_id(),
                secret_access_key: creds.secret_access_key(),
                session_token: creds.session_token(),
            },
            &client.signing_keys,
            now,
            opts.ttl,
            &extra,
        ))
    }

    /// Origin, Host and path of an object's URL, as the SDK addresses it.
    fn url_parts(&self, client: &S3Client, object_key: &str) -> Result<(String, String, String)> {
        let bucket = &self.options.bucket;
        let (https, authority) = match &client.endpoint_url {
            Some(url) => {
                let ep = Endpoint::parse(url)?;
                (ep.https, ep.authority)
            }
            None => (true, format!("s3.{}.amazonaws.com", client.region)),
        };
        let scheme = if https { "https" } else { "http" };
        // Dotted names break TLS host matching in virtual-hosted style.
        let virtual_ok = !self.options.path_style()
            && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
        Ok(if virtual_ok {
            let host = format!("{bucket}.{authority}");
            (format!("{scheme}://{host}"), host, format!("/{object_key}"))
        } else {
            (format!("{scheme}://{authority}"), authority, format!("/{bucket}/{object_key}"))
        })
    }

    /// Proves write, read and delete with a probe object under the prefix,
    /// and says which step failed and why.
    pub fn check_access(&self) -> Result<AccessReport> {
        let started = Instant::now();
        let nonce = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
        let probe_name = format!(".s3-attachments-access-check/{}-{nonce}", std::process::id());
        let probe_key = self.object_key(probe_name.as_bytes())?;
        let content = Bytes::from(format!("s3_attachments access check {nonce}"));
        let step = |what: &'static str| move |mut e: Error| {
            e.detail = format!("access check could not {what}: {}", e.detail);
            e
        };
        // First, because some stores (SeaweedFS for an admin key) create a
        // missing bucket on the first PUT, which would hide a typo.
        let client = self.client()?;
        let head_bucket = client.s3.head_bucket().bucket(&self.options.bucket);
        process::block_on(head_bucket.send())?
            .map_err(|e| from_sdk(&Site { operation: "headBucket", bucket: &self.options.bucket, key: None }, e))
            .map_err(step("find the bucket"))?;
        let put = self.put_bytes(probe_name.as_bytes(), &content, PutOptions::default()).map_err(step("write a probe object"))?;
        let back = self.read(probe_name.as_bytes(), ByteRange::whole()).map_err(step("read the probe object back"))?;
        if back != content {
            let _ = self.delete_object(&probe_key);
            return Err(Error::new(ErrorKind::Integrity, "checkAccess", "the probe object read back differs from what was written")
                .at("checkAccess", &self.options.bucket, Some(&probe_key)));
        }
        self.delete_object(&probe_key).map_err(step("delete the probe object (it is left behind)"))?;
        if self.head(&probe_key).map_err(step("confirm the deletion"))?.is_some() {
            return Err(Error::new(ErrorKind::Service, "checkAccess", "the probe object is still there after delete")
                .at("checkAccess", &self.options.bucket, Some(&probe_key)));
        }
        Ok(AccessReport {
            probe_key,
            region: client.region.clone(),
            endpoint: client.endpoint_url.clone(),
            checksum_confirmed: put.crc32c.is_some(),
            elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        })
    }
}

fn not_found(backend: &Backend, operation: &'static str, object_key: &str) -> Error {
    Error::new(ErrorKind::NotFound, operation, "no such object").at(operation, &backend.options.bucket, Some(object_key))
}
