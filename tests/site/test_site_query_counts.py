"""No N+1 queries: each page's query count stays the same whatever the amount of data."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


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
                source=sources[i % 3],
                sections=[sections[i % 3], sections[(i + 1) % 3]],
                tags=tags[i % 4 : i % 4 + 3],
                authors=authors[i % 3 : i % 3 + 2],
            )
        )
        if i % 3 == 0:
            made.append(
                ArticleFactory(
                    source=staff,
                    is_local=True,
                    sections=[sections[3]],
                    tags=tags[:2],
                    authors=authors[:1],
                )
            )
    return {"articles": made, "tags": tags, "sections": sections}


def count(client, url: str) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(ctx.captured_queries)


@pytest.mark.parametrize("page", ["home", "section", "tag", "article"])
def test_it_runs_a_constant_small_number_of_queries_per_page(client, page):
    small = populate(6)
    urls = {
        "home": "/",
        "section": "/section/world/",
        "tag": small["tags"][1].get_absolute_url(),
        "article": small["articles"][0].get_absolute_url(),
    }
    first = count(client, urls[page])
    populate_more = populate  # more data of every kind: stories, tags, authors, sections used
    more = populate_more(40)
    urls2 = dict(urls, article=more["articles"][0].get_absolute_url())
    second = count(client, urls2[page])
    assert first == second, f"{page}: {first} queries with little data, {second} with more"
    assert second <= 20, f"{page}: {second} queries"
