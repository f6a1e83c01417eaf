#!/usr/bin/env python3
"""Cancelled downloads, for tests/servers/run.sh (issue 10, item 3).

A browser that goes away in the middle of a proxied download makes PHP bail
out (a longjmp) out of passthru() unless ignore_user_abort is on; either way
the worker must not keep the GET, its S3 connection or its buffers. This
stores one large object through app.php, then, for ignore_user_abort on and
then off, starts CANCELS downloads of it (app.php?action=stream), reads the
headers and 64 KiB of each and resets the connection (RST, as a closed tab
or a dropped network does). Two more rounds are not cancelled: passthru()
writes into an output buffer whose handler raises a fatal error after a few
MiB, then into a plain ob_start() buffer that grows until PHP's
memory_limit ("Allowed memory size … exhausted"); both bail out of
passthru() the same way. Each download ends with one line in app.php's
cancel log. Checks, per round:

- every cancelled download answered 200 and sent 64 KiB before the cancel;
- every one ended (a cancel-log line) within the timeout, with the
  connection seen as aborted (the fatal-error rounds: passthru() did not
  return normally, and PHP's last error is the fatal error expected);
- with ignore_user_abort on, passthru() stopped streaming instead of
  sending the whole object into the closed connection (it returned fewer
  bytes than the object's size, or threw);
- the workers' S3 sockets (their socket fds whose peer is the counting
  proxy, any TCP state) and the proxy's open connections grew by at most
  one per worker over all the cancels (a leak grows by one per cancel);
- the workers' VmRSS, summed, grew by at most RSS_KIB_PER_CANCEL per cancel;
- afterwards every worker still answers (head of the object).

Then the object is deleted. Figures are printed; passed/failed counts go to
--result as JSON, as drive.php's do. Standard library only.

usage: cancel.py --name N --kind fcgi|http --addr HOST:PORT --script PATH
                 --counter PROXY_STATE --master-pid PID --workers 4
                 --log CANCEL_LOG --result FILE [--cancels 30] [--size-mib 32]
                 [--fatal-after-kib 4096] [--memory-limit-mib 64 --hog-mib 48]
                 [--fatals 10] [--timeout 20]
"""

import argparse
import json
import os
import socket
import struct
import sys
import threading
import time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "support"))
from proc_info import status_kib, workers  # noqa: E402

# Memory the workers may gain per cancel, in total: a GET jumped over by the
# bailout leaks ~300 KiB (its buffers); with nothing leaked the growth is a
# few KiB per cancel (allocator noise).
RSS_KIB_PER_CANCEL = 128
OBJECT = 900         # app.php's obj-900: outside drive.php's 0..49
PREFIX_BYTES = 65536  # body read before cancelling
WARM_UP_WAVES = 4

results = {"passed": 0, "failed": 0}


def check(ok, what):
    if ok:
        results["passed"] += 1
    else:
        results["failed"] += 1
        print(f"  FAIL {what}", flush=True)


# ---------------------------------------------------------------- clients

def fcgi_record(rtype, content):
    return struct.pack(">BBHHBx", 1, rtype, 1, len(content), 0) + content


def fcgi_request(script, query):
    """A FastCGI GET for php-fpm, as a web server sends it."""
    params = {"GATEWAY_INTERFACE": "CGI/1.1", "REQUEST_METHOD": "GET", "SCRIPT_FILENAME": script,
              "SCRIPT_NAME": "/app.php", "DOCUMENT_ROOT": os.path.dirname(script),
              "REQUEST_URI": f"/app.php?{query}", "QUERY_STRING": query, "SERVER_NAME": "127.0.0.1",
              "SERVER_PORT": "80", "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "127.0.0.1"}
    body = b""
    for k, v in params.items():
        k, v = k.encode(), v.encode()
        for n in (len(k), len(v)):
            body += bytes([n]) if n < 128 else struct.pack(">I", n | 0x80000000)
        body += k + v
    begin = struct.pack(">HB5x", 1, 0)  # responder, close the connection after
    return fcgi_record(1, begin) + fcgi_record(4, body) + fcgi_record(4, b"") + fcgi_record(5, b"")


def send_request(args, query):
    host, port = args.addr.rsplit(":", 1)
    sock = socket.create_connection((host, int(port)), timeout=args.timeout)
    if args.kind == "fcgi":
        sock.sendall(fcgi_request(args.script, query))
    else:
        sock.sendall(f"GET /app.php?{query} HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock


def stdout_bytes(kind, sock):
    """The response's bytes: the raw stream (HTTP) or the FCGI_STDOUT records."""
    if kind == "http":
        while data := sock.recv(65536):
            yield data
        return
    buf = b""
    while True:
        while len(buf) < 8 or len(buf) < 8 + sum(struct.unpack(">HB", buf[4:7])):
            data = sock.recv(65536)
            if not data:
                return
            buf += data
        _, rtype, _, clen, plen = struct.unpack(">BBHHBx", buf[:8])
        content, buf = buf[8:8 + clen], buf[8 + clen + plen:]
        if rtype == 6:
            yield content
        elif rtype == 3:  # FCGI_END_REQUEST
            return


def read_response(args, sock, body_limit=None):
    """(status, headers, body): the whole response, or up to body_limit bytes of body."""
    data = b""
    head = None
    for chunk in stdout_bytes(args.kind, sock):
        data += chunk
        if head is None and b"\r\n\r\n" in data:
            head, data = data.split(b"\r\n\r\n", 1)
        if head is not None and body_limit is not None and len(data) >= body_limit:
            break
    if head is None:
        return 0, {}, data
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split()[1]) if lines[0].startswith("HTTP/") else 200
    headers = {}
    for line in lines:
        if ":" in line:
            k, v = line.split(":", 1)
            headers[k.strip().lower()] = v.strip()
    if "status" in headers:
        status = int(headers["status"].split()[0])
    return status, headers, data


def app(args, query):
    sock = send_request(args, query)
    try:
        return read_response(args, sock)
    finally:
        sock.close()


def cancel_one(args, ignore_abort):
    """A download cut after the headers and 64 KiB: (status, body bytes seen, worker pid)."""
    sock = send_request(args, f"action=stream&n={OBJECT}&ignore_abort={ignore_abort}")
    try:
        status, headers, body = read_response(args, sock, PREFIX_BYTES)
    finally:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        sock.close()  # RST
    return status, len(body), headers.get("x-worker-pid")


# ---------------------------------------------------------------- /proc

def s3_sockets(pid, port):
    """The pid's socket fds whose peer is 127.0.0.1:port, in any TCP state."""
    inodes = set()
    try:
        for fd in os.listdir(f"/proc/{pid}/fd"):
            try:
                link = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if link.startswith("socket:["):
                inodes.add(link[8:-1])
    except OSError:
        return None
    n = 0
    with open("/proc/net/tcp") as f:
        for line in f.readlines()[1:]:
            fields = line.split()
            if int(fields[2].split(":")[1], 16) == port and fields[9] in inodes:
                n += 1
    return n


def proxy_state(path):
    with open(path) as f:
        return json.load(f)


def snapshot(args, port):
    pids = workers(args.master_pid)
    return {"pids": pids, "rss": {p: status_kib(p, "VmRSS") for p in pids}, "sockets": {p: s3_sockets(p, port) for p in pids},
            "proxy_open": proxy_state(args.counter)["open"]}


def log_lines(path):
    try:
        with open(path) as f:
            return [json.loads(line) for line in f if line.strip()]
    except FileNotFoundError:
        return []


# ---------------------------------------------------------------- the run

def run_mode(args, port, ignore_abort, bailout=None):
    """A round of cancelled downloads, or with bailout = (what, query, the
    fatal error's text) one of downloads that end in a fatal error."""
    if bailout is None:
        label = f"{args.name}, ignore_user_abort {'on' if ignore_abort else 'off'}"
        count = args.cancels
    else:
        label = f"{args.name}, {bailout[0]}"
        count = args.fatals
        # Every worker meets the fatal error several times before the
        # measure (each wave: two requests per worker, at once): the first
        # requests that reach memory_limit leave Zend MM one 2 MiB chunk more
        # cached in that worker, once (a leak grows with every request).
        for _ in range(WARM_UP_WAVES):
            at_once(2 * args.workers, lambda: app(args, f"action=stream&n={OBJECT}&ignore_abort=0&{bailout[1]}"))
        time.sleep(0.3)  # their shutdown functions' log lines
    done_before = len(log_lines(args.log))
    before = snapshot(args, port)
    t0 = time.monotonic()
    if bailout is None:
        seen = [cancel_one(args, ignore_abort) for _ in range(count)]
        bad = [s for s in seen if s[0] != 200 or s[1] < PREFIX_BYTES]
        check(not bad, f"{label}: every download answered 200 and sent 64 KiB before the cancel "
                       f"({len(bad)} did not, e.g. status {bad[0][0] if bad else '-'}, {bad[0][1] if bad else '-'} bytes)")
    else:
        # Read to the end: the request (and its shutdown functions) is over then.
        cut = 0
        for _ in range(count):
            try:
                app(args, f"action=stream&n={OBJECT}&ignore_abort=0&{bailout[1]}")
            except OSError:
                cut += 1
        check(cut == 0, f"{label}: {cut} of {count} requests were cut off (the worker died?) instead of "
                        f"ending with PHP's fatal error")

    deadline = time.monotonic() + (args.timeout if bailout is None else 2)
    while len(log_lines(args.log)) < done_before + count and time.monotonic() < deadline:
        time.sleep(0.1)
    ended = log_lines(args.log)[done_before:]
    elapsed = time.monotonic() - t0
    check(len(ended) == count,
          f"{label}: {len(ended)} of {count} downloads ended (a line in the cancel log) in time")
    if bailout is None:
        check(all(e["aborted"] for e in ended), f"{label}: PHP saw every connection aborted "
              f"({sum(1 for e in ended if not e['aborted'])} not)")
    else:
        check(all(e["sent"] is None for e in ended), f"{label}: every passthru() was cut by the fatal error "
              f"({sum(1 for e in ended if e['sent'] is not None)} returned): the round tests nothing")
        other = [e.get("fatal") for e in ended if bailout[2] not in (e.get("fatal") or "")]
        check(not other, f"{label}: PHP's last error is \"{bailout[2]}...\" in every request "
              f"({len(other)} not, e.g. {other[0] if other else '-'!r})")
    if ignore_abort:
        full = [e for e in ended if e["error"] is None and e["sent"] is not None and e["sent"] >= e["size"]]
        check(not full, f"{label}: passthru() stops streaming once the client is gone "
                        f"({len(full)} of {len(ended)} sent all {args.size_mib} MiB into the closed connection)")
    time.sleep(0.5)  # closes reach the proxy
    after = snapshot(args, port)

    sockets_before = sum(v or 0 for v in before["sockets"].values())
    sockets_after = sum(v or 0 for v in after["sockets"].values())
    growth = {p: (after["rss"].get(p) or 0) - (before["rss"].get(p) or 0) for p in after["pids"] if p in before["rss"]}
    total_growth = sum(growth.values())
    sent = [e["sent"] for e in ended if e["sent"] is not None]
    print(f"  {label}: {count} downloads in {elapsed:.1f} s; S3 sockets in the workers {sockets_before} -> "
          f"{sockets_after} (per worker {before['sockets']} -> {after['sockets']}); proxy's open connections "
          f"{before['proxy_open']} -> {after['proxy_open']}; VmRSS growth (KiB) {total_growth}, per worker {growth}; "
          f"passthru returned {len(sent)} times (bytes: min {min(sent, default=0)}, max {max(sent, default=0)}), "
          f"threw {sum(1 for e in ended if e['error'])} times", flush=True)
    errors = sorted({e["error"][:200] for e in ended if e["error"]})
    if errors:
        print(f"  {label}: exceptions: {errors[:3]}", flush=True)
    slack = args.workers
    check(sockets_after - sockets_before <= slack,
          f"{label}: the workers' S3 sockets went from {sockets_before} to {sockets_after} over {count} downloads "
          f"(at most +{slack} allowed): GETs cut by the bailout leak their connection")
    check(after["proxy_open"] - before["proxy_open"] <= slack,
          f"{label}: the proxy's open S3 connections went from {before['proxy_open']} to {after['proxy_open']} "
          f"(at most +{slack} allowed)")
    bound = RSS_KIB_PER_CANCEL * count
    check(total_growth <= bound,
          f"{label}: the workers' VmRSS grew by {total_growth} KiB in total over {count} downloads "
          f"(at most {bound} KiB allowed, {RSS_KIB_PER_CANCEL} KiB per cancel)")
    check(after["pids"] == before["pids"], f"{label}: the same workers before and after ({before['pids']} -> {after['pids']})")

    # Every worker still serves: a few heads at once reach all of them.
    def head():
        status, _, body = app(args, f"action=head&n={OBJECT}")
        return status == 200 and json.loads(body)["head"]["size"] == args.size_mib << 20
    answers = at_once(2 * args.workers, head)
    check(all(a is True for a in answers),
          f"{label}: the workers still answer afterwards ({sum(a is True for a in answers)} of {len(answers)} heads right)")


def at_once(n, request):
    """Runs request() n times at once (more than the workers: each gets one);
    its results, or the exceptions it raised."""
    results = [None] * n

    def run(i):
        try:
            results[i] = request()
        except (OSError, ValueError, KeyError, TypeError) as e:
            results[i] = e
    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def main():
    p = argparse.ArgumentParser()
    for name in ("name", "kind", "addr", "script", "counter", "log", "result"):
        p.add_argument(f"--{name}", required=True)
    p.add_argument("--master-pid", type=int, required=True)
    p.add_argument("--workers", type=int, required=True)
    p.add_argument("--cancels", type=int, default=30)
    p.add_argument("--size-mib", type=int, default=32)
    p.add_argument("--fatal-after-kib", type=int, default=4096)
    p.add_argument("--memory-limit-mib", type=int, default=64)
    p.add_argument("--hog-mib", type=int, default=48)
    p.add_argument("--fatals", type=int, default=10)
    p.add_argument("--timeout", type=int, default=20)
    args = p.parse_args()
    port = proxy_state(args.counter)["port"]
    t0 = time.monotonic()
    try:
        status, _, body = app(args, f"action=put&n={OBJECT}&size={args.size_mib << 20}")
        check(status == 200, f"{args.name}: storing the {args.size_mib} MiB object (HTTP {status}: {body[:200]!r})")
        if status == 200:
            for ignore_abort in (1, 0):
                run_mode(args, port, ignore_abort)
            run_mode(args, port, 0, (f"a fatal error in an output buffer after {args.fatal_after_kib} KiB",
                                     f"fatal_after_kib={args.fatal_after_kib}",
                                     "app.php: fatal error in an output buffer, on purpose"))
            run_mode(args, port, 0, (f"memory_limit {args.memory_limit_mib} MiB ({args.hog_mib} MiB taken) "
                                     "met by an output buffer",
                                     f"memory_limit_mib={args.memory_limit_mib}&hog_mib={args.hog_mib}",
                                     f"Allowed memory size of {args.memory_limit_mib << 20} bytes exhausted"))
    except OSError as e:
        check(False, f"{args.name}: cancelled downloads: {e}")
    finally:
        try:
            status, _, body = app(args, f"action=delete&n={OBJECT}")
            check(status == 200, f"{args.name}: deleting the large object (HTTP {status}: {body[:200]!r})")
        except OSError as e:
            check(False, f"{args.name}: deleting the large object: {e}")
    print(f"{args.name}: cancelled downloads: {results['passed']} passed, {results['failed']} failed, "
          f"{time.monotonic() - t0:.1f} s", flush=True)
    with open(args.result, "w") as f:
        json.dump(results, f)
    sys.exit(1 if results["failed"] else 0)


if __name__ == "__main__":
    main()
