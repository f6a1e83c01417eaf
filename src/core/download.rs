//! Downloads as one streaming GET: the body is pulled chunk by chunk as the
//! caller asks, so memory stays bounded and no request is made per chunk.

use aws_sdk_s3::error::DisplayErrorContext;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumMode;
use bytes::Bytes;

use super::backend::Backend;
use super::error::{Error, ErrorKind, Result};
use super::process;
use super::range::{total_from_content_range, ByteRange};
use super::s3_error::{from_sdk, Site};

pub struct ObjectReader {
    body: Option<ByteStream>,
    pending: Bytes,
    size: u64,
    bucket: String,
    key: String,
    timeout: std::time::Duration,
}

impl ObjectReader {
    pub(crate) fn open(backend: &Backend, key: String, range: ByteRange) -> Result<Self> {
        let opts = backend.options();
        let client = backend.client()?;
        let mut request = client.s3.get_object().bucket(&opts.bucket).key(&key).set_range(range.header());
        if range.is_whole() {
            // The SDK then verifies the whole body against the stored CRC.
            request = request.checksum_mode(ChecksumMode::Enabled);
        }
        let site = Site { operation: "getObject", bucket: &opts.bucket, key: Some(&key) };
        let reader = |body, size| ObjectReader {
            body,
            pending: Bytes::new(),
            size,
            bucket: opts.bucket.clone(),
            key: key.clone(),
            timeout: opts.operation_timeout,
        };
        match process::block_on(request.send())? {
            Ok(out) => {
                let size = out
                    .content_range()
                    .and_then(total_from_content_range)
                    .unwrap_or_else(|| range.offset + out.content_length().unwrap_or(0).max(0) as u64);
                Ok(reader(Some(out.body), size))
            }
            // Reading at or past the end (an empty object included) is an
            // empty read, as with a file, provided the object exists.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 416) => {
                let info = backend.head(&key)?.ok_or_else(|| from_sdk(&site, e))?;
                Ok(reader(None, info.size))
            }
            Err(e) => Err(from_sdk(&site, e)),
        }
    }

    /// The whole object's size, whatever range is being read.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next chunk as the store sent it, or None at the end.
    pub fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        if !self.pending.is_empty() {
            return Ok(Some(std::mem::take(&mut self.pending)));
        }
        let Some(body) = self.body.as_mut() else { return Ok(None) };
        let timeout = self.timeout;
        // Created inside the runtime: tokio timers need its context.
        let next = process::block_on_stream(async move { tokio::time::timeout(timeout, body.next()).await })?;
        match next {
            Ok(Some(Ok(chunk))) => Ok(Some(chunk)),
            Ok(None) => {
                self.body = None;
                Ok(None)
            }
            Ok(Some(Err(e))) => {
                self.body = None;
                let text = DisplayErrorContext(&e).to_string();
                let kind = if text.to_ascii_lowercase().contains("checksum") {
                    ErrorKind::Integrity
                } else {
                    ErrorKind::Network
                };
                Err(Error::new(kind, "getObject", format!("reading the body failed: {text}"))
                    .at("getObject", &self.bucket, Some(&self.key)))
            }
            Err(_) => {
                self.body = None;
                Err(Error::new(ErrorKind::Network, "getObject", "the store stopped sending the body")
                    .at("getObject", &self.bucket, Some(&self.key))
                    .with_fix("check the store and network, or raise operation_timeout"))
            }
        }
    }

    /// Up to `max` bytes; fewer only at the end, empty after it.
    pub fn read(&mut self, max: usize) -> Result<Vec<u8>> {
        let mut out = Vec::with_capacity(max.min(1 << 20));
        while out.len() < max {
            let Some(mut chunk) = self.next_chunk()? else { break };
            let want = max - out.len();
            if chunk.len() > want {
                self.pending = chunk.split_off(want);
            }
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }

    /// Everything that is left.
    pub fn read_to_end(&mut self) -> Result<Vec<u8>> {
        let mut out = Vec::new();
        while let Some(chunk) = self.next_chunk()? {
            out.extend_from_slice(&chunk);
        }
        Ok(out)
    }
}
