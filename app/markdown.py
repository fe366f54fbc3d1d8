"""Markdown for everything people write (descriptions, details, comments), rendered safe for a page."""
import markdown_it
import nh3
from markupsafe import Markup

# Raw HTML in the source is shown as text, never passed through.
_parser = markdown_it.MarkdownIt("commonmark", {"html": False, "breaks": True}).enable(["table", "strikethrough"])

ALLOWED_TAGS = {
    "p", "br", "hr", "strong", "em", "del", "code", "pre", "blockquote", "ul", "ol", "li",
    "h1", "h2", "h3", "h4", "h5", "h6", "a", "table", "thead", "tbody", "tr", "th", "td",
}
# No <img>: a remote image in a comment would be a tracking pixel; screenshots are attachments.
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"},
                      "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _clean(html: str) -> Markup:
    return Markup(nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        url_relative="deny", link_rel="nofollow noopener noreferrer",
        filter_style_properties={"text-align"},
    ))


def render_markdown(text: str | None) -> Markup:
    """Turn Markdown *text* into sanitized HTML (no scripts, no raw HTML, safe links only)."""
    return _clean(_parser.render(text or ""))


def render_excerpt(text: str | None, length: int = 120) -> Markup:
    """The start of Markdown *text* as one line of inline HTML (emphasis, code, links), for timelines."""
    text = " ".join((text or "").split())
    if len(text) > length:
        text = text[:length].rsplit(" ", 1)[0] + "…"
    return _clean(_parser.renderInline(text))
