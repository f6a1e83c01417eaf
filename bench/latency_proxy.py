#!/usr/bin/env python3
"""A TCP proxy that adds a fixed one-way delay, to model a distant S3 region.

bench/migration puts it between the plugin and the local SeaweedFS: every
burst of bytes, in each direction, reaches the other side --delay-ms later
than it arrived (20 ms each way: a request/response exchange pays 40 ms more,
as against a real region from a nearby data centre). Bytes keep flowing while
earlier ones wait, so the delay costs round trips, not bandwidth (up to the
bytes one direction may hold: --window-mib).

  latency_proxy.py --upstream 127.0.0.1:8333 [--delay-ms 20] [--port 0]

Prints the port it listens on (127.0.0.1) as its first line, then serves
until SIGTERM or SIGINT. Standard library only.
"""

import argparse
import asyncio
import signal
import sys

READ_SIZE = 256 * 1024


async def relay(reader, writer, delay, window):
    """Copies reader to writer, each chunk released `delay` seconds after it was read."""
    loop = asyncio.get_running_loop()
    queue = asyncio.Queue()
    held = asyncio.Semaphore(window // READ_SIZE)

    async def receive():
        try:
            while True:
                await held.acquire()
                data = await reader.read(READ_SIZE)
                await queue.put((loop.time() + delay, data))
                if not data:
                    return
        except (ConnectionError, OSError):
            await queue.put((loop.time() + delay, b""))

    async def send():
        try:
            while True:
                due, data = await queue.get()
                held.release()
                wait = due - loop.time()
                if wait > 0:
                    await asyncio.sleep(wait)
                if not data:
                    if writer.can_write_eof():
                        writer.write_eof()
                    return
                writer.write(data)
                await writer.drain()
        except (ConnectionError, OSError):
            return

    receiving = asyncio.ensure_future(receive())
    try:
        await send()
    finally:
        receiving.cancel()


async def serve_client(client_reader, client_writer, upstream, delay, window):
    host, port = upstream
    try:
        server_reader, server_writer = await asyncio.open_connection(host, port)
    except OSError as e:
        print(f"latency_proxy: cannot reach {host}:{port}: {e}", file=sys.stderr)
        client_writer.close()
        return
    try:
        await asyncio.gather(relay(client_reader, server_writer, delay, window),
                             relay(server_reader, client_writer, delay, window))
    except asyncio.CancelledError:
        pass  # the proxy is stopping: connections end with it
    finally:
        for w in (client_writer, server_writer):
            w.close()


async def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--upstream", required=True, help="HOST:PORT of the store")
    p.add_argument("--delay-ms", type=float, default=20.0, help="one-way delay (default 20)")
    p.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (default: any free one)")
    p.add_argument("--window-mib", type=int, default=64,
                   help="bytes one direction of a connection may hold while delayed (default 64)")
    args = p.parse_args()
    host, _, port = args.upstream.rpartition(":")
    upstream = (host or "127.0.0.1", int(port))
    delay, window = args.delay_ms / 1000.0, max(args.window_mib, 1) << 20

    server = await asyncio.start_server(
        lambda r, w: serve_client(r, w, upstream, delay, window), "127.0.0.1", args.port)
    print(server.sockets[0].getsockname()[1], flush=True)
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        asyncio.get_running_loop().add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()


if __name__ == "__main__":
    asyncio.run(main())
