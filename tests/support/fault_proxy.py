#!/usr/bin/env python3
"""A TCP proxy in front of the local S3 server that injects faults.

Tests start one per case on 127.0.0.1 (port 0: the kernel picks one), read
the port from its first line of output, point the backend's endpoint at it
and stop it afterwards. Standard library only.

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

Counts of connections and injected faults are printed as JSON on SIGTERM.
"""

import argparse
import asyncio
import json
import signal
import socket
import ssl
import struct
import sys

stats = {"connections": 0, "faults": 0}


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


async def handle(reader, writer, args):
    stats["connections"] += 1
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
    p.add_argument("--faults", type=int, default=1)
    p.add_argument("--blackhole", action="store_true")
    p.add_argument("--reset-after", type=int)
    p.add_argument("--reset-response-after", type=int)
    p.add_argument("--reset-after-response", action="store_true")
    p.add_argument("--http-status", type=int)
    p.add_argument("--delay-response", type=float, default=0)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    args = p.parse_args()

    tls = None
    if args.tls_cert:
        tls = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        tls.load_cert_chain(args.tls_cert, args.tls_key)
    server = await asyncio.start_server(lambda r, w: handle(r, w, args), "127.0.0.1", 0, ssl=tls)
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
