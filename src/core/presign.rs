//! Presigned download links: options, and the URL signed for the object as
//! the store's requests address it.

use std::time::{SystemTime, UNIX_EPOCH};

use super::disposition::{content_disposition, safe_disposition, validate_content_type, DispositionType};
use super::error::{Error, Result};
use super::process;
use super::sigv4::{self, SigningCredentials, Target};
use super::store::Store;
use super::value::{expect_string, OptionValue};

/// S3 refuses presigned URLs valid for more than seven days.
pub const MAX_URL_TTL: u64 = 7 * 24 * 3600;
pub const DEFAULT_URL_TTL: u64 = 3600;

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
                    return Err(Error::option("ttl", format!("option 'ttl' must be an int (seconds); got {}", other.type_name())))
                }
                ("disposition", v) => out.disposition = Some(DispositionType::parse(&expect_string(key, v)?)?),
                ("filename", v) => out.filename = Some(expect_string(key, v)?),
                ("content_type", v) => {
                    let ct = expect_string(key, v)?;
                    validate_content_type(&ct)?;
                    out.content_type = Some(ct);
                }
                (other, _) => {
                    return Err(Error::option(other, format!("presign option '{}' is unknown", other.escape_debug()))
                        .with_fix("use only ttl, disposition, filename, content_type"))
                }
            }
        }
        if out.filename.is_some() && out.disposition.is_none() {
            out.disposition = Some(DispositionType::Attachment);
        }
        out.disposition = out.disposition.map(|d| safe_disposition(d, out.content_type.as_deref()));
        Ok(out)
    }
}

/// A GET URL for `object_key`, valid for `opts.ttl` seconds from now.
pub fn presign_get(store: &Store, object_key: &str, opts: &PresignOptions) -> Result<String> {
    let client = store.client()?;
    let creds = match client.fresh_credentials() {
        Some(creds) => creds,
        None => process::block_on(client.credentials())??,
    };
    let url = store.object_url(&client, object_key)?;
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
        &Target { origin: &url.origin, host: &url.host, path: &url.path },
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
