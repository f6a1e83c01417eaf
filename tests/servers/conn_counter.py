#!/usr/bin/env python3
"""A counting TCP proxy for tests/servers/run.sh.

Listens on 127.0.0.1 (a free port picked by the kernel), forwards every
connection to TARGET_HOST:TARGET_PORT, and counts the connections it
accepted. The counts are kept in STATE_FILE as JSON, rewritten atomically
after each accept and close:

    {"port": 41234, "accepted": 6, "open": 4, "max_open": 5}

so the test driver can read them at any time without signalling us; the same
line is printed on SIGTERM/SIGINT before exiting.

usage: conn_counter.py TARGET_HOST TARGET_PORT STATE_FILE
"""

import asyncio
import json
import os
import signal
import sys


class Counter:
    def __init__(self, state_file):
        self.state_file = state_file
        self.port = 0
        self.accepted = 0
        self.open = 0
        self.max_open = 0

    def snapshot(self):
        return {"port": self.port, "accepted": self.accepted,
                "open": self.open, "max_open": self.max_open}

    def save(self):
        tmp = self.state_file + ".tmp"
        with open(tmp, "w") as f:
            json.dump(self.snapshot(), f)
        os.replace(tmp, self.state_file)


async def pump(reader, writer):
    try:
        while True:
            data = await reader.read(65536)
            if not data:
                break
            writer.write(data)
            await writer.drain()
    except (ConnectionError, asyncio.CancelledError):
        pass
    finally:
        # Half-close towards the other side so a clean EOF is passed on.
        try:
            if writer.can_write_eof():
                writer.write_eof()
        except (OSError, RuntimeError):
            pass


async def handle(counter, target_host, target_port, client_reader, client_writer):
    counter.accepted += 1
    counter.open += 1
    counter.max_open = max(counter.max_open, counter.open)
    counter.save()
    upstream_writer = None
    try:
        upstream_reader, upstream_writer = await asyncio.open_connection(target_host, target_port)
        await asyncio.gather(pump(client_reader, upstream_writer),
                             pump(upstream_reader, client_writer))
    except OSError as e:
        print(f"conn_counter: upstream {target_host}:{target_port}: {e}", file=sys.stderr)
    finally:
        for w in (client_writer, upstream_writer):
            if w is not None:
                w.close()
        counter.open -= 1
        counter.save()


async def main():
    if len(sys.argv) != 4:
        print(__doc__.strip().splitlines()[-1], file=sys.stderr)
        sys.exit(2)
    target_host, target_port, state_file = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    counter = Counter(state_file)
    server = await asyncio.start_server(
        lambda r, w: handle(counter, target_host, target_port, r, w),
        host="127.0.0.1", port=0, backlog=128)
    counter.port = server.sockets[0].getsockname()[1]
    counter.save()  # the port is published through the state file

    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    async with server:
        await stop.wait()
    print("conn_counter: " + json.dumps(counter.snapshot()), flush=True)


if __name__ == "__main__":
    asyncio.run(main())
