"""HTML mail to readable text, with its links collected; nothing is fetched.

The layout is done by ``inscriptis`` (a maintained, Apache-2.0 HTML-to-text
converter that understands block elements, lists and tables).  It only
parses the string it is given: images, style sheets and other remote
content are never loaded.  Links (``<a href>``, ``<area href>``) are
collected separately with the standard library's :class:`html.parser.HTMLParser`
so they can be listed under the text.  Output is *not* sanitised here;
:func:`tuimail.mail.render.render_message` does that.
"""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

__all__ = ["MAX_HTML_CHARS", "collect_links", "html_to_text"]

#: HTML beyond this many characters is cut before layout (a terminal view of
#: a multi-megabyte newsletter is not useful, and layout time grows with size).
MAX_HTML_CHARS = 2_000_000

_MAX_LINKS = 500
_MAX_LINK_CHARS = 2000


class _LinkCollector(HTMLParser):
    """Collects ``href`` of ``a`` and ``area`` in document order, once each."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self._seen: set[str] = set()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in ("a", "area") or len(self.links) >= _MAX_LINKS:
            return
        for name, value in attrs:
            if name != "href" or not value:
                continue
            href = re.sub(r"\s+", "", value)[:_MAX_LINK_CHARS]
            if not href or href.startswith("#") or href in self._seen:
                continue
            self._seen.add(href)
            self.links.append(href)


def collect_links(markup: str) -> list[str]:
    """The distinct link targets of ``markup`` in document order (fragment-only
    links such as ``#top`` left out).  Never raises."""
    collector = _LinkCollector()
    try:
        collector.feed(markup)
        collector.close()
    except Exception:
        pass
    return collector.links


class _TextOnly(HTMLParser):
    """Last-resort fallback: the text content, block tags as line breaks."""

    _BLOCKS = {"p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        elif tag in self._BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _fallback_text(markup: str) -> str:
    parser = _TextOnly()
    try:
        parser.feed(markup)
        parser.close()
    except Exception:
        return html.unescape(re.sub(r"<[^>]*>", " ", markup))
    return "".join(parser.parts)


def _tidy(text: str) -> str:
    """Trailing spaces off, runs of blank lines down to one."""
    lines = [line.rstrip() for line in text.splitlines()]
    out: list[str] = []
    for line in lines:
        if not line and out and not out[-1]:
            continue
        out.append(line)
    return "\n".join(out).strip("\n")


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Render HTML to text with inscriptis; return ``(text, links)``.

    Images show as their alt text in brackets.  Never raises: if the
    converter fails, a plain text extraction is returned.
    """
    truncated = len(markup) > MAX_HTML_CHARS
    if truncated:
        markup = markup[:MAX_HTML_CHARS]
    links = collect_links(markup)
    try:
        from inscriptis import get_text  # type: ignore[import-untyped,unused-ignore]
        from inscriptis.model.config import ParserConfig  # type: ignore[import-untyped,unused-ignore]

        text = get_text(markup, ParserConfig(display_images=True, deduplicate_captions=True))
    except Exception:
        text = ""
    if not text.strip():  # converter failed, or lxml gave up (e.g. very deep nesting)
        text = _fallback_text(markup)
    text = _tidy(text)
    if truncated:
        text += "\n\n[… HTML truncated …]"
    return text, links
