"""No N+1 queries: each page's query count stays the same whatever the amount of data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.discovery.models import RelatedLink, RelatedTerms
from masthead.newsroom.actions import ApplyCorrectionAction
from masthead.newsroom.actors import Actor
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def populate(n: int) -> dict:
    sections = [
        SectionFactory(name=n_, slug=s)
        for n_, s in (
            ("U.S.", "us"),
            ("World", "world"),
            ("Business", "business"),
            ("Local", "local"),
        )
    ]
    tags = [TagFactory(name=f"Topic {i}") for i in range(6)]
    sources = [SourceFactory(name=f"Wire {i}", slug=f"wire-{i}") for i in range(3)]
    staff = StaffSourceFactory()
    authors = [AuthorFactory(name=f"Writer {i}") for i in range(4)]
    made = []
    for i in range(n):
        made.append(
            ArticleFactory(
                # Headlines that are not one story retold, so Related's filler may show each.
                headline=f"Wire report {i:04d}w on item {n:04d}",
                source=sources[i % 3],
                sections=[sections[i % 3], sections[(i + 1) % 3]],
                tags=tags[i % 4 : i % 4 + 3],
                authors=authors[i % 3 : i % 3 + 2],
            )
        )
        if i % 3 == 0:
            made.append(
                ArticleFactory(
                    headline=f"Staff report {i:04d}s on item {n:04d}",
                    source=staff,
                    is_local=True,
                    sections=[sections[3]],
                    tags=tags[:2],
                    authors=authors[:1],
                )
            )
    # Every fourth story corrected (the first among them): its page lists the corrections, and
    # so does the corrections page.
    for article in made[::4]:
        ApplyCorrectionAction(
            article=article, note=f"A correction to {article.headline}.", actor=SYSTEM
        ).execute()
    return {"articles": made, "tags": tags, "sections": sections}


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["home", "section", "tag", "article", "corrections"])
def test_it_runs_a_constant_small_number_of_queries_per_page(client, page):
    small = populate(12)  # enough that a section has stories below its front
    urls = {
        "home": "/",
        "section": "/section/world/",
        "tag": small["tags"][1].get_absolute_url(),
        "article": small["articles"][0].get_absolute_url(),
        "corrections": "/corrections/",
    }
    first = count(client, urls[page])
    populate_more = populate  # more data of every kind: stories, tags, authors, sections used
    more = populate_more(40)
    urls2 = dict(urls, article=more["articles"][0].get_absolute_url())
    second = count(client, urls2[page])
    assert first == second, f"{page}: {first} queries with little data, {second} with more"
    # An anonymous article read also checks and records the meter in the database (the
    # embedded default keeps it there): a savepoint, the read and the write.
    assert second <= 22, f"{page}: {second} queries"


def test_it_pads_related_in_a_constant_small_number_of_queries(client):
    """A story Related scored and found nothing for gets filler: two queries, at any size."""

    def page(articles: list, links: int) -> tuple[int, str]:
        story = articles[0]
        RelatedTerms.objects.create(article=story, features={})
        for other in articles[1 : 1 + links]:
            RelatedLink.objects.create(article=story, related=other, score=0.5)
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(story.get_absolute_url())
        assert response.status_code == 200
        return len(ctx.captured_queries), response.content.decode()

    full, html = page(populate(6)["articles"], links=5)
    assert 'class="block__subheading"' not in html
    for links in (0, 1):  # nothing stored (one look more: was it scored?), or too little
        padded_small, html = page(populate(6)["articles"], links=links)
        assert 'class="block__subheading"' in html
        padded_large, html = page(populate(40)["articles"], links=links)
        assert 'class="block__subheading"' in html
        assert padded_small == padded_large, links
        assert padded_large <= full + 2
