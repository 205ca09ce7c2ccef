"""An allowlist of the HTML a news body may hold, enforced with nh3 (ammonia).

Everything not listed is dropped: scripts, styles, event handlers, forms, SVG and MathML,
``javascript:``/``data:``/``vbscript:`` URLs. ammonia parses like a browser (html5ever), so
malformed tags, odd casing and entity-encoded schemes are judged by what a browser would
see, not by what a regular expression would.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from urllib.parse import urlsplit

import nh3

from masthead.text.nesting import flatten_deep_nesting

# The body of an article: paragraphs, links, emphasis, quotes, lists, sub-headings (h1 is
# the headline's), figures, line breaks, and simple tables.
ALLOWED_TAGS = frozenset(
    {
        "p", "a", "em", "strong", "b", "i", "blockquote", "q", "cite", "ul", "ol", "li",
        "h2", "h3", "h4", "figure", "figcaption", "img", "br", "hr",
        "table", "caption", "thead", "tbody", "tfoot", "tr", "th", "td",
    }
)  # fmt: skip
ALLOWED_ATTRIBUTES: dict[str, set[str]] = {
    "a": {"href", "title"},
    "img": {"src", "alt", "width", "height"},
    "blockquote": {"cite"},
    "q": {"cite"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
IFRAME_ATTRIBUTES = {"src", "width", "height", "title", "allowfullscreen"}
URL_SCHEMES = frozenset({"http", "https", "mailto"})
# Dropped together with their content: what's inside them is code or chrome, not copy.
CONTENT_DROPPED = frozenset(
    {
        "script", "style", "iframe", "noscript", "template", "svg", "math", "object",
        "embed", "applet", "textarea", "select", "title", "xmp", "noembed", "noframes",
        "frameset", "frame",
    }
)  # fmt: skip
EXTERNAL_REL = "noopener noreferrer nofollow"

# nh3 serialises every kept link as <a href="..."> with the href first and double-quoted,
# its value escaped, so this pattern on its *output* is exact, not a guess at HTML.
_ANCHOR = re.compile(r'<a href="([^"]*)"')
_NUMBER = re.compile(r"[0-9]{1,4}")
# An iframe whose src was refused: harmless but empty, so it goes too.
_EMPTY_IFRAME = re.compile(r"<iframe(?![^>]*\ssrc=)[^>]*>.*?</iframe>", re.DOTALL)


def sanitize_html(
    html: str,
    *,
    embed_hosts: Iterable[str] = (),
    own_hosts: Iterable[str] = (),
) -> str:
    """Keep the markup a news body may hold; drop the rest.

    Links keep only http, https and mailto targets; links to any host not in ``own_hosts``
    get ``rel="noopener noreferrer nofollow"``. Images keep only ``https`` sources (mixed
    content would break the page's padlock) and their ``alt``. An ``<iframe>`` survives only
    with an ``https`` ``src`` on one of ``embed_hosts`` (e.g. ``www.youtube-nocookie.com``);
    otherwise it goes, content and all. Markup nested deeper than any story is flattened
    first (`masthead.text.nesting`), so that no input holds the parser for long.
    """
    embeds = frozenset(h.lower() for h in embed_hosts)
    cleaned = _cleaner(embeds).clean(flatten_deep_nesting(html))
    if embeds:
        cleaned = _EMPTY_IFRAME.sub("", cleaned)
    own = frozenset(h.lower() for h in own_hosts)
    return _ANCHOR.sub(lambda m: _with_rel(m.group(1), own), cleaned)


def _with_rel(href: str, own_hosts: frozenset[str]) -> str:
    if href.startswith(("http://", "https://")):
        host = (urlsplit(href.replace("&amp;", "&")).hostname or "").lower()
        if host not in own_hosts:
            return f'<a href="{href}" rel="{EXTERNAL_REL}"'
    return f'<a href="{href}"'


@lru_cache(maxsize=16)
def _cleaner(embed_hosts: frozenset[str]) -> nh3.Cleaner:
    tags = set(ALLOWED_TAGS)
    attributes = {tag: set(attrs) for tag, attrs in ALLOWED_ATTRIBUTES.items()}
    dropped = set(CONTENT_DROPPED)
    if embed_hosts:
        tags.add("iframe")
        attributes["iframe"] = set(IFRAME_ATTRIBUTES)
        dropped.discard("iframe")

    def attribute_filter(tag: str, attr: str, value: str) -> str | None:
        return _filter_attribute(tag, attr, value, embed_hosts)

    return nh3.Cleaner(
        tags=tags,
        clean_content_tags=dropped,
        attributes=attributes,
        attribute_filter=attribute_filter,
        url_schemes=set(URL_SCHEMES),
        link_rel=None,
        strip_comments=True,
        generic_attribute_prefixes=set(),
    )


def _filter_attribute(tag: str, attr: str, value: str, embed_hosts: frozenset[str]) -> str | None:
    """Per-attribute rules nh3 cannot express as sets; None drops the attribute."""
    if attr in ("href", "src", "cite"):
        return _url(tag, attr, value.strip(), embed_hosts)
    if attr in ("width", "height", "colspan", "rowspan", "start"):
        return value if _NUMBER.fullmatch(value.strip()) else None
    if attr == "scope":
        return value if value in ("row", "col", "rowgroup", "colgroup") else None
    if attr == "allowfullscreen":
        return ""
    return value


def _url(tag: str, attr: str, value: str, embed_hosts: frozenset[str]) -> str | None:
    try:
        parts = urlsplit(value)
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if tag == "a" and attr == "href":
        if scheme == "mailto":
            return value
        return value if scheme in ("http", "https") and parts.hostname else None
    if tag == "img":
        return value if scheme == "https" and parts.hostname else None
    if tag == "iframe":
        host = (parts.hostname or "").lower()
        return value if scheme == "https" and host in embed_hosts else None
    # blockquote/q cite: a source URL, never followed by browsers, but keep it honest.
    return value if scheme in ("http", "https") and parts.hostname else None
