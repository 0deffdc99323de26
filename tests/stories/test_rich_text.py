import pytest

from core.rich_text import render_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<svg><script>alert(1)</script></svg>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](javascript&colon;alert(1))",
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<iframe src="https://evil.example"></iframe>',
    '<p style="background:url(javascript:alert(1))">x</p>',
    '<div onmouseover="alert(1)">hover</div>',
    "<object data=evil.swf></object>",
    "<form action=https://evil.example><input name=x></form>",
    "![x](javascript:alert(1))",
    '<a href="vbscript:msgbox(1)">x</a>',
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_markdown_renders_inert(text):
    html = render_markdown(text).lower()
    for needle in (
        "<script",
        "onerror",
        "onmouseover",
        "javascript:",
        "vbscript:",
        "data:text",
        "<iframe",
        "<object",
        "<form",
        "style=",
    ):
        assert needle not in html, (text, html)


def test_markdown_keeps_ordinary_formatting_and_safe_links():
    html = render_markdown(
        "Some **bold**, *italic* and [a link](https://example.com).\n\n- one\n- two"
    )
    assert "<strong>bold</strong>" in html
    assert "<em>italic</em>" in html
    assert 'href="https://example.com"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<ul>" in html and "<li>one</li>" in html


def test_empty_text_renders_empty():
    assert render_markdown("") == ""
