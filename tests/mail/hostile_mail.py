"""Hostile messages for the display path, and a script that measures them.

The builders are shared by tests/mail/test_render_bounds.py.  Run as a
script, each case is rendered in a fresh child process and its peak RSS
(``VmHWM``) and time are printed, so the figures hold for whatever
``tuimail`` the interpreter imports::

    .venv/bin/python tests/mail/hostile_mail.py            # this worktree
    PYTHONPATH=/tmp/before .venv/bin/python tests/mail/hostile_mail.py   # another tree

A child is limited to 3 GiB of address space and 120 s, so code that
needs more ends with ``MemoryError`` (or a timeout) instead of taking the
machine with it.
"""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from collections.abc import Callable

HEAD = b"Date: Tue, 03 Mar 2026 10:00:00 +0100\r\nMessage-ID: <x@example.org>\r\n"


def words(n: int, text: str = "a") -> str:
    """``n`` adjacent RFC 2047 encoded-words separated by spaces (one long line)."""
    return " ".join([f"=?utf-8?q?{text}?="] * n)


def adjacent_words(n: int, fields: tuple[str, ...] = ("Subject",)) -> bytes:
    """``n`` adjacent encoded-words in each of ``fields`` (From/To get an address after them)."""
    lines = []
    for name in fields:
        value = words(n)
        if name in ("From", "To", "Cc"):
            value += " <x@example.org>"
        lines.append(f"{name}: {value}\r\n".encode())
    if "Subject" not in fields:
        lines.append(b"Subject: s\r\n")
    return HEAD + b"".join(lines) + b"\r\nbody\r\n"


def folded_header(size: int) -> bytes:
    """A Subject of about ``size`` bytes folded over short lines."""
    line = b"\r\n folded header text"
    return HEAD + b"Subject: start" + line * (size // len(line)) + b"\r\n\r\nbody\r\n"


def many_addresses(n: int) -> bytes:
    """``n`` addresses in one To field, with names, quotes and comments."""
    one = '"Name, {i}" <user{i}@example.org> (c), '
    to = "".join(one.format(i=i) for i in range(n))
    return HEAD + f"From: a@example.org\r\nTo: {to}\r\nSubject: many\r\n\r\nbody\r\n".encode()


def many_parts(n: int) -> bytes:
    """A multipart/mixed of ``n`` small text parts."""
    part = b"--B\r\nContent-Type: text/plain\r\nContent-Disposition: attachment; filename=a.txt\r\n\r\nx\r\n"
    return (
        HEAD
        + b"Subject: parts\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        + b"--B\r\nContent-Type: text/plain\r\n\r\nfirst\r\n"
        + part * (n - 1)
        + b"--B--\r\n"
    )


def deep_nesting(depth: int) -> bytes:
    """Multiparts nested ``depth`` deep, each with its own boundary, a text leaf inside."""
    opening = b"".join(
        b"Content-Type: multipart/mixed; boundary=b%d\r\n\r\n--b%d\r\n" % (i, i) for i in range(depth)
    )
    closing = b"".join(b"\r\n--b%d--" % i for i in reversed(range(depth)))
    return HEAD + b"Subject: deep\r\n" + opening + b"Content-Type: text/plain\r\n\r\nleaf" + closing + b"\r\n"


def rfc2231_filename(segments: int) -> bytes:
    """An attachment whose file name is ``segments`` RFC 2231 continuations (§3-4)."""
    params = "".join(f";\r\n filename*{i}*=%41%42" for i in range(segments))
    return (
        HEAD
        + b"Subject: name\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        + b"--B\r\nContent-Type: text/plain\r\n\r\nbody\r\n"
        + f"--B\r\nContent-Type: application/octet-stream\r\nContent-Disposition: attachment; "
        f"filename*0*=utf-8''%41{params}\r\n\r\ndata\r\n--B--\r\n".encode()
    )


def single_line_body(size: int) -> bytes:
    """A text body that is one line of ``size`` bytes."""
    return HEAD + b"Subject: line\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n" + b"x" * size + b"\r\n"


def base64_attachment(size: int) -> bytes:
    """A text body and a base64 attachment of ``size`` decoded bytes."""
    data = base64.encodebytes(b"\x89PNG" * (size // 4))
    return (
        HEAD
        + b"Subject: big\r\nMIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=B\r\n\r\n"
        + b"--B\r\nContent-Type: text/plain\r\n\r\nsee attached\r\n"
        + b"--B\r\nContent-Type: image/png; name=big.png\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + data
        + b"--B--\r\n"
    )


def base64_body(size: int) -> bytes:
    """A base64-encoded text body of ``size`` decoded bytes (many short lines)."""
    data = base64.encodebytes(b"line of text\n" * (size // 13))
    return (
        HEAD
        + b"Subject: big body\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + data
    )


#: name -> builder of the message measured (the bounds tests use the same ones).
CASES: dict[str, Callable[[], bytes]] = {
    "Subject of 18,000 adjacent encoded-words (the 246 KB of issue 10)": lambda: adjacent_words(18_000),
    "Subject of 50,000 adjacent encoded-words": lambda: adjacent_words(50_000),
    "50,000 adjacent encoded-words in Subject, From and To": lambda: adjacent_words(
        50_000, ("Subject", "From", "To")
    ),
    "1 MB folded header": lambda: folded_header(1 << 20),
    "100,000 addresses in To": lambda: many_addresses(100_000),
    "10,000 MIME parts": lambda: many_parts(10_000),
    "multipart nesting 10,000 deep": lambda: deep_nesting(10_000),
    "RFC 2231 file name of 100,000 continuations": lambda: rfc2231_filename(100_000),
    "body of one 20 MB line": lambda: single_line_body(20 << 20),
    "base64 attachment of 30 MB": lambda: base64_attachment(30 << 20),
    "base64 text body of 20 MB": lambda: base64_body(20 << 20),
}

_CHILD = """
import json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
sys.path.insert(0, {tests!r})
from hostile_mail import CASES
from tuimail.mail.render import render_message

def vm(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) * 1024
    return 0

raw = CASES[{name!r}]()
with open("/proc/self/clear_refs", "w") as f:
    f.write("5")  # resets VmHWM to the current RSS: the peak measured is the render's
before = vm("VmRSS")
start = time.perf_counter()
try:
    rendered = render_message(raw)
    outcome = "fallback to source" if "could not be parsed" in rendered.body[:60] else "ok"
except MemoryError:
    outcome = "MemoryError"
seconds = time.perf_counter() - start
print(json.dumps([len(raw), vm("VmHWM") - before, seconds, outcome, __import__("tuimail").__file__]))
"""


def measure(name: str) -> str:
    """One case in a child process: size, peak RSS above the message, time."""
    tests = __file__.rsplit("/", 1)[0]
    try:
        done = subprocess.run(
            [sys.executable, "-c", _CHILD.format(tests=tests, name=name)],
            capture_output=True,
            text=True,
            timeout=120,
            cwd=tests,  # not the repository root, so PYTHONPATH decides which tuimail is measured
        )
    except subprocess.TimeoutExpired:
        return f"{name:66} timed out after 120 s"
    if done.returncode != 0:
        return f"{name:66} child failed: {done.stderr.strip().splitlines()[-1:]}"
    size, peak, seconds, outcome, where = json.loads(done.stdout)
    import tuimail

    if where != tuimail.__file__:
        outcome += f" (measured {where})"
    return f"{name:66} {size / 1024:9,.0f} KB  peak +{peak / 2**20:7,.1f} MB  {seconds:6.2f} s  {outcome}"


def main() -> None:
    import tuimail

    print(f"tuimail from {tuimail.__file__}")
    for name in CASES:
        print(measure(name), flush=True)


if __name__ == "__main__":
    main()
