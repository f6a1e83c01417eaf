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

/// What a `Content-Range: bytes FIRST-LAST/TOTAL` header says was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ServedRange {
    pub start: u64,
    pub end: u64,
    /// None when the store answers `*` (size unknown).
    pub total: Option<u64>,
}

/// None when the header is not of that shape (`bytes */TOTAL` included:
/// it accompanies a 416, not content).
pub fn parse_content_range(value: &str) -> Option<ServedRange> {
    let (span, total) = value.trim().strip_prefix("bytes ")?.split_once('/')?;
    let (start, end) = span.split_once('-')?;
    let (start, end) = (start.trim().parse().ok()?, end.trim().parse().ok()?);
    let total = match total.trim() {
        "*" => None,
        t => Some(t.parse().ok()?),
    };
    (start <= end).then_some(ServedRange { start, end, total })
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
    fn content_range_is_parsed() {
        assert_eq!(parse_content_range("bytes 0-9/1234"), Some(ServedRange { start: 0, end: 9, total: Some(1234) }));
        assert_eq!(parse_content_range("bytes 5-9/*"), Some(ServedRange { start: 5, end: 9, total: None }));
        for bad in ["bytes */77", "bytes 9-5/10", "items 0-1/2", "bytes 0-x/9", ""] {
            assert_eq!(parse_content_range(bad), None, "{bad}");
        }
    }
}
