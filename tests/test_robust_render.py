"""Rendering is bounded: hostile bodies render safely, ordinary Markdown renders as it always did."""
from __future__ import annotations

import pytest

from storybank.archive.render import MAX_RENDER_CHARS, render_markdown

# What stories already in the archive contain, and the HTML they have always shown (Python-Markdown's output,
# checked against the old renderer when markdown-it-py replaced it).
ORDINARY = [
    ("## Heading two\n\ntext", "<h2>Heading two</h2>\n<p>text</p>"),
    ("### Three\n\n#### Four", "<h3>Three</h3>\n<h4>Four</h4>"),
    ("*felt* **heard** _under_ __strong__", "<p><em>felt</em> <strong>heard</strong> <em>under</em> <strong>strong</strong></p>"),
    ("> quoted\n> more", "<blockquote>\n<p>quoted\nmore</p>\n</blockquote>"),
    ("- one\n- two\n- three", "<ul>\n<li>one</li>\n<li>two</li>\n<li>three</li>\n</ul>"),
    ("1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>"),
    ("[help](https://example.org)", '<p><a href="https://example.org" rel="noopener noreferrer nofollow">help</a></p>'),
    ('[help](https://example.org "Title")',
     '<p><a href="https://example.org" title="Title" rel="noopener noreferrer nofollow">help</a></p>'),
    ("para one\n\npara two", "<p>para one</p>\n<p>para two</p>"),
    ("line one\nline two", "<p>line one\nline two</p>"),
    ("`code` here", "<p><code>code</code> here</p>"),
    ("```\nfenced\n```", "<pre><code>fenced\n</code></pre>"),
    ("---", "<hr>"),
    ("Hello <em>raw</em> x", "<p>Hello <em>raw</em> x</p>"),
    ("> quote\n>\n> - list in quote", "<blockquote>\n<p>quote</p>\n<ul>\n<li>list in quote</li>\n</ul>\n</blockquote>"),
    ("Tom & Jerry < 3", "<p>Tom &amp; Jerry &lt; 3</p>"),
]


@pytest.mark.parametrize(("source", "html"), ORDINARY)
def test_ordinary_markdown_renders_as_before(source, html):
    assert render_markdown(source).strip() == html


def test_headings_render_everywhere():
    assert render_markdown("# A heading").strip() == "<h1>A heading</h1>"


def test_tables_still_render():
    html = render_markdown("a | b\n--|--\n1 | 2")
    assert "<table>" in html and "<td>1</td>" in html


HOSTILE = {
    "open brackets": "[" * 20_000,
    "nested markdown divs": '<div markdown="1">\n\n' * 400 + "inside" + "\n\n</div>" * 400,
    "nested quotes": ">" * 20_000 + " deep",
    "nested lists": "".join("  " * i + "* a\n" for i in range(300)),
    "unclosed emphasis": "*a " * 7_000,
    "unclosed links": "[a](" * 5_000,
    "images": "![" * 10_000,
}


@pytest.mark.parametrize("name", HOSTILE)
def test_hostile_bodies_render_to_text_not_errors(name):
    html = render_markdown(HOSTILE[name])
    assert "markdown=" not in html and "<div" not in html


def test_nesting_is_capped_and_no_word_is_lost():
    html = render_markdown("> " * 100 + "deep")
    assert "<blockquote>" not in html and "deep" in html
    assert render_markdown("> " * 5 + "shallow").count("<blockquote>") == 5


def test_over_the_limit_the_body_is_plain_escaped_text():
    body = ("**bold** <em>x</em> [link](https://example.org)\n\n" * (MAX_RENDER_CHARS // 40))
    html = render_markdown(body)
    assert "<strong>" not in html and "<a " not in html and "**bold**" in html and "&lt;em&gt;" in html


@pytest.mark.parametrize("name", ["nested markdown divs", "open brackets"])
def test_story_page_preview_and_api_answer_for_hostile_bodies(app, login_as, make_story, name):
    from conftest import api_client, csrf_token

    client, teller = login_as("storyteller")
    story = make_story(teller, body=HOSTILE[name] + "\n\nthe end of it")
    page = client.get(f"/stories/{story.id}")
    assert page.status_code == 200 and "the end of it" in page.get_data(as_text=True)
    token = csrf_token(client, "/stories/new")
    preview = client.post("/preview", data={"body": HOSTILE[name], "csrf_token": token})
    assert preview.status_code == 200 and preview.get_json()["error"] is None
    api = api_client(app, teller).get(f"/api/v1/stories/{story.id}")
    assert api.status_code == 200 and "the end of it" in api.get_json()["html"]
