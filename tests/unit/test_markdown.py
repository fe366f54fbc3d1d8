"""Comments are Markdown, and whatever they contain comes out inert."""
from html.parser import HTMLParser

import pytest

from app.markdown import render_excerpt, render_markdown
from app.models import Role

HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "![x](javascript:alert(1))",
    '<iframe src="https://evil.example"></iframe>',
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<svg onload=alert(1)>",
    "```\n</code><script>alert(1)</script>\n```",
]


class LiveParts(HTMLParser):
    """Collect the tags and attributes a browser would act on."""

    def __init__(self):
        super().__init__()
        self.tags, self.attributes = set(), []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += attrs


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_markdown_is_inert(source):
    parts = LiveParts()
    parts.feed(str(render_markdown(source)))
    assert parts.tags <= {"p", "a", "pre", "code", "br"}
    for name, value in parts.attributes:
        assert not name.startswith("on") and name != "style" and name != "src"
        if name == "href":
            assert value.split(":")[0] in ("http", "https", "mailto")


@pytest.mark.parametrize("source", HOSTILE)
def test_hostile_excerpts_are_inert(source):
    parts = LiveParts()
    parts.feed(str(render_excerpt(source)))
    assert parts.tags <= {"a", "code"}
    for name, value in parts.attributes:
        assert not name.startswith("on") and name != "style" and name != "src"
        if name == "href":
            assert value.split(":")[0] in ("http", "https", "mailto")


def test_an_excerpt_is_one_line_cut_at_a_word():
    html = str(render_excerpt("**Rolled back** the\n\ngateway deploy and then some more words", 30))
    assert html == "<strong>Rolled back</strong> the gateway…"
    assert "<p>" not in str(render_excerpt("- one\n- two"))


def test_markdown_formats_and_links_are_safe():
    html = str(render_markdown("**bold** _it_ `code`\n\n- one\n- two\n\n[docs](https://example.com/a)"))
    assert "<strong>bold</strong>" in html and "<em>it</em>" in html and "<code>code</code>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.com/a" rel="nofollow noopener noreferrer">docs</a>' in html


def test_only_http_https_and_mailto_links_keep_their_target():
    assert 'href="mailto:ops@example.com"' in str(render_markdown("[mail](mailto:ops@example.com)"))
    assert "href" not in str(render_markdown("[rel](//evil.example/x)"))
    assert "href" not in str(render_markdown("[ftp](ftp://example.com/x)"))


def test_raw_html_is_shown_as_text():
    assert "&lt;b&gt;hi&lt;/b&gt;" in str(render_markdown("<b>hi</b>"))


def test_comment_markdown_on_the_incident_page(client, factory, login_as):
    user = factory.user(Role.RESPONDER)
    incident = factory.incident()
    login_as(user)
    body = "**Found it** <script>alert('x')</script> [bad](javascript:alert(1)) [good](https://example.com)"
    client.post(f"/incidents/{incident.number}/comments", data={"body": body})
    page = client.get(f"/incidents/{incident.number}").get_data(as_text=True)
    assert "<strong>Found it</strong>" in page
    assert "<script>alert('x')</script>" not in page and "&lt;script&gt;" in page
    assert 'href="javascript' not in page
    assert 'href="https://example.com" rel="nofollow noopener noreferrer"' in page


@pytest.mark.parametrize("kind", ["incident", "ticket"])
def test_descriptions_details_and_resolution_notes_are_markdown(client, factory, login_as, kind):
    login_as(factory.user(Role.MANAGER))
    prose = "**Found it** <script>alert('x')</script> [bad](javascript:alert(1))"
    if kind == "incident":
        path = f"/incidents/{factory.incident(description=prose).number}"
    else:
        path = f"/tickets/{factory.ticket(details=prose, resolution_notes=f'_{prose}_').number}"
    page = client.get(path).get_data(as_text=True)
    assert page.count("<strong>Found it</strong>") == (1 if kind == "incident" else 2)
    assert "<script>alert('x')</script>" not in page and 'href="javascript' not in page
