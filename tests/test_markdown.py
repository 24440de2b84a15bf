"""Stories are Markdown rendered then sanitised: no script, handler or javascript: link survives."""
from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from storybank.archive.render import render_markdown

PAYLOADS = [
    "<script>alert('x')</script>",
    "<img src=x onerror=alert(1)>",
    "[click me](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[data](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "<a href=\"javascript&colon;alert(1)\">x</a>",
    "<svg onload=alert(1)><circle/></svg>",
    "<iframe src=\"https://evil.example\"></iframe>",
    "<div style=\"background:url(javascript:alert(1))\">x</div>",
    "<body onload=alert(1)>",
    "<math><mi xlink:href=\"javascript:alert(1)\">x</mi></math>",
    "![img](x\" onerror=\"alert(1))",
    "<details open ontoggle=alert(1)>",
    "<form action=\"https://evil.example\"><input name=a></form>",
    "<object data=\"x.swf\"></object>",
    "<a href=\"vbscript:msgbox(1)\">x</a>",
    "<<script>script>alert(1)//<</script>/script>",
    "<p onclick=\"alert(1)\">para</p>",
    "<style>body{display:none}</style>",
    "<meta http-equiv=\"refresh\" content=\"0;url=https://evil.example\">",
]
FORBIDDEN = ["<script", "onerror", "onload", "onclick", "ontoggle", "javascript:", "vbscript:", "data:text/html",
             "<iframe", "<svg", "<object", "<form", "<style", "<meta", "style=", "<img"]


def _assert_safe(html: str) -> None:
    """No forbidden markup: tags and attributes are checked; escaped text (a payload shown as words) is harmless."""
    markup = " ".join(re.findall(r"<[^>]*>", html)).lower()
    for needle in FORBIDDEN:
        assert needle not in markup, f"{needle!r} survived in {html!r}"
    assert "<" not in re.sub(r"<[^<>]*>", "", html), f"a stray '<' in {html!r}"
    _assert_no_live_markup(html)


class _LiveMarkup(HTMLParser):
    """Collects what a browser would act on: dangerous elements, handlers, script URLs."""

    DANGEROUS = {"script", "iframe", "svg", "object", "embed", "form", "style", "meta", "img", "math", "body"}

    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag in self.DANGEROUS:
            self.problems.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on") or name == "style":
                self.problems.append(f"{tag}[{name}]")
            if name in {"href", "src", "action", "xlink:href"} and value and not value.startswith(
                    ("http://", "https://", "mailto:", "/", "#")):
                self.problems.append(f"{tag}[{name}={value}]")


def _assert_no_live_markup(page: str) -> None:
    parser = _LiveMarkup()
    parser.feed(page)
    assert parser.problems == [], parser.problems


@pytest.mark.parametrize("payload", PAYLOADS)
def test_renderer_neutralises(payload):
    _assert_safe(render_markdown(f"Before.\n\n{payload}\n\nAfter."))


def test_markdown_still_renders_what_people_write():
    html = render_markdown("# Heading\n\n*felt* **heard**\n\n> quoted\n\n- one\n- two\n\n[help](https://example.org)")
    assert "<em>felt</em>" in html and "<strong>heard</strong>" in html
    assert "<blockquote>" in html and "<li>one</li>" in html
    assert 'href="https://example.org"' in html and 'rel="noopener noreferrer nofollow"' in html


def test_payloads_through_pages_and_api_titles_and_bodies(app, login_as, make_story):
    from storybank import tx
    from storybank.accounts.services import create_token

    client, teller = login_as("storyteller")
    researcher_client, researcher = login_as("researcher")
    token = create_token(researcher)
    tx.commit()
    for payload in PAYLOADS:
        story = make_story(teller, title=f"Title {payload}"[:200], body=f"Body\n\n{payload}\n")
        for c in (client, researcher_client):
            page = c.get(f"/stories/{story.id}").get_data(as_text=True)
            # Titles are escaped text; the body is sanitised HTML. No live markup from the payload.
            _assert_no_live_markup(page.split('<main id="main">', 1)[1])
        api = researcher_client.get(f"/api/v1/stories/{story.id}", headers={"Authorization": f"Bearer {token}"})
        assert api.status_code == 200
        _assert_safe(api.get_json()["html"])
        assert api.get_json()["body"].endswith(f"{payload}\n")  # the teller's words are kept as written
