//! One error type for every failure, classified by what the caller can do
//! about it. The PHP layer maps each [`ErrorKind`] to one exception class, so
//! callers catch by meaning instead of parsing messages.
//!
//! Messages name the operation, bucket and key, the S3 error code and request
//! id, and a fix. They are built only from values we chose to put in: never
//! from options wholesale, so a secret cannot leak through them.

use std::fmt;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorKind {
    /// An option, key, range or argument is invalid; nothing was sent.
    Config,
    /// The object (or the bucket) does not exist.
    NotFound,
    /// Credentials are wrong or lack a permission.
    AccessDenied,
    /// The store could not be reached in time: refused, reset, DNS, timeout.
    Network,
    /// Bytes stored or received differ from bytes sent or expected.
    Integrity,
    /// The store answered with any other error, or the object is in a state
    /// that forbids the call (an upload already finished, say).
    Service,
}

#[derive(Debug, Clone)]
pub struct Error {
    pub kind: ErrorKind,
    pub operation: &'static str,
    pub bucket: Option<String>,
    pub key: Option<String>,
    /// The S3 error code, such as `NoSuchKey` or `SignatureDoesNotMatch`.
    pub code: Option<String>,
    pub request_id: Option<String>,
    pub status: Option<u16>,
    pub detail: String,
    pub fix: Option<String>,
    /// For a refused option or argument: its name (`endpoint`, `ttl`,
    /// `metadata.NAME`), so a caller can point at the field to correct.
    pub option: Option<String>,
}

impl Error {
    pub fn new(kind: ErrorKind, operation: &'static str, detail: impl Into<String>) -> Self {
        Error {
            kind,
            operation,
            bucket: None,
            key: None,
            code: None,
            request_id: None,
            status: None,
            detail: detail.into(),
            fix: None,
            option: None,
        }
    }

    /// An invalid value of the named option.
    pub fn option(name: &str, detail: impl Into<String>) -> Self {
        Error::config(detail).about_option(name)
    }

    /// Names the option a failure of any kind is about (a store that
    /// refuses or misreports the chosen `checksums`).
    pub fn about_option(mut self, name: &str) -> Self {
        self.option = Some(name.to_owned());
        self
    }

    /// An invalid option or argument, with what is allowed.
    pub fn config(detail: impl Into<String>) -> Self {
        Error::new(ErrorKind::Config, "configure", detail)
    }

    pub fn with_fix(mut self, fix: impl Into<String>) -> Self {
        self.fix = Some(fix.into());
        self
    }

    pub fn at(mut self, operation: &'static str, bucket: &str, key: Option<&str>) -> Self {
        self.operation = operation;
        self.bucket = Some(bucket.to_owned());
        self.key = key.map(str::to_owned);
        self
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.kind == ErrorKind::Config && self.bucket.is_none() {
            write!(f, "{}", self.detail)?;
        } else {
            write!(f, "{} ", self.operation)?;
            match (&self.bucket, &self.key) {
                (Some(b), Some(k)) => write!(f, "s3://{b}/{k} ")?,
                (Some(b), None) => write!(f, "s3://{b} ")?,
                _ => {}
            }
            write!(f, "failed: {}", self.detail)?;
            let mut facts = Vec::new();
            if let Some(code) = &self.code {
                facts.push(code.clone());
            }
            if let Some(status) = self.status {
                facts.push(format!("HTTP {status}"));
            }
            if let Some(id) = &self.request_id {
                facts.push(format!("request id {id}"));
            }
            if !facts.is_empty() {
                write!(f, " ({})", facts.join(", "))?;
            }
        }
        if let Some(fix) = &self.fix {
            write!(f, ". Fix: {fix}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn message_names_operation_location_code_and_fix() {
        let mut e = Error::new(ErrorKind::AccessDenied, "x", "the secret is wrong")
            .at("putObject", "bkt", Some("a/b"))
            .with_fix("check secret_access_key");
        e.code = Some("SignatureDoesNotMatch".into());
        e.status = Some(403);
        e.request_id = Some("R1".into());
        assert_eq!(
            e.to_string(),
            "putObject s3://bkt/a/b failed: the secret is wrong \
             (SignatureDoesNotMatch, HTTP 403, request id R1). Fix: check secret_access_key"
        );
    }

    #[test]
    fn config_error_is_just_the_detail() {
        let e = Error::config("option 'x' is unknown");
        assert_eq!(e.to_string(), "option 'x' is unknown");
    }
}
