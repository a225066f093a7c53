"""Proxies in a process of their own: the tests' capability-hiding proxy
(tests/servers/capability_proxy.py), and one adding network latency.

The ``ui_stall`` benchmark measures the app's event loop; a proxy in the same
process would compete with the app for the GIL and CPU on every line it
forwards, so it runs here instead:

    python benchmarks/proxy_process.py HOST PORT CAPABILITY...
    python benchmarks/proxy_process.py --delay-ms N HOST PORT

prints the port it listens on (one line), then forwards until its standard
input closes or it is terminated.  :func:`hiding_process` and
:func:`delaying_process` start and stop it from a benchmark.  The delaying
proxy holds every chunk N ms in each direction (a round trip of 2N ms, in
order), and a new connection's greeting 2N ms more (the TCP handshake's
round trip): loopback with the latency of a server on the network.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


def hiding_process(host: str, port: int, *hidden: str) -> contextlib.AbstractContextManager[int]:
    """A proxy to (host, port) that hides ``hidden`` (and COMPRESS=DEFLATE); yields its port."""
    return _proxy_process([host, str(port), *hidden])


def delaying_process(host: str, port: int, delay_ms: float) -> contextlib.AbstractContextManager[int]:
    """A proxy to (host, port) holding every chunk ``delay_ms`` each way; yields its port."""
    return _proxy_process(["--delay-ms", str(delay_ms), host, str(port)])


@contextlib.contextmanager
def _proxy_process(argv: list[str]) -> Iterator[int]:
    process = subprocess.Popen(
        [sys.executable, str(HERE / "proxy_process.py"), *argv],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert process.stdout is not None
        line = process.stdout.readline()
        if not line.strip().isdigit():
            raise RuntimeError(f"the proxy did not start: {line!r}")
        yield int(line)
    finally:
        if process.stdin is not None:
            process.stdin.close()
        try:
            process.wait(5)
        except subprocess.TimeoutExpired:
            process.terminate()
            process.wait(5)
        if process.stdout is not None:
            process.stdout.close()


async def _serve(host: str, port: int, hidden: list[str]) -> None:
    from tests.servers.capability_proxy import hiding

    loop = asyncio.get_running_loop()
    async with hiding(host, port, *hidden) as proxy:
        print(proxy.port, flush=True)
        # Until the parent closes our standard input (or goes away).
        await loop.run_in_executor(None, sys.stdin.read)


async def _forward_late(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, delay: float) -> None:
    """Each chunk from ``reader`` written ``delay`` seconds after it came, in order."""
    loop = asyncio.get_running_loop()
    chunks: asyncio.Queue[tuple[float, bytes]] = asyncio.Queue()

    async def write() -> None:
        while True:
            due, data = await chunks.get()
            await asyncio.sleep(max(0.0, due - loop.time()))
            if not data:
                writer.close()
                return
            writer.write(data)
            await writer.drain()

    writing = asyncio.ensure_future(write())
    try:
        while data := await reader.read(65536):
            chunks.put_nowait((loop.time() + delay, data))
    finally:
        chunks.put_nowait((loop.time() + delay, b""))
        await writing


async def _delay(host: str, port: int, delay: float) -> None:
    async def connected(client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        with contextlib.suppress(asyncio.CancelledError):  # the proxy is stopping
            await asyncio.sleep(2 * delay)  # the TCP handshake's round trip
            server_r, server_w = await asyncio.open_connection(host, port)
            await asyncio.gather(
                _forward_late(client_r, server_w, delay),
                _forward_late(server_r, client_w, delay),
                return_exceptions=True,
            )

    loop = asyncio.get_running_loop()
    server = await asyncio.start_server(connected, "127.0.0.1", 0)
    async with server:
        print(server.sockets[0].getsockname()[1], flush=True)
        await loop.run_in_executor(None, sys.stdin.read)


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    if argv[:1] == ["--delay-ms"]:
        delay_ms, host, port = argv[1:4]
        asyncio.run(_delay(host, int(port), float(delay_ms) / 1000))
        return 0
    host, port, *hidden = argv
    asyncio.run(_serve(host, int(port), hidden))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
