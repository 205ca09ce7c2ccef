from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.views.decorators.cache import cache_control

from masthead.discovery import feeds, views
from masthead.discovery.sitemaps import NEWS_SITEMAPS, SITEMAPS
from masthead.lib import surrogates

app_name = "discovery"

ALL_SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {**SITEMAPS, **NEWS_SITEMAPS}


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One sitemap of the index; the Google News one needs its own XML namespace."""
    template = "discovery/news_sitemap.xml" if section in NEWS_SITEMAPS else "discovery/sitemap.xml"
    # Thousands of stories: their keys would not fit a header, and every change to a story
    # purges TOP anyway.
    surrogates.note_only(surrogates.TOP)
    return sitemap_views.sitemap(request, ALL_SITEMAPS, section=section, template_name=template)


def news_sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_section(request, "news")


def sitemap_index(request: HttpRequest) -> HttpResponse:
    surrogates.note_only(surrogates.TOP, surrogates.NAV)
    return sitemap_views.index(request, ALL_SITEMAPS, sitemap_url_name="discovery:sitemap-section")


# Every reader gets these alike: shared caches may keep them (purged on change).
public = cache_control(public=True)

urlpatterns = [
    path("b/<int:article_id>.gif", views.beacon, name="beacon"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", public(sitemap_index), name="sitemap-index"),
    path("sitemap-<slug:section>.xml", public(sitemap_section), name="sitemap-section"),
    path("news-sitemap.xml", public(news_sitemap), name="news-sitemap"),
    path("feeds/rss/", public(feeds.LatestStoriesFeed()), name="feed-rss"),
    path("feeds/atom/", public(feeds.LatestStoriesAtomFeed()), name="feed-atom"),
    path("feeds/section/<slug:slug>/rss/", public(feeds.SectionFeed()), name="section-feed-rss"),
    path(
        "feeds/section/<slug:slug>/atom/", public(feeds.SectionAtomFeed()), name="section-feed-atom"
    ),
    path("feeds/tag/<slug:slug>/rss/", public(feeds.TagFeed()), name="tag-feed-rss"),
    path("feeds/tag/<slug:slug>/atom/", public(feeds.TagAtomFeed()), name="tag-feed-atom"),
]
