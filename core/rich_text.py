"""Markdown to safe HTML: the one place rich text is rendered and sanitised."""

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "code",
    "em",
    "h2",
    "h3",
    "h4",
    "hr",
    "i",
    "li",
    "ol",
    "p",
    "pre",
    "strong",
    "sub",
    "sup",
    "ul",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "abbr": {"title"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}


_local = threading.local()


def _converter() -> markdown.Markdown:
    # Building a Markdown instance costs more than converting a paragraph; reuse one per thread.
    if not hasattr(_local, "md"):
        _local.md = markdown.Markdown(extensions=["extra", "sane_lists"], output_format="html")
    return _local.md


def render_markdown(text: str) -> str:
    """Return sanitised HTML for Markdown `text`; scripts, handlers and unsafe links removed."""
    if not text:
        return ""
    html = _converter().reset().convert(text)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )
