//! Presigned download links: options, and the URL signed for the object as
//! the store's requests address it.

use std::time::{SystemTime, UNIX_EPOCH};

use super::disposition::{content_disposition, safe_disposition, validate_content_type, DispositionType};
use super::error::{Error, Result};
use super::process;
use super::sigv4::{self, SigningCredentials, Target};
use super::store::Store;
use super::value::{expect_string, option_keys, OptionValue};

/// S3 refuses presigned URLs valid for more than seven days.
pub const MAX_URL_TTL: u64 = 7 * 24 * 3600;
pub const DEFAULT_URL_TTL: u64 = 3600;

/// Options of a presigned download link.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PresignOptions {
    pub ttl: u64,
    /// Sign as of this Unix time instead of now, so the same link is
    /// produced again (and a browser's cache keeps working) until it is
    /// rounded to the next window. The URL expires at `signing_time + ttl`.
    pub signing_time: Option<u64>,
    pub disposition: Option<DispositionType>,
    pub filename: Option<String>,
    pub content_type: Option<String>,
}

option_keys! {
    /// The options of presignGet().
    PresignKey ("presign") {
        Ttl => "ttl",
        SigningTime => "signing_time",
        Disposition => "disposition",
        Filename => "filename",
        ContentType => "content_type",
    }
}

impl PresignOptions {
    pub fn from_pairs(pairs: &[(String, OptionValue)]) -> Result<Self> {
        let mut out =
            PresignOptions { ttl: DEFAULT_URL_TTL, signing_time: None, disposition: None, filename: None, content_type: None };
        for (key, value) in pairs {
            if matches!(value, OptionValue::Null) {
                continue;
            }
            match (PresignKey::parse(key)?, value) {
                // Clamped, not refused: osTicket computes TTLs up to the next
                // midnight and may ask for 0 at its edge.
                (PresignKey::Ttl, OptionValue::Int(t)) => out.ttl = (*t).clamp(1, MAX_URL_TTL as i64) as u64,
                (PresignKey::Ttl, other) => {
                    return Err(Error::option("ttl", format!("option 'ttl' must be an int (seconds); got {}", other.type_name())))
                }
                (PresignKey::SigningTime, OptionValue::Int(t)) if *t >= 0 => out.signing_time = Some(*t as u64),
                (PresignKey::SigningTime, other) => {
                    return Err(Error::option(
                        "signing_time",
                        format!("option 'signing_time' must be a Unix time (int, seconds); got {}", other.type_name()),
                    ))
                }
                (PresignKey::Disposition, v) => out.disposition = Some(DispositionType::parse(&expect_string(key, v)?)?),
                (PresignKey::Filename, v) => out.filename = Some(expect_string(key, v)?),
                (PresignKey::ContentType, v) => {
                    let ct = expect_string(key, v)?;
                    validate_content_type(&ct)?;
                    out.content_type = Some(ct);
                }
            }
        }
        // Always one: without it the store serves the object as stored, and
        // a stored text/html or image/svg+xml would render (and run) on the
        // bucket's origin. <img>, <audio> and <video> ignore the header.
        let asked = out.disposition.unwrap_or(DispositionType::Attachment);
        out.disposition = Some(safe_disposition(asked, out.content_type.as_deref()));
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
    let signed_at = signing_time(opts, now)?;
    Ok(sigv4::presign_get(
        &Target { origin: &url.origin, host: &url.host, path: &url.path },
        &client.region,
        &SigningCredentials {
            access_key_id: creds.access_key_id(),
            secret_access_key: creds.secret_access_key(),
            session_token: creds.session_token(),
        },
        &client.signing_keys,
        signed_at,
        opts.ttl,
        &extra,
    ))
}

/// Clocks may differ a little between this server and the store.
const SIGNING_TIME_SKEW: u64 = 15 * 60;

/// When the URL is signed: now, or the caller's `signing_time`, which must
/// give a URL that is valid now and that S3 accepts.
fn signing_time(opts: &PresignOptions, now: u64) -> Result<u64> {
    let Some(at) = opts.signing_time else { return Ok(now) };
    let refuse = |why: String| {
        Err(Error::option("signing_time", format!("option 'signing_time' ({at}) {why}"))
            .with_fix("round the current time down to a window shorter than 'ttl', e.g. the start of the hour"))
    };
    if at > now + SIGNING_TIME_SKEW {
        return refuse(format!("is more than {SIGNING_TIME_SKEW} s in the future"));
    }
    if at + opts.ttl <= now {
        return refuse(format!("plus 'ttl' ({} s) is already past: the URL would be expired", opts.ttl));
    }
    Ok(at)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(signing_time: Option<u64>, ttl: u64) -> PresignOptions {
        PresignOptions { ttl, signing_time, disposition: None, filename: None, content_type: None }
    }

    #[test]
    fn signing_time_defaults_to_now_and_must_give_a_url_valid_now() {
        assert_eq!(signing_time(&opts(None, 60), 1000).unwrap(), 1000);
        assert_eq!(signing_time(&opts(Some(900), 3600), 1000).unwrap(), 900);
        assert!(signing_time(&opts(Some(100), 900), 1000).is_err(), "expired at 1000");
        assert!(signing_time(&opts(Some(100), 900), 1000).unwrap_err().to_string().contains("already past"));
        assert!(signing_time(&opts(Some(1000 + SIGNING_TIME_SKEW + 1), 60), 1000).is_err());
        let e = signing_time(&opts(Some(1), 1), 1000).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("signing_time"));
    }
}
