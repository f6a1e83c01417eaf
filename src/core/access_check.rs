//! The configuration check an admin runs before trusting a store with
//! attachments: the bucket exists, and a probe object under the prefix can
//! be written, read back and deleted, as a single PUT and as a (one-part)
//! multipart upload, with the checksums of the chosen `checksums` mode. It needs exactly what attachments
//! need (s3:PutObject, s3:GetObject, s3:DeleteObject on PREFIX/*): no
//! s3:ListBucket, so no HeadBucket.

use std::time::{Instant, SystemTime, UNIX_EPOCH};

use super::backend::Backend;
use super::error::{Error, ErrorKind, Result};
use super::range::ByteRange;
use super::upload::PutOptions;

/// What `check_access` proved, and what the admin should know.
#[derive(Debug, Clone)]
pub struct AccessReport {
    pub probe_key: String,
    pub region: String,
    pub endpoint: Option<String>,
    pub checksum_confirmed: bool,
    pub elapsed_ms: f64,
    /// Things that work but deserve a second look (an http:// endpoint).
    pub warnings: Vec<String>,
}

/// Proves write, read and delete with a probe object under the prefix, and
/// says which step failed and why. Built on `Backend`'s own operations (it
/// checks what attachments will do), so `Backend` does not call it.
pub fn check_access(backend: &Backend) -> Result<AccessReport> {
    let started = Instant::now();
    let store = backend.store();
    let nonce = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0);
    let probe_name = format!(".s3-attachments-access-check/{}-{nonce}", std::process::id());
    let probe_key = backend.object_key(probe_name.as_bytes())?;
    let content = format!("s3_attachments access check {nonce}").into_bytes();
    let step = |what: &'static str| {
        move |mut e: Error| {
            e.detail = format!("access check could not {what}: {}", e.detail);
            e
        }
    };
    require_bucket(backend, nonce).map_err(|e| {
        if e.option.as_deref() == Some("checksums") {
            step("read from the bucket with the checksums of the chosen mode")(e)
        } else {
            step("find the bucket")(e)
        }
    })?;
    let put = backend.put_bytes(probe_name.as_bytes(), &content, PutOptions::default()).map_err(step("write a probe object"))?;
    let back = backend.read(probe_name.as_bytes(), ByteRange::whole()).map_err(step("read the probe object back"))?;
    if back != content {
        let _ = store.delete(&probe_key);
        return Err(Error::new(ErrorKind::Integrity, "checkAccess", "the probe object read back differs from what was written")
            .at("checkAccess", store.bucket(), Some(&probe_key)));
    }
    store.delete(&probe_key).map_err(step("delete the probe object (it is left behind)"))?;
    match store.head(&probe_key) {
        Ok(None) => {}
        // Without s3:ListBucket a missing key answers 403: the probe we
        // just deleted (with a 2xx) is gone.
        Err(e) if e.kind == ErrorKind::AccessDenied && e.status == Some(403) => {}
        Ok(Some(_)) => {
            return Err(Error::new(ErrorKind::Service, "checkAccess", "the probe object is still there after delete")
                .at("checkAccess", store.bucket(), Some(&probe_key)))
        }
        Err(e) => return Err(step("confirm the deletion")(e)),
    }
    multipart_probe(backend, &format!("{probe_name}-multipart"), &content).map_err(step("store a multipart probe object"))?;
    let client = store.client()?;
    Ok(AccessReport {
        probe_key,
        region: client.region.clone(),
        endpoint: client.endpoint_url.clone(),
        checksum_confirmed: put.crc32c.is_some() || put.md5.is_some(),
        elapsed_ms: started.elapsed().as_secs_f64() * 1000.0,
        warnings: warnings(backend),
    })
}

/// Large attachments go up as multipart uploads, whose checksums some
/// stores handle differently (or wrongly: a store that reports a CRC32C
/// that is not the object's makes every large attachment unreadable in
/// `checksums` crc32c mode). A one-part multipart upload of the probe,
/// read back whole (checked against what the store reports), finds that.
fn multipart_probe(backend: &Backend, name: &str, content: &[u8]) -> Result<()> {
    let mut upload = backend.create_upload(name.as_bytes(), PutOptions::default())?;
    upload.write(content)?;
    let key = upload.key().to_owned();
    upload.finish_as_multipart()?;
    let back = backend.read(name.as_bytes(), ByteRange::whole());
    let _ = backend.store().delete(&key);
    if back? != content {
        return Err(Error::new(ErrorKind::Integrity, "checkAccess", "the multipart probe read back differs from what was written")
            .at("checkAccess", backend.store().bucket(), Some(&key)));
    }
    Ok(())
}

/// Some stores (SeaweedFS for an admin key) create a missing bucket on the
/// first PUT, which would hide a mistyped name. A GET of a key that cannot
/// exist tells NoSuchBucket from NoSuchKey with no side effect, and needs
/// only s3:GetObject (without s3:ListBucket AWS answers it 403, which says
/// nothing about the bucket: the probe write then decides).
fn require_bucket(backend: &Backend, nonce: u128) -> Result<()> {
    let absent = format!(".s3-attachments-access-check/absent-{nonce}");
    match backend.read(absent.as_bytes(), ByteRange::new(0, Some(1))?) {
        Err(e) if e.kind == ErrorKind::NotFound && e.code.as_deref() == Some("NoSuchBucket") => Err(e),
        Err(e) if e.kind == ErrorKind::NotFound || e.kind == ErrorKind::AccessDenied => Ok(()),
        Err(e) => Err(e),
        Ok(_) => Ok(()),
    }
}

fn warnings(backend: &Backend) -> Vec<String> {
    let mut out = Vec::new();
    if backend.options().endpoint.as_ref().is_some_and(|e| !e.https) {
        out.push(
            "the endpoint is http://: attachment bytes, object names and presigned download links travel \
             unencrypted between this server, browsers and the store (request signatures do not reveal the \
             secret key); use https:// unless the store is on this host or a trusted private network"
                .to_owned(),
        );
    }
    out
}
