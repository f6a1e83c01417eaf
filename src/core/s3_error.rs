//! Where an S3 or transport failure becomes an [`Error`] of the right kind,
//! with the code, status, request id and a fix an operator can act on.

use aws_sdk_s3::error::{ProvideErrorMetadata, SdkError};
use aws_sdk_s3::operation::RequestId;
use aws_sdk_s3::config::http::HttpResponse;

use super::error::{Error, ErrorKind};

/// Where the failing call was aimed, for the message.
pub struct Site<'a> {
    pub operation: &'static str,
    pub bucket: &'a str,
    pub key: Option<&'a str>,
}

pub fn from_sdk<E>(site: &Site, err: SdkError<E, HttpResponse>) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + Send + Sync + 'static,
{
    let status = err.raw_response().map(|r| r.status().as_u16());
    let bucket_region = err
        .raw_response()
        .and_then(|r| r.headers().get("x-amz-bucket-region"))
        .map(str::to_owned);
    let request_id = err.request_id().map(str::to_owned);
    let code = err.code().map(str::to_owned);
    let s3_message = err.message().map(str::to_owned);

    let mut out = match &err {
        SdkError::TimeoutError(_) => Error::new(
            ErrorKind::Network,
            site.operation,
            "the store did not answer within operation_timeout",
        )
        .with_fix("check that the endpoint is reachable, or raise operation_timeout"),
        _ if is_missing_credentials(&err) => missing_credentials(&err, site.operation),
        SdkError::DispatchFailure(_) if cause_chain(&err).contains("certificate") => Error::new(
            ErrorKind::Network,
            site.operation,
            format!("the endpoint's TLS certificate was refused: {}", cause_chain(&err)),
        )
        .with_fix("if the store uses a private CA, set ca_bundle to its PEM file; else check the endpoint's host name"),
        SdkError::DispatchFailure(d) => {
            let what = if d.is_timeout() { "timed out" } else { "could not be reached" };
            Error::new(ErrorKind::Network, site.operation, format!("the store {what}: {}", cause_chain(&err)))
                .with_fix("check 'endpoint'/'region', DNS, firewalls, and that the store is running")
        }
        SdkError::ConstructionFailure(_) => Error::new(
            ErrorKind::Service,
            site.operation,
            format!("the request could not be built: {}", cause_chain(&err)),
        ),
        SdkError::ResponseError(_) => Error::new(
            ErrorKind::Network,
            site.operation,
            format!("the store sent a response that could not be read: {}", cause_chain(&err)),
        )
        .with_fix("check that the endpoint is an S3-compatible store (not a web page or proxy)"),
        _ => from_service(code.as_deref(), status, s3_message.as_deref(), bucket_region.as_deref(), site),
    };
    out = out.at(site.operation, site.bucket, site.key);
    out.code = out.code.take().or(code);
    out.status = status;
    out.request_id = request_id;
    out
}

/// "a: b: c" from an error and its sources, without the Debug dumps that
/// `DisplayErrorContext` appends; repeated links are skipped.
pub fn cause_chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut next = Some(err);
    while let Some(e) = next {
        let text = e.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        next = e.source();
    }
    parts.join(": ")
}

/// The SDK reports a credential chain that found nothing as a dispatch or
/// construction failure; to an operator it is a credentials problem.
fn is_missing_credentials<E, R>(err: &SdkError<E, R>) -> bool
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    matches!(err, SdkError::DispatchFailure(_) | SdkError::ConstructionFailure(_))
        && cause_chain(err).contains("credential")
}

fn missing_credentials<E, R>(err: &SdkError<E, R>, operation: &'static str) -> Error
where
    E: std::error::Error + Send + Sync + 'static,
    R: std::fmt::Debug + 'static,
{
    Error::new(ErrorKind::AccessDenied, operation, format!("no usable AWS credentials: {}", cause_chain(err))).with_fix(
        "set access_key_id and secret_access_key, or configure the AWS credential chain \
         (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials and 'profile', web identity, instance role)",
    )
}

fn from_service(
    code: Option<&str>,
    status: Option<u16>,
    message: Option<&str>,
    bucket_region: Option<&str>,
    site: &Site,
) -> Error {
    let said = message.unwrap_or("no message").to_owned();
    let (kind, detail, fix): (ErrorKind, String, Option<String>) = match (code, status) {
        (Some("NoSuchKey" | "NotFound"), _) | (None, Some(404)) if site.key.is_some() => (
            ErrorKind::NotFound,
            "no such object".into(),
            None,
        ),
        // A bucket-level call (no key) that finds nothing: the bucket is missing.
        (Some("NoSuchBucket" | "NotFound"), _) | (None, Some(404)) => (
            ErrorKind::NotFound,
            format!("bucket '{}' does not exist", site.bucket),
            Some("create the bucket or correct 'bucket' (and 'endpoint'/'region')".into()),
        ),
        (Some("SignatureDoesNotMatch"), _) => (
            ErrorKind::AccessDenied,
            "the store refused the signature".into(),
            Some("check secret_access_key (and that the system clock is right)".into()),
        ),
        (Some("InvalidAccessKeyId"), _) => (
            ErrorKind::AccessDenied,
            "the store does not know this access key".into(),
            Some("check access_key_id, and that 'endpoint' points at the store that issued it".into()),
        ),
        (Some("ExpiredToken" | "InvalidToken" | "TokenRefreshRequired"), _) => (
            ErrorKind::AccessDenied,
            format!("the session token was refused: {said}"),
            Some("refresh the temporary credentials (session_token) or use the credential chain".into()),
        ),
        (Some("AccessDenied" | "AllAccessDisabled" | "AccountProblem"), _) | (None, Some(403)) => (
            ErrorKind::AccessDenied,
            format!("access denied: {said}"),
            Some(format!(
                "grant the credentials s3:{} on the bucket (and kms:GenerateDataKey/kms:Decrypt when using aws:kms)",
                required_permission(site.operation)
            )),
        ),
        // Backblaze B2: InvalidArgument "Unsupported header
        // 'x-amz-sdk-checksum-algorithm'"; others refuse x-amz-checksum-*,
        // trailers or aws-chunked bodies with InvalidRequest/NotImplemented.
        (Some("InvalidArgument" | "InvalidRequest" | "NotImplemented"), _) if refuses_checksums(message) => (
            ErrorKind::Service,
            format!("the store refuses the checksum headers this request carries: {said}"),
            Some("set 'checksums' to 'md5' (Content-MD5, which nearly every S3-compatible store verifies), \
                  or 'none'"
                .into()),
        ),
        (Some("BadDigest" | "InvalidDigest" | "XAmzContentChecksumMismatch" | "XAmzContentSHA256Mismatch"), _) => (
            ErrorKind::Integrity,
            format!("the store found the bytes it received corrupt: {said}"),
            Some("retry; if it persists, check proxies between PHP and the store".into()),
        ),
        (Some("PermanentRedirect" | "AuthorizationHeaderMalformed" | "IllegalLocationConstraintException"), _)
        | (_, Some(301)) => (
            ErrorKind::Service,
            format!("the bucket is in another region: {said}"),
            Some(match bucket_region {
                Some(r) => format!("set 'region' to '{r}'"),
                None => "set 'region' to the bucket's region".into(),
            }),
        ),
        (Some("AccessControlListNotSupported"), _) => (
            ErrorKind::Service,
            "the bucket has ACLs disabled and refuses the 'acl' option".into(),
            Some("remove the 'acl' option (the bucket owner already owns every object)".into()),
        ),
        (Some("SlowDown" | "ServiceUnavailable" | "InternalError" | "RequestTimeout"), _) => (
            ErrorKind::Service,
            format!("the store is busy or failing and retries ran out: {said}"),
            Some("retry later, or raise max_attempts".into()),
        ),
        (Some("InvalidStorageClass"), _) => (
            ErrorKind::Service,
            format!("the store refuses the storage class: {said}"),
            Some("pick a storage_class this store supports, or none".into()),
        ),
        (code, status) => (
            ErrorKind::Service,
            format!(
                "the store answered {}: {said}",
                code.map(str::to_owned).or(status.map(|s| format!("HTTP {s}"))).unwrap_or_else(|| "an error".into())
            ),
            None,
        ),
    };
    let mut e = Error::new(kind, site.operation, detail);
    if code.is_some_and(|c| matches!(c, "InvalidArgument" | "InvalidRequest" | "NotImplemented")) && refuses_checksums(message) {
        e.option = Some("checksums".into());
    }
    e.fix = fix;
    e
}

/// Whether a store's refusal is about the checksum headers we send.
fn refuses_checksums(message: Option<&str>) -> bool {
    let message = message.unwrap_or_default().to_ascii_lowercase();
    ["checksum", "x-amz-sdk", "x-amz-trailer", "aws-chunked"]
        .iter()
        .any(|word| message.contains(word))
}

fn required_permission(operation: &str) -> &'static str {
    match operation {
        "getObject" | "headObject" => "GetObject",
        "deleteObject" => "DeleteObject",
        "abortMultipartUpload" => "AbortMultipartUpload",
        _ => "PutObject",
    }
}
