"""Sitemaps: an index, stories (lastmod = last update), sections, and Google News.

Only stories search engines should index are listed: a syndicated story whose source asks for
`noindex`, or that points its canonical at the original, belongs to someone else's sitemap.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.sitemaps import Sitemap
from django.db.models import Q, QuerySet
from django.utils import timezone

from masthead.newsroom.models import Article, Section, Source

if TYPE_CHECKING:  # only named in annotations; the sites framework need not be installed
    from django.contrib.sites.models import Site
    from django.contrib.sites.requests import RequestSite


def indexable_articles() -> QuerySet[Article]:
    return (
        Article.objects.published()
        .exclude(source__index_policy=Source.IndexPolicy.NOINDEX)
        .exclude(Q(source__index_policy=Source.IndexPolicy.CANONICAL) & ~Q(canonical_url=""))
    )


class ArticleSitemap(Sitemap):
    changefreq = "hourly"
    limit = 5000  # well under Google's 50,000 per file; keeps each page of the sitemap quick

    def items(self) -> QuerySet[Article]:
        return (
            indexable_articles()
            .only("slug", "published_at", "updated_at", "corrected_at")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item: Article) -> dt.datetime | None:
        return item.last_modified


class SectionSitemap(Sitemap):
    changefreq = "hourly"
    priority = 0.8

    def items(self) -> QuerySet[Section]:
        return Section.objects.all()


class NewsSitemap(Sitemap):
    """Google News: only stories published in the last two days, at most 1,000."""

    limit = 1000  # defined by Google
    window = dt.timedelta(hours=48)  # defined by Google

    def items(self) -> QuerySet[Article]:
        now = timezone.now()
        return (
            indexable_articles()
            .filter(published_at__gte=now - self.window)
            .only("slug", "headline", "published_at", "updated_at", "corrected_at", "language")
            .order_by("-published_at", "-id")
        )

    def lastmod(self, item: Article) -> dt.datetime | None:
        return item.last_modified

    def get_urls(
        self,
        page: int | str = 1,
        site: Site | RequestSite | None = None,
        protocol: str | None = None,
    ) -> list[dict[str, Any]]:
        urls = super().get_urls(page=page, site=site, protocol=protocol)
        for url in urls:
            item: Article = url["item"]
            url["news"] = {
                "name": settings.PAPER_NAME,
                "language": (item.language or settings.PAPER_LANGUAGE).split("-")[0].lower(),
                "publication_date": item.published_at,
                "title": item.headline,
            }
        return urls


SITEMAPS = {"articles": ArticleSitemap, "sections": SectionSitemap}
NEWS_SITEMAPS = {"news": NewsSitemap}
