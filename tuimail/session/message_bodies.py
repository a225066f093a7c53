"""Fetching what the viewer shows of a message, its raw source, and its attachments, in parts.

Opening a message (RFC 9051 §6.4.5) asks the BODYSTRUCTURE once (``UID FETCH
uid (UID RFC822.SIZE BODYSTRUCTURE)``, remembered per message), then in one
command the header and the text parts chosen as the body with their MIME
headers, each a bounded partial fetch (:mod:`tuimail.mail.message_parts`).
``BODY[HEADER]`` sets \\Seen when the message is unread, as opening did with
``BODY[]``; everything else is ``BODY.PEEK``.  Attachments stay on the server.

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
from pathlib import Path
from typing import Any, BinaryIO

from tuimail.imap.commands.fetch import BodySection
from tuimail.imap.types import FetchData
from tuimail.mail.attachments import open_new_file, safe_filename
from tuimail.mail.message_parts import MessageParts, message_parts
from tuimail.mail.render import (
    FetchedText,
    RenderedMessage,
    attachment_name,
    generated_name,
    render_parts,
)
from tuimail.mail.transfer_decoding import decoder_for

from . import messages as m
from .client import SessionClient
from .failures import LocalFailure

__all__ = ["RAW_SOURCE_BYTES", "SAVE_CHUNK_BYTES", "MessageBodies", "Structure"]

#: Of a message's raw source, the first this many bytes are fetched for the source view.
RAW_SOURCE_BYTES = 2 * 1024 * 1024
#: An attachment is fetched this many bytes at a time when saved.
SAVE_CHUNK_BYTES = 4 * 1024 * 1024
#: Messages whose structure (and rendering) is remembered.
REMEMBERED = 256

_Key = tuple[str, int | None, int]


@dataclass(frozen=True, slots=True)
class Structure:
    """What the BODYSTRUCTURE says of one message: its parts, and its size (RFC822.SIZE)."""

    parts: MessageParts
    size: int
    #: The BODYSTRUCTURE itself, for choosing the other part of a plain/HTML pair.
    bodystructure: Any = None


def _for_uid(data: Sequence[FetchData], uid: int) -> FetchData | None:
    """The FETCH response of ``uid`` (one without UID counts when it is the only one)."""
    for fd in data:
        if fd.attr.get("UID") == uid:
            return fd
    plain = [fd for fd in data if "UID" not in fd.attr]
    return plain[0] if len(plain) == 1 else None


def _megabytes(n: int) -> str:
    return f"{n / 1_048_576:,.1f} MB"


class MessageBodies:
    """The fetching side of opening, viewing the source of and saving from messages."""

    def __init__(self, post: Callable[[Any], Any]) -> None:
        self._post = post
        self._structures: OrderedDict[_Key, Structure] = OrderedDict()
        self._rendered: OrderedDict[_Key, RenderedMessage] = OrderedDict()

    @staticmethod
    def _remember(cache: OrderedDict[_Key, Any], key: _Key, value: Any) -> None:
        cache[key] = value
        cache.move_to_end(key)
        while len(cache) > REMEMBERED:
            cache.popitem(last=False)

    def rendered(self, key: _Key) -> RenderedMessage | None:
        """The message as rendered when last opened, if remembered."""
        found = self._rendered.get(key)
        if found is not None:
            self._rendered.move_to_end(key)
        return found

    async def structure(self, client: SessionClient, key: _Key) -> Structure | None:
        """The message's structure: remembered, else ``UID FETCH uid (UID RFC822.SIZE BODYSTRUCTURE)``.
        None when the message is gone."""
        found = self._structures.get(key)
        if found is not None:
            self._structures.move_to_end(key)
            return found
        uid = key[2]
        fd = _for_uid(await client.fetch_structure(uid), uid)
        if fd is None or "BODYSTRUCTURE" not in fd.attr:
            return None
        size = fd.attr.get("RFC822.SIZE")
        body = fd.attr["BODYSTRUCTURE"]
        found = Structure(message_parts(body), size if isinstance(size, int) else 0, body)
        self._remember(self._structures, key, found)
        return found

    async def fetch_shown(
        self,
        client: SessionClient,
        key: _Key,
        structure: Structure,
        *,
        mark_seen: bool,
        prefer: str = "plain",
    ) -> tuple[list[FetchData], Callable[[], RenderedMessage]] | None:
        """One ``UID FETCH`` of the header and the body's text parts (partial); the FETCH data
        (for the flags) and how to render it (work for this machine, run off the loop; hand the
        result to :meth:`shown`).  None when the message is gone.  ``prefer`` "html": the HTML
        part of a plain/HTML pair instead of the plain one."""
        uid = key[2]
        parts = structure.parts
        if prefer != "plain" and parts.alternatives:
            parts = message_parts(structure.bodystructure, prefer)
        data = await client.fetch_sections(uid, parts.fetch_sections(), mark_seen=mark_seen)
        fd = _for_uid(data, uid)
        header = BodySection("HEADER", 0, 1).data(fd) if fd is not None else None
        if fd is None or header is None:
            return None
        texts: list[FetchedText] = []
        asked = parts.text_sections()
        for part, mime, body in asked:
            got = body.data(fd) or b""
            # Cut only when the server filled the partial fetch: some state more than they send.
            left = max(0, part.size - len(got)) if len(got) >= (body.length or 0) else 0
            texts.append(FetchedText(mime.data(fd) or b"", got, left))
        fetched = {part.section for part, _, _ in asked}
        not_fetched = sum(t.left for t in texts) + sum(
            p.size for p in parts.bodies if p.section not in fetched
        )

        named = [s.data(fd) if s is not None else None for s in parts.attachment_headers()]

        def render() -> RenderedMessage:
            return render_parts(
                header, texts, parts.attachments, named, truncated=parts.truncated, not_fetched=not_fetched,
                alternatives=parts.alternatives, shown=parts.shown,
            )  # fmt: skip

        return data, render

    def shown(self, key: _Key, rendered: RenderedMessage) -> None:
        """Remember ``rendered`` (on the session's loop) for opening the message again."""
        self._remember(self._rendered, key, rendered)

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
        self, client: SessionClient, key: _Key, index: int, folder: Path, filename: str | None
    ) -> Path | None:
        """Stream attachment ``index`` (from 1, as listed) into a new file in ``folder``; its path,
        or None when the message is gone.  Progress is posted as :class:`~.messages.SaveProgress`.

        Cut off midway, the incomplete file is removed (and that is said) before the failure
        goes on to the session's failure handler."""
        structure = await self.structure(client, key)
        if structure is None:
            return None
        attachments = structure.parts.attachments
        if not 1 <= index <= len(attachments):
            raise LocalFailure(f"Could not save: the message has no attachment {index}")
        ref = attachments[index - 1]
        generated = generated_name(ref.content_type, index)
        name = safe_filename(
            filename or await self._attachment_name(client, key, index) or generated, generated
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

    async def _attachment_name(self, client: SessionClient, key: _Key, index: int) -> str | None:
        """Attachment ``index``'s name as listed when the message was opened, else from its MIME
        header (``BODY.PEEK[n.MIME]``), else as the BODYSTRUCTURE gives it."""
        structure = self._structures[key]
        rendered = self._rendered.get(key)
        if rendered is not None and len(rendered.attachments) >= index:
            return rendered.attachments[index - 1].filename
        ref = structure.parts.attachments[index - 1]
        section = structure.parts.attachment_headers()[index - 1]
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
