//! Core behaviour against the real local S3 server (`scripts/s3-server.sh`).
//! These check what PHP cannot see: multipart uploads left open on the
//! bucket. Without the server's environment they fail; they never skip.

use std::io::{BufRead, BufReader, Read};
use std::process::{Child, ChildStdout, Command, Stdio};
use std::time::{Duration, Instant};

use super::options::MIB;
use super::pending_aborts;
use super::value::OptionValue;
use super::{Backend, BackendOptions, ByteRange, Error, ErrorKind, PutOptions};

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        panic!("{name} is not set: run `scripts/s3-server.sh start` and `eval \"$(scripts/s3-server.sh env)\"`, or scripts/test")
    })
}

fn backend(prefix: &str) -> Backend {
    backend_at(prefix, env("S3_TEST_ENDPOINT"))
}

fn backend_at(prefix: &str, endpoint: String) -> Backend {
    let s = |v: String| OptionValue::Str(v);
    let pairs = vec![
        ("bucket".to_owned(), s(env("S3_TEST_BUCKET"))),
        ("endpoint".to_owned(), s(endpoint)),
        ("region".to_owned(), s("us-east-1".into())),
        ("access_key_id".to_owned(), s(env("S3_TEST_ACCESS_KEY"))),
        ("secret_access_key".to_owned(), s(env("S3_TEST_SECRET_KEY"))),
        ("prefix".to_owned(), s(format!("cargo-test-{}/{prefix}", std::process::id()))),
        ("part_size".to_owned(), OptionValue::Int((5 * MIB) as i64)),
        ("multipart_threshold".to_owned(), OptionValue::Int((5 * MIB) as i64)),
        // A store that hangs fails a test instead of hanging it.
        ("operation_timeout".to_owned(), OptionValue::Int(20)),
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

/// tests/support/fault_proxy.py in front of the local server: a store that
/// can be taken away and brought back, relaying every byte or with the
/// faults `args` ask for.
struct Relay {
    child: Child,
    out: BufReader<ChildStdout>,
    port: u16,
}

impl Relay {
    /// On `port`, or on a free one for 0.
    fn start(port: u16, args: &[&str]) -> Relay {
        let upstream = env("S3_TEST_ENDPOINT");
        let upstream = upstream.trim_start_matches("http://").trim_end_matches('/');
        let mut child = Command::new("python3")
            .arg(concat!(env!("CARGO_MANIFEST_DIR"), "/tests/support/fault_proxy.py"))
            .args(["--upstream", upstream, "--port", &port.to_string()])
            .args(args)
            .stdout(Stdio::piped())
            .spawn()
            .expect("python3 runs tests/support/fault_proxy.py");
        let mut out = BufReader::new(child.stdout.take().unwrap());
        let mut line = String::new();
        out.read_line(&mut line).unwrap();
        let port = line.trim().parse().unwrap_or_else(|_| panic!("fault_proxy.py printed no port: {line:?}"));
        Relay { child, out, port }
    }

    fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Stops it at once (the store is gone).
    fn stop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }

    /// Stops it with SIGTERM; the JSON counts it prints then.
    fn stop_with_stats(&mut self) -> String {
        let _ = Command::new("kill").args(["-TERM", &self.child.id().to_string()]).status();
        let mut stats = String::new();
        let _ = self.out.read_line(&mut stats);
        let _ = self.child.wait();
        stats
    }
}

impl Drop for Relay {
    fn drop(&mut self) {
        self.stop();
    }
}

/// `len` bytes, then a read error, after calling `on_failure` once.
struct FailingSource<F: FnMut()> {
    left: usize,
    on_failure: Option<F>,
}

impl<F: FnMut()> Read for FailingSource<F> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.left == 0 {
            if let Some(mut f) = self.on_failure.take() {
                f();
            }
            return Err(std::io::Error::other("the disk went away"));
        }
        let n = buf.len().min(self.left);
        buf[..n].fill(b'x');
        self.left -= n;
        Ok(n)
    }
}

/// When a file's read fails after its multipart upload started and the
/// abort fails too (the store went away at that moment), the error is the
/// read's: the abort's would send an admin looking at the network.
#[test]
fn put_reader_reports_the_read_error_when_the_abort_fails_too() {
    let _serial = pending_aborts::TEST_SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let direct = backend("read-error");
    let mut relay = Relay::start(0, &[]);
    let port = relay.port;
    let b = backend_at("read-error", relay.endpoint());
    let key = b.object_key(b"k").unwrap();
    let mut open_when_read_failed = 0;
    let err = {
        let mut source = FailingSource {
            left: 11 * MIB as usize, // part 1 goes once part 2 holds a byte
            on_failure: Some(|| {
                open_when_read_failed = open_uploads(&direct, &key);
                relay.stop();
            }),
        };
        b.put_reader(b"k", &mut source, 12 * MIB, "the test source", PutOptions::default()).unwrap_err()
    };
    assert_eq!(open_when_read_failed, 1, "the multipart upload was under way when the read failed");
    assert_eq!(err.kind, ErrorKind::Config, "{err}");
    assert_eq!(err.detail, "cannot read the test source: the disk went away");
    assert_eq!(err.key.as_deref(), Some(key.as_str()));
    assert_eq!(open_uploads(&direct, &key), 1, "the abort failed: the store was away");

    let _back = Relay::start(port, &[]);
    pending_aborts::retry();
    assert_eq!(open_uploads(&direct, &key), 0, "the remembered abort went through once the store was back");
}

/// The retry of pending aborts while the store hangs: one attempt of at
/// most RETRY_ATTEMPT_TIMEOUT (2 s), no other entry tried, every entry
/// kept; once the store answers, the entries are gone (an upload it no
/// longer knows counts as aborted).
#[test]
fn retry_of_pending_aborts_is_one_short_attempt_while_the_store_hangs() {
    let _serial = pending_aborts::TEST_SERIAL.lock().unwrap_or_else(|p| p.into_inner());
    let mut relay = Relay::start(0, &[]);
    let port = relay.port;
    let b = backend_at("retry-hangs", relay.endpoint());
    relay.stop();
    let kept_before = pending_aborts::count();
    let went_away = Error::new(ErrorKind::Network, "abortMultipartUpload", "the store went away");
    for i in 0..3 {
        pending_aborts::remember(b.store(), &format!("k{i}"), &format!("no-such-upload-{i}"), &went_away);
    }
    assert_eq!(pending_aborts::count(), kept_before + 3);

    let mut hanging = Relay::start(port, &["--blackhole", "--faults", "1000"]);
    let started = Instant::now();
    pending_aborts::retry();
    let took = started.elapsed();
    let stats = hanging.stop_with_stats();
    assert_eq!(pending_aborts::count(), kept_before + 3, "the store did not answer: every entry is kept");
    assert!(stats.contains("\"connections\": 1,"), "one attempt, and no other entry tried after it: {stats}");
    assert!(took < Duration::from_secs(10), "one attempt of at most 2 s, not the SDK's timeouts and retries: {took:?}");

    let _back = Relay::start(port, &[]);
    pending_aborts::retry();
    assert_eq!(pending_aborts::count(), kept_before, "answered NoSuchUpload: aborted, none left");
}
