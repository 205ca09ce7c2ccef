"""Filters for a story's page."""

from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from masthead.newsroom.models import Article
from masthead.text import datelines

register = template.Library()


@register.filter
def with_dateline(body_html: str, article: Article) -> SafeString:
    """The (sanitised) body, or a walled reader's share of it, with the story's dateline
    printed at the head of its first paragraph (`masthead.text.datelines`)."""
    return mark_safe(  # noqa: S308 - sanitised at ingest or save; the dateline is escaped
        datelines.inline(body_html or "", article.dateline, article.source.agency)
    )
