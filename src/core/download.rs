//! Downloads as one streaming GET: the body is pulled chunk by chunk as the
//! caller asks, so memory stays bounded and no request is made per chunk.
//!
//! A ranged GET must yield exactly the bytes asked for. A store or proxy
//! that ignores `Range` answers 200 with the whole object; returning that
//! from byte 0 would hand the caller the wrong bytes, so the reader skips
//! up to the offset and stops at the length itself. A 206 whose
//! Content-Range starts elsewhere is refused.

use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumMode;
use bytes::Bytes;

use super::error::{Error, ErrorKind, Result};
use super::options::Checksums;
use super::process;
use super::range::{parse_content_range, ByteRange};
use super::s3_error::{cause_chain, from_sdk};
use super::store::Store;

pub struct ObjectReader {
    body: Option<ByteStream>,
    pending: Bytes,
    size: u64,
    /// Bytes of the body still to drop before the range starts (only when
    /// the store ignored the Range header).
    skip: u64,
    /// Bytes of the range still to deliver; None: to the end.
    remaining: Option<u64>,
    bucket: String,
    key: String,
    timeout: std::time::Duration,
    /// The process that opened it: a fork child must not read its
    /// parent's connection.
    owner: process::Owner,
}

impl ObjectReader {
    pub(crate) fn open(store: &Store, key: String, range: ByteRange) -> Result<Self> {
        let client = store.client()?;
        let mut request = client.s3.get_object().bucket(store.bucket()).key(&key).set_range(range.header());
        if range.is_whole() && store.options().checksums == Checksums::Crc32c {
            // The SDK then verifies the whole body against the stored CRC.
            request = request.checksum_mode(ChecksumMode::Enabled);
        }
        let site = store.site("getObject", &key);
        let reader = |body, size, skip| ObjectReader {
            body,
            pending: Bytes::new(),
            size,
            skip,
            remaining: range.length,
            bucket: store.bucket().to_owned(),
            key: key.clone(),
            timeout: store.options().operation_timeout,
            owner: process::Owner::current(),
        };
        match process::block_on(request.send())? {
            Ok(out) => {
                let length = out.content_length().unwrap_or(0).max(0) as u64;
                match (range.header(), out.content_range().map(parse_content_range)) {
                    (None, _) => Ok(reader(Some(out.body), length, 0)),
                    (Some(_), Some(Some(served))) if served.start == range.offset => {
                        Ok(reader(Some(out.body), served.total.unwrap_or(range.offset + length), 0))
                    }
                    (Some(asked), Some(served)) => Err(Error::new(
                        ErrorKind::Integrity,
                        "getObject",
                        format!(
                            "asked for {asked} but the store sent Content-Range {:?}",
                            out.content_range().unwrap_or_default()
                        ),
                    )
                    .at("getObject", store.bucket(), Some(&key))
                    .with_fix(if served.is_none() {
                        "check proxies between PHP and the store: the Content-Range header is malformed"
                    } else {
                        "check proxies between PHP and the store: they answer ranged requests wrongly"
                    })),
                    // No Content-Range: the Range header was ignored and the
                    // body is the whole object.
                    (Some(_), None) => Ok(reader(Some(out.body), length, range.offset)),
                }
            }
            // Reading at or past the end (an empty object included) is an
            // empty read, as with a file, provided the object exists.
            Err(e) if e.raw_response().is_some_and(|r| r.status().as_u16() == 416) => {
                let info = store.head(&key)?.ok_or_else(|| from_sdk(&site, e))?;
                Ok(reader(None, info.size, 0))
            }
            Err(e) => Err(from_sdk(&site, e)),
        }
    }

    /// The whole object's size, whatever range is being read.
    pub fn size(&self) -> u64 {
        self.size
    }

    /// The next chunk of the range, or None at its end.
    pub fn next_chunk(&mut self) -> Result<Option<Bytes>> {
        self.owner
            .check("read", "reader", "opened", "open")
            .map_err(|e| e.at("getObject", &self.bucket, Some(&self.key)))?;
        loop {
            if self.remaining == Some(0) {
                // Drops the rest of a body the store sent whole.
                self.body = None;
                return Ok(None);
            }
            let mut chunk = match std::mem::take(&mut self.pending) {
                pending if !pending.is_empty() => pending,
                _ => match self.next_body_chunk()? {
                    Some(chunk) => chunk,
                    None => return Ok(None),
                },
            };
            if self.skip > 0 {
                let dropped = self.skip.min(chunk.len() as u64);
                self.skip -= dropped;
                chunk = chunk.slice(dropped as usize..);
                if chunk.is_empty() {
                    continue;
                }
            }
            if let Some(left) = self.remaining.as_mut() {
                if chunk.len() as u64 > *left {
                    chunk.truncate(*left as usize);
                }
                *left -= chunk.len() as u64;
            }
            return Ok(Some(chunk));
        }
    }

    fn next_body_chunk(&mut self) -> Result<Option<Bytes>> {
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
                let text = cause_chain(&e);
                let err = Error::new(ErrorKind::Network, "getObject", format!("reading the body failed: {text}"))
                    .at("getObject", &self.bucket, Some(&self.key));
                if text.to_ascii_lowercase().contains("checksum") {
                    let mut err = err.with_fix(
                        "retry; if it persists and the object's bytes are intact, the store reports checksums \
                         that are not the object's (some do for multipart objects): set 'checksums' to 'md5'",
                    );
                    err.kind = ErrorKind::Integrity;
                    err.option = Some("checksums".into());
                    return Err(err);
                }
                Err(err)
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
