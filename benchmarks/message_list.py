"""Message-list benchmark: tuimail's virtualised MessageList against Textual's DataTable.

Both widgets get the same 100,000 messages in a headless Textual app
(``App.run_test``, 120x40) in the same run, and these are timed for each:

* fill:   hand over all the rows (MessageList: ``show`` a view + one ``Loaded`` change;
          DataTable: ``add_rows``), then the same plus waiting until the screen
          is painted (``pilot.pause()``);
* render: draw one screen of lines from cold line caches (``render_line`` for
          every visible line after the widget's rendered-line caches are cleared);
* end:    jump the cursor to the last message (MessageList: the ``G`` action;
          DataTable: ``move_cursor`` to the last row) and wait until painted.

A ``pilot.pause()`` with nothing to do is timed too: it is the floor under
every "+ paint" figure (the test harness's own wait, not the widget's work).

The DataTable gets its cells pre-formatted as ``rich.text.Text`` outside the
timings (the safe way to show mail text, and cheaper for it than formatting at
render time, which the MessageList does); the MessageList formats each row when
it first draws it.

    .venv/bin/python benchmarks/message_list.py [--rows 100000] [--repeat 3]

Prints the best of ``--repeat`` runs for each figure and the ratios
(DataTable time / MessageList time).
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import time
from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from rich.text import Text  # noqa: E402
from textual.app import App, ComposeResult  # noqa: E402
from textual.widget import Widget  # noqa: E402
from textual.widgets import DataTable  # noqa: E402

from tuimail.mail.mailbox_view import MailboxView  # noqa: E402
from tuimail.mail.summary import MessageSummary  # noqa: E402
from tuimail.mail.view_changes import Loaded  # noqa: E402
from tuimail.ui.widgets import MessageList  # noqa: E402
from tuimail.ui.widgets.row_format import format_date, format_size  # noqa: E402

SIZE = (120, 40)
NAMES = ["Alice Smith", "Bob Jones", "Carol Müller", "Dave García", "Zoë Nakamura", "José Rossi", "山田太郎"]
WORDS = "meeting budget report quarterly review draft invoice travel plan project minutes agenda".split()


def make_summaries(count: int) -> list[MessageSummary]:
    """Deterministic summaries, row 0 newest."""
    rng = random.Random(4)
    start = datetime(2026, 6, 15, 18, 0)
    out = []
    for row in range(count):
        flags = {"\\Seen"} if rng.random() < 0.8 else set()
        if rng.random() < 0.05:
            flags.add("\\Flagged")
        if rng.random() < 0.2:
            flags.add("\\Answered")
        out.append(
            MessageSummary(
                uid=count - row,
                seqno=count - row,
                flags=frozenset(flags),
                date=start - timedelta(minutes=37 * row),
                from_=rng.choice(NAMES),
                from_address="someone@example.org",
                to="me",
                subject=" ".join(rng.choices(WORDS, k=rng.randint(2, 9))).capitalize(),
                size=rng.randint(900, 4_000_000),
                has_attachment=rng.random() < 0.15,
            )
        )
    return out


def table_cells(summaries: list[MessageSummary], now: datetime) -> list[tuple[Text, ...]]:
    """The same columns for the DataTable, as plain Text (never markup)."""
    rows = []
    for s in summaries:
        flags = ("●" if s.unread else " ") + ("★" if s.flagged else " ") + ("↩" if s.answered else " ")
        rows.append(
            (
                Text(flags + ("📎" if s.has_attachment else "  ")),
                Text(format_date(s.date, now)),
                Text(s.from_),
                Text(s.subject, style="bold" if s.unread else ""),
                Text(format_size(s.size)),
            )
        )
    return rows


class ListApp(App[None]):
    def compose(self) -> ComposeResult:
        yield MessageList()


class TableApp(App[None]):
    def compose(self) -> ComposeResult:
        table: DataTable[Text] = DataTable(cursor_type="row")
        table.add_columns("", "Date", "From", "Subject", "Size")
        yield table


def cold_render(widget: Widget, clear: Callable[[], None]) -> float:
    clear()
    t0 = time.perf_counter()
    for y in range(widget.size.height):
        widget.render_line(y)
    return time.perf_counter() - t0


async def bench_message_list(summaries: list[MessageSummary]) -> dict[str, float]:
    app = ListApp()
    async with app.run_test(size=SIZE) as pilot:
        widget = app.query_one(MessageList)
        widget.focus()
        await pilot.pause()
        count = len(summaries)
        placements = tuple((count - row, summary) for row, summary in enumerate(summaries))
        t0 = time.perf_counter()
        await pilot.pause()
        idle = time.perf_counter() - t0
        gc.collect()
        t0 = time.perf_counter()
        widget.show(MailboxView("INBOX", count, generation=1))
        widget.apply_changes([Loaded(placements)])
        fill = time.perf_counter() - t0
        await pilot.pause()
        fill_paint = time.perf_counter() - t0
        render = cold_render(widget, widget._cache.clear)
        t0 = time.perf_counter()
        widget.action_cursor_last()
        await pilot.pause()
        end = time.perf_counter() - t0
        assert widget.cursor_row == len(summaries) - 1
        assert summaries[-1].subject[:20] in widget.render_line(widget.size.height - 1).text
    return {"idle": idle, "fill": fill, "fill_paint": fill_paint, "render": render, "end": end}


async def bench_data_table(cells: list[tuple[Text, ...]]) -> dict[str, float]:
    app = TableApp()
    async with app.run_test(size=SIZE) as pilot:
        table = app.query_one(DataTable)
        table.focus()
        await pilot.pause()
        t0 = time.perf_counter()
        await pilot.pause()
        idle = time.perf_counter() - t0
        gc.collect()
        t0 = time.perf_counter()
        table.add_rows(cells)
        fill = time.perf_counter() - t0
        await pilot.pause()
        fill_paint = time.perf_counter() - t0

        def clear() -> None:
            # The rendered-line caches only; row offsets stay computed.
            table._row_render_cache.clear()
            table._cell_render_cache.clear()
            table._row_renderable_cache.clear()
            table._line_cache.clear()

        render = cold_render(table, clear)
        t0 = time.perf_counter()
        table.move_cursor(row=len(cells) - 1, animate=False)
        await pilot.pause()
        end = time.perf_counter() - t0
        assert table.cursor_row == len(cells) - 1
    return {"idle": idle, "fill": fill, "fill_paint": fill_paint, "render": render, "end": end}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()

    summaries = make_summaries(args.rows)
    cells = table_cells(summaries, datetime.now())
    best: dict[str, dict[str, float]] = {}
    for name, run in (("MessageList", lambda: bench_message_list(summaries)),
                      ("DataTable", lambda: bench_data_table(cells))):
        results = [asyncio.run(run()) for _ in range(args.repeat)]
        best[name] = {key: min(r[key] for r in results) for key in results[0]}

    print(f"{args.rows:,} rows, {SIZE[0]}x{SIZE[1]} terminal, best of {args.repeat}")
    print(f"{'':24}{'MessageList':>14}{'DataTable':>14}{'ratio':>10}")
    labels = {
        "fill": "fill",
        "fill_paint": "fill + paint",
        "render": "render a screen (cold)",
        "end": "jump to end + paint",
        "idle": "idle pause (floor)",
    }
    for key, label in labels.items():
        ours, theirs = best["MessageList"][key], best["DataTable"][key]
        ratio = f"{theirs / ours:>9.1f}x" if key != "idle" else ""
        print(f"{label:24}{ours * 1000:>11.1f} ms{theirs * 1000:>11.1f} ms{ratio}")


if __name__ == "__main__":
    main()
