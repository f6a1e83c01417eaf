#!/usr/bin/env python3
"""A TCP proxy in front of the local S3 server that injects faults.

Tests start one per case on 127.0.0.1 (port 0: the kernel picks one; --port N
takes the port of a proxy stopped before, as a store that comes back does),
read the port from its first line of output, point the backend's endpoint at
it and stop it afterwards. Standard library only.

Faults (each applies to the first --faults connections, then it passes
traffic through, so a retry or a later call can succeed):
  --blackhole            accept, never answer, never forward
  --reset-after BYTES    forward, then reset both sides once BYTES of the
                         request direction have gone through
  --reset-response-after BYTES
                         the same for the response direction (a download
                         cut in the middle of the body)
  --reset-after-response reset the client side right after a response has
                         been relayed, so the next request on that pooled
                         connection meets a dead socket
  --delay-response SECONDS
                         forward the request at once but hold the response
                         back this long: the store acts, the client times out
  --http-status CODE     answer with CODE and an S3 error body (SlowDown for
                         503, InternalError for 500), then close
  --tls-cert/--tls-key   terminate TLS with this certificate (the upstream
                         stays plain HTTP): a private HTTPS endpoint

Misbehaving stores (these read the HTTP/1.1 exchanges instead of relaying
bytes, and apply to every request: --faults does not limit them; each
altered request counts as a fault):
  --strip-range          forward requests without their Range (and If-Range)
                         header, so the store answers 200 with the whole
                         object, as a store or proxy that ignores Range does.
                         Clients sign Range (SigV4), so the proxy re-signs
                         such a request with the secret of its access key,
                         found in the environment (S3_TEST_*ACCESS_KEY and the
                         matching *SECRET_KEY); it first checks that it
                         reproduces the client's own signature, and answers
                         400 FaultProxyCannotResign when it does not.
  --missing-as-403       AWS for credentials without s3:ListBucket: a 404 for
                         an object (NoSuchKey, or any 404 to a HEAD) becomes
                         403 AccessDenied (a HEAD gets no body), and requests
                         on the bucket or the service rather than an object
                         (path-style `/`, `/BUCKET`, `/BUCKET/`: HeadBucket,
                         ListObjects(V2), ListMultipartUploads, ...) are
                         answered 403 AccessDenied without being forwarded.
                         POST /BUCKET?delete (DeleteObjects) is forwarded:
                         AWS checks s3:DeleteObject per key. Other 404s
                         (NoSuchUpload, NoSuchBucket) pass unchanged, as on
                         AWS.

Stores that differ from AWS on checksums (issue 13; same HTTP handling, every
request, each altered exchange counts as a fault):
  --reject-checksum-headers
                         Backblaze B2: a request carrying any x-amz-checksum-*
                         header, x-amz-sdk-checksum-algorithm or x-amz-trailer
                         gets 400 InvalidArgument "Unsupported header '<name>'
                         received for this API call." and is not forwarded.
                         x-amz-checksum-mode (GET/HEAD asking for the stored
                         checksum) is refused too: B2 answers exactly that for
                         it (reported by B2 users of Xen Orchestra and Zipline
                         in 2025), so a client must not send it to such a store
                         either. Content-MD5 passes: B2 supports it.
  --reject-aws-chunked   a request whose Content-Encoding has aws-chunked, or
                         whose x-amz-content-sha256 is STREAMING-*, gets 400
                         NotImplemented "Transferring payloads in multiple
                         chunks using aws-chunked is not supported." and is not
                         forwarded: the answer of OpenStack Swift's S3 layer
                         (Infomaniak), which boto3 and Velero users met from
                         Hetzner and Synology stores as an HTTP 400 in 2025.
                         (GCS's XML API documents that chunked uploads and V4
                         signatures cannot be combined.)
  --wrong-multipart-checksum
                         moto's server (5.2.5, without its optional crc32c
                         package): on a response for a multipart object (an
                         ETag ending in -N) the x-amz-checksum-crc32c header,
                         when there is one (a GET or HEAD that asked with
                         x-amz-checksum-mode), carries a value that is not the
                         object's (moto sends the CRC32 instead; here the bits
                         of the true value are inverted). The bytes are intact.
  --flip-body-byte       corruption in transit (a faulty NIC, proxy or disk
                         cache): the body of every PUT that has one (PutObject,
                         UploadPart) reaches the store with its middle byte
                         inverted (for a chunked body: the middle byte of its
                         first chunk). Nothing else is changed: the SDK signs
                         bodies as UNSIGNED-PAYLOAD, so the signature still
                         holds and only a body checksum (Content-MD5 or
                         x-amz-checksum-*) lets the store notice. The offsets
                         flipped are listed in the JSON stats ("flipped").
  --etag-not-md5         the ETag of every PUT's answer (PutObject, UploadPart)
                         is not the MD5 of the bytes stored, as on AWS with
                         SSE-C or SSE-KMS and on stores that encrypt or
                         compress on their side (derived from the true one, so
                         an object keeps one ETag). The bytes are intact. A
                         CompleteMultipartUpload naming parts by those ETags
                         gets the store's own put back (its body re-hashed and
                         the request re-signed), as such a store accepts them.

Watching what reaches the store (every request; no fault is counted):
  --log-requests FILE    append the request line ("METHOD /path?query
                         HTTP/1.1") of every request relayed to FILE, one
                         per line, flushed at once: tests that must see the
                         exact object key a client asked for (SeaweedFS folds
                         empty path segments, so "a//KEY" and "a/KEY" are one
                         object there) or how often it was read

A store that changes its mind mid-run (every request, counted across
connections; PUT and POST are the writes):
  --refuse-writes-after N
                         the first N writes pass; every later one is answered
                         403 AccessDenied (a bucket whose policy or quota
                         stopped accepting uploads) and not forwarded
  --down-after-writes N  the first N writes pass; from the next one on, every
                         request on any connection is reset (the store went
                         down)

Counts of connections and injected faults are printed as JSON on SIGTERM.
"""

import argparse
import asyncio
import base64
import hashlib
import hmac
import json
import os
import re
import signal
import socket
import ssl
import struct
import sys

stats = {"connections": 0, "faults": 0, "flipped": [], "writes": 0}
EMPTY_SHA256 = hashlib.sha256(b"").hexdigest()


def hard_reset(writer):
    """Close with RST instead of FIN, as a crashed peer or middlebox does."""
    sock = writer.get_extra_info("socket")
    if sock is not None:
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        except OSError:
            pass
    writer.transport.abort()


async def read_headers(reader):
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = await reader.read(65536)
        if not chunk:
            break
        data += chunk
    return data


async def answer_with_status(reader, writer, code):
    await read_headers(reader)
    error = {500: "InternalError", 503: "SlowDown"}.get(code, "InternalError")
    body = (f'<?xml version="1.0" encoding="UTF-8"?><Error><Code>{error}</Code>'
            f"<Message>injected by fault_proxy</Message><RequestId>FAULT{stats['faults']}</RequestId></Error>").encode()
    head = (f"HTTP/1.1 {code} Fault\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"x-amz-request-id: FAULT{stats['faults']}\r\nConnection: close\r\n\r\n").encode()
    writer.write(head + body)
    await writer.drain()
    writer.close()


async def pipe(src, dst, limit=None, on_limit=None, after_each=None, delay=0):
    moved = 0
    try:
        while True:
            chunk = await src.read(65536)
            if not chunk:
                break
            if delay:
                await asyncio.sleep(delay)
                delay = 0
            if limit is not None and moved + len(chunk) >= limit:
                dst.write(chunk[: max(0, limit - moved)])
                on_limit()
                return
            moved += len(chunk)
            dst.write(chunk)
            await dst.drain()
            if after_each is not None:
                after_each(chunk)
    except (ConnectionError, OSError):
        pass
    finally:
        try:
            dst.close()
        except Exception:
            pass


# ---------------------------------------------------------------- HTTP modes

class Head:
    """A request or response head; headers keep their order and spelling."""

    def __init__(self, start, headers):
        self.start = start
        self.headers = headers

    def get(self, name):
        for k, v in self.headers:
            if k.lower() == name.lower():
                return v
        return None

    def remove(self, *names):
        names = {n.lower() for n in names}
        before = len(self.headers)
        self.headers = [h for h in self.headers if h[0].lower() not in names]
        return len(self.headers) != before

    def set(self, name, value):
        self.remove(name)
        self.headers.append((name, value))

    def encode(self):
        lines = [self.start] + [f"{k}: {v}" for k, v in self.headers]
        return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


async def read_head(reader):
    """The next head on a connection, or None when the peer closed it between messages."""
    try:
        raw = await reader.readuntil(b"\r\n\r\n")
    except asyncio.IncompleteReadError as e:
        if e.partial.strip():
            raise ConnectionError("closed inside a message head")
        return None
    lines = raw.decode("latin-1").split("\r\n")
    headers = [tuple(p.strip() for p in line.split(":", 1)) for line in lines[1:] if line]
    return Head(lines[0], headers)


def body_framing(head, request_method=None):
    """How the body after a head ends: ("length", n), ("chunked", None) or ("close", None)."""
    if request_method is not None:
        status = int(head.start.split(" ", 2)[1])
        if request_method == "HEAD" or status < 200 or status in (204, 304):
            return ("length", 0)
    if "chunked" in (head.get("Transfer-Encoding") or "").lower():
        return ("chunked", None)
    if head.get("Content-Length") is not None:
        return ("length", int(head.get("Content-Length")))
    return ("length", 0) if request_method is None else ("close", None)


async def copy_body(src, framing, sink, data_filter=None):
    """Passes a body's raw bytes (chunk framing included) to the async sink.

    data_filter, if given, sees and may replace the payload bytes only (never
    the chunk framing), each with its offset in the payload."""
    kind, left = framing
    offset = 0
    if kind == "chunked":
        while True:
            line = await src.readuntil(b"\r\n")
            await sink(line)
            if int(line.split(b";")[0], 16) == 0:
                while (trailer := await src.readuntil(b"\r\n")) != b"\r\n":
                    await sink(trailer)
                await sink(trailer)
                return
            data = await src.readexactly(int(line.split(b";")[0], 16) + 2)
            if data_filter is not None:
                data = data_filter(data[:-2], offset) + data[-2:]
                offset += len(data) - 2
            await sink(data)
    while kind == "close" or left > 0:
        chunk = await src.read(65536 if kind == "close" else min(65536, left))
        if not chunk:
            if kind == "close":
                return
            raise ConnectionError("closed inside a body")
        if kind == "length":
            left -= len(chunk)
        if data_filter is not None:
            chunk = data_filter(chunk, offset)
            offset += len(chunk)
        await sink(chunk)


def writer_sink(writer):
    async def sink(data):
        writer.write(data)
        await writer.drain()
    return sink


def access_denied(method, close):
    """403 AccessDenied as AWS sends it; a HEAD gets the head only."""
    stats["faults"] += 1
    body = ('<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code>'
            f"<Message>Access Denied</Message><RequestId>FAULT{stats['faults']}</RequestId>"
            "<HostId>fault-proxy</HostId></Error>").encode()
    head = (f"HTTP/1.1 403 Forbidden\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"x-amz-request-id: FAULT{stats['faults']}\r\n" + ("Connection: close\r\n" if close else "") + "\r\n")
    return head.encode() + (b"" if method == "HEAD" else body)


def cannot_resign(reason):
    print(f"fault_proxy: cannot re-sign a request without Range: {reason}", file=sys.stderr, flush=True)
    body = ("<?xml version=\"1.0\" encoding=\"UTF-8\"?><Error><Code>FaultProxyCannotResign</Code>"
            f"<Message>fault_proxy: {reason}</Message></Error>").encode()
    return (f"HTTP/1.1 400 Bad Request\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            "Connection: close\r\n\r\n").encode() + body


def not_an_object(method, target):
    """Path-style requests on the service or a bucket rather than on an object."""
    path, _, query = target.partition("?")
    if "://" in path:  # absolute-form request target
        path = "/" + path.split("://", 1)[1].partition("/")[2]
    key = path.lstrip("/").partition("/")[2]
    if key:
        return False
    params = {p.partition("=")[0] for p in query.split("&")}
    return not (method == "POST" and "delete" in params)


CHECKSUM_REQUEST_HEADERS = ("x-amz-sdk-checksum-algorithm", "x-amz-trailer")


def refused_checksum_header(head):
    """The first header a store without AWS's flexible checksums refuses, or None."""
    for name, _ in head.headers:
        low = name.lower()
        if low.startswith("x-amz-checksum-") or low in CHECKSUM_REQUEST_HEADERS:
            return name
    return None


def is_aws_chunked(head):
    encodings = [e.strip().lower() for e in (head.get("Content-Encoding") or "").split(",")]
    return "aws-chunked" in encodings or (head.get("x-amz-content-sha256") or "").upper().startswith("STREAMING-")


def s3_error(status, reason, code, message, method, close):
    """An S3 error answer; a HEAD gets the head only."""
    stats["faults"] += 1
    body = ('<?xml version="1.0" encoding="UTF-8"?><Error>'
            f"<Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>FAULT{stats['faults']}</RequestId><HostId>fault-proxy</HostId></Error>").encode()
    head = (f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/xml\r\nContent-Length: {len(body)}\r\n"
            f"x-amz-request-id: FAULT{stats['faults']}\r\n" + ("Connection: close\r\n" if close else "") + "\r\n")
    return head.encode() + (b"" if method == "HEAD" else body)


def refusal(args, request):
    """(status, reason, code, message) when a checksum-refusing mode turns the request away."""
    if args.reject_checksum_headers:
        name = refused_checksum_header(request)
        if name is not None:
            return (400, "Bad Request", "InvalidArgument",
                    f"Unsupported header '{name}' received for this API call.")
    if args.reject_aws_chunked and is_aws_chunked(request):
        return (400, "Bad Request", "NotImplemented",
                "Transferring payloads in multiple chunks using aws-chunked is not supported.")
    return None


MULTIPART_ETAG = re.compile(r'-[0-9]+"?$')


def falsify_multipart_checksum(response):
    """Inverts the bits of a multipart object's x-amz-checksum-crc32c, if the response has one."""
    value = response.get("x-amz-checksum-crc32c")
    if value is None or not MULTIPART_ETAG.search(response.get("ETag") or ""):
        return
    raw, _, parts = value.partition("-")  # a COMPOSITE value ends in -N
    try:
        digest = base64.b64decode(raw, validate=True)
    except ValueError:
        return
    wrong = base64.b64encode(bytes(b ^ 0xFF for b in digest)).decode()
    response.set("x-amz-checksum-crc32c", wrong + ("-" + parts if parts else ""))
    stats["faults"] += 1


ALTERED_ETAGS = {}  # ETag the client was given -> the store's own


def etag_not_md5(response):
    """Replaces a PUT answer's ETag by one that is not the MD5 of what was stored."""
    etag = (response.get("ETag") or "").strip('"')
    if etag:
        altered = hashlib.md5(b"not-md5:" + etag.encode()).hexdigest()
        ALTERED_ETAGS[altered] = etag
        response.set("ETag", '"' + altered + '"')
        stats["faults"] += 1


def restore_part_etags(head, method, target, body, secrets):
    """A CompleteMultipartUpload body with the store's own part ETags, re-hashed and re-signed."""
    restored = body
    for altered, etag in ALTERED_ETAGS.items():
        restored = restored.replace(altered.encode(), etag.encode())
    if restored == body:
        return body
    if head.get("Content-MD5"):
        head.set("Content-MD5", base64.b64encode(hashlib.md5(restored).digest()).decode())
    payload = head.get("x-amz-content-sha256") or ""
    if payload and payload != "UNSIGNED-PAYLOAD" and not payload.startswith("STREAMING"):
        head.set("x-amz-content-sha256", hashlib.sha256(restored).hexdigest())
    match = AUTH.match(head.get("Authorization") or "")
    if match and match.group(1) in secrets:
        signed = match.group(3).split(";")
        signature = sigv4_signature(head, method, target, signed, match.group(2), secrets[match.group(1)])
        head.set("Authorization", f"AWS4-HMAC-SHA256 Credential={match.group(1)}/{match.group(2)}, "
                                  f"SignedHeaders={';'.join(signed)}, Signature={signature}")
    return restored


def byte_flipper(framing):
    """A copy_body data_filter that inverts one byte: the middle of a sized body, else of its first chunk."""
    kind, length = framing
    state = {"target": length // 2 if kind == "length" else None, "done": False}

    def flip(data, offset):
        if state["done"] or not data:
            return data
        target = state["target"] if state["target"] is not None else offset + len(data) // 2
        if not offset <= target < offset + len(data):
            return data
        state["done"] = True
        stats["faults"] += 1
        stats["flipped"].append(target)
        i = target - offset
        return data[:i] + bytes([data[i] ^ 0xFF]) + data[i + 1:]
    return flip


AUTH = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/,]+)/([^,]+), *SignedHeaders=([^,]+), *Signature=([0-9a-f]+)$")


def test_secrets():
    """Access key -> secret for the S3_TEST_* identities in the environment."""
    out = {}
    for name, value in os.environ.items():
        if name.startswith("S3_TEST_") and name.endswith("ACCESS_KEY"):
            secret = os.environ.get(name[: -len("ACCESS_KEY")] + "SECRET_KEY")
            if value and secret:
                out[value] = secret
    return out


def sigv4_signature(head, method, target, signed, scope, secret):
    """SigV4 over the request as it is on the wire (S3: the path is not re-encoded)."""
    path, _, query = target.partition("?")
    params = sorted(tuple(p.partition("=")[::2]) for p in query.split("&") if p)
    values = {}
    for k, v in head.headers:
        values.setdefault(k.lower(), []).append(" ".join(v.split()))
    canonical = "\n".join([
        method, path, "&".join(f"{k}={v}" for k, v in params),
        "".join(f"{h}:{','.join(values.get(h, []))}\n" for h in signed),
        ";".join(signed), head.get("x-amz-content-sha256") or EMPTY_SHA256])
    to_sign = "\n".join(["AWS4-HMAC-SHA256", head.get("x-amz-date") or "", scope,
                         hashlib.sha256(canonical.encode()).hexdigest()])
    key = ("AWS4" + secret).encode()
    for part in scope.split("/"):
        key = hmac.new(key, part.encode(), hashlib.sha256).digest()
    return hmac.new(key, to_sign.encode(), hashlib.sha256).hexdigest()


def strip_range(head, method, target, secrets):
    """Drops Range and If-Range, re-signing when they were signed. Returns an error or None."""
    match = AUTH.match(head.get("Authorization") or "")
    signed = match.group(3).split(";") if match else []
    if "range" in signed or "if-range" in signed:
        secret = secrets.get(match.group(1))
        if secret is None:
            return "the request's access key has no S3_TEST_*SECRET_KEY in the environment"
        if sigv4_signature(head, method, target, signed, match.group(2), secret) != match.group(4):
            return "its canonical request differs from the client's (signature self-check failed)"
        signed = [h for h in signed if h not in ("range", "if-range")]
        head.remove("Range", "If-Range")
        signature = sigv4_signature(head, method, target, signed, match.group(2), secret)
        head.set("Authorization", f"AWS4-HMAC-SHA256 Credential={match.group(1)}/{match.group(2)}, "
                                  f"SignedHeaders={';'.join(signed)}, Signature={signature}")
    else:
        head.remove("Range", "If-Range")
    stats["faults"] += 1
    return None


async def handle_http(reader, writer, args, secrets):
    """Relays one client connection request by request (keep-alive), altering as asked."""
    upstream = sending = None
    try:
        while (request := await read_head(reader)) is not None:
            method, target = request.start.split(" ")[:2]
            if args.log_requests is not None:
                args.log_requests.write(request.start + "\n")
                args.log_requests.flush()
            if method in ("PUT", "POST"):
                stats["writes"] += 1
            if args.down_after_writes is not None and stats["writes"] > args.down_after_writes:
                stats["faults"] += 1
                hard_reset(writer)
                return
            if (args.refuse_writes_after is not None and method in ("PUT", "POST")
                    and stats["writes"] > args.refuse_writes_after):
                refused_write = (403, "Forbidden", "AccessDenied", "Access Denied")
            else:
                refused_write = None
            if args.missing_as_403 and not_an_object(method, target):
                # Its body, if any, is left unread: close rather than desynchronise.
                writer.write(access_denied(method, close=True))
                await writer.drain()
                return
            refused = refused_write or refusal(args, request)
            if refused is not None:
                # With Expect: 100-continue the body has not come: answer and
                # close. Otherwise read it away and keep the connection, as a
                # store does.
                expecting = "100-continue" in (request.get("Expect") or "").lower()
                if not expecting:
                    async def discard(data):
                        pass
                    await copy_body(reader, body_framing(request), discard)
                writer.write(s3_error(*refused, method, close=expecting))
                await writer.drain()
                if expecting:
                    return
                continue
            if args.strip_range and (request.get("Range") or request.get("If-Range")):
                error = strip_range(request, method, target, secrets)
                if error:
                    writer.write(cannot_resign(error))
                    await writer.drain()
                    return
            if upstream is None:
                host, port = args.upstream.rsplit(":", 1)
                upstream = await asyncio.open_connection(host, int(port))
            up_reader, up_writer = upstream
            framing = body_framing(request)
            if args.etag_not_md5 and method == "POST" and "uploadId=" in target:
                parts = []
                async def keep_part_list(data):
                    parts.append(data)
                await copy_body(reader, framing, keep_part_list)
                body = restore_part_etags(request, method, target, b"".join(parts), secrets)
                up_writer.write(request.encode() + body)  # the head re-signed first
                framing = ("length", 0)
            else:
                up_writer.write(request.encode())
            # The body goes up while the answer is awaited: a 100 Continue
            # comes back before the client sends it.
            flipper = None
            if args.flip_body_byte and method == "PUT" and framing != ("length", 0):
                flipper = byte_flipper(framing)
            sending = asyncio.ensure_future(copy_body(reader, framing, writer_sink(up_writer), flipper))
            while (response := await read_head(up_reader)) is not None and response.start.split(" ")[1].startswith("1"):
                writer.write(response.encode())
            if response is None:
                sending.cancel()
                return
            framing = body_framing(response, method)
            status = response.start.split(" ")[1]
            if args.wrong_multipart_checksum:
                falsify_multipart_checksum(response)
            if args.etag_not_md5 and method == "PUT":
                etag_not_md5(response)
            if args.missing_as_403 and status == "404":
                body = []
                async def keep(data):
                    body.append(data)
                await copy_body(up_reader, framing, keep)
                if method == "HEAD" or b"<Code>NoSuchKey</Code>" in b"".join(body):
                    writer.write(access_denied(method, close=False))
                else:
                    writer.write(response.encode() + b"".join(body))
            else:
                writer.write(response.encode())
                await copy_body(up_reader, framing, writer_sink(writer))
            await writer.drain()
            await sending
            closing = "close" in ((request.get("Connection") or "") + (response.get("Connection") or "")).lower()
            if framing[0] == "close" or closing:
                return
    except (ConnectionError, OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError, ValueError, IndexError):
        pass
    finally:
        if sending is not None:
            sending.cancel()
        for w in (writer, upstream[1] if upstream else None):
            if w is not None:
                try:
                    w.close()
                except Exception:
                    pass


async def handle(reader, writer, args):
    stats["connections"] += 1
    if (args.log_requests is not None or args.strip_range or args.missing_as_403
            or args.reject_checksum_headers or args.reject_aws_chunked
            or args.wrong_multipart_checksum or args.flip_body_byte or args.etag_not_md5
            or args.refuse_writes_after is not None or args.down_after_writes is not None):
        await handle_http(reader, writer, args, test_secrets())
        return
    faulty = stats["faults"] < args.faults
    if faulty and args.blackhole:
        stats["faults"] += 1
        await asyncio.sleep(3600)
        return
    if faulty and args.http_status:
        stats["faults"] += 1
        await answer_with_status(reader, writer, args.http_status)
        return
    host, port = args.upstream.rsplit(":", 1)
    up_reader, up_writer = await asyncio.open_connection(host, int(port))

    def reset_both():
        stats["faults"] += 1
        hard_reset(writer)
        hard_reset(up_writer)

    if faulty and args.delay_response:
        stats["faults"] += 1
    request_limit = args.reset_after if (faulty and args.reset_after) else None
    response_limit = args.reset_response_after if (faulty and args.reset_response_after) else None
    response_hook = None
    if faulty and args.reset_after_response:
        def response_hook(chunk):
            # A response ends with the body; resetting after the first chunk
            # that completes a small response is enough for these tests.
            if stats["faults"] < args.faults:
                stats["faults"] += 1
                asyncio.get_running_loop().call_later(0.05, hard_reset, writer)
    await asyncio.gather(
        pipe(reader, up_writer, request_limit, reset_both),
        pipe(up_reader, writer, response_limit, reset_both, after_each=response_hook,
             delay=args.delay_response if faulty else 0),
    )


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--faults", type=int, default=1)
    p.add_argument("--blackhole", action="store_true")
    p.add_argument("--reset-after", type=int)
    p.add_argument("--reset-response-after", type=int)
    p.add_argument("--reset-after-response", action="store_true")
    p.add_argument("--http-status", type=int)
    p.add_argument("--delay-response", type=float, default=0)
    p.add_argument("--strip-range", action="store_true")
    p.add_argument("--missing-as-403", action="store_true")
    p.add_argument("--reject-checksum-headers", action="store_true")
    p.add_argument("--reject-aws-chunked", action="store_true")
    p.add_argument("--wrong-multipart-checksum", action="store_true")
    p.add_argument("--flip-body-byte", action="store_true")
    p.add_argument("--etag-not-md5", action="store_true")
    p.add_argument("--refuse-writes-after", type=int)
    p.add_argument("--down-after-writes", type=int)
    p.add_argument("--log-requests", type=argparse.FileType("a"))
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    server = await asyncio.start_server(lambda r, w: handle(r, w, args), "127.0.0.1", args.port, ssl=tls)
    print(server.sockets[0].getsockname()[1], flush=True)

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    await stop.wait()
    print(json.dumps(stats), flush=True)
    server.close()


if __name__ == "__main__":
    asyncio.run(main())
