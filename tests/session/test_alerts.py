"""``[ALERT]`` texts reach the user as warnings (RFC 9051 §7.1; issue 10, item 8), bounded.

No real server sends an ALERT on demand: a rewriting proxy in front of pymap adds them
(tests/servers/rewriting_proxy.py)."""

from __future__ import annotations

import asyncio
from typing import Any

from tests.servers.info import ServerInfo
from tests.servers.rewriting_proxy import rewriting_proxy
from tests.session.support import Collector, account_for, started
from tuimail.imap.types import ResponseCode, ResponseText, UntaggedResponse
from tuimail.session import messages as m
from tuimail.session.alerts import MAX_ALERT_TEXT, MAX_PER_MINUTE, QUIET_FOR, AlertReporter, alert_text


def alerts(got: Collector) -> list[str]:
    return [x.text for x in got.seen if isinstance(x, m.Notice) and x.text.startswith("Server alert: ")]


def response(name: str, code: str | None, text: str) -> UntaggedResponse:
    data = ResponseText(ResponseCode(code, None) if code else None, text)
    return UntaggedResponse(name, data, b"")


async def wait_until(got: Collector, condition: Any, what: str) -> None:
    await got.until(condition, timeout=20, what=what)


async def test_an_alert_in_the_greeting_is_shown_as_a_warning(pymap_server: ServerInfo) -> None:
    greeting = b"* OK [ALERT] Maintenance tonight at 22:00 UTC\r\n"
    async with rewriting_proxy(pymap_server.port, greeting=greeting) as proxy:
        account = account_for(proxy.port, username=pymap_server.username, password=pymap_server.password)
        async with started(account) as (_session, got):
            await got.wait_for(m.MailboxOpened)
            await wait_until(got, lambda: alerts(got), "the greeting's alert")
    notice = next(x for x in got.seen if isinstance(x, m.Notice) and x.text.startswith("Server alert"))
    assert notice.text == "Server alert: Maintenance tonight at 22:00 UTC" and notice.severity == "warning"


async def test_an_alert_completing_select_is_shown(pymap_server: ServerInfo) -> None:
    async with rewriting_proxy(pymap_server.port, select_code=b"[ALERT] Your mailbox is 95% full") as proxy:
        account = account_for(proxy.port, username=pymap_server.username, password=pymap_server.password)
        async with started(account) as (_session, got):
            await got.wait_for(m.MailboxOpened)
            await wait_until(got, lambda: alerts(got), "the SELECT's alert")
    assert alerts(got) == ["Server alert: Your mailbox is 95% full"]


async def test_an_alert_while_idle_is_shown_and_a_flood_of_them_is_bounded(pymap_server: ServerInfo) -> None:
    async with rewriting_proxy(pymap_server.port) as proxy:
        account = account_for(proxy.port, username=pymap_server.username, password=pymap_server.password)
        async with started(account) as (_session, got):
            await got.wait_for(m.MailboxOpened)
            await asyncio.sleep(0.3)  # the session is idle now
            await proxy.inject(b"* OK [ALERT] The server restarts in 5 minutes\r\n")
            await wait_until(got, lambda: alerts(got), "the alert")
            assert alerts(got) == ["Server alert: The server restarts in 5 minutes"]
            await proxy.inject(*(b"* NO [ALERT] flood number %d\r\n" % n for n in range(200)))
            await proxy.inject(b"* OK [ALERT] The server restarts in 5 minutes\r\n")  # said already
            await wait_until(
                got,
                lambda: any(isinstance(x, m.Notice) and "more alerts" in x.text for x in got.seen),
                "the flood said",
            )
            await asyncio.sleep(0.5)
            got.seen.extend(_drain(got))
    shown = alerts(got)
    assert len(shown) == MAX_PER_MINUTE
    assert shown[1:] == [f"Server alert: flood number {n}" for n in range(MAX_PER_MINUTE - 1)]
    assert sum(isinstance(x, m.Notice) and "more alerts" in x.text for x in got.seen) == 1


def _drain(got: Collector) -> list[Any]:
    out = []
    while not got.queue.empty():
        out.append(got.queue.get_nowait())
    return out


async def test_an_untagged_alert_during_select_is_shown(pymap_server: ServerInfo) -> None:
    lines = (b"* OK [ALERT] Mailbox moved to new storage\r\n",)
    async with rewriting_proxy(pymap_server.port, select_alerts=lines) as proxy:
        account = account_for(proxy.port, username=pymap_server.username, password=pymap_server.password)
        async with started(account) as (_session, got):
            await got.wait_for(m.MailboxOpened)
            await wait_until(got, lambda: alerts(got), "the alert")


# ------------------------------------------------------------------ the reporter


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_only_alert_codes_are_alerts_and_their_text_is_cut() -> None:
    assert alert_text(response("OK", "ALERT", " Quota ")) == "Quota"
    assert alert_text(response("BAD", "alert", "x")) == "x"
    assert alert_text(response("OK", "READ-WRITE", "ALERT")) is None
    assert alert_text(response("OK", None, "[ALERT] not a code")) is None
    assert alert_text(UntaggedResponse("EXISTS", 3, b"")) is None
    long = alert_text(response("OK", "ALERT", "x" * 100_000))
    assert long is not None and len(long) == MAX_ALERT_TEXT and long.endswith("…")


def test_the_same_alert_is_not_shown_again_for_a_while_and_text_is_passed_as_sent() -> None:
    posted: list[Any] = []
    clock = Clock()
    reporter = AlertReporter(posted.append, clock=clock)
    hostile = "\x1b[31m[b]red[/b]\u202e"
    assert reporter.report(response("OK", "ALERT", hostile))
    assert reporter.report(response("OK", "ALERT", hostile))
    assert not reporter.report(response("OK", "UIDNEXT", "x"))
    assert [p.text for p in posted] == [f"Server alert: {hostile}"]  # the UI sanitises it
    clock.now += QUIET_FOR
    reporter.report(response("OK", "ALERT", hostile))
    assert len(posted) == 2


def test_at_most_a_few_alerts_a_minute_and_memory_stays_bounded() -> None:
    posted: list[Any] = []
    clock = Clock()
    reporter = AlertReporter(posted.append, clock=clock)
    for n in range(10_000):
        reporter.report(response("OK", "ALERT", f"alert {n}"))
        clock.now += 0.001
    texts = [p.text for p in posted]
    assert texts[:MAX_PER_MINUTE] == [f"Server alert: alert {n}" for n in range(MAX_PER_MINUTE)]
    assert texts[MAX_PER_MINUTE:] == ["The server sent more alerts than can be shown"]
    clock.now += 61
    reporter.report(response("OK", "ALERT", "after a minute"))
    assert posted[-1].text == "Server alert: after a minute"
    for n in range(10_000):
        clock.now += 13  # a few a minute: all shown, none remembered past the bound
        reporter.report(response("OK", "ALERT", f"slow {n}"))
    assert len(reporter._shown_at) <= 200
