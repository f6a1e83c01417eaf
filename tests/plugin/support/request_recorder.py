#!/usr/bin/env python3
"""A TCP relay in front of the local S3 server that writes down the request
line of every request it relays (one per line, to the file given), so a
test can see the exact object key a client asked for. SeaweedFS folds
empty path segments ("a//KEY" and "a/KEY" are one object), so only the
request itself shows whether a stored key was used as stored.

Prints its port on the first line of output. Standard library only.
"""

import argparse
import asyncio
import re

# Anywhere, not only after a CRLF: on a kept-alive connection the next
# request line follows the last byte of the previous request's body.
REQUEST_LINE = re.compile(rb"((?:GET|HEAD|PUT|POST|DELETE) /\S* HTTP/1\.[01])\r\n")


async def pipe(reader, writer, log=None):
    seen = b""
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            if log is not None:
                # Requests may be split across reads: scan with a short tail kept.
                seen = seen[-8192:] + data
                for match in REQUEST_LINE.finditer(seen):
                    log.write(match.group(1).decode("latin-1") + "\n")
                    log.flush()
                seen = seen[seen.rfind(b"\r\n") + 2:] if b"\r\n" in seen else seen
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        try:
            writer.close()
        except Exception:
            pass


async def main():
    p = argparse.ArgumentParser()
    p.add_argument("--upstream", required=True)
    p.add_argument("--log", required=True)
    args = p.parse_args()
    host, port = args.upstream.rsplit(":", 1)
    log = open(args.log, "a")

    async def handle(client_reader, client_writer):
        up_reader, up_writer = await asyncio.open_connection(host, int(port))
        await asyncio.gather(pipe(client_reader, up_writer, log), pipe(up_reader, client_writer))

    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


if __name__ == "__main__":
    try:
        asyncio.run(main())
    except KeyboardInterrupt:
        pass
