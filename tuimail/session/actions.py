"""What the user does to messages: open, flag, mark read, move, copy, delete, save.

Every action names its messages by UID and sends UID commands only (through
:class:`~tuimail.session.client.SessionClient`).  The server's answer decides
what is reported: a change that touched nothing (no FETCH back from a UID
STORE, a UID MOVE after which the message is still there, no COPYUID) is
reported as not done, saying why.

Actions run with the connection held (the request gate); work on this
machine (rendering a message, writing an attachment) is returned as an
*afterwards* step that runs after the connection is let go, so a slow disk
is never taken for a silent server.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Sequence
from pathlib import Path
from typing import Any

from tuimail.imap.types import FetchData
from tuimail.mail.render import render_message, save_attachment
from tuimail.mail.view_changes import FlagsChanged, ViewChange

from . import messages as m
from .client import SessionClient
from .failures import LocalFailure
from .mailboxes import MailboxDirectory
from .selected import SelectedMailbox

__all__ = ["Actions", "Afterwards"]

#: Work to do once the connection is let go.
Afterwards = Callable[[], Awaitable[None]] | None

#: Raw messages kept for re-opening and saving attachments.
RAW_CACHE_SIZE = 16


def _count(n: int, what: str = "message") -> str:
    return f"{n} {what}" if n == 1 else f"{n:,} {what}s"


def _gone(verb: str, n: int) -> str:
    return f"Not {verb}: {_count(n)} no longer exist (removed by another client?)"


def _body(data: Sequence[FetchData], uid: int) -> bytes | None:
    for fd in data:
        if fd.attr.get("UID") not in (None, uid):
            continue
        for name, value in fd.attr.items():
            if name.startswith("BODY[") and isinstance(value, bytes | bytearray):
                return bytes(value)
    return None


class Actions:
    """The user's actions on messages of the selected mailbox."""

    def __init__(
        self,
        post: Callable[[Any], Any],
        selected: SelectedMailbox,
        directory: MailboxDirectory,
        *,
        trash_folder: str,
        archive_folder: str,
    ) -> None:
        self._post = post
        self.selected = selected
        self.directory = directory
        self.trash_folder = trash_folder
        self.archive_folder = archive_folder
        self._raw: OrderedDict[tuple[str, int | None, int], bytes] = OrderedDict()

    @property
    def trash(self) -> str:
        return self.directory.special_use("\\Trash") or self.trash_folder

    @property
    def archive(self) -> str:
        return self.directory.special_use("\\Archive") or self.archive_folder

    # ------------------------------------------------------------------ reading

    async def open_message(self, client: SessionClient, uid: int) -> Afterwards:
        """Fetch the message (``BODY[]`` sets \\Seen; ``BODY.PEEK[]`` when read-only or
        already read); MessageLoaded follows once rendered, or MessageGone."""
        view = self.selected.view
        if view is None:
            return None
        summary = view.summary(uid)
        unread = summary is None or summary.unread
        raw = await self._raw_body(client, uid, mark_seen=unread)
        name = view.name
        if raw is None:
            self._post(m.MessageGone(name, uid))
            return None

        async def show() -> None:
            rendered = await asyncio.to_thread(render_message, raw)
            self._post(m.MessageLoaded(name, uid, raw, rendered))

        return show

    async def _raw_body(self, client: SessionClient, uid: int, *, mark_seen: bool) -> bytes | None:
        view = self.selected.view
        assert view is not None
        key = (view.name, view.uidvalidity, uid)
        raw = self._raw.get(key)
        if raw is not None:
            self._raw.move_to_end(key)
            if mark_seen and not client.read_only:
                await self._store(client, [uid], "\\Seen", True)
            return raw
        data = await client.fetch_body(uid, mark_seen=mark_seen)
        self.selected.drain()
        raw = _body(data, uid)
        if raw is None:
            return None
        reported = self.selected.place_fetched_flags(data)
        if mark_seen and not client.read_only and uid not in reported:
            # BODY[] set \Seen (RFC 9051 §6.4.5) though the server did not repeat the flags.
            self._assume_flags([uid], "\\Seen", True)
        self._raw[key] = raw
        while len(self._raw) > RAW_CACHE_SIZE:
            self._raw.popitem(last=False)
        return raw

    async def save_attachment(
        self, client: SessionClient, uid: int, index: int, folder: Path, filename: str | None = None
    ) -> Afterwards:
        """Write attachment ``index`` of message ``uid`` into ``folder``; AttachmentSaved follows.

        A failure to write is this machine's (LocalFailure), never the connection's."""
        raw = await self._raw_body(client, uid, mark_seen=False)
        if raw is None:
            view = self.selected.view
            self._post(m.MessageGone(view.name if view else "", uid))
            return None

        async def write() -> None:
            try:
                path = await asyncio.to_thread(save_attachment, raw, index, folder, filename)
            except OSError as exc:
                raise LocalFailure(f"Could not save the attachment: {exc.strerror or exc}") from exc
            except (ValueError, IndexError) as exc:
                raise LocalFailure(f"Could not save the attachment: {exc}") from exc
            self._post(m.AttachmentSaved(Path(path)))

        return write

    # ------------------------------------------------------------------ changes

    async def set_flag(self, client: SessionClient, uids: Sequence[int], flag: str, on: bool) -> Afterwards:
        """UID STORE ±FLAGS (flag); a UID the server no longer has is reported as not done."""
        await self._store(client, uids, flag, on)
        return None

    async def _store(self, client: SessionClient, uids: Sequence[int], flag: str, on: bool) -> None:
        self.selected.drain()
        result = await client.store_flags(uids, [flag], add=on)
        self.selected.drain()
        reported = self.selected.place_fetched_flags(result)
        view = self.selected.view
        gone = [uid for uid in uids if uid not in reported and (view is None or uid not in view)]
        # The server said OK and the message is there: it has the flag now, whether or
        # not the server repeated the flags (some do not when nothing changed).
        self._assume_flags([uid for uid in uids if uid not in reported and uid not in gone], flag, on)
        if gone:
            what = {"\\Seen": "marked", "\\Flagged": "flagged"}.get(flag, "changed")
            self._post(m.ActionFailed("flag", _gone(what, len(gone)), tuple(gone)))

    def _assume_flags(self, uids: Sequence[int], flag: str, on: bool) -> None:
        view = self.selected.view
        if view is None:
            return
        changes: list[ViewChange] = []
        for uid in uids:
            seqno = view.seqno_of_uid(uid)
            summary = view.summary(uid)
            if seqno is None or summary is None:
                continue
            flags = summary.flags | {flag} if on else summary.flags - {flag}
            changes.append(FlagsChanged(seqno, uid, frozenset(flags)))
        self.selected.post_changes(changes)

    async def move(self, client: SessionClient, uids: Sequence[int], target: str, verb: str) -> Afterwards:
        """UID MOVE (or COPY + STORE + UID EXPUNGE of those UIDs); then at most one STATUS of the target."""
        view = self.selected.view
        if view is None:
            return None
        if target == view.name:
            self._post(m.ActionFailed(verb, f"Not {verb}: already in {target}", tuple(uids)))
            return None
        self.selected.drain()
        present = [uid for uid in uids if uid in view]
        gone = [uid for uid in uids if uid not in present]
        moved: list[int] = []
        if present:
            self.selected.expect_removal(present)
            try:
                await client.move(present, target)
            finally:
                self.selected.drain()
                self.selected.forget_expected(present)
            moved = [uid for uid in present if uid not in view]
        not_moved = [uid for uid in present if uid not in moved]
        if moved:
            self._post(m.ActionDone(verb, f"{_count(len(moved)).capitalize()} {verb} to {target}"))
        if gone:
            self._post(m.ActionFailed(verb, _gone(verb, len(gone)), tuple(gone)))
        if not_moved:
            left = f"Not {verb}: the server left {_count(len(not_moved))} in {view.name}"
            self._post(m.ActionFailed(verb, left, tuple(not_moved)))
        if moved:
            await self.directory.refresh_one(client, target)
        return None

    async def copy(self, client: SessionClient, uids: Sequence[int], target: str) -> Afterwards:
        """UID COPY; with UIDPLUS the COPYUID answer says which were copied."""
        view = self.selected.view
        if view is None:
            return None
        self.selected.drain()
        present = [uid for uid in uids if uid in view]
        gone = [uid for uid in uids if uid not in present]
        copied: list[int] = []
        if present:
            copyuid = await client.copy(present, target)
            if copyuid is not None:
                copied = [uid for uid in present if uid in copyuid.source_uids]
            elif client.has("UIDPLUS", "IMAP4REV2"):
                self.selected.drain()
                gone += [uid for uid in present if uid not in view]
                copied = [uid for uid in present if uid in view]
            else:
                copied = present  # no way to tell: the server said OK
        if copied:
            self._post(m.ActionDone("copy", f"{_count(len(copied)).capitalize()} copied to {target}"))
            await self.directory.refresh_one(client, target)
        missed = [uid for uid in uids if uid not in copied]
        if missed:
            self._post(m.ActionFailed("copy", _gone("copied", len(missed)), tuple(missed)))
        return None

    async def delete(self, client: SessionClient, uids: Sequence[int]) -> Afterwards:
        """To the trash (UID MOVE); in the trash itself, \\Deleted + UID EXPUNGE of exactly those UIDs."""
        view = self.selected.view
        if view is None:
            return None
        if view.name != self.trash:
            return await self.move(client, uids, self.trash, "moved")
        if not client.has("UIDPLUS", "IMAP4REV2"):
            self._post(
                m.ActionFailed(
                    "delete", "Not deleted: the server lacks UID EXPUNGE (UIDPLUS), and a plain EXPUNGE "
                    "would also remove other clients' deleted mail", tuple(uids)
                )
            )
            return None
        self.selected.drain()
        present = [uid for uid in uids if uid in view]
        if present:
            self.selected.expect_removal(present)
            try:
                await client.delete_for_good(present)
            finally:
                self.selected.drain()
                self.selected.forget_expected(present)
        deleted = [uid for uid in present if uid not in view]
        if deleted:
            self._post(m.ActionDone("delete", f"{_count(len(deleted)).capitalize()} deleted for good"))
        missed = [uid for uid in uids if uid not in deleted]
        if missed:
            self._post(m.ActionFailed("delete", _gone("deleted", len(missed)), tuple(missed)))
        return None
