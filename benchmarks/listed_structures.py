"""Memory of keeping the list's BODYSTRUCTUREs for opening (tuimail/session/listed_structures.py).

The message list's FETCH brings every row's BODYSTRUCTURE; the session keeps those of the rows
fetched last (a budget of bytes) so that opening one needs a single UID FETCH.  This measures,
on the stream of ``benchmarks/parse.py`` (``--count`` realistic FETCH responses), with
tracemalloc, the memory held after the message-list path (``SelectedMailbox._fetch_chunk``:
parse each batch, build the MessageSummary rows, keep the rows):

* rows:         the summaries alone (as before);
* rows + kept:  and ``ListedStructures.keep`` of each batch, as the session now does;
* rows + all:   and every row's BODYSTRUCTURE in a plain dict (what keeping them in the
                summaries would cost), for comparison.

    .venv/bin/python benchmarks/listed_structures.py [--count 100000]

Prints the bytes held by each, and the time ``keep`` adds to the path.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks.parse import Gen  # noqa: E402
from tuimail.imap.limits import Limits  # noqa: E402
from tuimail.imap.parser import parse_response  # noqa: E402
from tuimail.mail.summary import MessageSummary  # noqa: E402
from tuimail.session.listed_structures import ListedStructures  # noqa: E402
from tuimail.session.selected import FETCH_BATCH  # noqa: E402


def message_list(responses: list[bytes], keep: str) -> tuple[dict[int, MessageSummary], Any]:
    """The rows, and what was kept beside them (``keep``: "", "kept" or "all")."""
    rows: dict[int, MessageSummary] = {}
    kept = ListedStructures()
    every: dict[int, Any] = {}
    max_items = Limits().max_items
    for start in range(0, len(responses), FETCH_BATCH):
        batch = [
            parse_response(r, utf8=False, max_items=max_items).data
            for r in responses[start : start + FETCH_BATCH]
        ]
        if keep == "kept":
            kept.keep(batch)
        elif keep == "all":
            every.update((fd.attr["UID"], fd.attr["BODYSTRUCTURE"]) for fd in batch)
        for fd in batch:
            if "UID" in fd.attr and "ENVELOPE" in fd.attr:
                rows[fd.seqno] = MessageSummary.from_fetch(fd)
    return rows, kept if keep == "kept" else every


def held(responses: list[bytes], keep: str) -> tuple[int, int]:
    """Bytes held after the path (rows and what was kept), and entries kept."""
    gc.collect()
    tracemalloc.start()
    result = message_list(responses, keep)
    gc.collect()
    current, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return current, len(result[1])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=100_000)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    gen = Gen(args.seed)
    responses = [gen.fetch(n) for n in range(1, args.count + 1)]
    size = sum(map(len, responses)) / 1e6
    print(f"{len(responses):,} FETCH responses, {size:.1f} MB; {sys.version.split()[0]}")
    base, _ = held(responses, "")
    kept, kept_n = held(responses, "kept")
    every, every_n = held(responses, "all")
    print(f"  rows:         {base / 1e6:8.1f} MB held")
    more = (kept - base) / 1e6
    print(f"  rows + kept:  {kept / 1e6:8.1f} MB held (+{more:.2f} MB, {kept_n:,} structures kept)")
    more = (every - base) / 1e6
    print(f"  rows + all:   {every / 1e6:8.1f} MB held (+{more:.2f} MB, {every_n:,} structures)")
    times: dict[str, float] = {}
    for keep in ("", "kept", "") * 2 + ("kept",):
        t0 = time.perf_counter()
        message_list(responses, keep)
        times[keep] = min(times.get(keep, float("inf")), time.perf_counter() - t0)
    print(f"  message-list path {times[''] * 1000:.0f} ms, with keep {times['kept'] * 1000:.0f} ms "
          f"(best of 3)")


if __name__ == "__main__":
    main()
