"""Fetching what the viewer shows of a message, its raw source, and its attachments, in parts.

Opening a message (RFC 9051 §6.4.5) is one ``UID FETCH`` of the header and the text parts
chosen as the body with their MIME headers, each a bounded partial fetch
(:mod:`tuimail.mail.message_parts`), and of the attachments' MIME headers (their names).  The
parts are chosen from the BODYSTRUCTURE the message list's FETCH brought
(:class:`~.listed_structures.ListedStructures`); for a row that came from the header cache it is
not known, and it is asked with the header (``UID FETCH uid (UID BODYSTRUCTURE BODY[HEADER]...)``),
the text parts after it.  ``BODY[HEADER]`` sets \\Seen when the message is unread, as opening
did with ``BODY[]``; everything else is ``BODY.PEEK``.  Attachments stay on the server.

What was fetched is remembered (bounded): the rendering of each part shown (``v`` and back, or
opening again, fetches nothing: :meth:`MessageBodies.rendered`), and the header sections
(``HEADER``, ``n.MIME``) of the messages opened last, so that ``v`` fetches the other part alone.

Saving an attachment streams it: ``BODY.PEEK[2]<0.4194304>``, then the next
offset, until the server sends less than asked; each piece is decoded
(:mod:`tuimail.mail.transfer_decoding`) and written, so memory holds one piece.
The raw source view fetches the message's first :data:`RAW_SOURCE_BYTES`.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from tuimail.imap.commands.fetch import BodySection
from tuimail.imap.types import FetchData

from . import messages as m
from .client import SessionClient
from .failures import LocalFailure

if TYPE_CHECKING:
    from tuimail.mail.message_parts import MessageParts
    from tuimail.mail.render import RenderedMessage

# What the viewer needs (MIME parsing, the HTML to text rendering, the attachments' files) is
# imported when a message is first opened: the first screen does without.

__all__ = ["RAW_SOURCE_BYTES", "SAVE_CHUNK_BYTES", "MessageBodies", "Structure"]

#: Of a message's raw source, the first this many bytes are fetched for the source view.
RAW_SOURCE_BYTES = 2 * 1024 * 1024
#: An attachment is fetched this many bytes at a time when saved.
SAVE_CHUNK_BYTES = 4 * 1024 * 1024
#: Messages whose structure (and rendering) is remembered.
REMEMBERED = 256
#: Messages whose header sections are remembered, and their bytes in all (the last one's are kept
#: whatever their size: they are what the viewer shows).
HEADERS_REMEMBERED = 16
HEADER_BYTES_REMEMBERED = 4 * 1024 * 1024

_Key = tuple[str, int | None, int]


@cache
def _header_section() -> BodySection:
    """``BODY[HEADER]`` as opening a message fetches it (partial: its first HEADER_FETCH_BYTES)."""
    from tuimail.mail.message_parts import HEADER_FETCH_BYTES

    return BodySection("HEADER", 0, HEADER_FETCH_BYTES)


@dataclass(frozen=True, slots=True)
class Structure:
    """What the BODYSTRUCTURE says of one message: its parts (the plain one of a plain/HTML pair)."""

    parts: MessageParts
    #: The BODYSTRUCTURE itself, for choosing the other part of a plain/HTML pair.
    bodystructure: Any = None

    @classmethod
    def of(cls, bodystructure: Any) -> Structure:
        from tuimail.mail.message_parts import message_parts

        return cls(message_parts(bodystructure), bodystructure)

    def parts_for(self, prefer: str) -> MessageParts:
        """The parts shown with ``prefer`` ("html": the HTML one of a plain/HTML pair)."""
        from tuimail.mail.message_parts import message_parts

        if prefer == "plain" or not self.parts.alternatives:
            return self.parts
        return message_parts(self.bodystructure, prefer)


def _for_uid(data: Sequence[FetchData], uid: int) -> FetchData | None:
    """The FETCH response of ``uid`` (one without UID counts when it is the only one)."""
    for fd in data:
        if fd.attr.get("UID") == uid:
            return fd
    plain = [fd for fd in data if "UID" not in fd.attr]
    return plain[0] if len(plain) == 1 else None


def _is_header(section: BodySection) -> bool:
    return section.section == "HEADER" or section.section.endswith(".MIME")


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:,.1f} MB"


class _HeaderSections:
    """The header sections (``HEADER``, ``n.MIME``) fetched for the messages opened last."""

    def __init__(self) -> None:
        self._kept: OrderedDict[_Key, dict[str, bytes]] = OrderedDict()

    def get(self, key: _Key) -> dict[str, bytes]:
        found = self._kept.get(key)
        if found is None:
            return {}
        self._kept.move_to_end(key)
        return found

    def add(self, key: _Key, sections: dict[str, bytes]) -> None:
        kept = self._kept.setdefault(key, {})
        kept.update(sections)
        self._kept.move_to_end(key)
        total = sum(len(v) for held in self._kept.values() for v in held.values())
        while len(self._kept) > 1 and (
            len(self._kept) > HEADERS_REMEMBERED or total > HEADER_BYTES_REMEMBERED
        ):
            _, dropped = self._kept.popitem(last=False)
            total -= sum(len(v) for v in dropped.values())


class MessageBodies:
    """The fetching side of opening, viewing the source of and saving from messages."""

    def __init__(self, post: Callable[[Any], Any]) -> None:
        self._post = post
        self._structures: OrderedDict[_Key, Structure] = OrderedDict()
        self._rendered: OrderedDict[tuple[_Key, str], RenderedMessage] = OrderedDict()
        self._headers = _HeaderSections()

    @staticmethod
    def _remember(cache: OrderedDict[Any, Any], key: Any, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > REMEMBERED:
            cache.popitem(last=False)

    def rendered(self, key: _Key, prefer: str = "plain") -> RenderedMessage | None:
        """The message as rendered when last shown with ``prefer``, if remembered."""
        found = self._rendered.get((key, prefer))
        if found is not None:
            self._rendered.move_to_end((key, prefer))
        return found

    def known_structure(self, key: _Key, listed: Any = None) -> Structure | None:
        """The message's structure if known: remembered, or ``listed`` (the BODYSTRUCTURE the
        list's FETCH brought); None when it must be fetched."""
        found = self._structures.get(key)
        if found is not None:
            self._structures.move_to_end(key)
            return found
        if listed is None:
            return None
        found = Structure.of(listed)
        self._remember(self._structures, key, found)
        return found

    async def structure(self, client: SessionClient, key: _Key, listed: Any = None) -> Structure | None:
        """The message's structure: known, else ``UID FETCH uid (UID RFC822.SIZE BODYSTRUCTURE)``.
        None when the message is gone."""
        found = self.known_structure(key, listed)
        if found is not None:
            return found
        uid = key[2]
        fd = _for_uid(await client.fetch_structure(uid), uid)
        if fd is None or "BODYSTRUCTURE" not in fd.attr:
            return None
        return self.known_structure(key, fd.attr["BODYSTRUCTURE"])

    async def fetch_shown(
        self,
        client: SessionClient,
        key: _Key,
        *,
        mark_seen: bool,
        prefer: str = "plain",
        listed: Any = None,
    ) -> tuple[list[FetchData], Callable[[], RenderedMessage]] | None:
        """Fetch the header and the body's text parts (partial): one ``UID FETCH`` when the
        structure is known (``listed``: the BODYSTRUCTURE the list's FETCH brought), else the
        BODYSTRUCTURE with the header first.  Header sections fetched before are not fetched
        again (unless \\Seen is to be set: ``BODY[HEADER]`` sets it).

        Returns the FETCH data (for the flags) and how to render it (work for this machine, run
        off the loop; hand the result to :meth:`shown`); None when the message is gone.
        ``prefer`` "html": the HTML part of a plain/HTML pair instead of the plain one."""
        from tuimail.mail.render import FetchedText, render_parts

        head = _header_section()
        uid = key[2]
        data: list[FetchData] = []
        structure = self.known_structure(key, listed)
        if structure is None:
            # Not listed (a row drawn from the header cache): its structure comes with the header.
            data = await client.fetch_sections(uid, [head], mark_seen=mark_seen, structure=True)
            fd = _for_uid(data, uid)
            header = head.data(fd) if fd is not None else None
            if fd is None or header is None or "BODYSTRUCTURE" not in fd.attr:
                return None
            structure = self.known_structure(key, fd.attr["BODYSTRUCTURE"])
            assert structure is not None
            self._headers.add(key, {head.section: header})
            mark_seen = False
        parts = structure.parts_for(prefer)
        known = self._headers.get(key)
        wanted = [
            s for s in parts.fetch_sections()
            if s.section not in known or (mark_seen and s.section == head.section)
        ]  # fmt: skip
        fd = None
        if wanted:
            fetched = await client.fetch_sections(uid, wanted, mark_seen=mark_seen)
            fd = _for_uid(fetched, uid)
            if fd is None:
                return None
            data += fetched

        def got(section: BodySection | None) -> bytes | None:
            if section is None:
                return None
            value = section.data(fd) if fd is not None else None
            return value if value is not None else known.get(section.section)

        header = got(head)
        if header is None:
            return None
        self._headers.add(key, {s.section: v for s in wanted if _is_header(s) and (v := got(s)) is not None})
        texts: list[FetchedText] = []
        asked = parts.text_sections()
        for part, mime, body in asked:
            text = got(body) or b""
            # Cut only when the server filled the partial fetch: some state more than they send.
            left = max(0, part.size - len(text)) if len(text) >= (body.length or 0) else 0
            texts.append(FetchedText(got(mime) or b"", text, left))
        fetched_sections = {part.section for part, _, _ in asked}
        not_fetched = sum(t.left for t in texts) + sum(
            p.size for p in parts.bodies if p.section not in fetched_sections
        )
        named = [got(s) for s in parts.attachment_headers()]

        def render() -> RenderedMessage:
            return render_parts(
                header, texts, parts.attachments, named, truncated=parts.truncated, not_fetched=not_fetched,
                alternatives=parts.alternatives, shown=parts.shown,
            )  # fmt: skip

        return data, render

    def shown(self, key: _Key, prefer: str, rendered: RenderedMessage) -> None:
        """Remember ``rendered`` (on the session's loop) for showing it again with ``prefer``."""
        self._remember(self._rendered, (key, prefer), rendered)

    async def raw_source(self, client: SessionClient, key: _Key) -> tuple[bytes, int] | None:
        """The first :data:`RAW_SOURCE_BYTES` of the message (``BODY.PEEK[]<0.n>``) and its whole
        size (RFC822.SIZE); None when it is gone."""
        uid = key[2]
        section = BodySection("", 0, RAW_SOURCE_BYTES)
        fd = _for_uid(await client.fetch_sections(uid, [section], mark_seen=False, size=True), uid)
        data = section.data(fd) if fd is not None else None
        if fd is None or data is None:
            return None
        size = fd.attr.get("RFC822.SIZE")
        return data, max(size if isinstance(size, int) else 0, len(data))

    async def save(
        self,
        client: SessionClient,
        key: _Key,
        index: int,
        folder: Path,
        filename: str | None,
        listed: Any = None,
        prefer: str = "plain",
    ) -> Path | None:
        """Stream attachment ``index`` (from 1, as listed with the ``prefer`` part of a plain/HTML
        pair shown: with the HTML part, its related images are listed too) into a new
        file in ``folder``; its path, or None when the message is gone.  Progress is posted as
        :class:`~.messages.SaveProgress`.

        Cut off midway, the incomplete file is removed (and that is said) before the failure
        goes on to the session's failure handler."""
        structure = await self.structure(client, key, listed)
        if structure is None:
            return None
        parts = structure.parts_for(prefer)
        attachments = parts.attachments
        if not 1 <= index <= len(attachments):
            raise LocalFailure(f"Could not save: the message has no attachment {index}")
        from tuimail.mail.attachments import open_new_file, safe_filename
        from tuimail.mail.render import generated_name

        ref = attachments[index - 1]
        generated = generated_name(ref.content_type, index)
        name = safe_filename(
            filename or await self._attachment_name(client, key, index, prefer) or generated, generated
        )
        try:
            path, fh = await asyncio.to_thread(open_new_file, folder, name)
        except (OSError, ValueError) as exc:
            raise LocalFailure(
                f"Could not save the attachment: {getattr(exc, 'strerror', None) or exc}"
            ) from exc
        progress = _Progress(self._post, path.name, ref.size)
        try:
            with fh:
                found = await _stream(client, key[2], ref.section, ref.encoding, fh, progress)
        except BaseException as exc:
            with contextlib.suppress(OSError):
                path.unlink()
            got = f"{_megabytes(progress.done)} of {_megabytes(ref.size)}"
            self._post(m.SaveProgress(path.name, progress.done, ref.size, failed=True))
            removed = "the incomplete file was removed"
            if isinstance(exc, _TooMuch):
                raise LocalFailure(f"Could not save {path.name}: {exc}; {removed}") from exc
            if isinstance(exc, _WriteFailed):
                why = exc.__cause__
                text = getattr(why, "strerror", None) or why
                raise LocalFailure(f"Could not save {path.name}: {text}; {removed}") from why
            if isinstance(exc, Exception):
                self._post(m.Notice(f"Saving {path.name} stopped after {got}: {removed}", "warning"))
            raise
        if not found:
            with contextlib.suppress(OSError):
                path.unlink()
            return None
        return path

    async def _attachment_name(
        self, client: SessionClient, key: _Key, index: int, prefer: str = "plain"
    ) -> str | None:
        """Attachment ``index``'s name as listed when the message was opened, else from its MIME
        header (``BODY.PEEK[n.MIME]``), else as the BODYSTRUCTURE gives it."""
        from tuimail.mail.render import attachment_name

        parts = self._structures[key].parts_for(prefer)
        rendered = self._rendered.get((key, prefer))
        if rendered is not None and len(rendered.attachments) >= index:
            return rendered.attachments[index - 1].filename
        ref = parts.attachments[index - 1]
        section = parts.attachment_headers()[index - 1]
        if section is None:
            return ref.filename
        fd = _for_uid(await client.fetch_sections(key[2], [section], mark_seen=False), key[2])
        return attachment_name(ref, section.data(fd) if fd is not None else None)


class _WriteFailed(Exception):
    """Writing to the file failed (the cause says why)."""


class _TooMuch(Exception):
    """The server sent far more than the size it stated (a save is bounded by that size)."""

    def __init__(self, stated: int) -> None:
        super().__init__(f"the server sent far more than the {stated:,} bytes it stated")


class _Progress:
    """Posts :class:`~.messages.SaveProgress` as pieces arrive."""

    def __init__(self, post: Callable[[Any], Any], name: str, size: int) -> None:
        self._post = post
        self.name = name
        self.size = size
        self.done = 0

    def add(self, received: int) -> None:
        self.done += received
        self._post(m.SaveProgress(self.name, self.done, max(self.size, self.done)))

    def finish(self) -> None:
        """All of it came (the size stated may have been more or less than the server sent)."""
        if self.done != self.size:
            self._post(m.SaveProgress(self.name, self.done, self.done))


async def _write(fh: BinaryIO, data: bytes) -> None:
    try:
        await asyncio.to_thread(fh.write, data)
    except OSError as exc:
        raise _WriteFailed() from exc


async def _stream(
    client: SessionClient, uid: int, section: str, encoding: str, fh: BinaryIO, progress: _Progress
) -> bool:
    """``BODY.PEEK[section]<offset.SAVE_CHUNK_BYTES>`` until the server sends less than asked, each
    piece decoded and written.  False when the message is gone (nothing came at all)."""
    from tuimail.mail.transfer_decoding import decoder_for

    decoder = decoder_for(encoding)
    offset = 0
    while True:
        piece = BodySection(section, offset, SAVE_CHUNK_BYTES)
        fd = _for_uid(await client.fetch_sections(uid, [piece], mark_seen=False), uid)
        chunk = piece.data(fd) if fd is not None else None
        if chunk is None:
            if offset == 0:
                return False
            break
        if offset > 4 * progress.size + SAVE_CHUNK_BYTES:
            raise _TooMuch(progress.size)
        received = min(len(chunk), SAVE_CHUNK_BYTES)
        decoded = decoder.feed(chunk[:received])
        del chunk, fd
        await _write(fh, decoded)
        offset += received
        progress.add(received)
        if received < SAVE_CHUNK_BYTES:
            break
    await _write(fh, decoder.finish())
    progress.finish()
    return True
