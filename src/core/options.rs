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
use super::value::{expect_bool, expect_seconds, expect_string, expect_u64, OptionValue};

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

pub const OPTION_KEYS: &[&str] = &[
    "bucket",
    "prefix",
    "region",
    "endpoint",
    "path_style",
    "access_key_id",
    "secret_access_key",
    "session_token",
    "profile",
    "acl",
    "storage_class",
    "server_side_encryption",
    "sse_kms_key_id",
    "cache_control",
    "part_size",
    "multipart_threshold",
    "max_concurrency",
    "connect_timeout",
    "operation_timeout",
    "max_attempts",
    "ca_bundle",
];

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
            Error::config(format!("option 'endpoint' {why}; got {raw:?}"))
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
        if let Some(p) = port {
            p.parse::<u16>().map_err(|_| bad("has an invalid port"))?;
        }
        let host_is_ip_or_localhost =
            host.parse::<std::net::IpAddr>().is_ok() || host.eq_ignore_ascii_case("localhost");
        Ok(Endpoint {
            url: format!("{}://{}", if https { "https" } else { "http" }, authority),
            https,
            authority: authority.to_owned(),
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
}

impl BackendOptions {
    /// Options from `key => value` pairs, as a PHP options array gives them.
    pub fn from_pairs(pairs: &[(String, OptionValue)]) -> Result<Self> {
        let mut builder = BackendOptionsBuilder::default();
        for (key, value) in pairs {
            builder.set(key, value)?;
        }
        builder.build()
    }

    pub fn path_style(&self) -> bool {
        self.path_style
            .unwrap_or_else(|| self.endpoint.as_ref().is_some_and(|e| e.host_is_ip_or_localhost))
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
            "{:?}|{:?}|{}|{:?}|{:?}|{:?}|{:?}|{}|{:?}",
            self.region,
            self.endpoint.as_ref().map(|e| &e.url),
            self.path_style(),
            creds,
            self.profile,
            self.connect_timeout,
            self.operation_timeout,
            self.max_attempts,
            self.ca_bundle,
        )
    }
}

/// Collects options one key at a time; `build()` checks what depends on
/// several keys and fills defaults.
#[derive(Debug, Default)]
pub struct BackendOptionsBuilder {
    bucket: Option<String>,
    prefix: KeyPrefix,
    region: Option<String>,
    endpoint: Option<Endpoint>,
    path_style: Option<bool>,
    access_key_id: Option<String>,
    secret_access_key: Option<String>,
    session_token: Option<String>,
    profile: Option<String>,
    acl: Option<String>,
    storage_class: Option<String>,
    sse: Option<String>,
    sse_kms_key_id: Option<String>,
    cache_control: Option<String>,
    part_size: Option<u64>,
    multipart_threshold: Option<u64>,
    max_concurrency: Option<u64>,
    connect_timeout: Option<Duration>,
    operation_timeout: Option<Duration>,
    max_attempts: Option<u64>,
    ca_bundle: Option<PathBuf>,
}

impl BackendOptionsBuilder {
    /// Sets one option by its string key. `null` means "use the default".
    pub fn set(&mut self, key: &str, value: &OptionValue) -> Result<&mut Self> {
        if matches!(value, OptionValue::Null) {
            if !OPTION_KEYS.contains(&key) {
                return Err(unknown_key(key));
            }
            return Ok(self);
        }
        match key {
            "bucket" => self.bucket = Some(bucket_name(expect_string(key, value)?)?),
            "prefix" => self.prefix = KeyPrefix::parse(&expect_string(key, value)?)?,
            "region" => self.region = Some(region(expect_string(key, value)?)?),
            "endpoint" => self.endpoint = non_empty(expect_string(key, value)?).map(|s| Endpoint::parse(&s)).transpose()?,
            "path_style" => self.path_style = Some(expect_bool(key, value)?),
            "access_key_id" => self.access_key_id = non_empty(header_safe(key, expect_string(key, value)?)?),
            "secret_access_key" => self.secret_access_key = non_empty(header_safe(key, expect_string(key, value)?)?),
            "session_token" => self.session_token = non_empty(header_safe(key, expect_string(key, value)?)?),
            "profile" => self.profile = non_empty(header_safe(key, expect_string(key, value)?)?),
            "acl" => self.acl = non_empty(one_of(key, expect_string(key, value)?, CANNED_ACLS)?),
            "storage_class" => self.storage_class = non_empty(storage_class(expect_string(key, value)?)?),
            "server_side_encryption" => self.sse = non_empty(one_of(key, expect_string(key, value)?, &["AES256", "aws:kms"])?),
            "sse_kms_key_id" => self.sse_kms_key_id = non_empty(header_safe(key, expect_string(key, value)?)?),
            "cache_control" => self.cache_control = Some(header_safe(key, expect_string(key, value)?)?),
            "part_size" => self.part_size = Some(expect_u64(key, value, MIN_PART_SIZE, MAX_PART_SIZE, "bytes")?),
            "multipart_threshold" => {
                self.multipart_threshold = Some(expect_u64(key, value, MIN_PART_SIZE, MAX_PART_SIZE, "bytes")?)
            }
            "max_concurrency" => self.max_concurrency = Some(expect_u64(key, value, 1, 64, "parts in flight")?),
            "connect_timeout" => self.connect_timeout = Some(expect_seconds(key, value, 3600.0)?),
            "operation_timeout" => self.operation_timeout = Some(expect_seconds(key, value, 86_400.0)?),
            "max_attempts" => self.max_attempts = Some(expect_u64(key, value, 1, 20, "attempts")?),
            "ca_bundle" => self.ca_bundle = non_empty(expect_string(key, value)?).map(PathBuf::from),
            _ => return Err(unknown_key(key)),
        }
        Ok(self)
    }

    pub fn build(self) -> Result<BackendOptions> {
        let bucket = self.bucket.ok_or_else(|| {
            Error::config("option 'bucket' is required").with_fix("pass ['bucket' => 'your-bucket', ...]")
        })?;
        let credentials = match (self.access_key_id, self.secret_access_key) {
            (Some(access_key_id), Some(secret_access_key)) => Some(StaticCredentials {
                access_key_id,
                secret_access_key,
                session_token: self.session_token,
            }),
            (None, None) if self.session_token.is_none() => None,
            (None, None) => {
                return Err(Error::config("option 'session_token' needs 'access_key_id' and 'secret_access_key'"))
            }
            (Some(_), None) => {
                return Err(Error::config("option 'access_key_id' is set but 'secret_access_key' is not")
                    .with_fix("give both, or neither to use the AWS credential chain"))
            }
            (None, Some(_)) => {
                return Err(Error::config("option 'secret_access_key' is set but 'access_key_id' is not")
                    .with_fix("give both, or neither to use the AWS credential chain"))
            }
        };
        let sse = match (self.sse.as_deref(), self.sse_kms_key_id) {
            (None, None) => None,
            (Some("AES256"), None) => Some(ServerSideEncryption::Aes256),
            (Some("aws:kms"), key_id) => Some(ServerSideEncryption::Kms { key_id }),
            (_, Some(_)) => {
                return Err(Error::config("option 'sse_kms_key_id' needs 'server_side_encryption' => 'aws:kms'"))
            }
            (Some(other), None) => unreachable!("server_side_encryption was checked: {other}"),
        };
        if let Some(path) = &self.ca_bundle {
            if !path.is_file() {
                return Err(Error::config(format!(
                    "option 'ca_bundle' names {}, which is not a readable file",
                    path.display()
                ))
                .with_fix("give the path of a PEM file with the CA certificate(s) of the endpoint"));
            }
        }
        let part_size = self.part_size.unwrap_or(8 * MIB);
        Ok(BackendOptions {
            bucket,
            prefix: self.prefix,
            region: self.region,
            endpoint: self.endpoint,
            path_style: self.path_style,
            credentials,
            profile: self.profile,
            acl: self.acl,
            storage_class: self.storage_class,
            sse,
            cache_control: self.cache_control.unwrap_or_else(|| DEFAULT_CACHE_CONTROL.to_owned()),
            part_size,
            multipart_threshold: self.multipart_threshold.unwrap_or(16 * MIB),
            max_concurrency: self.max_concurrency.unwrap_or(4) as usize,
            connect_timeout: self.connect_timeout.unwrap_or(Duration::from_secs(10)),
            operation_timeout: self.operation_timeout.unwrap_or(Duration::from_secs(120)),
            max_attempts: self.max_attempts.unwrap_or(3) as u32,
            ca_bundle: self.ca_bundle,
        })
    }
}

fn unknown_key(key: &str) -> Error {
    Error::config(format!("option '{}' is unknown", key.escape_debug()))
        .with_fix(format!("use only these options: {}", OPTION_KEYS.join(", ")))
}

fn non_empty(s: String) -> Option<String> {
    (!s.is_empty()).then_some(s)
}

fn bucket_name(s: String) -> Result<String> {
    let ok = (1..=255).contains(&s.len())
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_'));
    if ok {
        Ok(s)
    } else {
        Err(Error::config(format!("option 'bucket' is not a valid bucket name: {:?}", s.escape_debug().to_string()))
            .with_fix("bucket names are 3 to 63 characters: lowercase letters, digits, '.' and '-'"))
    }
}

fn region(s: String) -> Result<String> {
    if !s.is_empty() && s.len() <= 64 && s.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_') {
        Ok(s)
    } else {
        Err(Error::config(format!("option 'region' is not a region name: {:?}", s.escape_debug().to_string()))
            .with_fix("use a region such as 'eu-west-1', or 'us-east-1' for most S3-compatible stores"))
    }
}

fn one_of(key: &str, s: String, allowed: &[&str]) -> Result<String> {
    if s.is_empty() || allowed.contains(&s.as_str()) {
        Ok(s)
    } else {
        Err(Error::config(format!("option '{key}' must be one of {}; got {:?}", allowed.join(", "), s)))
    }
}

fn storage_class(s: String) -> Result<String> {
    if matches!(s.as_str(), "GLACIER" | "DEEP_ARCHIVE") {
        return Err(Error::config(format!(
            "option 'storage_class' {s} is an archive class: its objects cannot be read until restored, \
             so attachments in it break downloads and reply e-mails"
        ))
        .with_fix("use STANDARD, STANDARD_IA or GLACIER_IR (instant retrieval), or a lifecycle rule"));
    }
    one_of("storage_class", s, STORAGE_CLASSES)
}

/// Values that end up in HTTP headers must not carry CR, LF or other
/// control characters (header injection) or non-ASCII (S3 refuses it).
pub(crate) fn header_safe(key: &str, s: String) -> Result<String> {
    if s.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Ok(s)
    } else {
        Err(Error::config(format!(
            "option '{key}' contains a control or non-ASCII character; only printable ASCII is allowed"
        )))
    }
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
        let o = opts(&[("bucket", s("b"))]).unwrap();
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
        let e = opts(&[("bucket", s("b")), ("secret_key", s("x"))]).unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("'secret_key' is unknown") && msg.contains("secret_access_key"), "{msg}");
    }

    #[test]
    fn wrong_types_are_refused_with_the_type_seen() {
        let e = opts(&[("bucket", s("b")), ("part_size", s("8M"))]).unwrap_err();
        assert!(e.to_string().contains("'part_size' must be an integer"), "{e}");
        let e = opts(&[("bucket", s("b")), ("path_style", Int(1))]).unwrap_err();
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
            assert!(opts(&[("bucket", s("b")), (k, v.clone())]).is_err(), "{k} = {v:?}");
        }
    }

    #[test]
    fn archive_storage_class_is_refused_with_reason() {
        let e = opts(&[("bucket", s("b")), ("storage_class", s("GLACIER"))]).unwrap_err();
        assert!(e.to_string().contains("archive class"), "{e}");
        assert!(opts(&[("bucket", s("b")), ("storage_class", s("STANDARD_IA"))]).is_ok());
    }

    #[test]
    fn half_credentials_are_refused() {
        assert!(opts(&[("bucket", s("b")), ("access_key_id", s("AK"))]).is_err());
        assert!(opts(&[("bucket", s("b")), ("secret_access_key", s("SK"))]).is_err());
        let o = opts(&[("bucket", s("b")), ("access_key_id", s("AK")), ("secret_access_key", s("SK"))]).unwrap();
        assert_eq!(o.credentials.unwrap().access_key_id, "AK");
    }

    #[test]
    fn debug_output_never_shows_the_secret() {
        let o = opts(&[
            ("bucket", s("b")),
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
        assert!(opts(&[("bucket", s("b")), ("cache_control", s("x\r\nSet-Cookie: a"))]).is_err());
    }

    #[test]
    fn kms_key_needs_kms() {
        assert!(opts(&[("bucket", s("b")), ("sse_kms_key_id", s("k"))]).is_err());
        let o = opts(&[("bucket", s("b")), ("server_side_encryption", s("aws:kms")), ("sse_kms_key_id", s("k"))])
            .unwrap();
        assert_eq!(o.sse, Some(ServerSideEncryption::Kms { key_id: Some("k".into()) }));
    }

    #[test]
    fn endpoint_is_parsed_and_ip_endpoints_default_to_path_style() {
        let o = opts(&[("bucket", s("b")), ("endpoint", s("http://127.0.0.1:8333/"))]).unwrap();
        let ep = o.endpoint.clone().unwrap();
        assert_eq!(ep.url, "http://127.0.0.1:8333");
        assert_eq!(ep.authority, "127.0.0.1:8333");
        assert!(o.path_style());
        let o = opts(&[("bucket", s("b")), ("endpoint", s("https://s3.example.com"))]).unwrap();
        assert!(!o.path_style());
        for bad in ["ftp://x", "http://", "http://h/path", "http://h:99999", "http://u@h"] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn null_means_default() {
        let o = opts(&[("bucket", s("b")), ("region", Null), ("part_size", Null)]).unwrap();
        assert_eq!(o.region, None);
        assert_eq!(o.part_size, 8 * MIB);
    }
}
