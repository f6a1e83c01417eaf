//! Builds the S3 client for a configuration: endpoint, addressing style,
//! region and credentials (given, or the standard AWS chain), timeouts,
//! retries and a private CA bundle. Also resolves credentials for the
//! presigner, cached until shortly before they expire.

use std::sync::Mutex;
use std::time::{Duration, SystemTime};

use aws_config::retry::RetryConfig;
use aws_config::timeout::TimeoutConfig;
use aws_config::BehaviorVersion;
use aws_credential_types::provider::{ProvideCredentials, SharedCredentialsProvider};
use aws_credential_types::Credentials;
use aws_sdk_s3::config::{Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_smithy_http_client::tls;

use super::error::{Error, ErrorKind, Result};
use super::options::{BackendOptions, Checksums, StaticCredentials};
use super::sigv4::SigningKeyCache;

/// Used when neither the options nor the AWS chain name a region. S3-compatible
/// stores accept it, and AWS answers a wrong one with the bucket's real
/// region, which our error message then names.
pub const FALLBACK_REGION: &str = "us-east-1";

/// Credentials are refreshed this long before they expire, so a URL signed
/// now is not signed with keys that die a second later.
const CREDENTIAL_REFRESH_MARGIN: Duration = Duration::from_secs(300);

pub struct S3Client {
    pub s3: aws_sdk_s3::Client,
    pub region: String,
    /// The endpoint requests go to, when not AWS's default one.
    pub endpoint_url: Option<String>,
    credentials: Option<SharedCredentialsProvider>,
    cached_credentials: Mutex<Option<Credentials>>,
    pub signing_keys: SigningKeyCache,
}

impl S3Client {
    pub async fn build(options: &BackendOptions) -> Result<Self> {
        let timeouts = TimeoutConfig::builder()
            .connect_timeout(options.connect_timeout)
            .operation_timeout(options.operation_timeout)
            .build();
        let retries = RetryConfig::standard().with_max_attempts(options.max_attempts);
        let (config, region, endpoint_url, credentials) = match (&options.credentials, &options.region, &options.profile)
        {
            // Keys and region given: nothing to look up, so the AWS config
            // files and environment are not read at all. This keeps a new
            // php-fpm worker's first request milliseconds cheaper.
            (Some(c), Some(region), None) => {
                let provider = SharedCredentialsProvider::new(static_credentials(c));
                let config = aws_sdk_s3::config::Builder::new()
                    .behavior_version(BehaviorVersion::latest())
                    .region(Region::new(region.clone()))
                    .credentials_provider(provider.clone())
                    .timeout_config(timeouts)
                    .retry_config(retries);
                (config, region.clone(), options.endpoint.as_ref().map(|e| e.url.clone()), Some(provider))
            }
            _ => {
                let mut loader =
                    aws_config::defaults(BehaviorVersion::latest()).timeout_config(timeouts).retry_config(retries);
                if let Some(region) = &options.region {
                    loader = loader.region(Region::new(region.clone()));
                }
                if let Some(profile) = &options.profile {
                    loader = loader.profile_name(profile);
                }
                if let Some(c) = &options.credentials {
                    loader = loader.credentials_provider(static_credentials(c));
                }
                let sdk = loader.load().await;
                let region = sdk.region().map(|r| r.to_string()).unwrap_or_else(|| FALLBACK_REGION.to_owned());
                let endpoint_url = options
                    .endpoint
                    .as_ref()
                    .map(|e| e.url.clone())
                    .or_else(|| sdk.endpoint_url().map(str::to_owned));
                let config = aws_sdk_s3::config::Builder::from(&sdk).region(Region::new(region.clone()));
                (config, region, endpoint_url, sdk.credentials_provider())
            }
        };
        let mut config = config
            .force_path_style(options.path_style())
            // Uploads carry the checksum of `options.checksums` themselves
            // (upload.rs); the SDK adds none, so no x-amz-sdk-checksum-*
            // header, trailer or aws-chunked body reaches a store that
            // refuses them.
            .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
            .response_checksum_validation(match options.checksums {
                Checksums::Crc32c => ResponseChecksumValidation::WhenSupported,
                Checksums::Md5 | Checksums::None => ResponseChecksumValidation::WhenRequired,
            });
        if let Some(url) = &endpoint_url {
            config = config.endpoint_url(url);
        }
        if let Some(path) = &options.ca_bundle {
            config = config.http_client(http_client_trusting(path)?);
        } else if options.endpoint.as_ref().is_some_and(|e| !e.https) {
            // A plain http:// store needs no CA certificate, but the SDK's
            // default client reads and parses the system's whole CA store
            // when it is built: 5-7 ms of every new process (bench/README.md).
            config = config.http_client(http_client_without_roots()?);
        }
        Ok(S3Client {
            s3: aws_sdk_s3::Client::from_conf(config.build()),
            region,
            endpoint_url,
            credentials,
            cached_credentials: Mutex::new(None),
            signing_keys: SigningKeyCache::default(),
        })
    }

    /// Credentials resolved earlier and not about to expire. Presigning
    /// takes this path without entering the runtime at all.
    pub fn fresh_credentials(&self) -> Option<Credentials> {
        let cached = self.cached_credentials.lock().unwrap_or_else(|p| p.into_inner());
        cached
            .as_ref()
            .filter(|c| c.expiry().is_none_or(|exp| exp > SystemTime::now() + CREDENTIAL_REFRESH_MARGIN))
            .cloned()
    }

    /// Credentials for signing URLs, resolved through the same chain as the
    /// client and reused until shortly before they expire.
    pub async fn credentials(&self) -> Result<Credentials> {
        if let Some(c) = self.fresh_credentials() {
            return Ok(c);
        }
        let provider = self.credentials.as_ref().ok_or_else(no_credentials)?;
        let creds = provider.provide_credentials().await.map_err(|e| {
            no_credentials().with_fix(format!(
                "{}; set access_key_id and secret_access_key, or configure the AWS credential chain \
                 (AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, ~/.aws/credentials and 'profile', \
                 web identity, or an instance role)",
                aws_sdk_s3::error::DisplayErrorContext(&e)
            ))
        })?;
        *self.cached_credentials.lock().unwrap_or_else(|p| p.into_inner()) = Some(creds.clone());
        Ok(creds)
    }
}

fn static_credentials(c: &StaticCredentials) -> Credentials {
    Credentials::new(&c.access_key_id, &c.secret_access_key, c.session_token.clone(), None, "s3_attachments options")
}

fn no_credentials() -> Error {
    Error::new(ErrorKind::AccessDenied, "resolve credentials", "no AWS credentials could be found")
}

/// An HTTPS client that trusts only the CAs in a PEM file (a private
/// endpoint with its own CA), as `curl --cacert` would.
fn http_client_trusting(path: &std::path::Path) -> Result<aws_sdk_s3::config::SharedHttpClient> {
    let bad = |why: String| {
        Error::config(format!("option 'ca_bundle' ({}) {why}", path.display()))
            .with_fix("give a PEM file holding the endpoint's CA certificate(s)")
    };
    let pem = std::fs::read(path).map_err(|e| bad(format!("cannot be read: {e}")))?;
    if !pem.windows(27).any(|w| w == b"-----BEGIN CERTIFICATE-----") {
        return Err(bad("holds no PEM certificate".into()));
    }
    http_client_with(tls::TrustStore::empty().with_native_roots(false).with_pem_certificate(pem))
        .map_err(|e| bad(format!("cannot be used: {e}")))
}

/// A client for plain http:// endpoints: an empty trust store, so building
/// it reads and parses no certificate (it could verify no https:// server,
/// and it is never asked to: the endpoint is http://).
fn http_client_without_roots() -> Result<aws_sdk_s3::config::SharedHttpClient> {
    http_client_with(tls::TrustStore::empty().with_native_roots(false))
        .map_err(|e| Error::config(format!("cannot set up the HTTP client: {e}")))
}

fn http_client_with(
    trust: tls::TrustStore,
) -> std::result::Result<aws_sdk_s3::config::SharedHttpClient, aws_smithy_http_client::HttpClientError> {
    let context = tls::TlsContext::builder().with_trust_store(trust).build()?;
    Ok(aws_smithy_http_client::Builder::new()
        .tls_provider(tls::Provider::Rustls(tls::rustls_provider::CryptoMode::AwsLc))
        .tls_context(context)
        .build_https())
}
