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
import contextlib
import logging
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from tuimail.mail.view_changes import FlagsChanged, ViewChange

from . import messages as m
from .client import SessionClient
from .mailboxes import MailboxDirectory
from .message_bodies import MessageBodies
from .offline_queue import OfflineQueue, QueuedAction
from .selected import SelectedMailbox
from .undo import UndoHistory, UndoStep

if TYPE_CHECKING:
    from tuimail.imap.types import CopyUIDData

__all__ = ["Actions", "Afterwards"]

_log = logging.getLogger(__name__)

#: Work to do once the connection is let go.
Afterwards = Callable[[], Awaitable[None]] | None


def _count(n: int, what: str = "message") -> str:
    return f"{n} {what}" if n == 1 else f"{n:,} {what}s"


def _gone(verb: str, n: int) -> str:
    return f"Not {verb}: {_count(n)} no longer exist (removed by another client?)"


class Actions:
    """The user's actions on messages of the selected mailbox."""

    def __init__(
        self,
        post: Callable[[Any], Any],
        selected: SelectedMailbox,
        directory: MailboxDirectory,
        connect: Callable[[], Awaitable[SessionClient]],
        *,
        trash_folder: str,
        archive_folder: str,
        journal: OfflineQueue | None = None,
        account_key: str = "",
    ) -> None:
        self._post = post
        self.selected = selected
        self.directory = directory
        self._connect = connect
        self.history = UndoHistory()
        #: Where a move in three steps is written down until done (the offline queue).
        self.journal = journal
        self.account_key = account_key
        self.trash_folder = trash_folder
        self.archive_folder = archive_folder
        #: Fetching messages' text parts, raw sources and attachments.
        self.bodies = MessageBodies(post)

    @property
    def trash(self) -> str:
        return self.directory.special_use("\\Trash") or self.trash_folder

    @property
    def archive(self) -> str:
        return self.directory.special_use("\\Archive") or self.archive_folder

    def archive_for(self, client: SessionClient) -> str:
        """Where archive moves to: on Gmail (X-GM-EXT-1) the mailbox with \\All, which takes the
        message out of INBOX as Gmail's own archive does; else \\Archive or the configured one."""
        if client.has("X-GM-EXT-1") and (everything := self.directory.special_use("\\All")):
            return everything
        return self.archive

    async def archive_messages(self, client: SessionClient, uids: Sequence[int], by_year: bool) -> Afterwards:
        """Move to the archive; with ``by_year`` into ``Archive/<year of the message>``, made when missing."""
        target = self.archive_for(client)
        view = self.selected.view
        if not by_year or view is None:
            return await self.move(client, uids, target, "archived")
        years: dict[int, list[int]] = {}
        for uid in uids:
            summary = view.summary(uid)
            year = summary.date.year if summary is not None and summary.date is not None else None
            years.setdefault(year or datetime.now().year, []).append(uid)
        delim = self.directory.delimiter or "/"
        for year, chosen in sorted(years.items()):
            folder = f"{target}{delim}{year}"
            if folder not in self.directory.names:
                await client.create(folder)
                await self.directory.load(client, skip=view.name)
                self._post(m.Notice(f"Created {folder}"))
            await self.move(client, chosen, folder, "archived")
        return None

    # ---------------------------------------------------------------- mailboxes

    async def create_mailbox(self, client: SessionClient, name: str) -> Afterwards:
        await client.create(name)
        await self._mailboxes_changed(client, f"Created {name}")
        return None

    async def rename_mailbox(self, client: SessionClient, old: str, new: str) -> Afterwards:
        await client.rename(old, new)
        await self._mailboxes_changed(client, f"Renamed {old} to {new}")
        return None

    async def delete_mailbox(self, client: SessionClient, name: str) -> Afterwards:
        if self.selected.name == name:
            self._post(m.ActionFailed("delete mailbox", f"Not deleted: {name} is open; open another first"))
            return None
        await client.delete_mailbox(name)
        await self._mailboxes_changed(client, f"Deleted {name}")
        return None

    async def subscribe(self, client: SessionClient, name: str, on: bool) -> Afterwards:
        await client.subscribe(name, on)
        self._post(m.ActionDone("subscribe", f"{'Subscribed to' if on else 'Unsubscribed from'} {name}"))
        return None

    async def _mailboxes_changed(self, client: SessionClient, text: str) -> None:
        await self.directory.load(client, skip=self.selected.name)
        self._post(m.ActionDone("mailbox", text))

    # ------------------------------------------------------------------ reading

    def _key(self, uid: int) -> tuple[str, int | None, int] | None:
        view = self.selected.view
        return None if view is None else (view.name, view.uidvalidity, uid)

    def show_again(self, uid: int, prefer: str = "plain") -> bool:
        """Post MessageLoaded for a message shown before with ``prefer`` when that needs nothing of
        the server (no \\Seen to set); False when :meth:`open_message` must run.  Needs no
        connection: checked before the request gate, so the IDLE in progress goes on."""
        self.selected.drain()
        view = self.selected.view
        key = self._key(uid)
        if view is None or key is None or uid not in view:
            return False
        summary = view.summary(uid)
        if summary is None or (summary.unread and not view.read_only):
            return False
        again = self.bodies.rendered(key, prefer)
        if again is None:
            return False
        self._post(m.MessageLoaded(view.name, uid, again))
        return True

    async def open_message(self, client: SessionClient, uid: int, prefer: str = "plain") -> Afterwards:
        """Fetch what the viewer shows (the header and the text parts, :mod:`.message_bodies`:
        one UID FETCH for a row the list fetched; ``BODY[HEADER]`` sets \\Seen when unread,
        unless read-only); MessageLoaded follows once rendered, or MessageGone.  A message shown
        before is shown again without fetching.  ``prefer`` "html" shows the HTML part of a
        plain/HTML pair (fetched then, alone)."""
        view = self.selected.view
        key = self._key(uid)
        if view is None or key is None:
            return None
        summary = view.summary(uid)
        mark_seen = (summary is None or summary.unread) and not client.read_only
        name = view.name
        again = self.bodies.rendered(key, prefer)
        if again is not None:
            if mark_seen:
                await self._store(client, [uid], "\\Seen", True)
            self._post(m.MessageLoaded(name, uid, again))
            return None
        fetched = await self.bodies.fetch_shown(
            client, key, mark_seen=mark_seen, prefer=prefer, listed=self.selected.structures.get(uid)
        )
        self.selected.drain()
        if fetched is None:
            self._post(m.MessageGone(name, uid))
            return None
        data, render = fetched
        reported = self.selected.place_fetched_flags(data)
        if mark_seen and uid not in reported:
            # BODY[HEADER] set \Seen (RFC 9051 §6.4.5) though the server did not repeat the flags.
            self._assume_flags([uid], "\\Seen", True)

        async def show() -> None:
            rendered = await asyncio.to_thread(render)
            self.bodies.shown(key, prefer, rendered)
            self._post(m.MessageLoaded(name, uid, rendered))

        return show

    async def raw_source(self, client: SessionClient, uid: int) -> Afterwards:
        """The start of the message's raw source (``BODY.PEEK[]<0.n>``); RawSourceLoaded follows."""
        key = self._key(uid)
        if key is None:
            return None
        found = await self.bodies.raw_source(client, key)
        if found is None:
            self._post(m.MessageGone(key[0], uid))
        else:
            self._post(m.RawSourceLoaded(key[0], uid, *found))
        return None

    async def save_attachment(
        self,
        client: SessionClient,
        uid: int,
        index: int,
        folder: Path,
        filename: str | None = None,
        prefer: str = "plain",
    ) -> Afterwards:
        """Stream attachment ``index`` of message ``uid`` into ``folder`` (partial fetches, decoded
        as they come, progress posted); AttachmentSaved follows.

        A failure to write is this machine's (LocalFailure), never the connection's."""
        key = self._key(uid)
        if key is None:
            return None
        listed = self.selected.structures.get(uid)
        path = await self.bodies.save(client, key, index, folder, filename, listed, prefer)
        if path is None:
            self._post(m.MessageGone(key[0], uid))
        else:
            self._post(m.AttachmentSaved(path))
        return None

    # ------------------------------------------------------------------ changes

    async def set_flag(self, client: SessionClient, uids: Sequence[int], flag: str, on: bool) -> Afterwards:
        """UID STORE ±FLAGS (flag); a UID the server no longer has is reported as not done.

        Leaves an undo step for the messages whose flag really changed."""
        view = self.selected.view
        if view is None:
            return None
        self.selected.drain()
        changing = [uid for uid in uids if (s := view.summary(uid)) is None or (flag in s.flags) != on]
        done = await self._store(client, uids, flag, on)
        changed = [uid for uid in changing if uid in done]
        if changed:
            mailbox = view.name

            async def inverse(client: SessionClient) -> str:
                async with self._in(client, mailbox) as (there, here):
                    if here:
                        await self._store(there, changed, flag, not on)
                    else:
                        await there.store_flags(changed, [flag], add=not on)
                return f"{_flag_words(flag, not on)} {_count(len(changed))} again"

            self.history.push(UndoStep(f"{_flag_words(flag, on)} {_count(len(changed))}", inverse))
        return None

    async def _store(self, client: SessionClient, uids: Sequence[int], flag: str, on: bool) -> list[int]:
        """UID STORE; returns the UIDs the change reached."""
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
        return [uid for uid in uids if uid not in gone]

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

    async def move(
        self, client: SessionClient, uids: Sequence[int], target: str, verb: str, *, record: bool = True
    ) -> Afterwards:
        """UID MOVE (or COPY + STORE + UID EXPUNGE of those UIDs); then at most one STATUS of the target.

        Leaves an undo step that moves them back (by COPYUID, else by Message-ID)."""
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
        copyuid: CopyUIDData | None = None
        ids: dict[int, str] = {}
        if present:
            atomic = client.has("MOVE", "IMAP4REV2")
            if (record and not client.has("UIDPLUS", "IMAP4REV2")) or not atomic:
                ids = await client.message_ids(present)  # no COPYUID, or a move in three steps
            self.selected.expect_removal(present)
            try:
                copyuid = await self._journaled_move(
                    client, view.name, view.uidvalidity, present, target, ids
                )
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
            if record:
                self._record_move(view.name, target, moved, copyuid, ids, verb)
            await self.directory.refresh_one(client, target)
        return None

    async def _journaled_move(
        self,
        client: SessionClient,
        mailbox: str,
        uidvalidity: int | None,
        uids: list[int],
        target: str,
        ids: dict[int, str] | None = None,
    ) -> CopyUIDData | None:
        """``client.move`` of ``uids`` from ``mailbox`` (selected on ``client``) to ``target``.

        Without MOVE it is COPY, STORE, EXPUNGE: a cut between them leaves a copy in both
        places.  So it is written down first (with the Message-IDs), and after reconnecting
        the queue finishes it instead of doubling it; the entry goes once the server has
        answered every step, or refused one."""
        journal = None
        if not client.has("MOVE", "IMAP4REV2") and uidvalidity is not None and self.journal is not None:
            if not ids:
                ids = await client.message_ids(uids)
            detail: dict[str, object] = {"target": target, "ids": {str(u): i for u, i in ids.items()}}
            journal = self.journal.add(self.account_key, mailbox, uidvalidity, "move", uids, detail)
        try:
            copyuid = await client.move(uids, target)
        except (ConnectionError, TimeoutError):
            raise  # cut off: the journal entry finishes it after reconnecting
        except BaseException:
            if journal is not None and self.journal is not None:
                self.journal.remove(journal)  # refused: nothing to finish
            raise
        if journal is not None and self.journal is not None:
            self.journal.remove(journal)  # reached here: the server answered every step
        return copyuid

    def _record_move(
        self,
        source: str,
        target: str,
        moved: list[int],
        copyuid: CopyUIDData | None,
        ids: dict[int, str],
        verb: str,
    ) -> None:
        there_uids = _mapped(copyuid, moved)
        message_ids = [ids[uid] for uid in moved if ids.get(uid)]

        async def inverse(client: SessionClient) -> str:
            async with self._in(client, target) as (there, here):
                uids = there_uids or await there.uids_by_message_id(message_ids)
                if not uids:
                    return f"Nothing to move back: the messages are no longer in {target}"
                if here:
                    await self.move(there, uids, source, "moved back", record=False)
                else:
                    await self._journaled_move(there, target, there.uidvalidity, uids, source)
            return f"Moved {_count(len(uids))} back to {source}"

        self.history.push(UndoStep(f"{verb.capitalize()} {_count(len(moved))} to {target}", inverse))

    async def copy(self, client: SessionClient, uids: Sequence[int], target: str) -> Afterwards:
        """UID COPY; with UIDPLUS the COPYUID answer says which were copied (and undo removes them)."""
        view = self.selected.view
        if view is None:
            return None
        self.selected.drain()
        present = [uid for uid in uids if uid in view]
        gone = [uid for uid in uids if uid not in present]
        copied: list[int] = []
        copyuid: CopyUIDData | None = None
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
            copies = _mapped(copyuid, copied)
            if copies:

                async def inverse(client: SessionClient) -> str:
                    async with self._in(client, target) as (there, here):
                        await there.delete_for_good(copies)
                        if here:
                            self.selected.drain()
                    return f"Removed the {_count(len(copies), 'copy')} from {target}"

                self.history.push(UndoStep(f"Copied {_count(len(copied))} to {target}", inverse))
            else:
                said = f"The copy to {target} cannot be undone: the server did not say which copies it made"
                self.history.push(UndoStep(f"Copied {_count(len(copied))} to {target}", None, said))
            await self.directory.refresh_one(client, target)
        missed = [uid for uid in uids if uid not in copied]
        if missed:
            self._post(m.ActionFailed("copy", _gone("copied", len(missed)), tuple(missed)))
        return None

    async def delete(self, client: SessionClient, uids: Sequence[int]) -> Afterwards:
        """To the trash (UID MOVE); in the trash itself, \\Deleted + UID EXPUNGE of exactly those UIDs.

        Without UIDPLUS nothing is expunged (a plain EXPUNGE would also remove other
        clients' deleted mail): the messages are marked \\Deleted, and that is said."""
        view = self.selected.view
        if view is None:
            return None
        if view.name != self.trash:
            return await self.move(client, uids, self.trash, "moved")
        self.selected.drain()
        present = [uid for uid in uids if uid in view]
        if not client.has("UIDPLUS", "IMAP4REV2"):
            marked = await self._store(client, present, "\\Deleted", True) if present else []
            if marked:
                self._post(
                    m.ActionFailed(
                        "delete",
                        f"Marked {_count(len(marked))} deleted, not removed: the server lacks UID EXPUNGE "
                        "(UIDPLUS), and a plain EXPUNGE would also remove other clients' deleted mail",
                        tuple(marked),
                    )
                )
            return None
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
            said = f"{_count(len(deleted)).capitalize()} deleted for good cannot come back"
            self.history.push(UndoStep(f"Deleted {_count(len(deleted))} for good", None, said))
        missed = [uid for uid in uids if uid not in deleted]
        if missed:
            self._post(m.ActionFailed("delete", _gone("deleted", len(missed)), tuple(missed)))
        return None

    async def undo(self, client: SessionClient) -> Afterwards:
        """Take the last step back; says what was undone (or why it cannot be)."""
        step = self.history.pop()
        if step is None:
            self._post(m.ActionFailed("undo", "Nothing to undo"))
            return None
        if step.inverse is None:
            self._post(m.ActionFailed("undo", step.said or f"Cannot undo: {step.what}"))
            return None
        text = await step.inverse(client)
        self._post(m.ActionDone("undo", text))
        return None

    async def replay(self, client: SessionClient, entry: QueuedAction) -> str | None:
        """Do one action that waited for the connection; what to tell the user (None: the
        connection failed, keep it waiting)."""
        what = entry.describe()
        try:
            async with self._in(client, entry.mailbox) as (there, here):
                uidvalidity = (
                    self.selected.view.uidvalidity if here and self.selected.view else there.uidvalidity
                )
                if uidvalidity != entry.uidvalidity:
                    return f"Not done: {what} (the mailbox was rebuilt on the server since)"
                uids = list(entry.uids)
                if entry.kind == "flag":
                    flag, on = str(entry.detail.get("flag")), bool(entry.detail.get("on"))
                    if here:
                        done = await self._store(there, uids, flag, on)
                    else:
                        reported = {
                            fd.attr.get("UID") for fd in await there.store_flags(uids, [flag], add=on)
                        }
                        done = [u for u in uids if u in reported]
                else:
                    target = (
                        self.trash
                        if entry.kind == "delete"
                        else str(entry.detail.get("target") or self.archive)
                    )
                    finished = await self._finish_interrupted(client, there, entry, uids, target)
                    if finished is not None:
                        return finished
                    if here:
                        await self.move(there, uids, target, "moved")
                        done = uids
                    else:
                        copyuid = await there.move(uids, target)
                        done = uids if copyuid is None else [u for u in uids if u in copyuid.source_uids]
        except (ConnectionError, TimeoutError):
            return None
        except Exception as exc:  # noqa: BLE001 - reported, and the queue moves on
            return f"Not done: {what} ({exc})"
        if not done:
            return f"Not done: {what} (the messages are gone)"
        return f"Done now that the connection is back: {what}"

    async def _finish_interrupted(
        self, client: SessionClient, there: SessionClient, entry: QueuedAction, uids: list[int], target: str
    ) -> str | None:
        """A move in three steps cut off after its COPY: the copies are in ``target`` (found by
        Message-ID), so only the originals go (\\Deleted + UID EXPUNGE of exactly them).

        ``there`` has the entry's mailbox selected; ``client`` is the session's own connection
        (the copies are looked for through it, or through a side connection: never through
        ``there``, whose mailbox holds the originals with the same Message-IDs)."""
        ids = entry.detail.get("ids")
        if not isinstance(ids, dict) or not ids:
            return None
        still = set(await there.uid_search_uids(uids))
        if not still:
            return f"Done before the connection was lost: {entry.describe()}"
        async with self._in(client, target) as (copies, _):
            found = await copies.uids_by_message_id([str(ids[str(u)]) for u in still if str(u) in ids])
        if not found:
            return None  # never copied: the move is done afresh
        originals = sorted(still)
        if not there.has("UIDPLUS", "IMAP4REV2"):
            return f"Not finished: {entry.describe()} is now in both mailboxes (the server lacks UID EXPUNGE)"
        if self.selected.name == entry.mailbox:
            self.selected.expect_removal(originals)
        await there.delete_for_good(originals)
        self.selected.drain()
        return f"Finished the move the lost connection cut short: {entry.describe()} (no duplicate left)"

    @contextlib.asynccontextmanager
    async def _in(self, client: SessionClient, mailbox: str) -> AsyncIterator[tuple[SessionClient, bool]]:
        """A connection with ``mailbox`` selected: the session's own when it is the open one
        (``here`` True), else a short second connection (the open mailbox's view stays as it is)."""
        if self.selected.name == mailbox:
            yield client, True
            return
        side = await self._connect()
        try:
            await side.open(mailbox)
            yield side, False
        finally:
            try:
                await asyncio.wait_for(side.logout(), 5.0)
            except Exception:  # noqa: BLE001 - a side connection that will not close is dropped
                side.abort("done")


def _flag_words(flag: str, on: bool) -> str:
    if flag == "\\Seen":
        return "Marked read" if on else "Marked unread"
    if flag == "\\Flagged":
        return "Flagged" if on else "Unflagged"
    return f"{'Set' if on else 'Cleared'} {flag} on"


def _mapped(copyuid: CopyUIDData | None, uids: Sequence[int]) -> list[int]:
    """The UIDs ``uids`` got where they were copied or moved (COPYUID, RFC 4315 §3), in order."""
    if copyuid is None:
        return []
    return [new for uid in uids if (new := copyuid.assigned_uid(uid)) is not None]
