//! The checksums uploads carry for the store to verify: CRC32C (parts are
//! checksummed once each and combined, so no byte is hashed twice), or MD5
//! for stores that only know `Content-MD5`.

use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;
use crc_fast::CrcAlgorithm::Crc32Iscsi;

pub fn crc32c(data: &[u8]) -> u32 {
    crc_fast::checksum(Crc32Iscsi, data) as u32
}

/// The CRC32C of `a ++ b` from the CRCs of `a` and `b`.
pub fn crc32c_combine(crc_a: u32, crc_b: u32, len_b: u64) -> u32 {
    crc_fast::checksum_combine(Crc32Iscsi, crc_a as u64, crc_b as u64, len_b) as u32
}

/// The form of the `x-amz-checksum-crc32c` header: base64 of 4 big-endian bytes.
pub fn to_header(crc: u32) -> String {
    B64.encode(crc.to_be_bytes())
}

/// The form PHP's `hash('crc32c', ...)` prints: 8 lowercase hex digits.
pub fn to_hex(crc: u32) -> String {
    format!("{crc:08x}")
}

pub fn md5(data: &[u8]) -> [u8; 16] {
    use md5::Digest;
    md5::Md5::digest(data).into()
}

/// The form of the `Content-MD5` header: base64 of the 16 bytes.
pub fn md5_header(md5: &[u8; 16]) -> String {
    B64.encode(md5)
}

/// The ETag S3 gives a multipart object: the MD5 of the parts' MD5s,
/// then `-` and the number of parts.
pub fn multipart_etag(part_md5s: &[[u8; 16]]) -> String {
    use md5::Digest;
    let mut all = md5::Md5::new();
    for part in part_md5s {
        all.update(part);
    }
    format!("{}-{}", hex::encode(all.finalize()), part_md5s.len())
}

/// A checksum header as S3 returns it, or None when it is not a plain
/// full-object CRC32C (multipart objects uploaded as COMPOSITE carry `-N`).
pub fn from_header(value: &str) -> Option<u32> {
    let bytes = B64.decode(value.trim()).ok()?;
    let arr: [u8; 4] = bytes.try_into().ok()?;
    Some(u32::from_be_bytes(arr))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn md5_forms_match_what_s3_expects() {
        assert_eq!(hex::encode(md5(b"hello")), "5d41402abc4b2a76b9719d911017c592");
        assert_eq!(md5_header(&md5(b"")), "1B2M2Y8AsgTpgAmY7PhCfg==");
        // Two parts "a" and "b": md5(md5("a") ++ md5("b")), as S3 computes it.
        let expected = {
            use md5::Digest;
            let mut h = md5::Md5::new();
            h.update(md5(b"a"));
            h.update(md5(b"b"));
            format!("{}-2", hex::encode(h.finalize()))
        };
        assert_eq!(multipart_etag(&[md5(b"a"), md5(b"b")]), expected);
    }

    #[test]
    fn known_value_matches_php_hash_crc32c() {
        // php -r 'echo hash("crc32c", "123456789");' prints e3069283
        assert_eq!(to_hex(crc32c(b"123456789")), "e3069283");
    }

    #[test]
    fn combine_equals_whole() {
        let data: Vec<u8> = (0..100_000u32).map(|i| (i * 31 % 251) as u8).collect();
        let (a, b) = data.split_at(37_123);
        assert_eq!(crc32c_combine(crc32c(a), crc32c(b), b.len() as u64), crc32c(&data));
    }

    #[test]
    fn header_round_trip() {
        let crc = crc32c(b"hello");
        assert_eq!(from_header(&to_header(crc)), Some(crc));
        assert_eq!(from_header("AAAAAA==-2"), None);
    }
}
