"""Unsolicited responses delivered to subscribers with bounded buffering.

Responses the server sends on its own (RFC 9051 §7: EXISTS, EXPUNGE,
VANISHED, FETCH flag changes, ``OK [ALERT]``, BYE, ...) and the ones no
command claimed are published to every :class:`Subscription`.  Each
subscription has a bounded queue, in responses (``maxsize``) and in bytes
(``max_bytes``, their size on the wire): when a slow reader lets it fill
up, the oldest responses are dropped and :attr:`Subscription.dropped`
counts them, so memory stays bounded and the reader can tell it must
resynchronise (e.g. with NOOP/SELECT).  Nothing is kept when nobody
subscribes.

    with imap.updates() as updates:
        async for response in updates:
            ...
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable
from types import TracebackType

from .types import UntaggedResponse

#: Default number of responses a subscription buffers.
DEFAULT_MAXSIZE = 1000
#: Default bytes (on the wire) of the responses a subscription buffers; the
#: newest response is kept whatever its size.
DEFAULT_MAX_BYTES = 16 * 1024 * 1024


class Subscription:
    """A bounded async stream of unsolicited :class:`UntaggedResponse`.

    Iterate with ``async for`` (ends when the connection closes or the
    subscription is closed) or call :meth:`get`.  ``names`` restricts it
    to those response names (e.g. ``{"EXISTS", "EXPUNGE"}``).
    """

    def __init__(
        self,
        hub: Hub,
        maxsize: int = DEFAULT_MAXSIZE,
        names: Iterable[str] | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> None:
        if maxsize < 1 or max_bytes < 1:
            raise ValueError("maxsize and max_bytes must be at least 1")
        self._hub = hub
        self.maxsize = maxsize
        self.max_bytes = max_bytes
        self._bytes = 0
        self.names = frozenset(n.upper() for n in names) if names is not None else None
        self._items: deque[UntaggedResponse] = deque()
        self._waiter: asyncio.Future[None] | None = None
        self.dropped = 0
        self.closed = False

    # --- producer side (the client) ----------------------------------------

    def _put(self, response: UntaggedResponse) -> None:
        if self.closed or (self.names is not None and response.name not in self.names):
            return
        self._items.append(response)
        self._bytes += len(response.raw_data)
        while len(self._items) > 1 and (len(self._items) > self.maxsize or self._bytes > self.max_bytes):
            self._bytes -= len(self._items.popleft().raw_data)
            self.dropped += 1
        self._wake()

    def _wake(self) -> None:
        if self._waiter is not None and not self._waiter.done():
            self._waiter.set_result(None)

    # --- consumer side -----------------------------------------------------

    def get_nowait(self) -> UntaggedResponse | None:
        """The next buffered response, or None."""
        return self._take() if self._items else None

    def _take(self) -> UntaggedResponse:
        item = self._items.popleft()
        self._bytes -= len(item.raw_data)
        return item

    async def get(self) -> UntaggedResponse | None:
        """Wait for the next response; None once closed and drained."""
        while not self._items:
            if self.closed:
                return None
            self._waiter = asyncio.get_running_loop().create_future()
            try:
                await self._waiter
            finally:
                self._waiter = None
        return self._take()

    def __len__(self) -> int:
        return len(self._items)

    def __aiter__(self) -> Subscription:
        return self

    async def __anext__(self) -> UntaggedResponse:
        item = await self.get()
        if item is None:
            raise StopAsyncIteration
        return item

    def close(self) -> None:
        """Stop receiving; iteration ends once the buffer is drained."""
        self.closed = True
        self._hub._remove(self)
        self._wake()

    def __enter__(self) -> Subscription:
        return self

    def __exit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    async def __aenter__(self) -> Subscription:
        return self

    async def __aexit__(
        self, et: type[BaseException] | None, e: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()


class Hub:
    """The set of live subscriptions of one connection."""

    def __init__(self) -> None:
        self._subs: list[Subscription] = []

    def subscribe(
        self,
        maxsize: int = DEFAULT_MAXSIZE,
        names: Iterable[str] | None = None,
        *,
        max_bytes: int = DEFAULT_MAX_BYTES,
    ) -> Subscription:
        sub = Subscription(self, maxsize, names, max_bytes=max_bytes)
        self._subs.append(sub)
        return sub

    def publish(self, response: UntaggedResponse) -> None:
        for sub in tuple(self._subs):
            sub._put(response)

    def _remove(self, sub: Subscription) -> None:
        if sub in self._subs:
            self._subs.remove(sub)

    def close_all(self) -> None:
        for sub in tuple(self._subs):
            sub.close()

    def __len__(self) -> int:
        return len(self._subs)
