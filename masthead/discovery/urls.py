from django.contrib.sitemaps import Sitemap
from django.contrib.sitemaps import views as sitemap_views
from django.http import HttpRequest, HttpResponse
from django.urls import path

from masthead.discovery import feeds, views
from masthead.discovery.sitemaps import NEWS_SITEMAPS, SITEMAPS

app_name = "discovery"

ALL_SITEMAPS: dict[str, type[Sitemap] | Sitemap] = {**SITEMAPS, **NEWS_SITEMAPS}


def sitemap_section(request: HttpRequest, section: str) -> HttpResponse:
    """One sitemap of the index; the Google News one needs its own XML namespace."""
    template = "discovery/news_sitemap.xml" if section in NEWS_SITEMAPS else "discovery/sitemap.xml"
    return sitemap_views.sitemap(request, ALL_SITEMAPS, section=section, template_name=template)


def news_sitemap(request: HttpRequest) -> HttpResponse:
    return sitemap_section(request, "news")


def sitemap_index(request: HttpRequest) -> HttpResponse:
    return sitemap_views.index(request, ALL_SITEMAPS, sitemap_url_name="discovery:sitemap-section")


urlpatterns = [
    path("b/<int:article_id>.gif", views.beacon, name="beacon"),
    path("robots.txt", views.robots_txt, name="robots"),
    path("sitemap.xml", sitemap_index, name="sitemap-index"),
    path("sitemap-<slug:section>.xml", sitemap_section, name="sitemap-section"),
    path("news-sitemap.xml", news_sitemap, name="news-sitemap"),
    path("feeds/rss/", feeds.LatestStoriesFeed(), name="feed-rss"),
    path("feeds/atom/", feeds.LatestStoriesAtomFeed(), name="feed-atom"),
    path("feeds/section/<slug:slug>/rss/", feeds.SectionFeed(), name="section-feed-rss"),
    path("feeds/section/<slug:slug>/atom/", feeds.SectionAtomFeed(), name="section-feed-atom"),
    path("feeds/tag/<slug:slug>/rss/", feeds.TagFeed(), name="tag-feed-rss"),
    path("feeds/tag/<slug:slug>/atom/", feeds.TagAtomFeed(), name="tag-feed-atom"),
]
