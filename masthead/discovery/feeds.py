"""RSS 2.0 and Atom feeds for the whole paper, each section and each tag.

Django's syndication `Feed` configured by attributes. A walled story (effective access not
free) carries its summary only; free stories carry their full, already-sanitised body. Killed,
embargoed, scheduled and duplicate stories never appear (`published()`).
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed

from masthead.newsroom.models import Access, Article, ArticleQuerySet, Section, Tag

# Characters XML 1.0 forbids; one stray control character would make the whole feed unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text or "")


class _StoriesFeed(Feed):
    """What every feed shares: its items and how each is written.

    Each concrete feed names its own title, description and link: the whole paper's take no
    object, a section's or tag's take the one `get_object` found, so they cannot share one
    signature (a subclass narrowing it would break substitutability).
    """

    feed_type: type[SyndicationFeed] = Rss201rev2Feed
    limit = 50  # feed readers poll; 50 covers a busy day between polls without a heavy page

    def __init__(self) -> None:
        super().__init__()
        self.language = settings.PAPER_LANGUAGE

    def base_queryset(self, obj: Any) -> ArticleQuerySet:
        raise NotImplementedError

    def items(self, obj: Any = None) -> list[Article]:
        return list(self.base_queryset(obj).newest_first().for_page()[: self.limit])

    # -- each item ------------------------------------------------------------------------
    def item_title(self, item: Article) -> str:
        return _xml_safe(item.headline)

    def item_description(self, item: Article) -> str:
        if item.effective_access != Access.FREE:
            return _xml_safe(item.summary)
        return _xml_safe(item.body or item.summary)

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    # No item_guid: the syndication framework then uses the absolute link, a permalink.

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.last_modified

    def item_author_name(self, item: Article) -> str | None:
        names = item.byline_names
        return _xml_safe(", ".join(names)) if names else None

    def item_categories(self, item: Article) -> list[str]:
        return [_xml_safe(t.name) for t in item.tags.all()]

    def item_copyright(self, item: Article) -> str:
        return _xml_safe(item.copyright)


class LatestStoriesFeed(_StoriesFeed):
    # `obj` is always None here (no `get_object`), but Django passes it to a method taking one.
    def title(self, obj: None = None) -> str:
        return settings.PAPER_NAME

    def description(self, obj: None = None) -> str:
        return settings.PAPER_TAGLINE

    def link(self, obj: None = None) -> str:
        return reverse("site:home")

    def base_queryset(self, obj: None) -> ArticleQuerySet:
        return Article.objects.published()


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = Atom1Feed
    subtitle = LatestStoriesFeed.description


class SectionFeed(_StoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def title(self, obj: Section) -> str:
        return f"{obj.name} · {settings.PAPER_NAME}"

    def description(self, obj: Section) -> str:
        return obj.description or f"{obj.name} from {settings.PAPER_NAME}"

    def link(self, obj: Section) -> str:
        return obj.get_absolute_url()

    def base_queryset(self, obj: Section) -> ArticleQuerySet:
        return Article.objects.published().in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = Atom1Feed
    subtitle = SectionFeed.description


class TagFeed(_StoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj: Tag) -> str:
        return f"{obj.name} · {settings.PAPER_NAME}"

    def description(self, obj: Tag) -> str:
        return f"Stories tagged {obj.name} in {settings.PAPER_NAME}"

    def link(self, obj: Tag) -> str:
        return obj.get_absolute_url()

    def base_queryset(self, obj: Tag) -> ArticleQuerySet:
        return Article.objects.published().with_tag(obj)


class TagAtomFeed(TagFeed):
    feed_type = Atom1Feed
    subtitle = TagFeed.description
