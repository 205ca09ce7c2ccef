"""A preview is never kept by any cache: not the origin's page cache, not its blocks or faces,
not Varnish; and it never stands in for the story's public page."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from masthead.edge import pagecache
from masthead.newsroom.models import Access, Article
from masthead.newsroom.preview import token_for
from tests.edge.test_varnish import Reader, edge  # noqa: F401 (the fixture, with real Varnish)
from tests.factories import ArticleFactory, SectionFactory

BANNER = "notice--preview"


def preview_path(article: Article) -> str:
    return reverse("site:preview", args=[token_for(article)])


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world", on_home=True, in_nav=True)


@pytest.mark.django_db
def test_the_origin_never_stores_or_serves_a_preview(world):
    draft = ArticleFactory(
        headline="Harbour deal struck", status=Article.Status.DRAFT, sections=[world]
    )
    path = preview_path(draft)
    for _ in range(2):
        with CaptureQueriesContext(connection) as ctx:
            response = Client().get(path)
        assert response.status_code == 200 and "Harbour deal struck" in response.content.decode()
        assert "X-Origin-Cache" not in response and "xkey" not in response
        assert len(ctx.captured_queries) > 0  # rendered each time, from the database
    # Nor the draft's Related block, kept per story for its public page.
    assert pagecache.get(f"block:related:{draft.pk}") is None


@pytest.mark.django_db
def test_a_live_storys_preview_and_page_never_share_a_cache_entry(world, settings):
    settings.MASTHEAD_METER_FREE_ARTICLES = 0  # every anonymous reader walled on the page
    free = ArticleFactory(headline="Ferry timetable", access=Access.FREE, sections=[world])
    walled = ArticleFactory(
        headline="Council budget",
        body="<p>Lead.</p><p>Hidden detail of the budget.</p>",
        access=Access.REGISTRATION,
        sections=[world],
    )
    for story in (free, walled):
        Client().get(story.get_absolute_url())  # the page (or its face) is now cached
        html = Client().get(preview_path(story)).content.decode()
        assert BANNER in html, story
        page = Client().get(story.get_absolute_url())
        assert page["X-Origin-Cache"] == "hit", story  # the entry the preview left alone
        assert BANNER not in page.content.decode()
    # The walled page's cached face is still the walled one, not the preview's whole story.
    assert "Hidden detail" not in Client().get(walled.get_absolute_url()).content.decode()


@pytest.mark.edge
@pytest.mark.django_db(transaction=True)
def test_varnish_never_stores_a_preview(edge, world):  # noqa: F811
    draft = ArticleFactory(
        headline="Harbour deal struck", status=Article.Status.DRAFT, sections=[world]
    )
    path = preview_path(draft)
    for _ in range(2):
        status, headers, body = Reader(edge).get(path)
        assert status == 200 and "Harbour deal struck" in body and BANNER in body
        assert headers["X-Cache"] == "MISS"
        assert "no-store" in headers["Cache-Control"]
        assert headers["X-Robots-Tag"] == "noindex, nofollow"
    draft.delete()
    assert Reader(edge).get(path)[0] == 404  # nothing kept to serve once the story is gone
