//! Byte ranges for ranged GETs, checked before any request.

use super::error::{Error, Result};

/// `offset` and an optional `length` as PHP callers give them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ByteRange {
    pub offset: u64,
    pub length: Option<u64>,
}

impl ByteRange {
    pub fn new(offset: i64, length: Option<i64>) -> Result<Self> {
        if offset < 0 {
            return Err(Error::config(format!("offset must be 0 or more; got {offset}")));
        }
        if let Some(len) = length {
            if len < 0 {
                return Err(Error::config(format!("length must be 0 or more, or null for the rest; got {len}")));
            }
        }
        Ok(ByteRange { offset: offset as u64, length: length.map(|l| l as u64) })
    }

    pub fn whole() -> Self {
        ByteRange { offset: 0, length: None }
    }

    pub fn is_whole(&self) -> bool {
        self.offset == 0 && self.length.is_none()
    }

    pub fn is_empty(&self) -> bool {
        self.length == Some(0)
    }

    /// The HTTP Range header value, or None for the whole object (a Range
    /// header on an empty object gets 416 from S3, so send none).
    pub fn header(&self) -> Option<String> {
        match (self.offset, self.length) {
            (0, None) => None,
            (off, None) => Some(format!("bytes={off}-")),
            (off, Some(len)) => Some(format!("bytes={}-{}", off, off.saturating_add(len).saturating_sub(1))),
        }
    }
}

/// The total size from a `Content-Range: bytes a-b/TOTAL` header.
pub fn total_from_content_range(value: &str) -> Option<u64> {
    value.rsplit_once('/')?.1.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_object_sends_no_range_header() {
        assert_eq!(ByteRange::new(0, None).unwrap().header(), None);
    }

    #[test]
    fn open_ended_and_bounded_ranges() {
        assert_eq!(ByteRange::new(10, None).unwrap().header().unwrap(), "bytes=10-");
        assert_eq!(ByteRange::new(0, Some(1)).unwrap().header().unwrap(), "bytes=0-0");
        assert_eq!(ByteRange::new(5, Some(10)).unwrap().header().unwrap(), "bytes=5-14");
    }

    #[test]
    fn negative_offset_or_length_is_refused() {
        assert!(ByteRange::new(-1, None).is_err());
        assert!(ByteRange::new(0, Some(-5)).is_err());
    }

    #[test]
    fn content_range_total() {
        assert_eq!(total_from_content_range("bytes 0-9/1234"), Some(1234));
        assert_eq!(total_from_content_range("bytes */77"), Some(77));
        assert_eq!(total_from_content_range("bytes 0-9/*"), None);
    }
}
