"""The private preview page: a story as readers will see it, for whoever holds its signed link."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from masthead.accounts.models import MeterRead
from masthead.newsroom.models import Access, Article
from masthead.newsroom.preview import preview_url, token_for
from tests.factories import ArticleFactory, SectionFactory, SourceFactory

pytestmark = pytest.mark.django_db

BODY = "<p>The council met behind closed doors.</p><p>A secret second paragraph.</p>"
WALL = "Access this article for free."


def path_for(article: Article, **kwargs) -> str:
    return reverse("site:preview", args=[token_for(article, **kwargs)])


@pytest.fixture
def draft():
    world = SectionFactory(name="World", slug="world")
    return ArticleFactory(
        headline="Harbour deal struck in secret",
        body=BODY,
        status=Article.Status.DRAFT,
        published_at=None,
        source=SourceFactory(),
        sections=[world],
    )


def test_it_shows_a_draft_to_an_anonymous_reader(client, draft):
    response = client.get(path_for(draft))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Harbour deal struck in secret" in html
    assert "A secret second paragraph." in html
    # The article page's own template: its header, body and side blocks.
    assert 'class="story__headline"' in html and 'class="article-layout__side"' in html


def test_preview_url_is_the_absolute_link_to_this_page(client, draft, settings):
    url = preview_url(draft)
    assert url.startswith(settings.PAPER_URL.rstrip("/") + "/preview/")
    path = url.removeprefix(settings.PAPER_URL.rstrip("/"))
    assert client.get(path).status_code == 200


def test_it_shows_a_walled_wire_story_whole_and_counts_no_read(client, settings):
    settings.MASTHEAD_METER_FREE_ARTICLES = 0  # the article page walls every anonymous read
    story = ArticleFactory(body=BODY, access=Access.REGISTRATION)
    walled = Client().get(story.get_absolute_url()).content.decode()
    assert WALL in walled and "A secret second paragraph." not in walled
    MeterRead.objects.all().delete()

    response = client.get(path_for(story))
    html = response.content.decode()
    assert "A secret second paragraph." in html and WALL not in html


def test_it_counts_no_meter_read_and_no_popular_read(client):
    story = ArticleFactory(body=BODY, access=Access.REGISTRATION)
    response = client.get(path_for(story))
    assert response.status_code == 200
    assert not response.cookies  # no meter cookie handed out
    assert MeterRead.objects.count() == 0
    # Nor a Popular read: the page carries no beacon (the article page's does).
    beacon = reverse("discovery:beacon", args=[story.pk])
    assert beacon not in response.content.decode()
    # The same story's own page, for comparison: a metered read, a cookie, the beacon.
    page = Client().get(story.get_absolute_url())
    assert page.cookies  # the meter's cookie (its reads are rows on SQLite, counts in Redis)
    assert beacon in page.content.decode()


def test_its_headers_keep_it_private_unindexed_and_out_of_every_cache(client, draft):
    response = client.get(path_for(draft))
    control = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= control and "public" not in control
    assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert response["Referrer-Policy"] == "no-referrer"
    for header in ("Surrogate-Key", "xkey", "Surrogate-Control", "Cache-Tag"):
        assert not response.has_header(header), header


def test_its_html_says_noindex_and_sends_no_referrer(client, draft):
    html = client.get(path_for(draft)).content.decode()
    assert '<meta name="robots" content="noindex, nofollow">' in html
    assert '<meta name="referrer" content="no-referrer">' in html
    # Nothing that would present it as the story's address.
    assert 'rel="canonical"' not in html and "application/ld+json" not in html


def test_a_published_storys_preview_says_it_is_live(client):
    story = ArticleFactory(headline="Ferry timetable changes")
    html = client.get(path_for(story)).content.decode()
    assert "Ferry timetable changes" in html
    assert "this story is live" in html and "not published" not in html


@pytest.mark.parametrize(
    ("status", "label"),
    [
        (Article.Status.DRAFT, "(Draft)"),
        (Article.Status.REVIEW, "(In review)"),
        (Article.Status.UNPUBLISHED, "(Unpublished)"),
        (Article.Status.KILLED, "(Killed)"),
    ],
)
def test_the_banner_says_where_the_story_stands(client, status, label):
    story = ArticleFactory(status=status, body=BODY)
    html = client.get(path_for(story)).content.decode()
    banner = re.search(r'<p class="notice notice--preview".*?</p>', html, re.S)
    assert banner is not None
    assert "Preview" in banner[0] and "not published" in banner[0] and label in banner[0]
    assert "This link expires" in banner[0]
    assert "A secret second paragraph." in html  # a killed story too: the editor's permission


def test_the_banner_gives_a_scheduled_storys_time_and_the_links_expiry(client, settings):
    settings.TIME_ZONE = "UTC"
    now = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(now, tick=False):
        story = ArticleFactory(
            status=Article.Status.SCHEDULED, published_at=now + dt.timedelta(hours=5)
        )
        html = client.get(path_for(story, hours=48)).content.decode()
    assert "scheduled for" in html
    assert '<time datetime="2026-03-02T14:00:00+00:00">March 2, 2026, 2:00 PM UTC</time>' in html
    assert "This link expires" in html
    assert '<time datetime="2026-03-04T09:00:00+00:00">' in html


def test_a_tampered_token_is_a_404(client, draft):
    token = token_for(draft)
    # One character of the payload changed (a signature over it no longer matches).
    position = 3
    changed = token[:position] + ("A" if token[position] != "A" else "B") + token[position + 1 :]
    for bad in (changed, token[:-1], token + "x", "not-a-token", f"{token}:extra"):
        response = client.get(f"/preview/{bad}/")
        assert response.status_code == 404, bad
        assert "Page not found" in response.content.decode()
        assert "Harbour deal struck in secret" not in response.content.decode()


def test_an_expired_token_is_a_404(client, draft):
    assert client.get(path_for(draft, hours=-1)).status_code == 404
    path = path_for(draft, hours=1)
    assert client.get(path).status_code == 200
    with time_machine.travel(timezone.now() + dt.timedelta(hours=2)):
        assert client.get(path).status_code == 404


def test_a_deleted_storys_link_is_a_404(client, draft):
    path = path_for(draft)
    draft.delete()
    assert client.get(path).status_code == 404


def test_the_article_page_still_hides_a_draft(client, draft):
    """The preview is the only way in: the story's own address stays a 404 until it is out."""
    assert client.get(draft.get_absolute_url()).status_code == 404


def test_behind_an_esi_edge_it_is_still_the_whole_page(client):
    """The shipped VCL says every request may have ESI; a preview is never the metered shell
    (the edge would then fetch the face, which is the public page's decision)."""
    story = ArticleFactory(body=BODY, access=Access.REGISTRATION)
    response = client.get(path_for(story), HTTP_SURROGATE_CAPABILITY='masthead="ESI/1.0"')
    html = response.content.decode()
    assert "A secret second paragraph." in html and "<esi:include" not in html
    assert not response.has_header("Surrogate-Control")


def test_a_previewed_draft_stays_out_of_feeds_sitemaps_and_search(client, draft):
    assert client.get(path_for(draft)).status_code == 200
    for url in ("/feeds/rss/", "/sitemap-articles.xml", "/news-sitemap.xml", "/search/?q=harbour"):
        body = client.get(url).content.decode()
        assert "Harbour deal struck in secret" not in body, url
        assert "/preview/" not in body, url
