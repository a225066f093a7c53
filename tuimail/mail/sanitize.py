"""The one sanitiser for text that comes from mail or from the server.

Everything a message or a server sends (subjects, names, mailbox names,
bodies, response text) passes :func:`sanitize` before it is displayed.
Nothing that could drive the terminal or mislead the reader survives:

* C0 controls, DEL and C1 controls become visible placeholders: the
  Unicode "Control Pictures" (U+2400 block) for C0 and DEL, so ESC shows as
  ``\u241b`` and an ANSI sequence ``ESC [ 3 1 m`` as the harmless printable
  text ``\u241b[31m``; ``<U+009B>`` for C1 (which includes the 8-bit CSI).
* Bidirectional embeddings, overrides and isolates (U+202A-202E,
  U+2066-2069, plus LRM/RLM/ALM), which can reorder what is displayed
  (CVE-2021-42574, "Trojan Source"), become ``<U+202E>``-style tags.
* Other invisible format characters (Unicode category Cf: zero-width
  space, word joiner, BOM, soft hyphen, tag characters...), line and
  paragraph separators, lone surrogates and invisible fillers become
  ``<U+XXXX>`` tags.  ZWJ/ZWNJ stay when they join two non-ASCII
  characters (emoji sequences, Persian, Indic scripts), where they are
  legitimate; next to ASCII they can only spoof.

Tab and newline: :func:`sanitize` (and :func:`sanitize_line`) is for one
line (list rows, headers, mailbox names): CR, LF and tab become a single
space.  :func:`sanitize_body` (``sanitize(text, multiline=True)``) keeps
``\\n`` and tab, and turns CRLF and lone CR into ``\\n`` (a lone CR could
otherwise overwrite a line on a terminal).

The output is plain text.  Markup-like text such as ``[bold red]x[/]`` is
kept literally: widgets put the result in ``rich.text.Text(...)`` and never
parse it as markup; escaping is not this function's job.
"""

from __future__ import annotations

import re
from functools import cache

__all__ = ["placeholder", "sanitize", "sanitize_body", "sanitize_line"]

# Every code point of general category Cc, Cf, Cs, Zl, Zp (Unicode 14, as
# shipped with Python 3.11; a test checks this list against unicodedata),
# plus invisible characters of other categories that are used to spoof:
# U+034F COMBINING GRAPHEME JOINER, U+115F/U+1160/U+3164/U+FFA0 Hangul
# fillers, U+17B4/U+17B5 Khmer inherent vowels, U+2065 (reserved, in the
# invisible-operators block).
_UNSAFE_RANGES = (
    "\x00-\x1f\x7f-\x9f\u00ad\u034f\u0600-\u0605\u061c\u06dd\u070f\u0890-\u0891\u08e2"
    "\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164"
    "\ud800-\udfff\ufeff\uffa0\ufff9-\ufffb"
    "\U000110bd\U000110cd\U00013430-\U00013438\U0001bca0-\U0001bca3"
    "\U0001d173-\U0001d17a\U000e0001\U000e0020-\U000e007f"
)
_UNSAFE = re.compile(f"[{_UNSAFE_RANGES}]")

_CR_LF = re.compile(r"\r\n?")
_LINE_BREAK = re.compile(r"\r\n|[\r\n\t]")


def placeholder(char: str) -> str:
    """The visible stand-in for one unsafe character.

    C0 controls and DEL map to their Control Picture (``\\x1b`` -> ``\u241b``,
    ``\\x00`` -> ``\u2400``, DEL -> ``\u2421``); everything else to
    ``<U+XXXX>``.
    """
    code = ord(char)
    if code < 0x20:
        return chr(0x2400 + code)
    if code == 0x7F:
        return "\u2421"
    return f"<U+{code:04X}>"


def _code_points(ranges: str) -> list[int]:
    """The code points of a character-class body such as ``"a-z_"``."""
    points: list[int] = []
    i = 0
    while i < len(ranges):
        if i + 2 < len(ranges) and ranges[i + 1] == "-":
            points.extend(range(ord(ranges[i]), ord(ranges[i + 2]) + 1))
            i += 3
        else:
            points.append(ord(ranges[i]))
            i += 1
    return points


# Python counts every unsafe character as not printable (str.isprintable,
# one pass in C) but these few; text that is printable and holds none of
# them has nothing to replace.
_PRINTABLE_UNSAFE = re.compile(
    "[" + "".join(chr(code) for code in _code_points(_UNSAFE_RANGES) if chr(code).isprintable()) + "]")

# The joiners are left out of the str.translate tables: they are decided first, by the
# replacements' patterns.
_JOINERS = "\u200c\u200d"
_NEIGHBOUR = f"[^\x00-\x7f{_UNSAFE_RANGES}]"


class _Replacements:
    """What replacing takes, built when first needed: most text has nothing to replace, and
    building it was most of this module's import."""

    def __init__(self) -> None:
        #: Multi-line text's unsafe characters (newlines and tabs are kept).
        self.unsafe_multiline = re.compile(
            f"[\x00-\x08\x0b-\x1f{_UNSAFE_RANGES.removeprefix(chr(0) + '-' + chr(0x1F))}]")
        #: str.translate tables: one C-level pass whatever the text holds.
        self.table = {
            code: placeholder(chr(code)) for code in _code_points(_UNSAFE_RANGES) if chr(code) not in _JOINERS
        }
        self.table_multiline = {code: text for code, text in self.table.items() if chr(code) not in "\n\t"}
        #: ZWNJ/ZWJ between two non-ASCII, non-control characters are kept; these patterns find
        #: the others.
        self.bad_joiners = [
            (j, re.compile(f"(?<!{_NEIGHBOUR}){j}|{j}(?!{_NEIGHBOUR})"), placeholder(j)) for j in _JOINERS
        ]


@cache
def _replacements() -> _Replacements:
    return _Replacements()


def _replace_keeping_joiners(text: str, table: dict[int, str]) -> str:
    """Replace unsafe characters, sparing ZWJ/ZWNJ between non-ASCII text."""
    for joiner, bad, shown in _replacements().bad_joiners:
        if joiner in text:
            text = bad.sub(shown, text)
    return text.translate(table)


def sanitize(text: str, *, multiline: bool = False) -> str:
    """Make untrusted mail/server text safe to display.

    Single-line by default (CR, LF, CRLF and tab become one space); with
    ``multiline=True`` newlines and tabs are kept and CRLF/CR become LF.
    Never raises for any ``str``; non-``str`` input is converted with
    ``str()`` first.  Linear in the length of ``text``.
    """
    if not isinstance(text, str):
        text = str(text)
    if multiline:
        if "\r" in text:
            text = _CR_LF.sub("\n", text)
        replacements = _replacements()
        if replacements.unsafe_multiline.search(text) is None:
            return text
        return _replace_keeping_joiners(text, replacements.table_multiline)
    if text.isprintable() and (text.isascii() or _PRINTABLE_UNSAFE.search(text) is None):
        return text
    if _UNSAFE.search(text) is None:
        return text
    text = _LINE_BREAK.sub(" ", text)
    if _UNSAFE.search(text) is None:
        return text  # line breaks and tabs were all there was
    return _replace_keeping_joiners(text, _replacements().table)


def sanitize_line(text: str) -> str:
    """One line for list rows, headers and names: ``sanitize(text)``."""
    return sanitize(text)


def sanitize_body(text: str) -> str:
    """A multi-line body: ``sanitize(text, multiline=True)``."""
    return sanitize(text, multiline=True)
