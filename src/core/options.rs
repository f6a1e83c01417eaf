//! The backend's configuration: every option has a string key (what PHP
//! passes in its options array) and a typed field. Unknown keys, wrong types
//! and invalid values are refused here, before anything touches the network,
//! with a message naming the key and what is allowed.
//!
//! Region and credentials that are not given come from the standard AWS
//! chain (`AWS_*` environment, shared config files and `profile`, web
//! identity, ECS, EC2 instance metadata): see `client.rs`.

use std::fmt;
use std::path::PathBuf;
use std::time::Duration;

use sha2::{Digest, Sha256};

use super::error::{Error, Result};
use super::key::KeyPrefix;
use super::value::{expect_bool, expect_seconds, expect_string, expect_u64, option_keys, OptionValue};

pub const MIB: u64 = 1024 * 1024;
/// S3's smallest part (except the last) and our smallest threshold.
pub const MIN_PART_SIZE: u64 = 5 * MIB;
pub const MAX_PART_SIZE: u64 = 5 * 1024 * MIB;
pub const DEFAULT_CACHE_CONTROL: &str = "private, max-age=86400";

pub const CANNED_ACLS: &[&str] = &[
    "private",
    "public-read",
    "public-read-write",
    "authenticated-read",
    "aws-exec-read",
    "bucket-owner-read",
    "bucket-owner-full-control",
];

/// Storage classes whose objects can be read at once. Archive classes
/// (GLACIER, DEEP_ARCHIVE) are refused: an attachment there cannot be sent
/// with a reply e-mail until someone restores it.
pub const STORAGE_CLASSES: &[&str] = &[
    "STANDARD",
    "REDUCED_REDUNDANCY",
    "STANDARD_IA",
    "ONEZONE_IA",
    "INTELLIGENT_TIERING",
    "GLACIER_IR",
    "EXPRESS_ONEZONE",
    "OUTPOSTS",
];

option_keys! {
    /// The backend's options (`new S3AttachmentBackend($options)`).
    OptionKey ("") {
        Bucket => "bucket",
        Prefix => "prefix",
        Region => "region",
        Endpoint => "endpoint",
        PathStyle => "path_style",
        AccessKeyId => "access_key_id",
        SecretAccessKey => "secret_access_key",
        SessionToken => "session_token",
        Profile => "profile",
        Acl => "acl",
        StorageClass => "storage_class",
        ServerSideEncryption => "server_side_encryption",
        SseKmsKeyId => "sse_kms_key_id",
        CacheControl => "cache_control",
        PartSize => "part_size",
        MultipartThreshold => "multipart_threshold",
        MaxConcurrency => "max_concurrency",
        ConnectTimeout => "connect_timeout",
        OperationTimeout => "operation_timeout",
        MaxAttempts => "max_attempts",
        CaBundle => "ca_bundle",
        Checksums => "checksums",
    }
}

/// The values given, one slot per key; `null` counts as not given.
struct Given<'a>(Vec<Option<&'a OptionValue>>);

impl<'a> Given<'a> {
    fn collect(pairs: &'a [(String, OptionValue)]) -> Result<Self> {
        let mut slots = vec![None; OptionKey::ALL.len()];
        for (name, value) in pairs {
            let key = OptionKey::parse(name)?;
            slots[key as usize] = (!matches!(value, OptionValue::Null)).then_some(value);
        }
        Ok(Given(slots))
    }

    fn get(&self, key: OptionKey) -> Option<&'a OptionValue> {
        self.0[key as usize]
    }

    /// A string option run through `check`; empty strings count as not given.
    fn string(&self, key: OptionKey, check: impl FnOnce(OptionKey, String) -> Result<String>) -> Result<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(v) => Ok(non_empty(check(key, expect_string(key.name(), v)?)?)),
        }
    }

    fn bool(&self, key: OptionKey) -> Result<Option<bool>> {
        self.get(key).map(|v| expect_bool(key.name(), v)).transpose()
    }

    fn int(&self, key: OptionKey, min: u64, max: u64, unit: &str) -> Result<Option<u64>> {
        self.get(key).map(|v| expect_u64(key.name(), v, min, max, unit)).transpose()
    }

    fn seconds(&self, key: OptionKey, max: f64) -> Result<Option<Duration>> {
        self.get(key).map(|v| expect_seconds(key.name(), v, max)).transpose()
    }
}

/// Static keys given in the options. Debug never prints the secret parts.
#[derive(Clone, PartialEq, Eq)]
pub struct StaticCredentials {
    pub access_key_id: String,
    pub secret_access_key: String,
    pub session_token: Option<String>,
}

impl fmt::Debug for StaticCredentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("StaticCredentials")
            .field("access_key_id", &self.access_key_id)
            .field("secret_access_key", &"<redacted>")
            .field("session_token", &self.session_token.as_ref().map(|_| "<redacted>"))
            .finish()
    }
}

/// How uploads and downloads are checked end to end. Never downgraded on
/// its own: the mode is what the admin chose.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Checksums {
    /// A CRC32C per request and for the whole object (FULL_OBJECT), which
    /// the store verifies and echoes; downloads of whole objects are
    /// checked against the stored CRC32C. AWS, SeaweedFS.
    Crc32c,
    /// `Content-MD5` on every PUT and part, the check nearly every
    /// S3-compatible store has verified for fifteen years, and no
    /// `x-amz-checksum-*` / `x-amz-sdk-checksum-algorithm` / trailer /
    /// `aws-chunked` anywhere: for stores that refuse or garble those
    /// (Backblaze B2, older MinIO and Ceph, R2, GCS, Dell ECS, …).
    Md5,
    /// Only what each request strictly requires.
    None,
}

impl Checksums {
    /// Every mode with its option value: the one table names and parsing use.
    const ALL: [(Checksums, &'static str); 3] =
        [(Checksums::Crc32c, "crc32c"), (Checksums::Md5, "md5"), (Checksums::None, "none")];

    pub fn name(self) -> &'static str {
        Self::ALL.iter().find(|(mode, _)| *mode == self).map(|(_, name)| *name).unwrap_or_default()
    }

    fn parse(key: OptionKey, s: String) -> Result<Self> {
        Self::ALL.iter().find(|(_, name)| *name == s).map(|(mode, _)| *mode).ok_or_else(|| {
            let names: Vec<&str> = Self::ALL.iter().map(|(_, name)| *name).collect();
            Error::option(key.name(), format!("option 'checksums' must be one of {}; got {:?}", names.join(", "), s))
                .with_fix("'crc32c' for AWS and stores that verify CRC32C, 'md5' for other S3-compatible stores")
        })
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ServerSideEncryption {
    Aes256,
    Kms { key_id: Option<String> },
}

/// An S3-compatible endpoint: scheme, host and optional port, no path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Endpoint {
    pub url: String,
    pub https: bool,
    /// `host` or `host:port`, as sent in the Host header.
    pub authority: String,
    pub host_is_ip_or_localhost: bool,
}

impl Endpoint {
    pub fn parse(raw: &str) -> Result<Self> {
        let bad = |why: &str| {
            Error::option("endpoint", format!("option 'endpoint' {why}; got {raw:?}"))
                .with_fix("give the store's base URL, e.g. 'https://s3.example.com' or 'http://127.0.0.1:9000'")
        };
        let (https, rest) = if let Some(r) = raw.strip_prefix("https://") {
            (true, r)
        } else if let Some(r) = raw.strip_prefix("http://") {
            (false, r)
        } else {
            return Err(bad("must start with http:// or https://"));
        };
        let authority = rest.strip_suffix('/').unwrap_or(rest);
        if authority.is_empty() {
            return Err(bad("has no host"));
        }
        if authority.contains(['/', '?', '#', '@']) || authority.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(bad("must be scheme, host and port only (no path, query, user or spaces)"));
        }
        let (host, port) = match authority.strip_prefix('[') {
            Some(v6) => {
                let (h, after) = v6.split_once(']').ok_or_else(|| bad("has an unclosed '['"))?;
                match after {
                    "" => (h, None),
                    p => (h, Some(p.strip_prefix(':').ok_or_else(|| bad("has junk after ']'"))?)),
                }
            }
            None => match authority.split_once(':') {
                Some((h, p)) => (h, Some(p)),
                None => (authority, None),
            },
        };
        if host.is_empty() {
            return Err(bad("has no host"));
        }
        let host_is_ip_or_localhost =
            host.parse::<std::net::IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost");
        // Browsers send the Host of a presigned URL lower-cased and without
        // the scheme's default port; a URL signed for the host as typed
        // ("S3.Example.COM:443") would get 403 on every download.
        let host = host.to_ascii_lowercase();
        let host = if authority.starts_with('[') { format!("[{host}]") } else { host };
        let default_port = if https { "443" } else { "80" };
        let authority = match port {
            Some(p) if p.trim_start_matches('0') != default_port.trim_start_matches('0') || p.is_empty() => {
                format!("{host}:{}", p.parse::<u16>().map_err(|_| bad("has an invalid port"))?)
            }
            _ => host,
        };
        Ok(Endpoint {
            url: format!("{}://{}", if https { "https" } else { "http" }, authority),
            https,
            authority,
            host_is_ip_or_localhost,
        })
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct BackendOptions {
    pub bucket: String,
    pub prefix: KeyPrefix,
    pub region: Option<String>,
    pub endpoint: Option<Endpoint>,
    /// `None`: decide from the endpoint (path style for IP and localhost
    /// endpoints, where virtual-hosted buckets cannot resolve).
    pub path_style: Option<bool>,
    pub credentials: Option<StaticCredentials>,
    pub profile: Option<String>,
    pub acl: Option<String>,
    pub storage_class: Option<String>,
    pub sse: Option<ServerSideEncryption>,
    pub cache_control: String,
    pub part_size: u64,
    pub multipart_threshold: u64,
    pub max_concurrency: usize,
    pub connect_timeout: Duration,
    pub operation_timeout: Duration,
    pub max_attempts: u32,
    pub ca_bundle: Option<PathBuf>,
    pub checksums: Checksums,
}

impl BackendOptions {
    /// Options from `key => value` pairs, as a PHP options array gives them.
    pub fn from_pairs(pairs: &[(String, OptionValue)]) -> Result<Self> {
        use OptionKey::*;
        let given = Given::collect(pairs)?;
        let bucket = given.string(Bucket, bucket_name)?.ok_or_else(|| {
            Error::option(Bucket.name(), "option 'bucket' is required").with_fix("pass ['bucket' => 'your-bucket', ...]")
        })?;
        let prefix = match given.get(Prefix) {
            Some(v) => KeyPrefix::parse(&expect_string(Prefix.name(), v)?)?,
            None => KeyPrefix::default(),
        };
        let endpoint = given.string(Endpoint, |_, s| Ok(s))?.map(|s| self::Endpoint::parse(&s)).transpose()?;
        let credentials = credentials(
            given.string(AccessKeyId, header_value)?,
            given.string(SecretAccessKey, header_value)?,
            given.string(SessionToken, header_value)?,
        )?;
        let sse = server_side_encryption(
            given.string(ServerSideEncryption, |k, s| one_of(k, s, &["AES256", "aws:kms"]))?,
            given.string(SseKmsKeyId, header_value)?,
        )?;
        let ca_bundle = given.string(CaBundle, |_, s| Ok(s))?.map(PathBuf::from);
        if let Some(path) = &ca_bundle {
            if !path.is_file() {
                return Err(Error::option(
                    CaBundle.name(),
                    format!("option 'ca_bundle' names {}, which is not a readable file", path.display()),
                )
                .with_fix("give the path of a PEM file with the CA certificate(s) of the endpoint"));
            }
        }
        Ok(BackendOptions {
            bucket,
            prefix,
            region: given.string(Region, region)?,
            endpoint,
            path_style: given.bool(PathStyle)?,
            credentials,
            profile: given.string(Profile, header_value)?,
            acl: given.string(Acl, |k, s| one_of(k, s, CANNED_ACLS))?,
            storage_class: given.string(StorageClass, storage_class)?,
            sse,
            cache_control: match given.get(CacheControl) {
                Some(v) => header_value(CacheControl, expect_string(CacheControl.name(), v)?)?,
                None => DEFAULT_CACHE_CONTROL.to_owned(),
            },
            part_size: given.int(PartSize, MIN_PART_SIZE, MAX_PART_SIZE, "bytes")?.unwrap_or(8 * MIB),
            multipart_threshold: given.int(MultipartThreshold, MIN_PART_SIZE, MAX_PART_SIZE, "bytes")?.unwrap_or(16 * MIB),
            max_concurrency: given.int(MaxConcurrency, 1, 64, "parts in flight")?.unwrap_or(4) as usize,
            connect_timeout: given.seconds(ConnectTimeout, 3600.0)?.unwrap_or(Duration::from_secs(10)),
            operation_timeout: given.seconds(OperationTimeout, 86_400.0)?.unwrap_or(Duration::from_secs(120)),
            max_attempts: given.int(MaxAttempts, 1, 20, "attempts")?.unwrap_or(3) as u32,
            ca_bundle,
            checksums: match given.string(Checksums, |_, s| Ok(s))? {
                Some(name) => self::Checksums::parse(Checksums, name)?,
                None => self::Checksums::Crc32c,
            },
        })
    }

    /// How objects are addressed, decided once for the SDK's requests and
    /// for presigned URLs alike: as asked, else path style for IP and
    /// localhost endpoints (where `bucket.host` cannot resolve) and for
    /// bucket names that are no valid host label: dots break TLS host
    /// matching under `*.s3…` certificates, capitals and `_` (legacy
    /// names) are not DNS names.
    pub fn path_style(&self) -> bool {
        self.path_style
            .unwrap_or_else(|| self.endpoint.as_ref().is_some_and(|e| e.host_is_ip_or_localhost))
            || !virtual_host_compatible(&self.bucket)
    }

    /// What distinguishes one S3 client from another, so a process keeps one
    /// client (connections, credentials) per distinct configuration. The
    /// secret is represented by a digest, never kept in the clear here.
    pub fn client_fingerprint(&self) -> String {
        let creds = self.credentials.as_ref().map(|c| {
            let mut h = Sha256::new();
            h.update(c.access_key_id.as_bytes());
            h.update([0]);
            h.update(c.secret_access_key.as_bytes());
            h.update([0]);
            h.update(c.session_token.as_deref().unwrap_or("").as_bytes());
            hex::encode(&h.finalize()[..16])
        });
        format!(
            "{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}|{}",
            self.region,
            self.endpoint.as_ref().map(|e| &e.url),
            self.path_style(),
            creds,
            self.profile,
            self.connect_timeout,
            self.operation_timeout,
            self.max_attempts,
            self.ca_bundle,
            self.checksums.name(),
        )
    }
}

fn virtual_host_compatible(bucket: &str) -> bool {
    (3..=63).contains(&bucket.len())
        && bucket.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !bucket.starts_with('-')
        && !bucket.ends_with('-')
}

fn credentials(
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
) -> Result<Option<StaticCredentials>> {
    let both = || "give both, or neither to use the AWS credential chain";
    match (access_key_id, secret_access_key) {
        (Some(access_key_id), Some(secret_access_key)) => {
            Ok(Some(StaticCredentials { access_key_id, secret_access_key, session_token }))
        }
        (None, None) if session_token.is_none() => Ok(None),
        (None, None) => Err(Error::option(
            OptionKey::SessionToken.name(),
            "option 'session_token' needs 'access_key_id' and 'secret_access_key'",
        )),
        (Some(_), None) => Err(Error::option(
            OptionKey::SecretAccessKey.name(),
            "option 'access_key_id' is set but 'secret_access_key' is not",
        )
        .with_fix(both())),
        (None, Some(_)) => Err(Error::option(
            OptionKey::AccessKeyId.name(),
            "option 'secret_access_key' is set but 'access_key_id' is not",
        )
        .with_fix(both())),
    }
}

fn server_side_encryption(mode: Option<String>, kms_key_id: Option<String>) -> Result<Option<ServerSideEncryption>> {
    match (mode.as_deref(), kms_key_id) {
        (None, None) => Ok(None),
        (Some("aws:kms"), key_id) => Ok(Some(ServerSideEncryption::Kms { key_id })),
        (Some(_), None) => Ok(Some(ServerSideEncryption::Aes256)),
        (_, Some(_)) => Err(Error::option(
            OptionKey::SseKmsKeyId.name(),
            "option 'sse_kms_key_id' needs 'server_side_encryption' => 'aws:kms'",
        )),
    }
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

/// Today's rules are 3 to 63 lowercase characters; buckets created before
/// 2018 in us-east-1 may have up to 255, with capitals and '_', and are still
/// in use, so those are accepted too.
fn bucket_name(key: OptionKey, s: String) -> Result<String> {
    let ok = (3..=255).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(s)
    } else {
        Err(Error::option(key.name(), format!("option 'bucket' is not a valid bucket name: {:?}", s.escape_debug().to_string()))
            .with_fix("bucket names are 3 to 255 characters: letters, digits, '.', '-' and '_' (new buckets: 3 to 63, lowercase)"))
    }
}

fn region(key: OptionKey, s: String) -> Result<String> {
    if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(s)
    } else {
        Err(Error::option(key.name(), format!("option 'region' is not a region name: {:?}", s.escape_debug().to_string()))
            .with_fix("use a region such as 'eu-west-1', or 'us-east-1' for most S3-compatible stores"))
    }
}

fn one_of(key: OptionKey, s: String, allowed: &[&str]) -> Result<String> {
    if s.is_empty() || allowed.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(Error::option(key.name(), format!("option '{}' must be one of {}; got {:?}", key.name(), allowed.join(", "), s)))
    }
}

fn storage_class(key: OptionKey, s: String) -> Result<String> {
    if matches!(s.as_str(), "GLACIER" | "DEEP_ARCHIVE") {
        return Err(Error::option(key.name(), format!(
            "option 'storage_class' {s} is an archive class: its objects cannot be read until restored, \
             so attachments in it break downloads and reply e-mails"
        ))
        .with_fix("use STANDARD, STANDARD_IA or GLACIER_IR (instant retrieval), or a lifecycle rule"));
    }
    one_of(key, s, STORAGE_CLASSES)
}

/// Values that end up in HTTP headers must not carry CR, LF or other
/// control characters (header injection) or non-ASCII (S3 refuses it).
pub(crate) fn header_safe(key: &str, s: String) -> Result<String> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Ok(s)
    } else {
        Err(Error::option(
            key,
            format!("option '{key}' contains a control or non-ASCII character; only printable ASCII is allowed"),
        ))
    }
}

/// `header_safe` for a backend option.
fn header_value(key: OptionKey, s: String) -> Result<String> {
    header_safe(key.name(), s)
}

#[cfg(test)]
mod tests {
    use super::*;
    use OptionValue::*;

    fn opts(pairs: &[(&str, OptionValue)]) -> Result<BackendOptions> {
        let owned: Vec<(String, OptionValue)> = pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect();
        BackendOptions::from_pairs(&owned)
    }

    fn s(v: &str) -> OptionValue {
        Str(v.to_owned())
    }

    #[test]
    fn defaults_are_sane() {
        let o = opts(&[("bucket", s("bkt"))]).unwrap();
        assert_eq!(o.cache_control, "private, max-age=86400");
        assert_eq!(o.acl, None, "no ACL header by default: buckets with ACLs disabled refuse one");
        assert_eq!(o.part_size, 8 * MIB);
        assert_eq!(o.multipart_threshold, 16 * MIB);
        assert_eq!(o.max_concurrency, 4);
        assert!(o.credentials.is_none());
        assert!(!o.path_style());
    }

    #[test]
    fn bucket_is_required() {
        let e = opts(&[("prefix", s("x"))]).unwrap_err();
        assert!(e.to_string().contains("'bucket' is required"), "{e}");
    }

    #[test]
    fn unknown_key_names_key_and_allowed_keys() {
        let e = opts(&[("bucket", s("bkt")), ("secret_key", s("x"))]).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("'secret_key' is unknown") && msg.contains("secret_access_key"), "{msg}");
    }

    #[test]
    fn wrong_types_are_refused_with_the_type_seen() {
        let e = opts(&[("bucket", s("bkt")), ("part_size", s("8M"))]).unwrap_err();
        assert!(e.to_string().contains("'part_size' must be an integer"), "{e}");
        let e = opts(&[("bucket", s("bkt")), ("path_style", Int(1))]).unwrap_err();
        assert!(e.to_string().contains("'path_style' must be a bool"), "{e}");
        let e = opts(&[("bucket", Int(3))]).unwrap_err();
        assert!(e.to_string().contains("'bucket' must be a string"), "{e}");
    }

    #[test]
    fn out_of_range_values_are_refused() {
        for (k, v) in [
            ("part_size", Int(5 * MIB as i64 - 1)),
            ("multipart_threshold", Int(0)),
            ("max_concurrency", Int(0)),
            ("max_concurrency", Int(65)),
            ("max_attempts", Int(-1)),
            ("connect_timeout", Float(0.0)),
            ("operation_timeout", Float(f64::NAN)),
        ] {
            assert!(opts(&[("bucket", s("bkt")), (k, v.clone())]).is_err(), "{k} = {v:?}");
        }
    }

    #[test]
    fn archive_storage_class_is_refused_with_reason() {
        let e = opts(&[("bucket", s("bkt")), ("storage_class", s("GLACIER"))]).unwrap_err();
        assert!(e.to_string().contains("archive class"), "{e}");
        assert!(opts(&[("bucket", s("bkt")), ("storage_class", s("STANDARD_IA"))]).is_ok());
    }

    #[test]
    fn half_credentials_are_refused() {
        assert!(opts(&[("bucket", s("bkt")), ("access_key_id", s("AK"))]).is_err());
        assert!(opts(&[("bucket", s("bkt")), ("secret_access_key", s("SK"))]).is_err());
        let o = opts(&[("bucket", s("bkt")), ("access_key_id", s("AK")), ("secret_access_key", s("SK"))]).unwrap();
        assert_eq!(o.credentials.unwrap().access_key_id, "AK");
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let o = opts(&[
            ("bucket", s("bkt")),
            ("access_key_id", s("AK")),
            ("secret_access_key", s("TOPSECRET")),
            ("session_token", s("TOKENSECRET")),
        ])
        .unwrap();
        let shown = format!("{o:?} {}", o.client_fingerprint());
        assert!(!shown.contains("TOPSECRET") && !shown.contains("TOKENSECRET"), "{shown}");
    }

    #[test]
    fn header_values_with_crlf_are_refused() {
        assert!(opts(&[("bucket", s("bkt")), ("cache_control", s("x\r\nSet-Cookie: a"))]).is_err());
    }

    #[test]
    fn kms_key_needs_kms() {
        assert!(opts(&[("bucket", s("bkt")), ("sse_kms_key_id", s("k"))]).is_err());
        let o = opts(&[("bucket", s("bkt")), ("server_side_encryption", s("aws:kms")), ("sse_kms_key_id", s("k"))])
            .unwrap();
        assert_eq!(o.sse, Some(ServerSideEncryption::Kms { key_id: Some("k".into()) }));
    }

    #[test]
    fn endpoint_is_parsed_and_ip_endpoints_default_to_path_style() {
        let o = opts(&[("bucket", s("bkt")), ("endpoint", s("http://127.0.0.1:8333/"))]).unwrap();
        let ep = o.endpoint.clone().unwrap();
        assert_eq!(ep.url, "http://127.0.0.1:8333");
        assert_eq!(ep.authority, "127.0.0.1:8333");
        assert!(o.path_style());
        let o = opts(&[("bucket", s("bkt")), ("endpoint", s("https://s3.example.com"))]).unwrap();
        assert!(!o.path_style());
        for bad in ["ftp://x", "http://", "http://h/path", "http://h:99999", "http://u@h"] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn null_means_default() {
        let o = opts(&[("bucket", s("bkt")), ("region", Null), ("part_size", Null)]).unwrap();
        assert_eq!(o.region, None);
        assert_eq!(o.part_size, 8 * MIB);
    }

    #[test]
    fn every_option_key_has_a_distinct_name_that_parses_back() {
        for key in OptionKey::ALL {
            assert_eq!(OptionKey::parse(key.name()).unwrap(), *key);
        }
        let mut names: Vec<_> = OptionKey::ALL.iter().map(|k| k.name()).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), OptionKey::ALL.len());
    }

    #[test]
    fn errors_name_the_option_they_are_about() {
        let e = opts(&[("bucket", s("b-1")), ("part_size", s("8M"))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("part_size"));
        let e = opts(&[("bucket", s("b-1")), ("endpoint", s("ftp://x"))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("endpoint"));
        let e = opts(&[("bucket", s("b-1")), ("acl", s("nope"))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("acl"));
        let e = opts(&[("prefix", s("x"))]).unwrap_err();
        assert_eq!(e.option.as_deref(), Some("bucket"));
    }

    #[test]
    fn bucket_names_of_3_to_255_characters_are_accepted() {
        for ok in ["abc", "Legacy_Bucket.Name", &"b".repeat(255)] {
            assert!(opts(&[("bucket", s(ok))]).is_ok(), "{ok}");
        }
        for bad in ["ab", "a", &"b".repeat(256), "bad/name", "spa ce"] {
            let e = opts(&[("bucket", s(bad))]).unwrap_err();
            assert!(e.to_string().contains("3 to 255"), "{e}");
        }
    }

    #[test]
    fn endpoint_host_is_lower_cased_and_default_port_dropped() {
        let ep = Endpoint::parse("https://S3.Example.COM:443").unwrap();
        assert_eq!((ep.url.as_str(), ep.authority.as_str()), ("https://s3.example.com", "s3.example.com"));
        let ep = Endpoint::parse("http://Minio.Local:80/").unwrap();
        assert_eq!(ep.authority, "minio.local");
        let ep = Endpoint::parse("http://Minio.Local:443").unwrap();
        assert_eq!(ep.authority, "minio.local:443", "443 is not http's default port");
        let ep = Endpoint::parse("https://H:0443").unwrap();
        assert_eq!(ep.authority, "h", "a zero-padded default port is still the default");
        let ep = Endpoint::parse("https://[FD00::1]:9000").unwrap();
        assert_eq!(ep.authority, "[fd00::1]:9000");
        assert!(Endpoint::parse("https://h:").is_err(), "an empty port is refused");
    }

    #[test]
    fn buckets_that_are_no_host_label_are_addressed_path_style() {
        let style = |bucket: &str, explicit: Option<bool>| {
            let mut pairs = vec![("bucket", s(bucket)), ("endpoint", s("https://s3.example.com"))];
            if let Some(e) = explicit {
                pairs.push(("path_style", Bool(e)));
            }
            opts(&pairs).unwrap().path_style()
        };
        assert!(!style("plain-bucket-1", None));
        assert!(style("plain-bucket-1", Some(true)));
        for legacy in ["dotted.bucket", "Legacy_Bucket", "-dash", &"b".repeat(64)] {
            assert!(style(legacy, None), "{legacy}");
            assert!(style(legacy, Some(false)), "{legacy}: a URL with this host could not work");
        }
    }
}
