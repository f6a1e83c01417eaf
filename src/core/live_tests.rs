//! Core behaviour against the real local S3 server (`scripts/s3-server.sh`).
//! These check what PHP cannot see: multipart uploads left open on the
//! bucket. Without the server's environment they fail; they never skip.

use super::options::MIB;
use super::value::OptionValue;
use super::{Backend, BackendOptions, ByteRange, PutOptions};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `scripts/s3-server.sh start` and `eval \"$(scripts/s3-server.sh env)\"`, or scripts/test")
    })
}

fn backend(prefix: &str) -> Backend {
    let s = |v: String| OptionValue::Str(v);
    let pairs = vec![
        ("bucket".to_owned(), s(env("S3_TEST_BUCKET"))),
        ("endpoint".to_owned(), s(env("S3_TEST_ENDPOINT"))),
        ("region".to_owned(), s("us-east-1".into())),
        ("access_key_id".to_owned(), s(env("S3_TEST_ACCESS_KEY"))),
        ("secret_access_key".to_owned(), s(env("S3_TEST_SECRET_KEY"))),
        ("prefix".to_owned(), s(format!("cargo-test-{}/{prefix}", std::process::id()))),
        ("part_size".to_owned(), OptionValue::Int((5 * MIB) as i64)),
        ("multipart_threshold".to_owned(), OptionValue::Int((5 * MIB) as i64)),
    ];
    Backend::new(BackendOptions::from_pairs(&pairs).expect("test options are valid"))
}

/// Multipart uploads still open under a full object key.
fn open_uploads(b: &Backend, object_key: &str) -> usize {
    let client = b.store().client().unwrap();
    let request = client.s3.list_multipart_uploads().bucket(&b.options().bucket).prefix(object_key);
    let out = super::process::block_on(request.send()).unwrap().expect("list multipart uploads");
    out.uploads().len()
}

fn data(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i % 251) as u8).collect()
}

#[test]
fn abort_leaves_no_open_multipart_upload() {
    let b = backend("abort");
    let mut upload = b.create_upload(b"k", PutOptions::default()).unwrap();
    upload.write(&data(11 * MIB as usize)).unwrap();
    let key = upload.key().to_owned();
    assert_eq!(open_uploads(&b, &key), 1, "the upload is multipart and open before abort");
    upload.abort().unwrap();
    assert_eq!(open_uploads(&b, &key), 0);
    assert!(b.store().head(&key).unwrap().is_none());
}

#[test]
fn dropped_upload_is_aborted_on_the_store() {
    let b = backend("drop");
    let mut upload = b.create_upload(b"k", PutOptions::default()).unwrap();
    upload.write(&data(6 * MIB as usize)).unwrap();
    let key = upload.key().to_owned();
    assert_eq!(open_uploads(&b, &key), 1);
    drop(upload);
    assert_eq!(open_uploads(&b, &key), 0);
}

#[test]
fn completed_multipart_upload_is_closed_and_byte_exact() {
    let b = backend("complete");
    let body = data(12 * MIB as usize + 7);
    let result = b.put_bytes(b"k", &body, PutOptions::default()).unwrap();
    let key = b.object_key(b"k").unwrap();
    assert_eq!(open_uploads(&b, &key), 0);
    assert_eq!(result.crc32c, Some(super::checksum::crc32c(&body)));
    assert_eq!(b.read(b"k", ByteRange::whole()).unwrap(), body);
    b.store().delete(&key).unwrap();
}

#[test]
fn small_upload_is_one_put_with_a_confirmed_checksum() {
    let b = backend("small");
    let result = b.put_bytes(b"k", b"hello", PutOptions::default()).unwrap();
    assert_eq!(result.size, 5);
    assert_eq!(result.crc32c, Some(super::checksum::crc32c(b"hello")));
    assert!(!result.etag.contains('-'), "not multipart: {}", result.etag);
}
