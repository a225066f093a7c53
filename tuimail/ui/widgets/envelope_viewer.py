"""The envelope viewer: one message's headers, body and attachments, or its raw source.

Everything shown comes from the mail, so all of it is sanitised and handed to
:class:`~textual.widgets.Static` as :class:`rich.text.Text` (plain text, never
markup).  Scrolls with j/k, space, PgUp/PgDn, g/G when focused; ``r`` toggles
the raw source; ``s`` then an attachment's number posts
:class:`EnvelopeViewer.SaveAttachment`; ``L`` then a link's number (as shown in
the text) posts :class:`EnvelopeViewer.OpenLink`.
"""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, ClassVar, Unpack

from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.widgets import Static

from tuimail.mail.sanitize import sanitize
from tuimail.ui.bindings import reader_bindings

from .base import ImmediateScroll, WidgetArgs, WidgetMessage
from .row_format import format_date, format_size

if TYPE_CHECKING:
    from tuimail.mail.render import RenderedMessage

__all__ = ["EnvelopeViewer"]

#: Raw sources longer than this are cut for display (the rest stays on the server).
RAW_DISPLAY_LIMIT = 2 * 1024 * 1024
#: Bodies longer than this many characters are cut for display (laying out more stalls the UI).
BODY_DISPLAY_LIMIT = 1_000_000


class EnvelopeViewer(ImmediateScroll, can_focus=True, inherit_bindings=False):
    """Headers (From, To, Cc, Date, Subject), the body as text, the attachment list."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *reader_bindings("viewer"),
        Binding("H", "toggle_raw", "Raw source", show=False, id="viewer.toggle_raw"),
        Binding("s", "save_attachment", "Save attachment", id="viewer.save_attachment"),
        Binding("L", "open_link", "Open link", show=False, id="viewer.open_link"),
        Binding("v", "other_part", "Plain text / HTML", show=False, id="viewer.other_part"),
        Binding("J", "step(1)", "Next message", show=False, id="viewer.next_message"),
        Binding("K", "step(-1)", "Previous message", show=False, id="viewer.previous_message"),
        Binding("ctrl+d", "half_page(1)", "Half page down", show=False, id="viewer.half_page_down"),
        Binding("ctrl+u", "half_page(-1)", "Half page up", show=False, id="viewer.half_page_up"),
        Binding("ctrl+f", "page_down", "Page down", show=False, id="viewer.page_down_ctrl"),
        Binding("ctrl+b", "page_up", "Page up", show=False, id="viewer.page_up_ctrl"),
    ]

    DEFAULT_CSS = """
    EnvelopeViewer {
        background: $surface;
        padding: 0 1;
    }
    EnvelopeViewer > #viewer-headers {
        border-bottom: solid $foreground 20%;
        padding-bottom: 0;
        margin-bottom: 1;
    }
    EnvelopeViewer > #viewer-body { width: 1fr; }
    EnvelopeViewer > #viewer-attachments {
        margin-top: 1;
        border-top: solid $foreground 20%;
        display: none;
    }
    EnvelopeViewer > #viewer-attachments.has-attachments { display: block; }
    EnvelopeViewer > #viewer-prompt {
        dock: bottom;
        background: $warning;
        color: $text;
        display: none;
    }
    EnvelopeViewer > #viewer-prompt.active { display: block; }
    EnvelopeViewer > #viewer-banner {
        dock: top;
        background: $error;
        color: $text;
        display: none;
    }
    EnvelopeViewer > #viewer-banner.active { display: block; }
    EnvelopeViewer.raw > #viewer-headers { display: none; }
    EnvelopeViewer.empty > #viewer-headers { display: none; }
    EnvelopeViewer.empty > #viewer-body { color: $text-muted; }
    EnvelopeViewer.raw > #viewer-attachments { display: none; }
    """

    class Step(WidgetMessage["EnvelopeViewer"]):
        """The user asked for the next (``by`` 1) or previous (-1) message, from the viewer."""

        def __init__(self, viewer: EnvelopeViewer, by: int) -> None:
            super().__init__(viewer)
            self.by = by

    class OpenLink(WidgetMessage["EnvelopeViewer"]):
        """The user asked to open link ``number`` (as listed under the text): ``url``."""

        def __init__(self, viewer: EnvelopeViewer, number: int, url: str) -> None:
            super().__init__(viewer)
            self.number = number
            self.url = url

    class OtherPart(WidgetMessage["EnvelopeViewer"]):
        """The user asked for the other part of a multipart/alternative: ``kind`` "plain" or "html"."""

        def __init__(self, viewer: EnvelopeViewer, kind: str) -> None:
            super().__init__(viewer)
            self.kind = kind

    class RawWanted(WidgetMessage["EnvelopeViewer"]):
        """The user asked for the raw source of the message shown, which is not here yet."""

    class SaveAttachment(WidgetMessage["EnvelopeViewer"]):
        """The user asked to save the attachment with this ``index`` (as listed)."""

        def __init__(self, viewer: EnvelopeViewer, index: int) -> None:
            super().__init__(viewer)
            self.index = index

    def __init__(self, **widget: Unpack[WidgetArgs]) -> None:
        super().__init__(**widget)
        self.add_class("empty")
        self._rendered: RenderedMessage | None = None
        self._raw: bytes | None = None
        self._raw_size = 0
        self._showing_raw = False
        #: The digits typed at the number prompt (None: no prompt), and what the number is for.
        self._digits: str | None = None
        self._prompt_for = "save"
        self._prompt_what = ""
        self._received: datetime | None = None
        #: Injectable clock for the Date line (tests pin it), as the message list's.
        self.now = datetime.now

    def compose(self) -> ComposeResult:
        # The other parts (banner, headers, attachments, prompt) are mounted when first used:
        # the first screen shows the body alone, and each hidden part cost it style passes.
        yield Static(Text("No message selected.", style="italic"), id="viewer-body")

    def _existing(self, name: str) -> Static | None:
        """The part ``name`` (a child's id), if it was mounted."""
        for child in self.children:
            if child.id == name and isinstance(child, Static):
                return child
        return None

    def _part(self, name: str) -> Static:
        """The part ``name``, mounted in its place when first used: the banner first, the
        headers above the body, the attachments below it, the prompt last."""
        part = self._existing(name)
        if part is not None:
            return part
        part = Static(id=name)
        body = self.query_one("#viewer-body", Static)
        if name == "viewer-banner":
            self.mount(part, before=0)
        elif name == "viewer-headers":
            self.mount(part, before=body)
        elif name == "viewer-attachments":
            self.mount(part, after=body)
        else:
            self.mount(part)
        return part

    # ----------------------------------------------------------------- public API

    @property
    def showing_raw(self) -> bool:
        """True while the raw source is on screen."""
        return self._showing_raw

    @property
    def rendered(self) -> RenderedMessage | None:
        """The message shown (None after :meth:`clear`)."""
        return self._rendered

    def show_message(
        self, rendered: RenderedMessage, raw: bytes | None = None, *, received: datetime | None = None
    ) -> None:
        """Show a decoded message; ``raw`` (optional) lets ``H`` toggle to the source.

        ``received`` is the server's INTERNALDATE: the Date line shows it,
        marked "(received)", when the message has no Date header that parses,
        as the message list does (:func:`tuimail.mail.headers.message_date`).
        """
        self.set_banner(None)
        self._rendered = rendered
        self._raw = raw
        self._raw_size = len(raw) if raw is not None else 0
        self._received = received
        self._showing_raw = False
        self._cancel_prompt()
        self.remove_class("raw", "empty")
        self._part("viewer-headers").update(self._headers(rendered))
        body = Text(sanitize(rendered.body[:BODY_DISPLAY_LIMIT], multiline=True))
        if len(rendered.body) > BODY_DISPLAY_LIMIT:
            more = len(rendered.body) - BODY_DISPLAY_LIMIT
            body.append(f"\n[… {more:,} more characters not shown; H shows the raw source]", style="italic")
        self.query_one("#viewer-body", Static).update(body)
        attachments = self._part("viewer-attachments")
        attachments.update(self._attachments(rendered))
        attachments.set_class(bool(rendered.attachments), "has-attachments")
        self.scroll_home(animate=False, immediate=True)

    def show_raw(self, raw: bytes, size: int | None = None) -> None:
        """Show the raw source (decoded as UTF-8 with replacements, sanitised); ``raw`` may be
        the first part of a message of ``size`` bytes, and the rest is said to be left out."""
        self._raw = raw
        self._raw_size = max(size or 0, len(raw))
        self._showing_raw = True
        self._cancel_prompt()
        self.remove_class("empty")
        self.add_class("raw")
        shown = raw[:RAW_DISPLAY_LIMIT]
        source = shown.decode("utf-8", errors="replace")
        text = Text(sanitize(source, multiline=True), no_wrap=False)
        left = self._raw_size - len(shown)
        if left > 0:
            text.append(
                f"\n[… {left:,} more bytes not shown (the first {len(shown):,} of {self._raw_size:,})]",
                style="italic",
            )
        self.query_one("#viewer-body", Static).update(text)
        self.scroll_home(animate=False, immediate=True)

    def set_banner(self, text: str | None) -> None:
        """A line above the message (say, that another client removed it); None hides it."""
        if not self.is_mounted or (not text and self._existing("viewer-banner") is None):
            return
        banner = self._part("viewer-banner")
        banner.update(Text(" " + sanitize(text)) if text else "")
        banner.set_class(bool(text), "active")

    def show_note(self, text: str) -> None:
        """Show no message, only ``text`` (e.g. that one is being fetched)."""
        self.clear()
        self.query_one("#viewer-body", Static).update(Text(sanitize(text), style="italic"))

    def clear(self) -> None:
        """Show nothing (no message selected)."""
        self.set_banner(None)
        self._rendered = None
        self._raw = None
        self._received = None
        self._showing_raw = False
        self._cancel_prompt()
        self.remove_class("raw")
        self.add_class("empty")
        if (headers := self._existing("viewer-headers")) is not None:
            headers.update("")
        self.query_one("#viewer-body", Static).update(Text("No message selected.", style="italic"))
        if (attachments := self._existing("viewer-attachments")) is not None:
            attachments.update("")
            attachments.remove_class("has-attachments")

    # ------------------------------------------------------------------ content

    def _headers(self, rendered: RenderedMessage) -> Table:
        table = Table.grid(padding=(0, 1))
        table.add_column(style="bold", no_wrap=True)
        table.add_column(ratio=1)
        rows = [
            ("From", rendered.from_),
            ("To", rendered.to),
            ("Cc", rendered.cc),
            ("Date", self._date_text(rendered)),
            ("Subject", rendered.subject),
            ("Part", self._part_text(rendered)),
        ]
        for label, value in rows:
            if label in ("Cc", "Part") and not value:
                continue
            value_text = Text(sanitize(value or ""), style="bold" if label == "Subject" else "")
            table.add_row(Text(label + ":", style="dim bold"), value_text)
        return table

    def _part_text(self, rendered: RenderedMessage) -> str:
        """Which of a plain/HTML pair is shown, and the key for the other."""
        if not rendered.alternatives:
            return ""
        names = {"plain": "plain text", "html": "HTML"}
        other = next((k for k in rendered.alternatives if k != rendered.shown_alternative), "")
        keymap: dict[str, str] = getattr(self.app, "keymap", {})
        key = keymap.get("viewer.other_part", "v").split(",")[0].strip()
        shown = names.get(rendered.shown_alternative, rendered.shown_alternative)
        return f"{shown} ({key}: {names.get(other, other)})" if other else shown

    def _date_text(self, rendered: RenderedMessage) -> str:
        """The Date line: the Date header in the list's format and zone, else the
        received date said to be one, else the header's text as sent."""
        now = self.now()
        if rendered.date_parsed is not None:
            return format_date(rendered.date_parsed, now, full=True)
        if self._received is not None:
            return format_date(self._received, now, full=True) + " (received)"
        return rendered.date

    def _attachments(self, rendered: RenderedMessage) -> Group | str:
        if not rendered.attachments:
            return ""
        count = len(rendered.attachments)
        title = Text(f"Attachments ({count}) — press s then a number to save", style="bold")
        table = Table.grid(padding=(0, 2))
        table.add_column(justify="right", no_wrap=True)
        table.add_column(ratio=1)
        table.add_column(no_wrap=True, style="dim")
        table.add_column(justify="right", no_wrap=True, style="dim")
        for info in rendered.attachments:
            table.add_row(
                Text(f"[{info.index}]"),
                Text(sanitize(info.filename or "(unnamed)"), overflow="ellipsis"),
                Text(sanitize(info.content_type or "")),
                Text(format_size(info.size)),
            )
        return Group(title, table)

    # ------------------------------------------------------------------ actions

    def action_toggle_raw(self) -> None:
        """Switch between the decoded message and its raw source."""
        if self._showing_raw:
            if self._rendered is not None:
                self.show_message(self._rendered, self._raw, received=self._received)
        elif self._raw is not None:
            self.show_raw(self._raw, self._raw_size)
        elif self._rendered is not None:
            self.query_one("#viewer-body", Static).update(Text("Fetching the raw source…", style="italic"))
            self._showing_raw = True
            self.add_class("raw")
            self.post_message(self.RawWanted(self))
        else:
            self.app.bell()

    def action_step(self, by: int) -> None:
        self.post_message(self.Step(self, by))

    def action_half_page(self, direction: int) -> None:
        self.scroll_relative(y=direction * max(1, self.scrollable_content_region.height // 2), animate=False)

    def action_save_attachment(self) -> None:
        """Start the ``s`` + number prompt (or save at once when there is one attachment)."""
        rendered = self._rendered
        if rendered is not None and not self._showing_raw and not rendered.attachments:
            self.notify("This message has no attachments", severity="warning", markup=False)
            return
        if rendered is None or self._showing_raw:
            self.app.bell()
            return
        self._ask_number("save", "Save attachment number")

    def action_other_part(self) -> None:
        """Ask for the other part of a multipart/alternative (HTML for plain text, or back)."""
        rendered = self._rendered
        if rendered is None or self._showing_raw:
            self.app.bell()
            return
        others = [kind for kind in rendered.alternatives if kind != rendered.shown_alternative]
        if not others:
            self.notify("This message has no other part to show", severity="warning", markup=False)
            return
        self.post_message(self.OtherPart(self, others[0]))

    def action_open_link(self) -> None:
        """Start the ``L`` + number prompt: the link with that number (as in the text) is opened."""
        rendered = self._rendered
        if rendered is not None and not self._showing_raw and not rendered.links:
            self.notify("This message has no links", severity="warning", markup=False)
            return
        if rendered is None or self._showing_raw:
            self.app.bell()
            return
        if len(rendered.links) == 1:
            self._fire("link", 1)
            return
        self._ask_number("link", "Open link number")

    def _numbers(self) -> set[int]:
        """The numbers the prompt takes: attachments' indexes, or links' numbers."""
        rendered = self._rendered
        if rendered is None:
            return set()
        if self._prompt_for == "link":
            return set(range(1, len(rendered.links) + 1))
        return {a.index for a in rendered.attachments}

    def _ask_number(self, purpose: str, what: str) -> None:
        self._prompt_for = purpose
        self._digits = ""
        numbers = self._numbers()
        self._prompt_what = what
        prompt = self._part("viewer-prompt")
        prompt.update(Text(f" {what} ({min(numbers)}-{max(numbers)}), Enter to confirm, Esc cancels: "))
        prompt.add_class("active")

    def _cancel_prompt(self) -> None:
        self._digits = None
        if self.is_mounted and (prompt := self._existing("viewer-prompt")) is not None:
            prompt.remove_class("active")

    def on_blur(self, event: events.Blur) -> None:
        """Leaving the viewer abandons an unfinished prompt."""
        self._cancel_prompt()

    def on_key(self, event: events.Key) -> None:
        """While a number prompt is open, digits choose an attachment or a link."""
        if self._digits is None:
            return
        numbers = self._numbers()
        event.stop()
        event.prevent_default()
        if event.key == "escape":
            self._cancel_prompt()
            return
        if event.character is not None and event.character.isdigit():
            self._digits += event.character
            number = int(self._digits)
            # Fire at once when no longer number could start with these digits.
            digits = self._digits
            if number in numbers and not any(i > number and str(i).startswith(digits) for i in numbers):
                self._fire(self._prompt_for, number)
                return
            self._part("viewer-prompt").update(Text(f" {self._prompt_what}: {digits}"))
            return
        if event.key == "enter" and self._digits:
            number = int(self._digits)
            if number in numbers:
                self._fire(self._prompt_for, number)
                return
        self.app.bell()
        self._cancel_prompt()

    def _fire(self, purpose: str, number: int) -> None:
        self._cancel_prompt()
        rendered = self._rendered
        if purpose == "link" and rendered is not None:
            self.post_message(self.OpenLink(self, number, rendered.links[number - 1]))
        else:
            self.post_message(self.SaveAttachment(self, number))
