"""HTML mail to readable text, with its links collected; nothing is fetched.

The markup is parsed once with lxml (libxml2's HTML parser, network off:
it never loads a DTD, an image or a style sheet).  The layout is done by
``inscriptis`` (a maintained, Apache-2.0 HTML-to-text converter that
understands block elements, lists and tables) on that tree when it has at
most :data:`MAX_LAYOUT_ELEMENTS` elements; its time grows with them (about
0.1 ms each, and with its text), so a bigger document is turned into plain
text by an XSLT transform, in C.  Links (``<a href>``, ``<area href>``)
are collected from the same tree so they can be listed under the text.
Output is *not* sanitised here; :func:`tuimail.mail.render.render_message`
does that.
"""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser
from typing import Any

__all__ = ["MAX_HTML_CHARS", "MAX_LAYOUT_CHARS", "MAX_LAYOUT_ELEMENTS", "collect_links", "html_to_text"]

#: HTML beyond this many characters is cut before layout (a terminal view of
#: a multi-megabyte newsletter is not useful, and layout time grows with size).
MAX_HTML_CHARS = 2_000_000
#: Documents with more elements or characters than these are shown as plain
#: text, not laid out (layout takes about 0.1 ms an element, 0.5 µs a character).
MAX_LAYOUT_ELEMENTS = 5_000
MAX_LAYOUT_CHARS = 256 * 1024

_MAX_FALLBACK_PARSE = 64 * 1024
_MAX_LINKS = 500
_MAX_LINK_CHARS = 2000
_XML_DECLARATION = re.compile(r"^<\?xml [^>]+?\?>")
_TRAILING_SPACE = re.compile(r"(?<![^\S\n])[^\S\n]++(?=\n|\Z)")
_BLANK_LINES = re.compile(r"\n\n\n+")
_WHITESPACE = re.compile(r"\s+")
_TAG = re.compile(r"<[^<>]*>?")  # stops at the next "<": linear on "<<<<..."
_HIDDEN = ("script", "style", "head", "title", "template")
_BLOCKS = (
    "p", "div", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "table", "blockquote", "pre",
    "ul", "ol", "dl", "dt", "dd", "hr", "section", "article", "header", "footer", "address", "center",
)


def _tree(markup: str) -> Any | None:
    """The lxml document for ``markup``, or None (empty, or lxml refused it)."""
    markup = _XML_DECLARATION.sub("", markup.strip(), count=1)
    if not markup:
        return None
    try:
        from lxml import etree  # type: ignore[import-untyped,unused-ignore]

        parser = etree.HTMLParser(no_network=True, remove_comments=True, remove_pis=True)
        return etree.fromstring(markup, parser)
    except Exception:
        return None


_HREFS = "//a/@href | //area/@href"


def _links(tree: Any) -> tuple[list[str], dict[str, int]]:
    """The distinct ``href`` of ``a`` and ``area`` in document order, fragment-only
    ones (``#top``) left out; at most :data:`_MAX_LINKS`.  With them, each raw
    attribute value that names one of them, to its number (from 1)."""
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    links: list[str] = []
    number: dict[str, int] = {}
    seen: set[str] = set()
    for value in etree.XPath(_HREFS, smart_strings=False)(tree):
        if value in seen:
            continue
        seen.add(value)
        href = _href(value)
        if not href or href.startswith("#"):
            continue
        if href in links:
            number[value] = links.index(href) + 1
            continue
        links.append(href)
        number[value] = len(links)
        if len(links) >= _MAX_LINKS:
            break
    return links, number


_MAX_MARKED_LINKS = 2_000


def _href(value: str) -> str:
    return _WHITESPACE.sub("", value[: _MAX_LINK_CHARS * 4])[:_MAX_LINK_CHARS]


def _number_links(tree: Any, number: dict[str, int]) -> None:
    """Put ``[n]`` after each link's text, n its place in the list under the text."""
    if not number:
        return
    marked = 0
    for element in tree.iter("a"):
        n = number.get(element.get("href") or "")
        if n is None:
            continue
        element.tail = f" [{n}]" + (element.tail or "")
        marked += 1
        if marked >= _MAX_MARKED_LINKS:  # hostile mail repeats one link 100,000 times
            return


def collect_links(markup: str) -> list[str]:
    """The distinct link targets of ``markup`` in document order (fragment-only
    links such as ``#top`` left out).  Never raises."""
    tree = _tree(markup)
    return _links(tree)[0] if tree is not None else []


def _laid_out(tree: Any) -> str:
    from inscriptis.html_engine import Inscriptis  # type: ignore[import-untyped,unused-ignore]
    from inscriptis.model.config import ParserConfig  # type: ignore[import-untyped,unused-ignore]

    return str(Inscriptis(tree, ParserConfig(display_images=True, deduplicate_captions=True)).get_text())


@functools.cache
def _text_transform() -> Any:
    """An XSLT 1.0 transform (libxslt, all file and network access denied)
    from an HTML tree to text: hidden elements dropped, block elements on
    lines of their own, table cells spaced, images as ``[alt]``."""
    from lxml import etree  # type: ignore[import-untyped,unused-ignore]

    blocks = "|".join(_BLOCKS)
    hidden = "|".join(_HIDDEN)
    stylesheet = f"""<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform">
      <xsl:output method="text" encoding="utf-8"/>
      <xsl:template match="{hidden}"/>
      <xsl:template match="{blocks}">
        <xsl:text>&#10;</xsl:text><xsl:apply-templates/><xsl:text>&#10;</xsl:text>
      </xsl:template>
      <xsl:template match="td|th"><xsl:apply-templates/><xsl:text> </xsl:text></xsl:template>
      <xsl:template match="img[@alt]">[<xsl:value-of select="@alt"/>]</xsl:template>
    </xsl:stylesheet>"""
    return etree.XSLT(etree.XML(stylesheet), access_control=etree.XSLTAccessControl.DENY_ALL)


def _plain(tree: Any) -> str:
    """Text of a document too big to lay out, in C (:func:`_text_transform`)."""
    return str(_text_transform()(tree))


class _TextOnly(HTMLParser):
    """Fallback: the text content, hidden elements dropped, block tags as line breaks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _HIDDEN:
            self._skip += 1
        elif tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _HIDDEN and self._skip:
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def _fallback_text(markup: str) -> str:
    """Last resort (lxml refused the markup or gave no text): the standard
    library's parser for small markup (about 3 µs a character), else tags
    removed by one regex."""
    if len(markup) <= _MAX_FALLBACK_PARSE:
        parser = _TextOnly()
        try:
            parser.feed(markup)
            parser.close()
            return "".join(parser.parts)
        except Exception:
            pass
    return html.unescape(_TAG.sub(" ", markup))


def _tidy(text: str) -> str:
    """Trailing spaces off, runs of blank lines down to one (linear: a run of
    spaces is looked at from its start only)."""
    text = _TRAILING_SPACE.sub("", text.replace("\r\n", "\n"))
    return _BLANK_LINES.sub("\n\n", text).strip("\n")


def html_to_text(markup: str) -> tuple[str, list[str]]:
    """Render HTML to text; return ``(text, links)``.

    Images show as their alt text in brackets (when laid out).  Never
    raises: if the markup cannot be laid out, a plain text extraction is
    returned.
    """
    truncated = len(markup) > MAX_HTML_CHARS
    if truncated:
        markup = markup[:MAX_HTML_CHARS]
    tree = _tree(markup)
    links: list[str] = []
    text = ""
    if tree is not None:
        try:
            links, number = _links(tree)
            _number_links(tree, number)
            small = len(markup) <= MAX_LAYOUT_CHARS and tree.xpath("count(//*)") <= MAX_LAYOUT_ELEMENTS
            text = _laid_out(tree) if small else _plain(tree)
        except Exception:
            text = ""
    if not text.strip():  # lxml gave up (e.g. very deep nesting) or the layout failed
        text = _fallback_text(markup)
    text = _tidy(text)
    if truncated:
        text += "\n\n[… HTML truncated …]"
    return text, links
