"""The commands of the ``:`` command line, their arguments and their completion.

    :move Archive/2026        :copy Projects        :open INBOX from:boss since:30d
    :search from:ann since:7d :sort -r date         :theme tuimail-light
    :create Lists/rust        :rename Old New       :delete-mailbox Old
    :subscribe Lists          :unsubscribe Lists    :threads   :undo
    :account NAME             :reconnect            :quit

Each command has an id (``command.<name>``) and a line in the help screen.
Arguments are split like a shell's words: quote a mailbox name with spaces.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from tuimail.ui.screens.main import MainScreen

__all__ = ["COMMANDS", "LineCommand", "LineError", "complete", "parse"]

#: What an argument is, for completion.
ArgKind = str  # "mailbox", "theme", "sort", "account", "text"

SORT_KEYS = ("arrival", "date", "from", "subject", "size", "to", "cc")


class LineError(ValueError):
    """A command line that cannot be run; the text says why."""


@dataclass(frozen=True)
class LineCommand:
    """One ``:`` command."""

    name: str
    usage: str
    help: str
    args: tuple[ArgKind, ...]
    #: Fewest and most arguments (-1: the rest of the line is one text).
    least: int
    most: int
    run: Callable[[MainScreen, list[str]], None]

    @property
    def binding_id(self) -> str:
        return f"command.{self.name}"


def _rest(words: list[str]) -> str:
    return " ".join(words)


COMMANDS: dict[str, LineCommand] = {
    c.name: c
    for c in (
        LineCommand("move", "MAILBOX", "Move the selection (or the message) there", ("mailbox",), 1, 1,
                    lambda s, a: s.move_to(a[0])),
        LineCommand("copy", "MAILBOX", "Copy the selection (or the message) there", ("mailbox",), 1, 1,
                    lambda s, a: s.copy_to(a[0])),
        LineCommand("open", "MAILBOX [QUERY]", "Open a mailbox, showing only what QUERY finds if given",
                    ("mailbox", "text"), 1, -1, lambda s, a: s.open_mailbox(a[0], _rest(a[1:]))),
        LineCommand("search", "QUERY", "Show only the messages QUERY finds (Esc leaves)", ("text",), 1, -1,
                    lambda s, a: s.search(_rest(a))),
        LineCommand("sort", "[-r] KEY", "Sort by arrival, date, from, subject, size, to, cc", ("sort",), 1, 2,
                    lambda s, a: s.sort_by(a)),
        LineCommand("threads", "", "Show threads, or the plain list again", (), 0, 0,
                    lambda s, a: s.action_toggle_threads()),
        LineCommand("theme", "NAME", "Switch to another theme", ("theme",), 1, 1,
                    lambda s, a: s.switch_theme(a[0])),
        LineCommand("account", "NAME", "Switch to another account", ("account",), 1, 1,
                    lambda s, a: s.switch_account(a[0])),
        LineCommand("create", "MAILBOX", "Create a mailbox", ("text",), 1, 1,
                    lambda s, a: s.session.create_mailbox(a[0])),
        LineCommand("rename", "OLD NEW", "Rename a mailbox", ("mailbox", "text"), 2, 2,
                    lambda s, a: s.session.rename_mailbox(a[0], a[1])),
        LineCommand("delete-mailbox", "MAILBOX", "Delete a mailbox and all its messages (asks first)",
                    ("mailbox",), 1, 1, lambda s, a: s.delete_mailbox(a[0])),
        LineCommand("subscribe", "MAILBOX", "Subscribe to a mailbox", ("mailbox",), 1, 1,
                    lambda s, a: s.session.subscribe(a[0], True)),
        LineCommand("unsubscribe", "MAILBOX", "Unsubscribe from a mailbox", ("mailbox",), 1, 1,
                    lambda s, a: s.session.subscribe(a[0], False)),
        LineCommand("undo", "", "Take the last action back", (), 0, 0, lambda s, a: s.action_undo()),
        LineCommand("reconnect", "", "Replace the connection with a new one", (), 0, 0,
                    lambda s, a: s.app.action_reconnect()),  # type: ignore[attr-defined]
        LineCommand("help", "", "List every key and command", (), 0, 0, lambda s, a: s.app.action_help()),  # type: ignore[attr-defined]
        LineCommand("quit", "", "Leave tuimail", (), 0, 0, lambda s, a: s.app.exit()),
    )
}  # fmt: skip


def parse(line: str) -> tuple[LineCommand, list[str]]:
    """The command and its arguments; LineError says what is wrong."""
    try:
        words = shlex.split(line.strip())
    except ValueError as exc:
        raise LineError(f"cannot read the line: {exc}") from None
    if not words:
        raise LineError("no command")
    name, args = words[0].lstrip(":").lower(), words[1:]
    command = COMMANDS.get(name) or _unique_prefix(name)
    if command is None:
        raise LineError(f"no command {name!r} (Tab lists them)")
    if len(args) < command.least or (command.most >= 0 and len(args) > command.most):
        raise LineError(f"usage: :{command.name} {command.usage}".rstrip())
    return command, args


def _unique_prefix(name: str) -> LineCommand | None:
    found = [c for n, c in COMMANDS.items() if n.startswith(name)] if name else []
    return found[0] if len(found) == 1 else None


def complete(before: str, candidates: Callable[[ArgKind], Sequence[str]]) -> list[str]:
    """Completions of the last word of ``before`` (each the whole new line text)."""
    words = before.split(" ")
    head, word = " ".join(words[:-1]), words[-1]
    if len(words) == 1:
        options = [f"{name} " for name in COMMANDS if name.startswith(word.lower())]
        return sorted(options)
    command = COMMANDS.get(words[0].lower())
    if command is None:
        return []
    index = len(words) - 2
    kind = command.args[min(index, len(command.args) - 1)] if command.args else "text"
    if kind == "text":
        return []
    if kind == "sort":
        pool: Sequence[str] = ("-r", *SORT_KEYS)
    else:
        pool = candidates(kind)
    unquoted = word.strip("'\"").lower()
    found = sorted(p for p in pool if p.lower().startswith(unquoted))
    return [f"{head} {shlex.quote(p)}".lstrip() for p in found]
