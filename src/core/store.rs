//! `Store`: what every request on one bucket needs (its options, this
//! process's clients for them, how an object is addressed) and the two
//! single-request operations others build on, HEAD and DELETE. Uploads,
//! downloads, presigning and pending aborts work on a `Store`; `Backend`
//! is the façade over it, so nothing here calls back up.

use std::sync::Arc;

use aws_sdk_s3::types::ChecksumMode;

use super::checksum;
use super::client::S3Client;
use super::key::KeyUse;
use super::error::{Error, ErrorKind, Result};
use super::options::{BackendOptions, Checksums, Endpoint};
use super::process::{self, ClientUse};
use super::s3_error::{from_sdk, Site};

pub struct Store {
    options: BackendOptions,
    fingerprint: String,
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

/// Where an object's URL points: scheme and host, the Host header, the path.
pub struct ObjectUrl {
    pub origin: String,
    pub host: String,
    pub path: String,
}

impl Store {
    pub fn new(options: BackendOptions) -> Arc<Self> {
        let fingerprint = options.client_fingerprint();
        Arc::new(Store { options, fingerprint })
    }

    pub fn options(&self) -> &BackendOptions {
        &self.options
    }

    /// The full key of a new object: the prefix applied, the key strictly checked.
    pub fn new_object_key(&self, key: &[u8]) -> Result<String> {
        self.options().prefix.object_key(key, KeyUse::New)
    }

    /// The full key of an object that already exists, taken exactly as it
    /// was stored (older writers left keys such as `a//KEY` or `/a/KEY`).
    pub fn stored_object_key(&self, key: &[u8]) -> Result<String> {
        self.options().prefix.object_key(key, KeyUse::Stored)
    }

    pub fn bucket(&self) -> &str {
        &self.options.bucket
    }

    pub fn client(&self) -> Result<Arc<S3Client>> {
        process::client_for(&self.options, &self.fingerprint, ClientUse::Requests)
    }

    /// The client multipart parts are sent with, on the parts runtime.
    pub fn part_client(&self) -> Result<Arc<S3Client>> {
        process::client_for(&self.options, &self.fingerprint, ClientUse::Parts)
    }

    pub fn site<'a>(&'a self, operation: &'static str, key: &'a str) -> Site<'a> {
        Site { operation, bucket: &self.options.bucket, key: Some(key) }
    }

    pub fn not_found(&self, operation: &'static str, object_key: &str) -> Error {
        Error::new(ErrorKind::NotFound, operation, "no such object").at(operation, self.bucket(), Some(object_key))
    }

    /// The URL of an object, addressed as the SDK's requests address it:
    /// both follow `BackendOptions::path_style()`.
    pub fn object_url(&self, client: &S3Client, object_key: &str) -> Result<ObjectUrl> {
        let bucket = self.bucket();
        let (https, authority) = match &client.endpoint_url {
            Some(url) => {
                let ep = Endpoint::parse(url)?;
                (ep.https, ep.authority)
            }
            None => (true, format!("s3.{}.amazonaws.com", client.region)),
        };
        let scheme = if https { "https" } else { "http" };
        Ok(if self.options.path_style() {
            ObjectUrl { origin: format!("{scheme}://{authority}"), host: authority, path: format!("/{bucket}/{object_key}") }
        } else {
            let host = format!("{bucket}.{authority}");
            ObjectUrl { origin: format!("{scheme}://{host}"), host, path: format!("/{object_key}") }
        })
    }

    /// HEAD on a full object key; None when the store says it does not
    /// exist (404). Without s3:ListBucket, AWS answers 403 for a missing
    /// key: that stays an AccessDenied error, saying so, because a 403 is
    /// also what a real lack of s3:GetObject looks like.
    pub fn head(&self, object_key: &str) -> Result<Option<ObjectInfo>> {
        let client = self.client()?;
        process::block_on(self.head_with(&client, object_key))?
    }

    /// HEADs of many full keys, up to `jobs` at once on the request
    /// runtime; the results in the order of `object_keys`.
    pub fn head_many(self: &Arc<Self>, object_keys: Vec<String>, jobs: usize) -> Result<Vec<Result<Option<ObjectInfo>>>> {
        let client = self.client()?;
        let total = object_keys.len();
        process::block_on(async move {
            let mut results: Vec<Option<Result<Option<ObjectInfo>>>> = (0..total).map(|_| None).collect();
            let mut running = tokio::task::JoinSet::new();
            let mut next = object_keys.into_iter().enumerate();
            loop {
                while running.len() < jobs.max(1) {
                    let Some((index, key)) = next.next() else { break };
                    let (store, client) = (self.clone(), client.clone());
                    running.spawn(async move { (index, store.head_with(&client, &key).await) });
                }
                let Some(joined) = running.join_next().await else { break };
                let (index, result) = joined.map_err(|e| {
                    Error::new(ErrorKind::Service, "headObject", format!("a HEAD task ended abnormally: {e}"))
                })?;
                results[index] = Some(result);
            }
            Ok(results.into_iter().map(|r| r.expect("every key was headed")).collect())
        })?
    }

    async fn head_with(&self, client: &S3Client, object_key: &str) -> Result<Option<ObjectInfo>> {
        let mut request = client.s3.head_object().bucket(self.bucket()).key(object_key);
        if self.options.checksums == Checksums::Crc32c {
            request = request.checksum_mode(ChecksumMode::Enabled);
        }
        match request.send().await {
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
                let mut err = from_sdk(&self.site("headObject", object_key), e);
                if err.status == Some(400) && err.code.is_none() && self.options.checksums == Checksums::Crc32c {
                    // A HEAD answer has no body, so no error code: a store
                    // that refuses the x-amz-checksum-mode header it carries
                    // in crc32c mode (Backblaze B2) says only "400".
                    err.detail = "the store refused a HEAD that asks for the object's checksums (HTTP 400 \
                                  without an error code; stores that do not support the current S3 \
                                  checksums answer so)"
                        .into();
                    err.option = Some("checksums".into());
                    return Err(err.with_fix("set 'checksums' to 'md5' (Content-MD5), which such stores verify"));
                }
                match err.kind {
                    ErrorKind::NotFound => Ok(None),
                    ErrorKind::AccessDenied if err.status == Some(403) => {
                        err.detail.push_str(
                            "; a HEAD answered 403 is also how a missing object looks \
                             when the credentials lack s3:ListBucket",
                        );
                        Err(err)
                    }
                    _ => Err(err),
                }
            }
        }
    }

    /// Deletes; a missing object counts as deleted.
    pub fn delete(&self, object_key: &str) -> Result<()> {
        let client = self.client()?;
        let request = client.s3.delete_object().bucket(self.bucket()).key(object_key);
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
}
