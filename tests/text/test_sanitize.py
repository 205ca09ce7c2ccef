"""sanitize_html, clean_html, clean_plain: the allowlist and the classic evasion vectors."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from masthead.text import clean_html, clean_plain, sanitize_html
from tests.text.inert import assert_inert


def test_it_keeps_the_news_allowlist() -> None:
    body = (
        "<h2>Sub</h2><p>A <em>b</em> <strong>c</strong> <b>d</b> <i>e</i></p>"
        "<blockquote><p>q</p></blockquote><q>x</q><cite>y</cite><ul><li>1</li></ul>"
        "<ol><li>2</li></ol><h3>h</h3><h4>h</h4><br><hr>"
        '<figure><img src="https://img.example/a.jpg" alt="A"><figcaption>c</figcaption></figure>'
        "<table><thead><tr><th>h</th></tr></thead><tbody><tr><td>d</td></tr></tbody></table>"
    )
    assert sanitize_html(body) == body


def test_it_adds_rel_to_external_links_only() -> None:
    out = sanitize_html(
        '<a href="https://elsewhere.example/x">a</a> <a href="https://paper.example/y">b</a>'
        ' <a href="mailto:desk@paper.example">c</a>',
        own_hosts=["paper.example"],
    )
    assert '<a href="https://elsewhere.example/x" rel="noopener noreferrer nofollow">a</a>' in out
    assert '<a href="https://paper.example/y">b</a>' in out
    assert '<a href="mailto:desk@paper.example">c</a>' in out


def test_it_drops_rel_and_target_from_input() -> None:
    out = sanitize_html('<a href="https://x.example/" rel="opener" target="_blank">x</a>')
    assert out == '<a href="https://x.example/" rel="noopener noreferrer nofollow">x</a>'


@pytest.mark.parametrize(
    "payload",
    [
        '<a href="javascript:alert(1)">x</a>',
        '<a href="JaVaScRiPt:alert(1)">x</a>',
        '<a href="&#106;&#97;&#118;&#97;&#115;&#99;&#114;&#105;&#112;&#116;&#58;alert(1)">x</a>',
        '<a href="&#x6A;avascript&#x3A;alert(1)">x</a>',
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href=" javascript:alert(1)">x</a>',
        '<a href="vbscript:msgbox(1)">x</a>',
        '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
        '<img src="data:image/svg+xml,<svg onload=alert(1)>">',
        "<img src=x onerror=alert(1)>",
        '<IMG SRC="https://a.example/x.png" OnErRoR="alert(1)">',
        "<svg><script>alert(1)</script></svg>",
        "<svg/onload=alert(1)>",
        "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)></style></math>",
        '<math href="javascript:alert(1)">x</math>',
        "<scr<script>ipt>alert(1)</scr</script>ipt>",
        '<p style="background:url(javascript:alert(1))">x</p>',
        '<p style="width: expression(alert(1))">x</p>',
        '<div style="behavior: url(x.htc)">x</div>',
        "<style>@import 'javascript:alert(1)';</style>",
        '<iframe src="javascript:alert(1)"></iframe>',
        '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
        '<object data="x.swf"></object><embed src="x.swf">',
        '<form action="javascript:alert(1)"><button formaction="javascript:x">x</button></form>',
        '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
        '<base href="javascript:alert(1)//">',
        '<a href="https://x.example/" onmouseover="alert(1)">x</a>',
        "<<script>alert(1)//<</script>",
        '<img """><script>alert(1)</script>">',
        "<!--<script>alert(1)--><p>x</p>",
        '<a href="javascript&colon;alert(1)">x</a>',
        '<blockquote cite="javascript:alert(1)">x</blockquote>',
        '<table background="javascript:alert(1)"><td>x</td></table>',
        '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    ],
)
def test_it_neutralises_evasion_vectors(payload: str) -> None:
    assert_inert(sanitize_html(payload))
    assert_inert(clean_html(payload))


def test_it_keeps_iframes_only_from_listed_embed_hosts() -> None:
    html = (
        '<iframe src="https://www.youtube-nocookie.com/embed/x" onload="alert(1)"></iframe>'
        '<iframe src="https://evil.example/"></iframe><iframe src="http://www.youtube-nocookie.com/embed/y"></iframe>'
    )
    out = sanitize_html(html, embed_hosts=["www.youtube-nocookie.com"])
    assert out == '<iframe src="https://www.youtube-nocookie.com/embed/x"></iframe>'
    assert sanitize_html(html) == ""


def test_it_refuses_images_that_are_not_https() -> None:
    assert sanitize_html('<img src="http://a.example/x.png" alt="x">') == '<img alt="x">'


def test_it_repairs_then_sanitises_bodies() -> None:
    assert clean_html("<p>Latviaโ€™s <script>x</script></p>") == "<p>Latvia’s </p>"


def test_it_keeps_escaped_text_in_bodies_escaped() -> None:
    assert clean_html("<p>The &lt;script&gt; tag</p>") == "<p>The &lt;script&gt; tag</p>"


def test_it_makes_plain_text_for_headlines() -> None:
    assert clean_plain("Sprลซds <b>wins</b> &amp; <script>alert(1)</script>thanks") == (
        "Sprūds wins & thanks"
    )
    assert clean_plain("AT&amp;T &amp;#8217;s") == "AT&T ’s"
    assert clean_plain("Plain headline") == "Plain headline"


_TAGS = ["script", "img", "a", "svg", "iframe", "style", "p", "math", "body", "object", "b"]
_ATTRS = ["onerror", "onload", "href", "src", "style", "OnClick", "formaction", "xlink:href"]
_VALUES = ["javascript:alert(1)", "JaVaScRiPt:x", "&#106;avascript:x", "data:text/html,x",
           "https://ok.example/", "expression(alert(1))", "x", "\"><script>x</script>"]  # fmt: skip
html_fragment = st.lists(
    st.one_of(
        st.builds(
            lambda t, a, v, body: f'<{t} {a}="{v}">{body}</{t}>',
            st.sampled_from(_TAGS),
            st.sampled_from(_ATTRS),
            st.sampled_from(_VALUES),
            st.text(max_size=10),
        ),
        st.sampled_from(["<", ">", "<!--", "-->", "</", "<scr", "ipt>", '"', "'", "=", " "]),
        st.text(max_size=8),
    ),
    max_size=12,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(html_fragment)
def test_it_never_outputs_an_executable_construct(fragment: str) -> None:
    out = sanitize_html(fragment)
    assert_inert(out)
    assert sanitize_html(out) == out  # stable: sanitising twice changes nothing
