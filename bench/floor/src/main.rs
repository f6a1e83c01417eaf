//! Benchmark floor for scenarios 1-4: what plain aws-sdk-s3 costs, natively,
//! against the same server, for the same requests the extension makes.
//!
//! Each request is shaped like the extension's own (see src/core/): PutObject
//! with a CRC32C header and an unsigned payload, ranged GetObject without
//! response checksum validation, HeadObject in checksum mode, DeleteObject,
//! and a presigned GET carrying a Content-Disposition, signed by the SDK's
//! own presigner. So the ratio "extension / floor" is the price of PHP, the
//! binding and the extension's own code, not of different requests.
//!
//! Reads S3_TEST_ENDPOINT, S3_TEST_REGION, S3_TEST_BUCKET, S3_TEST_ACCESS_KEY,
//! S3_TEST_SECRET_KEY; BENCH_PREFIX (key prefix, required), BENCH_PRESIGN_N,
//! BENCH_SMALL_N, BENCH_WARMUP. Prints one JSON object on stdout.

use std::future::Future;
use std::time::{Duration, Instant};

use aws_config::BehaviorVersion;
use aws_sdk_s3::config::{Credentials, Region, RequestChecksumCalculation, ResponseChecksumValidation};
use aws_sdk_s3::presigning::PresigningConfig;
use aws_sdk_s3::primitives::ByteStream;
use aws_sdk_s3::types::ChecksumMode;
use aws_sdk_s3::Client;
use base64::engine::general_purpose::STANDARD as B64;
use base64::Engine;

const SMALL_SIZE: usize = 10 * 1024;
const RANGE_LEN: u64 = 128 * 1024;
const RANGE_SRC_SIZE: usize = 1024 * 1024;
/// What the extension sends unless told otherwise.
const CACHE_CONTROL: &str = "private, max-age=86400";
/// The header the extension builds for `filename => 'Quarterly report – 2026 (final).pdf'`.
const DISPOSITION: &str =
    "attachment; filename=\"Quarterly report _ 2026 (final).pdf\"; filename*=UTF-8''Quarterly%20report%20%E2%80%93%202026%20%28final%29.pdf";

fn env(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| {
        eprintln!("floor: {name} is not set (eval \"$(scripts/s3-server.sh env)\")");
        std::process::exit(2)
    })
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn crc32c_header(data: &[u8]) -> String {
    let crc = crc_fast::checksum(crc_fast::CrcAlgorithm::Crc32Iscsi, data) as u32;
    B64.encode(crc.to_be_bytes())
}

/// Deterministic filler, the same bytes the PHP scenarios use.
fn payload(len: usize) -> Vec<u8> {
    (0..len).map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8).collect()
}

/// CPU seconds (user + system, all threads) this process has used so far.
fn cpu_seconds() -> f64 {
    // SAFETY: getrusage only writes the struct it is given.
    let mut r: libc::rusage = unsafe { std::mem::zeroed() };
    if unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut r) } != 0 {
        return 0.0;
    }
    let secs = |t: libc::timeval| t.tv_sec as f64 + t.tv_usec as f64 / 1e6;
    secs(r.ru_utime) + secs(r.ru_stime)
}

/// Calls `op` once per index and times each returned future (building it,
/// `op(i)` itself, is not timed): the latencies in microseconds, and the CPU
/// seconds the whole loop took, for `stats`.
async fn time_each<Fut: Future>(n: usize, mut op: impl FnMut(usize) -> Fut) -> (Vec<f64>, f64) {
    let mut samples = Vec::with_capacity(n);
    let cpu = cpu_seconds();
    for i in 0..n {
        let request = op(i);
        let t = Instant::now();
        std::hint::black_box(request.await);
        samples.push(t.elapsed().as_secs_f64() * 1e6);
    }
    (samples, cpu_seconds() - cpu)
}

/// Latencies in microseconds to the JSON the PHP scenarios print too;
/// `cpu` is the CPU time the loop took.
fn stats(name: &str, samples: &mut [f64], bytes_per_op: u64, cpu: f64) -> String {
    samples.sort_by(|a, b| a.partial_cmp(b).expect("no NaN"));
    let n = samples.len();
    let median = if n % 2 == 1 { samples[n / 2] } else { (samples[n / 2 - 1] + samples[n / 2]) / 2.0 };
    let p90 = samples[((n as f64 * 0.9).ceil() as usize).max(1) - 1];
    let total: f64 = samples.iter().sum();
    let ops = n as f64 / (total / 1e6);
    // The raw latencies too, so bench/run can merge rounds (see report.php).
    let raw: Vec<String> = samples.iter().map(|v| format!("{v:.2}")).collect();
    format!(
        "\"{name}\":{{\"n\":{n},\"median_us\":{median:.3},\"p90_us\":{p90:.3},\"mean_us\":{:.3},\"ops_per_s\":{ops:.1},\"mib_per_s\":{:.2},\"bytes_per_op\":{bytes_per_op},\"cpu_us_per_op\":{:.1},\"samples_us\":[{}]}}",
        total / n as f64,
        ops * bytes_per_op as f64 / 1048576.0,
        cpu * 1e6 / n as f64,
        raw.join(",")
    )
}

async fn put(client: &Client, bucket: &str, key: &str, body: &[u8]) {
    client
        .put_object()
        .bucket(bucket)
        .key(key)
        .cache_control(CACHE_CONTROL)
        .content_length(body.len() as i64)
        .checksum_crc32_c(crc32c_header(body))
        .body(ByteStream::from(body.to_vec()))
        .customize()
        .disable_payload_signing()
        .send()
        .await
        .unwrap_or_else(|e| panic!("put {key}: {}", aws_sdk_s3::error::DisplayErrorContext(&e)));
}

async fn ranged_get(client: &Client, bucket: &str, key: &str, offset: u64) -> usize {
    let out = client
        .get_object()
        .bucket(bucket)
        .key(key)
        .range(format!("bytes={}-{}", offset, offset + RANGE_LEN - 1))
        .send()
        .await
        .unwrap_or_else(|e| panic!("get {key}: {}", aws_sdk_s3::error::DisplayErrorContext(&e)));
    let body = out.body.collect().await.expect("body").into_bytes();
    assert_eq!(body.len() as u64, RANGE_LEN);
    body.len()
}

#[tokio::main]
async fn main() {
    let bucket = env("S3_TEST_BUCKET");
    let prefix = env("BENCH_PREFIX");
    let presign_n = env_usize("BENCH_PRESIGN_N", 20_000);
    let small_n = env_usize("BENCH_SMALL_N", 1_000);
    let warmup = env_usize("BENCH_WARMUP", 20);

    let sdk = aws_config::defaults(BehaviorVersion::latest())
        .region(Region::new(env("S3_TEST_REGION")))
        .credentials_provider(Credentials::new(env("S3_TEST_ACCESS_KEY"), env("S3_TEST_SECRET_KEY"), None, None, "bench"))
        .load()
        .await;
    let config = aws_sdk_s3::config::Builder::from(&sdk)
        .endpoint_url(env("S3_TEST_ENDPOINT"))
        .force_path_style(true)
        .request_checksum_calculation(RequestChecksumCalculation::WhenRequired)
        .response_checksum_validation(ResponseChecksumValidation::WhenSupported)
        .build();
    let client = Client::from_conf(config);
    let mut out = Vec::new();

    // 1. presign a GET with a Content-Disposition (pure CPU).
    let presign = |i: usize| {
        let client = &client;
        let bucket = &bucket;
        let key = format!("{prefix}attachments/{i:06}/report.pdf");
        async move {
            client
                .get_object()
                .bucket(bucket)
                .key(key)
                .response_content_disposition(DISPOSITION)
                .presigned(PresigningConfig::expires_in(Duration::from_secs(3600)).expect("ttl"))
                .await
                .expect("presign")
                .uri()
                .len()
        }
    };
    for i in 0..warmup * 10 {
        presign(i).await;
    }
    // The key is formatted inside the timed future: it is part of presigning.
    let (mut samples, cpu) = time_each(presign_n, |i| async move { presign(i).await }).await;
    out.push(stats("presign", &mut samples, 0, cpu));

    // 2. 10 KiB PutObject; these objects feed head and delete below.
    let small = payload(SMALL_SIZE);
    for i in 0..warmup {
        put(&client, &bucket, &format!("{prefix}warm-{i}"), &small).await;
    }
    let small_key = |i: usize| format!("{prefix}small-{i:05}");
    let (mut samples, cpu) = time_each(small_n, |i| {
        let key = small_key(i);
        let (client, bucket, small) = (&client, &bucket, &small);
        async move { put(client, bucket, &key, small).await }
    })
    .await;
    out.push(stats("put_10k", &mut samples, SMALL_SIZE as u64, cpu));

    // 3. 128 KiB ranged GET at varying offsets of a 1 MiB object.
    let src_key = format!("{prefix}range-src");
    put(&client, &bucket, &src_key, &payload(RANGE_SRC_SIZE)).await;
    let span = (RANGE_SRC_SIZE as u64 - RANGE_LEN) / 4096;
    for i in 0..warmup {
        ranged_get(&client, &bucket, &src_key, (i as u64 % span) * 4096).await;
    }
    let (mut samples, cpu) =
        time_each(small_n, |i| ranged_get(&client, &bucket, &src_key, ((i as u64 * 7) % span) * 4096)).await;
    out.push(stats("read_128k", &mut samples, RANGE_LEN, cpu));

    // 4. HEAD then DELETE each object written in 2.
    let head = |key: String| {
        let client = &client;
        let bucket = &bucket;
        async move {
            let info =
                client.head_object().bucket(bucket).key(key).checksum_mode(ChecksumMode::Enabled).send().await.expect("head");
            assert_eq!(info.content_length(), Some(SMALL_SIZE as i64));
        }
    };
    for i in 0..warmup {
        head(format!("{prefix}warm-{i}")).await;
    }
    let (mut samples, cpu) = time_each(small_n, |i| head(small_key(i))).await;
    out.push(stats("head", &mut samples, 0, cpu));

    let delete = |key: String| {
        let client = &client;
        let bucket = &bucket;
        async move { client.delete_object().bucket(bucket).key(key).send().await.expect("delete") }
    };
    for i in 0..warmup {
        delete(format!("{prefix}warm-{i}")).await;
    }
    let (mut samples, cpu) = time_each(small_n, |i| delete(small_key(i))).await;
    out.push(stats("delete", &mut samples, 0, cpu));
    delete(src_key).await;

    println!("{{\"program\":\"rust-floor\",{}}}", out.join(","));
}
