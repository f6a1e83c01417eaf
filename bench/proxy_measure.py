#!/usr/bin/env python3
"""The measuring half of bench/proxy-download (which sets the helpdesk up).

Alternates, REPS times: curl GET of the object straight from the store
(SigV4-signed by curl itself, as bench/run's floor), then curl GET of
osTicket's file.php link in proxy mode through Apache. Both to /dev/null;
curl's own time_total is the figure (no process start-up on either side).
During each proxied download the Apache workers' VmRSS is sampled every
10 ms from /proc; the worker that served it is the one whose CPU time grew
most. Per download: MiB/s, curl's CPU, the serving worker's CPU, its VmRSS
before, its sampled peak, its VmHWM after. Prints a table and writes JSON.
Standard library only.

usage: proxy_measure.py --proxy-url URL --store-url URL --master-pid PID
                        --size BYTES --reps N --out FILE
       (S3_TEST_REGION, S3_TEST_ACCESS_KEY, S3_TEST_SECRET_KEY in the environment)
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "support"))
from proc_info import status_kib, workers  # noqa: E402

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid):
    try:
        with open(f"/proc/{pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / TICKS  # utime + stime
    except OSError:
        return 0.0


def curl(args):
    """Runs curl; (time_total, bytes, http_code, user+sys CPU of curl)."""
    proc = subprocess.Popen(["curl", "-sS", "-o", "/dev/null", "-w", "%{time_total} %{size_download} %{http_code}"] + args,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out = proc.stdout.read().decode()
    err = proc.stderr.read().decode()
    _, status, usage = os.wait4(proc.pid, 0)
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"proxy_measure.py: curl {args[-1][:80]} failed: {err.strip()}")
    secs, size, code = out.split()
    return float(secs), int(size), int(code), usage.ru_utime + usage.ru_stime


def store_download(args):
    secs, size, code, cpu = curl(["--aws-sigv4", f"aws:amz:{os.environ['S3_TEST_REGION']}:s3",
                                  "--user", f"{os.environ['S3_TEST_ACCESS_KEY']}:{os.environ['S3_TEST_SECRET_KEY']}",
                                  "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", args.store_url])
    check(code == 200 and size == args.size, f"store: HTTP {code}, {size} bytes")
    return {"seconds": secs, "mib_per_s": round(args.size / 1048576 / secs, 1), "curl_cpu_s": round(cpu, 2)}


def proxy_download(args):
    pids = workers(args.master_pid)
    rss0 = {p: (status_kib(p, "VmRSS") or 0) for p in pids}
    cpu0 = {p: cpu_seconds(p) for p in pids}
    peak = dict(rss0)
    done = threading.Event()

    def sample():
        while not done.is_set():
            for p in pids:
                peak[p] = max(peak[p], (status_kib(p, "VmRSS") or 0))
            time.sleep(0.01)
    sampler = threading.Thread(target=sample)
    sampler.start()
    try:
        secs, size, code, cpu = curl([args.proxy_url])
    finally:
        done.set()
        sampler.join()
    check(code == 200 and size == args.size, f"file.php: HTTP {code}, {size} bytes")
    check(workers(args.master_pid) == pids, "the same Apache workers before and after")
    served = max(pids, key=lambda p: cpu_seconds(p) - cpu0[p])
    return {"seconds": secs, "mib_per_s": round(args.size / 1048576 / secs, 1), "curl_cpu_s": round(cpu, 2),
            "worker_cpu_s": round(cpu_seconds(served) - cpu0[served], 2), "worker_rss_before_kib": rss0[served],
            "worker_rss_peak_kib": peak[served], "worker_rss_growth_kib": peak[served] - rss0[served],
            "worker_hwm_after_kib": (status_kib(served, "VmHWM") or 0)}


def check(ok, what):
    if not ok:
        raise SystemExit(f"proxy_measure.py: {what}")


def main():
    p = argparse.ArgumentParser()
    for name in ("proxy-url", "store-url", "out"):
        p.add_argument(f"--{name}", required=True)
    for name in ("master-pid", "size", "reps"):
        p.add_argument(f"--{name}", type=int, required=True)
    args = p.parse_args()
    load_before = open("/proc/loadavg").read().split()[:3]
    store, proxy = [], []
    # Every worker serves a few MiB first (eight at once, twice, reach all
    # of prefork's four): a worker's first request (osTicket's code, the
    # extension's runtime, client and connection) is not what is measured.
    for _ in range(2):
        warm = [threading.Thread(target=curl, args=(["-r", "0-4194303", args.proxy_url],)) for _ in range(8)]
        for t in warm:
            t.start()
        for t in warm:
            t.join()
    for rep in range(args.reps):
        # Alternating, so that drift in the shared store or the machine's
        # load weighs on both sides alike.
        store.append(store_download(args))
        proxy.append(proxy_download(args))
        print(f"  rep {rep + 1}/{args.reps}: store {store[-1]['seconds']:.2f} s ({store[-1]['mib_per_s']} MiB/s), "
              f"file.php {proxy[-1]['seconds']:.2f} s ({proxy[-1]['mib_per_s']} MiB/s), worker CPU "
              f"{proxy[-1]['worker_cpu_s']} s, worker VmRSS {proxy[-1]['worker_rss_before_kib'] // 1024} -> peak "
              f"{proxy[-1]['worker_rss_peak_kib'] // 1024} MiB", flush=True)
    load_after = open("/proc/loadavg").read().split()[:3]

    def med(runs, key):
        return statistics.median(r[key] for r in runs)
    summary = {
        "size_bytes": args.size, "reps": args.reps, "load_before": load_before, "load_after": load_after,
        "store_median_s": med(store, "seconds"), "store_median_mib_per_s": round(args.size / 1048576 / med(store, "seconds"), 1),
        "proxy_median_s": med(proxy, "seconds"), "proxy_median_mib_per_s": round(args.size / 1048576 / med(proxy, "seconds"), 1),
        "proxy_vs_store": round(med(store, "seconds") / med(proxy, "seconds"), 2),
        "worker_rss_growth_max_kib": max(r["worker_rss_growth_kib"] for r in proxy),
        "worker_rss_peak_max_kib": max(r["worker_rss_peak_kib"] for r in proxy),
        "worker_cpu_median_s": med(proxy, "worker_cpu_s"),
    }
    with open(args.out, "w") as f:
        json.dump({"summary": summary, "store": store, "proxy": proxy}, f, indent=1)
    mib = args.size >> 20
    print(f"""
| download of {mib} MiB | median | throughput | client CPU | server-side CPU | peak RSS |
|---|---|---|---|---|---|
| curl, straight from the store | {summary['store_median_s']:.2f} s | {summary['store_median_mib_per_s']} MiB/s | {med(store, 'curl_cpu_s'):.2f} s | | |
| curl of file.php, proxy mode (Apache + osTicket + plugin) | {summary['proxy_median_s']:.2f} s | {summary['proxy_median_mib_per_s']} MiB/s | {med(proxy, 'curl_cpu_s'):.2f} s | worker {summary['worker_cpu_median_s']:.2f} s | worker {summary['worker_rss_peak_max_kib'] / 1024:.1f} MiB (+{summary['worker_rss_growth_max_kib'] / 1024:.1f} MiB over its RSS before) |

proxy / store throughput: {summary['proxy_vs_store']}x; load average {' '.join(load_before)} before, {' '.join(load_after)} after""")


if __name__ == "__main__":
    main()
