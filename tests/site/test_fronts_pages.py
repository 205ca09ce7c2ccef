"""The fronts readers see: the editor's pins lead, each story appears once on a page."""

from __future__ import annotations

import datetime as dt
import io
import re

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.newsroom.actions import Actor, fronts
from masthead.newsroom.models import Section
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
EDITOR = Actor.system("tests")


def story_links(html: str) -> list[str]:
    main = html[html.index("<main") : html.index("</main>")]
    return re.findall(r'<a href="(/story/[^"/]+/)"', main)


def test_it_leads_the_home_page_with_the_pinned_story_in_order(client):
    world = SectionFactory(name="World", slug="world", on_home=True)
    now = timezone.now()
    stories = [
        ArticleFactory(
            headline=f"World story {i}", sections=[world], published_at=now - dt.timedelta(hours=i)
        )
        for i in range(10)
    ]
    fronts.pin(article=stories[8], actor=EDITOR, slot=1)
    fronts.pin(article=stories[9], actor=EDITOR, slot=2)
    html = client.get("/").content.decode()
    links = story_links(html)
    assert links[:3] == [s.get_absolute_url() for s in (stories[8], stories[9], stories[0])]
    assert len(links) == len(set(links))  # no story twice


def test_it_opens_a_section_front_with_its_pinned_lead(client):
    harbour = SectionFactory(name="Harbour", slug="harbour")
    ArticleFactory(headline="Newest harbour note", sections=[harbour])
    chosen = ArticleFactory(
        headline="Harbour dredging plan",
        sections=[harbour],
        published_at=timezone.now() - dt.timedelta(days=3),
    )
    fronts.pin(article=chosen, actor=EDITOR, section=harbour, slot=1)
    html = client.get("/section/harbour/").content.decode()
    lead = html[html.index('class="teaser teaser--lead"') :][:300]
    assert "Harbour dredging plan" in lead
    assert html.count(">Newest harbour note</a>") == 1


def test_it_shows_no_story_twice_on_any_front_of_the_demo(client):
    call_command("demo", no_migrate=True, stdout=io.StringIO(), stderr=io.StringIO())
    urls = ["/", *(s.get_absolute_url() for s in Section.objects.all())]
    for url in urls:
        links = story_links(client.get(url).content.decode())
        assert links, url
        assert len(links) == len(set(links)), (url, sorted(links))
