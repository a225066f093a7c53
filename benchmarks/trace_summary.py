"""Read a tuimail protocol trace (as written by ``traced_tuimail.py``) up to a moment.

Each line is ``<time.time()> <connection> <C:|S:|--> <text>``.  A *round
trip* is one flight of client lines with no server line between them: the
client sent something and then had to hear back before sending more.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

_LINE = re.compile(r"^(?P<at>\d+\.\d+) (?P<conn>\S*) ?(?P<dir>C:|S:|--) ?(?P<text>.*)$")
_COMMAND = re.compile(r"^(?P<tag>[A-Za-z0-9.]+) (?P<name>(?:UID )?[A-Z][A-Z0-9\-]*)(?P<rest>.*)$")


@dataclass
class Command:
    at: float  # seconds after launch
    tag: str
    text: str  # command name and arguments, shortened
    done_at: float | None = None  # when its tagged response came


@dataclass
class TraceSummary:
    first_send: float | None = None  # seconds after launch of the first client line
    commands: list[Command] = field(default_factory=list)
    round_trips: int = 0
    envelopes: int = 0  # FETCH responses holding an ENVELOPE
    connections: int = 0
    client_lines: int = 0


def summarise(path: Path, launched_wall: float, until_wall: float) -> TraceSummary:
    """What tuimail sent and received between its launch and ``until_wall``."""
    out = TraceSummary()
    by_tag: dict[str, Command] = {}
    last_dir = ""
    connections: set[str] = set()
    for raw in path.read_text(encoding="utf-8", errors="replace").splitlines():
        match = _LINE.match(raw)
        if match is None:
            continue
        at = float(match["at"])
        if at > until_wall:
            break
        rel = at - launched_wall
        direction, text = match["dir"], match["text"]
        if match["conn"]:
            connections.add(match["conn"])
        if direction == "C:":
            out.client_lines += 1
            if out.first_send is None:
                out.first_send = rel
            if last_dir != "C:":
                out.round_trips += 1
            command = _COMMAND.match(text)
            if command is not None:
                shown = (command["name"] + command["rest"])[:90]
                entry = Command(rel, command["tag"], shown)
                out.commands.append(entry)
                by_tag[command["tag"]] = entry
            elif text.strip():
                out.commands.append(Command(rel, "", text.strip()[:90]))
            last_dir = "C:"
        elif direction == "S:":
            last_dir = "S:"
            if text.startswith("* ") and " FETCH " in text[:30] and "ENVELOPE" in text:
                out.envelopes += 1
            tag = text.split(" ", 1)[0]
            if tag in by_tag and by_tag[tag].done_at is None:
                by_tag[tag].done_at = rel
    out.connections = len(connections)
    return out


def format_summary(summary: TraceSummary, first_screen: float, phase: str) -> list[str]:
    lines = [
        f"tuimail protocol trace, {phase} start, up to its first screen ({first_screen:.3f} s after launch):",
        f"  first byte sent {summary.first_send:.3f} s after launch" if summary.first_send is not None
        else "  nothing sent",
        f"  {len(summary.commands)} client lines/commands in {summary.round_trips} round trips "
        f"on {summary.connections} connection(s); {summary.envelopes} envelopes fetched",
    ]
    for command in summary.commands:
        took = f"{command.done_at - command.at:7.3f} s" if command.done_at is not None else "  (open)"
        lines.append(f"  +{command.at:6.3f} s  {took}  {command.tag} {command.text}".rstrip())
    return lines
