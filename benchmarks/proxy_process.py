"""The tests' capability-hiding proxy (tests/servers/capability_proxy.py), in a process of its own.

The ``ui_stall`` benchmark measures the app's event loop; a proxy in the same
process would compete with the app for the GIL and CPU on every line it
forwards, so it runs here instead:

    python benchmarks/proxy_process.py HOST PORT CAPABILITY...

prints the port it listens on (one line), then forwards until its standard
input closes or it is terminated.  :func:`hiding_process` starts and stops
it from the benchmark.
"""

from __future__ import annotations

import asyncio
import contextlib
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

HERE = Path(__file__).resolve().parent


@contextlib.contextmanager
def hiding_process(host: str, port: int, *hidden: str) -> Iterator[int]:
    """A proxy to (host, port) that hides ``hidden`` (and COMPRESS=DEFLATE); yields its port."""
    process = subprocess.Popen(
        [sys.executable, str(HERE / "proxy_process.py"), host, str(port), *hidden],
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


def main(argv: list[str]) -> int:
    sys.path.insert(0, str(HERE.parent))
    host, port, *hidden = argv
    asyncio.run(_serve(host, int(port), hidden))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
