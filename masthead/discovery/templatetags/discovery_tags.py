"""Head metadata for article pages: canonical/robots policy, JSON-LD, Open Graph values.

Computed in Python (not template logic) so the policy — what a gated story may reveal, what a
syndicated copy tells search engines — is written once and tested directly.
"""

from __future__ import annotations

import json
from typing import Any

from django import template
from django.conf import settings
from django.templatetags.static import static
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from masthead.newsroom.models import Access, Article, Image, Source
from masthead.newsroom.pictures import url as rendition_url

register = template.Library()

# What Django's json_script escapes: keeps "</script>" in a headline from closing the tag.
_JSON_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def _absolute(context: template.Context, url: str) -> str:
    if url.startswith(("http://", "https://")):
        return url
    request = context.get("request")
    if request is not None:
        return request.build_absolute_uri(url)
    return settings.PAPER_URL.rstrip("/") + url


def head_metadata(article: Article, absolute: Any) -> dict[str, Any]:
    """Everything the article page's <head> says about the story, as plain values."""
    own_url = absolute(article.get_absolute_url())
    policy = article.source.index_policy
    canonical = own_url
    if policy == Source.IndexPolicy.CANONICAL and article.canonical_url:
        canonical = article.canonical_url
    noindex = policy == Source.IndexPolicy.NOINDEX
    gated = article.effective_access != Access.FREE
    logo = absolute(static("discovery/logo.png"))
    pictures = social_pictures(article.lead_image, absolute)
    picture = pictures[0] if pictures else None
    image = picture["url"] if picture else (article.image_url or logo)
    modified = article.last_modified
    tags = [t.name for t in article.tags.all()]
    names = article.byline_names
    authors: list[dict[str, str]] = (
        [{"@type": "Person", "name": n} for n in names]
        if names
        else [{"@type": "Organization", "name": article.credit}]
    )
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "NewsArticle",
        "mainEntityOfPage": {"@type": "WebPage", "@id": own_url},
        "url": own_url,
        "headline": article.headline[:110],  # Google truncates longer headlines
        "description": article.summary,
        "datePublished": article.published_at.isoformat() if article.published_at else None,
        "dateModified": modified.isoformat() if modified else None,
        "author": authors,
        "publisher": {
            "@type": "Organization",
            "name": settings.PAPER_NAME,
            "url": absolute("/"),
            "logo": {"@type": "ImageObject", "url": logo, "width": 600, "height": 60},
        },
        "image": [p["url"] for p in pictures] or [image],
        "articleSection": article.section.name if article.section else None,
        "keywords": tags,
        "inLanguage": article.language or settings.PAPER_LANGUAGE,
        "isAccessibleForFree": not gated,
    }
    if gated:
        # Google's paywalled-content markup: says the body is gated, so showing crawlers more
        # than readers is not cloaking. Never an articleBody here.
        data["hasPart"] = {
            "@type": "WebPageElement",
            "isAccessibleForFree": False,
            "cssSelector": ".story__body",
        }
    if article.copyright:
        data["copyrightNotice"] = article.copyright
    corrections = article.corrections_in_order
    if corrections:
        # schema.org's `correction` (of any CreativeWork): a CorrectionComment each, oldest
        # first. `dateModified` above already counts the latest (`corrected_at`).
        data["correction"] = [
            {
                "@type": "CorrectionComment",
                "text": c.note,
                "datePublished": c.published_at.isoformat(),
            }
            for c in corrections
        ]
    data = {k: v for k, v in data.items() if v not in (None, "", [])}
    return {
        "canonical": canonical,
        "noindex": noindex,
        "url": canonical,
        "image": image,
        "image_width": picture["width"] if picture else None,
        "image_height": picture["height"] if picture else None,
        "image_alt": (article.lead_image.alt if picture and article.lead_image else "")
        or article.image_alt,
        "modified": modified,
        "tags": tags,
        "gated": gated,
        "jsonld": mark_safe(  # noqa: S308 - json.dumps output with <, >, & escaped
            json.dumps(data, ensure_ascii=False).translate(_JSON_ESCAPES)
        ),
    }


def social_pictures(image: Image | None, absolute: Any) -> list[dict[str, Any]]:
    """The lead picture for cards and search: the 16:9 card first (1200 wide where the original
    allows, what Google asks of news), then the widest JPEG (more of the picture, other ratio)."""
    if image is None:
        return []
    found: list[dict[str, Any]] = []
    card = image.card()
    widest = image.widths("jpeg")[-1:] or []
    for r in ([card] if card else []) + widest:
        if r and all(f["name"] != r["name"] for f in found):
            found.append(r)
    return [
        {"url": absolute(rendition_url(r["name"])), "width": r["width"], "height": r["height"]}
        for r in found
    ]


@register.simple_tag(takes_context=True)
def article_head(context: template.Context, article: Article) -> dict[str, Any]:
    return head_metadata(article, lambda url: _absolute(context, url))


@register.simple_tag
def feed_link(url: str, title: str, kind: str) -> SafeString:
    mime = "application/atom+xml" if kind == "atom" else "application/rss+xml"
    return format_html('<link rel="alternate" type="{}" title="{}" href="{}">', mime, title, url)
