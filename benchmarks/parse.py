"""Parse benchmark: tuimail's response parser against IMAPClient's.

Generates a deterministic, realistic stream of FETCH responses to
``UID FLAGS INTERNALDATE RFC822.SIZE ENVELOPE BODYSTRUCTURE`` (RFC 2047
encoded-word subjects and names, several address lists, multipart
structures with attachments, strings sent as literals the way Dovecot does
for 8-bit or awkward text) and, in the same run, times

* tuimail's parse alone (``tuimail.imap.parse_response`` on each response
  as its reader yields it; envelopes and body structures are validated
  and built on first use);
* the message-list path the app runs (``SelectedMailbox._fetch_chunk`` in
  ``tuimail/session/selected.py`` fetching rows):
  each batch of ``FETCH_BATCH`` responses parsed, then a
  ``tuimail.mail.summary.MessageSummary`` built from every ``FetchData``
  (subject decoded and sanitised, sender, recipients, date, size, flags,
  attachment flag); the summaries are kept, as the message list keeps them;
* IMAPClient's ``parse_fetch_response`` on the list imaplib builds (lines
  with ``(line, literal)`` tuples).

Framing is not timed for either parser.

    .venv/bin/python benchmarks/parse.py [--count 20000] [--repeat 5] [--all-built]

Prints MB/s and messages/s for each (best of ``--repeat`` interleaved runs,
by wall clock and by CPU time of this process) and the ratio to IMAPClient.
``--all-built`` adds a run that also builds every envelope and body part.
"""

from __future__ import annotations

import argparse
import base64
import gc
import random
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tuimail.imap import parse_response  # noqa: E402

FIRST = ["Alice", "Bob", "Carol", "Dave", "Eve", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
         "Niaj", "Olivia", "Peggy", "Rupert", "Sybil", "Trent", "Victor", "Walter", "Zoë", "José", "Jürgen"]
LAST = ["Smith", "Jones", "Müller", "García", "O'Brien", "Nakamura", "Øster", "Dubois", "Rossi", "Kowalski"]
DOMAINS = ["example.com", "example.org", "mail.example.net", "lists.example.com", "corp.example"]
WORDS = ("meeting budget report quarterly review draft invoice travel plan project update minutes "
         "agenda proposal release notes feedback schedule urgent reminder lunch offsite").split()
UNICODE_SUBJECTS = ["Réunion de l'équipe", "Überprüfung der Ergebnisse", "会議の議事録", "Отчёт за квартал",
                    "Προσφορά", "Café ☕ on Friday?", "Año nuevo 🎉"]
FLAGS = [r"\Seen", r"\Answered", r"\Flagged", "$Forwarded", "$Junk", "$NotJunk", r"\Draft"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def encoded_word(text: str, rng: random.Random) -> str:
    """An RFC 2047 encoded-word, B or Q encoding."""
    raw = text.encode("utf-8")
    if rng.random() < 0.5:
        return f"=?UTF-8?B?{base64.b64encode(raw).decode()}?="
    q = "".join(chr(b) if 0x21 <= b < 0x7F and b not in b"=?_ " else ("_" if b == 32 else f"={b:02X}")
                for b in raw)
    return f"=?utf-8?Q?{q}?="


class Gen:
    """Builds one FETCH response at a time as the server would send it."""

    def __init__(self, seed: int = 1) -> None:
        self.rng = random.Random(seed)

    def string(self, text: str | None) -> bytes:
        """nstring as Dovecot sends it: quoted, or a literal for 8-bit/awkward text."""
        if text is None:
            return b"NIL"
        raw = text.encode("utf-8")
        if any(b > 0x7E or b < 0x20 for b in raw) or b'"' in raw and self.rng.random() < 0.5:
            return b"{%d}\r\n%s" % (len(raw), raw)
        return b'"' + raw.replace(b"\\", b"\\\\").replace(b'"', b'\\"') + b'"'

    def address(self) -> bytes:
        rng = self.rng
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name: str | None = f"{first} {last}"
        r = rng.random()
        if r < 0.02:
            pass  # raw 8-bit header text (sent as a literal when non-ASCII)
        elif r < 0.10:
            name = None
        elif r < 0.15:
            name = f'"{last}, {first}"'
        elif not name.isascii() or r < 0.30:
            name = encoded_word(name, rng)
        mailbox = f"{first.lower()}.{last.lower()}".encode("ascii", "ignore").decode().replace("'", "")
        return b"(" + b" ".join([self.string(name), b"NIL", self.string(mailbox or "x"),
                                 self.string(rng.choice(DOMAINS))]) + b")"

    def address_list(self, lo: int, hi: int) -> bytes:
        n = self.rng.randint(lo, hi)
        if n == 0:
            return b"NIL"
        return b"(" + b"".join(self.address() for _ in range(n)) + b")"

    def subject(self) -> str:
        rng = self.rng
        r = rng.random()
        words = " ".join(rng.choice(WORDS) for _ in range(rng.randint(2, 8)))
        if r < 0.35:
            return encoded_word(rng.choice(UNICODE_SUBJECTS), rng) + " " + words
        if r < 0.38:
            return "Re: " + rng.choice(UNICODE_SUBJECTS)  # raw UTF-8: sent as a literal
        if r < 0.55:
            return f'Re: Fwd: "{words}"'
        return words.capitalize()

    def envelope(self, n: int) -> bytes:
        rng = self.rng
        date = f"{['Mon','Tue','Wed','Thu','Fri'][n % 5]}, {1 + n % 28} {MONTHS[n % 12]} 2024 " \
               f"{n % 24:02d}:{n % 60:02d}:{(n * 7) % 60:02d} +0100"
        frm = self.address_list(1, 1)
        reply_to = frm if rng.random() < 0.8 else self.address_list(1, 1)
        parts = [self.string(date), self.string(self.subject()), frm, frm, reply_to,
                 self.address_list(1, 4), self.address_list(0, 3), self.address_list(0, 1),
                 self.string(f"<{n - 1}.{rng.randint(1, 10**9)}@example.com>"
                             if rng.random() < 0.5 else None),
                 self.string(f"<{n}.{rng.randint(1, 10**9)}@example.com>")]
        return b"(" + b" ".join(parts) + b")"

    def text_part(self, sub: str) -> bytes:
        rng = self.rng
        size = rng.randint(200, 20000)
        return (b'("TEXT" "%s" ("CHARSET" "utf-8") NIL NIL "%s" %d %d NIL NIL NIL NIL)'
                % (sub.encode(), rng.choice([b"7BIT", b"QUOTED-PRINTABLE", b"BASE64"]), size, size // 60 + 1))

    def attachment(self) -> bytes:
        rng = self.rng
        kind, sub, ext = rng.choice([("APPLICATION", "PDF", "pdf"), ("IMAGE", "JPEG", "jpg"),
                                     ("IMAGE", "PNG", "png"), ("APPLICATION", "ZIP", "zip")])
        stem = rng.choice(["report", "photo", "=?UTF-8?Q?=C3=9Cbersicht?=", "invoice-2024", "scan 0042"])
        name = stem + "." + ext
        qname = self.string(name)
        size = rng.randint(10_000, 3_000_000)
        return (b'("%s" "%s" ("NAME" %s) NIL NIL "BASE64" %d NIL ("ATTACHMENT" ("FILENAME" %s)) NIL NIL)'
                % (kind.encode(), sub.encode(), qname, size, qname))

    def body(self) -> bytes:
        rng = self.rng
        boundary = b'("BOUNDARY" "=_%d") NIL NIL NIL' % rng.randint(1, 10**12)
        r = rng.random()
        if r < 0.25:
            return self.text_part("PLAIN")
        alt = self.text_part("PLAIN") + self.text_part("HTML") + b' "ALTERNATIVE" ' + boundary
        if r < 0.55:
            return b"(" + alt + b")"
        atts = b"".join(self.attachment() for _ in range(rng.randint(1, 3)))
        return b"((" + alt + b")" + atts + b' "MIXED" ' + boundary + b")"

    def fetch(self, n: int) -> bytes:
        rng = self.rng
        flags = " ".join(sorted(set(rng.sample(FLAGS, rng.randint(0, 3)))))
        date = f"{1 + n % 28:02d}-{MONTHS[n % 12]}-2024 {n % 24:02d}:{n % 60:02d}:{(n * 13) % 60:02d} +0000"
        return (b"* %d FETCH (UID %d FLAGS (%s) INTERNALDATE \"%s\" RFC822.SIZE %d "
                b"ENVELOPE %s BODYSTRUCTURE %s)\r\n"
                % (n, 1000 + n, flags.encode(), date.encode(), rng.randint(1000, 5_000_000),
                   self.envelope(n), self.body()))


_LIT = re.compile(rb"\{(\d+)\}\r\n")


def imaplib_records(response: bytes) -> list[bytes | tuple[bytes, bytes]]:
    """The records imaplib hands IMAPClient for one FETCH response: lines up
    to each literal announcement paired with the literal, then the rest,
    with ``* `` and ``FETCH`` removed as imaplib does."""
    body = response[2:-2]
    seq, _, rest = body.partition(b" FETCH ")
    body = seq + b" " + rest
    out: list[bytes | tuple[bytes, bytes]] = []
    pos = 0
    while True:
        m = _LIT.search(body, pos)
        if m is None:
            out.append(body[pos:])
            return out
        size = int(m.group(1))
        out.append((body[pos : m.start()] + b"{%d}" % size, body[m.end() : m.end() + size]))
        pos = m.end() + size


def materialise(responses: list[Any]) -> None:
    """Touch every field of every envelope and body part, so that values
    the parser builds on first use are built (the cost a client pays when
    it reads everything)."""

    def walk(body: Any) -> None:
        if body.multipart:
            for part in body.parts:
                walk(part)
        else:
            _ = body.param, body.disposition

    for resp in responses:
        attr = resp.data.attr
        env = attr["ENVELOPE"]
        _ = env.subject, env.from_, env.to, env.cc
        walk(attr["BODYSTRUCTURE"])


def timings(runs: dict[str, Callable[[], object]], repeat: int) -> dict[str, tuple[float, float]]:
    """Best (wall, cpu) seconds of each run, the runs interleaved so that
    load from other processes hits all of them alike."""
    best = {name: (float("inf"), float("inf")) for name in runs}
    for _ in range(repeat):
        for name, fn in runs.items():
            gc.collect()
            w0, c0 = time.perf_counter(), time.process_time()
            result = fn()
            w, c = time.perf_counter() - w0, time.process_time() - c0
            del result  # freed outside the timed region, for every run alike
            best[name] = (min(best[name][0], w), min(best[name][1], c))
    return best


def check_summaries(responses: list[bytes], rows: dict[int, Any]) -> None:
    """The message-list path gives the same rows as summaries built from
    plain, fully built values (deep copies of the parsed data, which
    build every lazily parsed envelope and body structure as its plain
    type)."""
    import copy

    from tuimail.imap import Envelope
    from tuimail.mail.summary import MessageSummary

    for raw in responses:
        fd = copy.deepcopy(parse_response(raw).data)
        assert type(fd.attr["ENVELOPE"]) is Envelope, "the reference must not use the lazy values"
        assert MessageSummary.from_fetch(fd) == rows[fd.seqno], fd.seqno


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--count", type=int, default=20_000)
    ap.add_argument("--repeat", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--all-built", action="store_true",
                    help="also time parsing with every envelope and body part built")
    args = ap.parse_args()

    from imapclient.response_parser import parse_fetch_response

    from tuimail.imap.limits import Limits
    from tuimail.mail.summary import MessageSummary
    from tuimail.session.selected import FETCH_BATCH

    gen = Gen(args.seed)
    responses = [gen.fetch(n) for n in range(1, args.count + 1)]
    total = sum(len(r) for r in responses)
    with_literals = sum(1 for r in responses if b"}\r\n" in r)
    records: list[bytes | tuple[bytes, bytes]] = []
    for r in responses:
        records.extend(imaplib_records(r))
    print(f"{len(responses)} FETCH responses, {total / 1e6:.2f} MB, {with_literals} with literals; "
          f"best of {args.repeat}, runs interleaved; {sys.version.split()[0]}")

    def run_tuimail() -> object:
        return [parse_response(r) for r in responses]

    def run_tuimail_all() -> object:
        parsed = [parse_response(r) for r in responses]
        materialise(parsed)
        return parsed

    def run_message_list() -> dict[int, MessageSummary]:
        # As SelectedMailbox._fetch_chunk (tuimail/session/selected.py):
        # the engine parses each response of a FETCH of FETCH_BATCH
        # messages (IMAPEngine._handle's call: no UTF8=ACCEPT, the default
        # limits), then every row with a UID and an envelope is summarised.
        rows: dict[int, MessageSummary] = {}
        from_fetch = MessageSummary.from_fetch
        max_items = Limits().max_items
        for start in range(0, len(responses), FETCH_BATCH):
            batch = [parse_response(r, utf8=False, max_items=max_items).data
                     for r in responses[start : start + FETCH_BATCH]]
            for fd in batch:
                if "UID" not in fd.attr or "ENVELOPE" not in fd.attr:
                    continue
                rows[fd.seqno] = from_fetch(fd)
        return rows

    def run_imapclient() -> object:
        return parse_fetch_response(records, normalise_times=True, uid_is_key=True)

    # Both parsers read the same thing.
    ours, theirs = run_tuimail_all(), run_imapclient()
    assert isinstance(theirs, dict) and len(theirs) == len(ours)  # type: ignore[arg-type]
    for resp in ours[:: max(1, len(ours) // 500)]:  # type: ignore[index]
        fd = resp.data
        other = theirs[fd.attr["UID"]]
        assert other[b"ENVELOPE"].subject.decode("utf-8") == fd.attr["ENVELOPE"].subject, fd.seqno
        assert other[b"RFC822.SIZE"] == fd.attr["RFC822.SIZE"]
    del ours, theirs
    # The message-list path builds the same rows as the plain values would.
    check_summaries(responses[:: max(1, len(responses) // 1000)], run_message_list())

    runs: dict[str, Callable[[], object]] = {"tuimail": run_tuimail, "message-list": run_message_list}
    if args.all_built:
        runs["tuimail-all"] = run_tuimail_all
    runs["imapclient"] = run_imapclient
    best = timings(runs, args.repeat)
    labels = {
        "tuimail": "tuimail parse (envelopes, bodies built on first use)",
        "message-list": "tuimail parse + MessageSummary rows (the app's path)",
        "tuimail-all": "tuimail parse, every envelope and body part built",
        "imapclient": "imapclient.response_parser.parse_fetch_response",
    }
    n = len(responses)
    wall_ref, cpu_ref = best["imapclient"]
    print(f"{'':53s} {'wall MB/s':>9s} {'cpu MB/s':>9s} {'wall msg/s':>10s} {'cpu msg/s':>10s}"
          f" {'x imapclient (wall, cpu)':>25s}")
    for name, (wall, cpu) in best.items():
        print(f"{labels[name]:53s} {total / wall / 1e6:9.2f} {total / cpu / 1e6:9.2f} {n / wall:10.0f}"
              f" {n / cpu:10.0f} {wall_ref / wall:12.1f}x {cpu_ref / cpu:11.1f}x")


if __name__ == "__main__":
    main()
