//! Presigned GET URLs, signed with AWS Signature Version 4 in the query.
//!
//! Signing is done here rather than through the SDK's presigner because a
//! helpdesk page lists many attachments and signs one URL per link: this
//! signer caches the derived key for the day and costs a few microseconds,
//! where a general request pipeline costs tens. The algorithm is AWS's,
//! checked against AWS's own published example in the tests below.

use std::sync::Mutex;

use hmac::{Hmac, Mac};
use percent_encoding::{utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use sha2::{Digest, Sha256};

/// SigV4 URI encoding: everything but unreserved characters is %XX.
const UNRESERVED: &AsciiSet = &NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'.').remove(b'~');
/// The same for a path, where '/' separates segments and stays.
const PATH: &AsciiSet = &UNRESERVED.remove(b'/');

pub struct SigningCredentials<'a> {
    pub access_key_id: &'a str,
    pub secret_access_key: &'a str,
    pub session_token: Option<&'a str>,
}

/// Where the signed request goes.
pub struct Target<'a> {
    /// `https://host[:port]`
    pub origin: &'a str,
    /// The Host header value: `host[:port]`.
    pub host: &'a str,
    /// The unencoded path, starting with '/'.
    pub path: &'a str,
}

/// Caches the derived signing key, which changes once a day per key and
/// region, so each URL costs one HMAC chain less.
#[derive(Default)]
pub struct SigningKeyCache {
    slot: Mutex<Option<CachedKey>>,
}

struct CachedKey {
    access_key_id: String,
    date: String,
    region: String,
    key: [u8; 32],
}

impl SigningKeyCache {
    fn key(&self, creds: &SigningCredentials, date: &str, region: &str) -> [u8; 32] {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(c) = slot.as_ref() {
            if c.access_key_id == creds.access_key_id && c.date == date && c.region == region {
                return c.key;
            }
        }
        let key = derive_signing_key(creds.secret_access_key, date, region);
        *slot = Some(CachedKey {
            access_key_id: creds.access_key_id.to_owned(),
            date: date.to_owned(),
            region: region.to_owned(),
            key,
        });
        key
    }
}

fn hmac(key: &[u8], data: &[u8]) -> [u8; 32] {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes keys of any length");
    mac.update(data);
    mac.finalize().into_bytes().into()
}

fn derive_signing_key(secret: &str, date: &str, region: &str) -> [u8; 32] {
    let k_date = hmac(format!("AWS4{secret}").as_bytes(), date.as_bytes());
    let k_region = hmac(&k_date, region.as_bytes());
    let k_service = hmac(&k_region, b"s3");
    hmac(&k_service, b"aws4_request")
}

/// A presigned GET URL valid for `expires_secs` from `now_unix`.
/// `extra` holds response overrides such as `response-content-disposition`.
pub fn presign_get(
    target: &Target,
    region: &str,
    creds: &SigningCredentials,
    cache: &SigningKeyCache,
    now_unix: u64,
    expires_secs: u64,
    extra: &[(&str, &str)],
) -> String {
    let amz_date = amz_date(now_unix);
    let date = &amz_date[..8];
    let scope = format!("{date}/{region}/s3/aws4_request");
    let credential = format!("{}/{scope}", creds.access_key_id);
    let expires = expires_secs.to_string();

    let mut params: Vec<(&str, &str)> = vec![
        ("X-Amz-Algorithm", "AWS4-HMAC-SHA256"),
        ("X-Amz-Credential", &credential),
        ("X-Amz-Date", &amz_date),
        ("X-Amz-Expires", &expires),
        ("X-Amz-SignedHeaders", "host"),
    ];
    if let Some(token) = creds.session_token {
        params.push(("X-Amz-Security-Token", token));
    }
    params.extend_from_slice(extra);
    let mut encoded: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (utf8_percent_encode(k, UNRESERVED).to_string(), utf8_percent_encode(v, UNRESERVED).to_string()))
        .collect();
    encoded.sort();
    let query = encoded.iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&");
    let path = utf8_percent_encode(target.path, PATH).to_string();

    let canonical_request = format!("GET\n{path}\n{query}\nhost:{}\n\nhost\nUNSIGNED-PAYLOAD", target.host);
    let string_to_sign = format!(
        "AWS4-HMAC-SHA256\n{amz_date}\n{scope}\n{}",
        hex::encode(Sha256::digest(canonical_request.as_bytes()))
    );
    let signature = hex::encode(hmac(&cache.key(creds, date, region), string_to_sign.as_bytes()));
    format!("{}{path}?{query}&X-Amz-Signature={signature}", target.origin)
}

/// `YYYYMMDDTHHMMSSZ` for a Unix time (UTC).
fn amz_date(unix: u64) -> String {
    let days = (unix / 86_400) as i64;
    let secs = unix % 86_400;
    let (y, m, d) = civil_from_days(days);
    format!("{y:04}{m:02}{d:02}T{:02}{:02}{:02}Z", secs / 3600, secs / 60 % 60, secs % 60)
}

/// Days since 1970-01-01 to a proleptic Gregorian date (H. Hinnant's method).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (yoe + era * 400 + i64::from(m <= 2), m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    // AWS's example in "Authenticating Requests: Using Query Parameters
    // (AWS Signature Version 4)", S3 API reference.
    #[test]
    fn matches_aws_documented_example() {
        let creds = SigningCredentials {
            access_key_id: "AKIAIOSFODNN7EXAMPLE",
            secret_access_key: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
            session_token: None,
        };
        let target = Target {
            origin: "https://examplebucket.s3.amazonaws.com",
            host: "examplebucket.s3.amazonaws.com",
            path: "/test.txt",
        };
        let url = presign_get(&target, "us-east-1", &creds, &SigningKeyCache::default(), 1_369_353_600, 86_400, &[]);
        assert!(
            url.ends_with("X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"),
            "{url}"
        );
        assert!(url.starts_with("https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256"));
    }

    #[test]
    fn cached_key_gives_the_same_signature() {
        let creds = SigningCredentials { access_key_id: "AK", secret_access_key: "SK", session_token: Some("T/+=") };
        let target = Target { origin: "http://127.0.0.1:9000", host: "127.0.0.1:9000", path: "/b/k é" };
        let cache = SigningKeyCache::default();
        let a = presign_get(&target, "us-east-1", &creds, &cache, 1_700_000_000, 60, &[("response-content-type", "a/b")]);
        let b = presign_get(&target, "us-east-1", &creds, &cache, 1_700_000_000, 60, &[("response-content-type", "a/b")]);
        assert_eq!(a, b);
        assert!(a.contains("/b/k%20%C3%A9?"), "{a}");
        assert!(a.contains("X-Amz-Security-Token=T%2F%2B%3D"), "{a}");
        assert!(!a.contains("SK"));
    }

    #[test]
    fn dates() {
        assert_eq!(amz_date(0), "19700101T000000Z");
        assert_eq!(amz_date(1_369_353_600), "20130524T000000Z");
        assert_eq!(amz_date(951_782_400 + 3_723), "20000229T010203Z");
    }
}
