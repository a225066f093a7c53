"""HTML to text: readable layout, links collected, nothing loaded."""

from __future__ import annotations

import socket

import pytest

from tuimail.mail.html_text import MAX_HTML_CHARS, collect_links, html_to_text


def test_block_elements_lists_and_tables_become_readable_text() -> None:
    text, _ = html_to_text(
        "<h1>Title</h1><p>One <b>bold</b></p><ul><li>a</li><li>b</li></ul>"
        "<table><tr><td>x</td><td>y</td></tr></table>"
    )
    assert "Title" in text and "One bold" in text
    assert "* a" in text and "* b" in text
    assert "x" in text and "y" in text


def test_script_and_style_content_is_dropped() -> None:
    text, _ = html_to_text("<style>p{color:red}</style><script>alert('x')</script><p>visible</p>")
    assert text == "visible"


def test_links_are_collected_in_order_once_each() -> None:
    markup = (
        '<a href="https://a.example/1">a</a> <a href="#top">top</a> <a href="https://a.example/1">again</a>'
        '<map><area href="mailto:x@example.com"></map><a href=" https://b.example/\n2 ">b</a><a>none</a>'
    )
    assert collect_links(markup) == ["https://a.example/1", "mailto:x@example.com", "https://b.example/2"]


def test_entities_in_hrefs_are_decoded() -> None:
    assert collect_links('<a href="https://x.example/?a=1&amp;b=2">x</a>') == ["https://x.example/?a=1&b=2"]


def test_images_show_alt_text_and_are_never_fetched(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_network(*args: object, **kwargs: object) -> None:
        raise AssertionError("network access attempted")

    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(socket.socket, "connect", no_network)
    text, links = html_to_text(
        '<img src="http://tracker.example/p.gif" alt="Logo"><link rel="stylesheet" href="http://x/s.css"><p>hi</p>'
    )
    assert "[Logo]" in text and "hi" in text
    assert links == []


def test_broken_html_still_gives_text() -> None:
    text, _ = html_to_text("<p>unclosed <b>bold <div><td>cell</p></table></html></html>")
    assert "unclosed" in text and "cell" in text


def test_empty_and_comment_only_html_give_empty_text() -> None:
    assert html_to_text("") == ("", [])
    assert html_to_text("<!-- nothing -->") == ("", [])


def test_huge_html_is_truncated_with_a_note() -> None:
    text, _ = html_to_text("<p>" + "x " * (MAX_HTML_CHARS // 2 + 10) + "</p>")
    assert text.endswith("[… HTML truncated …]")


def test_deeply_nested_html_does_not_raise() -> None:
    text, _ = html_to_text("<div>" * 5000 + "deep" + "</div>" * 5000)
    assert "deep" in text
