"""The reader site's page types: home, section, tag, article, 404 and 410."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone

from masthead.newsroom.actions import ApplyCorrectionAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
    TagFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def newsroom():
    world = SectionFactory(name="World", slug="world", position=2)
    us = SectionFactory(name="U.S.", slug="us", position=1)
    local = SectionFactory(name="Local", slug="local", position=5)
    hidden = SectionFactory(name="Obituaries", slug="obituaries", position=9, in_nav=False)
    wire = SourceFactory(
        name="CNN Wire",
        slug="cnn-wire",
        credit_line="The-CNN-Wire",
        copyright_template="™ & © {year} Cable News Network, Inc.",
    )
    staff = StaffSourceFactory()
    tags = [TagFactory(name=n) for n in ("Europe", "Political", "US", "World")]
    return {
        "world": world,
        "us": us,
        "local": local,
        "hidden": hidden,
        "wire": wire,
        "staff": staff,
        "tags": tags,
    }


def test_it_shows_masthead_nav_and_date_banner_once_on_every_page_type(client, newsroom):
    article = ArticleFactory(
        source=newsroom["wire"], sections=[newsroom["world"]], tags=newsroom["tags"]
    )
    urls = ["/", "/section/world/", f"/tag/{newsroom['tags'][0].slug}/", article.get_absolute_url()]
    for url in urls:
        html = client.get(url).content.decode()
        assert html.count("Today: ") == 1, url
        assert "The Pacific Ledger" in html
        nav = re.search(r'<nav class="section-nav".*?</nav>', html, re.S).group(0)
        assert nav.index("U.S.") < nav.index("World") < nav.index("Local")
        assert "Obituaries" not in nav  # not in the nav: data decides
        assert '<input id="site-search" type="search" name="q"' in html


@pytest.mark.parametrize(
    ("utc_now", "expected"),
    [
        # 07:30 UTC on Nov 29 is still Nov 28 in Los Angeles (UTC-8).
        (
            dt.datetime(2026, 11, 29, 7, 30, tzinfo=dt.UTC),
            'Today: <time datetime="2026-11-28">November 28, 2026</time>',
        ),
        (
            dt.datetime(2026, 11, 29, 8, 30, tzinfo=dt.UTC),
            'Today: <time datetime="2026-11-29">November 29, 2026</time>',
        ),
        # Summer time: UTC-7.
        (
            dt.datetime(2026, 7, 4, 6, 59, tzinfo=dt.UTC),
            'Today: <time datetime="2026-07-03">July 3, 2026</time>',
        ),
    ],
)
def test_it_dates_the_banner_in_the_papers_time_zone(client, newsroom, utc_now, expected):
    with time_machine.travel(utc_now, tick=False):
        html = client.get("/").content.decode()
    assert expected in html


def test_it_follows_the_configured_time_zone(client, newsroom, settings):
    settings.TIME_ZONE = "Asia/Tokyo"
    with time_machine.travel(dt.datetime(2026, 11, 29, 20, 0, tzinfo=dt.UTC), tick=False):
        html = client.get("/").content.decode()
    assert 'Today: <time datetime="2026-11-30">November 30, 2026</time>' in html


def test_it_renders_the_home_front_with_top_stories_sections_local_and_popular(client, newsroom):
    wire = [
        ArticleFactory(
            source=newsroom["wire"], sections=[newsroom["world"]], headline=f"World story {i}"
        )
        for i in range(6)
    ]
    us_story = ArticleFactory(
        source=newsroom["wire"],
        sections=[newsroom["us"]],
        headline="A U.S. story",
        published_at=timezone.now() - dt.timedelta(hours=6),
    )
    local = ArticleFactory(
        source=newsroom["staff"],
        is_local=True,
        sections=[newsroom["local"]],
        headline="Ferry schedule changes",
        published_at=timezone.now() - dt.timedelta(hours=7),
    )
    html = client.get("/").content.decode()
    assert 'id="top-stories"' in html
    for a in [*wire, us_story, local]:
        assert html.count(f">{a.headline}</a>") == 1, a.headline  # each story once
    assert re.search(r'<h2 id="block-popular"[^>]*>Popular</h2>', html)
    assert "Nothing has been read enough yet" in html  # no reads: no fill from the newest
    local_block = re.search(r'<aside class="block block--local".*?</aside>', html, re.S).group(0)
    assert "Ferry schedule changes" in local_block
    assert "World story" not in local_block
    assert 'id="home-section-world"' in html and 'id="home-section-us"' in html


def test_it_hides_drafts_killed_embargoed_and_scheduled_stories_from_fronts(client, newsroom):
    now = timezone.now()
    visible = ArticleFactory(
        source=newsroom["wire"], sections=[newsroom["world"]], headline="Visible story"
    )
    hidden = [
        ArticleFactory(
            source=newsroom["wire"],
            sections=[newsroom["world"]],
            headline="Draft story",
            status=Article.Status.DRAFT,
        ),
        ArticleFactory(
            source=newsroom["wire"],
            sections=[newsroom["world"]],
            headline="Killed story",
            status=Article.Status.KILLED,
        ),
        ArticleFactory(
            source=newsroom["wire"],
            sections=[newsroom["world"]],
            headline="Embargoed story",
            embargo_until=now + dt.timedelta(hours=2),
        ),
        ArticleFactory(
            source=newsroom["wire"],
            sections=[newsroom["world"]],
            headline="Scheduled story",
            published_at=now + dt.timedelta(hours=2),
        ),
    ]
    for url in ("/", "/section/world/"):
        html = client.get(url).content.decode()
        assert visible.headline in html
        for a in hidden:
            assert a.headline not in html, (url, a.headline)


def test_it_shows_an_embargoed_story_once_its_time_has_come(client, newsroom):
    now = timezone.now()
    story = ArticleFactory(
        source=newsroom["wire"],
        sections=[newsroom["world"]],
        embargo_until=now + dt.timedelta(hours=2),
    )
    assert client.get(story.get_absolute_url()).status_code == 404
    with time_machine.travel(now + dt.timedelta(hours=3)):
        assert client.get(story.get_absolute_url()).status_code == 200
        assert story.headline in client.get("/section/world/").content.decode()


def test_it_paginates_section_pages_newest_first(client, newsroom, settings):
    settings.MASTHEAD_PAGE_SIZE = 3
    now = timezone.now()
    stories = [
        ArticleFactory(
            source=newsroom["wire"],
            sections=[newsroom["us"]],
            headline=f"Story number {i:02d}",
            published_at=now - dt.timedelta(hours=i),
        )
        for i in range(12)
    ]
    page1 = client.get("/section/us/").content.decode()
    page3 = client.get("/section/us/?page=3").content.decode()
    # The front (a lead and four top stories), then the rest of the section in pages.
    assert 'class="teaser teaser--lead"' in page1
    order = [page1.index(f"Story number {i:02d}") for i in range(8)]
    assert order == sorted(order)
    assert "Story number 08" not in page1
    assert "Story number 11" in page3 and "Page 3 of 3" in page3
    assert "Story number 00" not in page3  # the front is on the first page only
    assert 'rel="next"' in page1
    assert client.get("/section/us/?page=9").status_code == 404
    assert len(stories) == 12


def test_it_lists_a_tags_stories_and_404s_unknown_sections_and_tags(client, newsroom):
    europe = newsroom["tags"][0]
    tagged = ArticleFactory(source=newsroom["wire"], tags=[europe], headline="Tagged story")
    untagged = ArticleFactory(source=newsroom["wire"], headline="Untagged story")
    html = client.get(europe.get_absolute_url()).content.decode()
    assert tagged.headline in html and untagged.headline not in html
    assert '<h1 class="page-heading">Europe</h1>' in html
    assert client.get("/section/nope/").status_code == 404
    assert client.get("/tag/nope/").status_code == 404


def test_it_renders_an_article_with_all_its_parts(client, newsroom):
    with time_machine.travel(dt.datetime(2025, 3, 5, 18, 0, tzinfo=dt.UTC), tick=False):
        article = ArticleFactory(
            source=newsroom["wire"],
            sections=[newsroom["world"]],
            tags=newsroom["tags"],
            headline="Latvia’s minister meets NATO allies",
            dateline="Brussels, Belgium (CNN)",
            body="<p>Andris Sprūds said “someday” — on Wednesday.</p><p>More.</p>",
            published_at=dt.datetime(2025, 3, 5, 14, 0, tzinfo=dt.UTC),
            authors=[AuthorFactory(name="Jane Doe")],
        )
        html = client.get(article.get_absolute_url()).content.decode()
    headline = "Latvia’s minister meets NATO allies"
    assert f'<h1 id="story-headline" class="story__headline">{headline}</h1>' in html
    assert html.count("<h1") == 1
    assert '<time datetime="2025-03-05T06:00:00-08:00">' in html  # in the paper's time zone
    assert "Brussels, Belgium (CNN)" in html
    assert "Andris Sprūds said “someday” — on Wednesday." in html
    assert "The-CNN-Wire" in html
    assert "™ &amp; © 2025 Cable News Network, Inc." in html
    assert "By Jane Doe" in html
    for tag in newsroom["tags"]:
        assert f'<a href="/tag/{tag.slug}/" rel="tag">{tag.name}</a>' in html


def test_it_shows_updated_time_and_correction_note(client, newsroom):
    now = timezone.now()
    article = ArticleFactory(
        source=newsroom["wire"],
        published_at=now - dt.timedelta(hours=5),
        updated_at=now - dt.timedelta(hours=1),
    )
    ApplyCorrectionAction(
        article=article,
        note="An earlier version misspelled the minister's name.",
        actor=Actor.system("tests"),
        at=now - dt.timedelta(hours=1),
    ).execute()
    html = client.get(article.get_absolute_url()).content.decode()
    assert "Updated <time" in html
    assert '<h2 id="correction-heading">Correction</h2>' in html
    assert "An earlier version misspelled the minister&#x27;s name." in html


def test_it_answers_404_for_unknown_slugs_and_drafts(client, newsroom):
    draft = ArticleFactory(source=newsroom["wire"], status=Article.Status.DRAFT)
    for url in ("/story/no-such-story/", draft.get_absolute_url()):
        response = client.get(url)
        assert response.status_code == 404
        assert "Page not found" in response.content.decode()


def test_it_answers_410_gone_for_a_withdrawn_story_without_its_text(client, newsroom):
    article = ArticleFactory(
        source=newsroom["wire"],
        status=Article.Status.KILLED,
        kill_reason="Legal",
        headline="Withdrawn headline",
        body="<p>Secret withdrawn text.</p>",
    )
    response = client.get(article.get_absolute_url())
    assert response.status_code == 410
    html = response.content.decode()
    assert "withdrawn" in html
    # The headline and the reason are the readers' notice (tests/site/test_gone.py); the text
    # is gone.
    assert "Withdrawn headline" in html and "Legal" in html
    assert "Secret withdrawn text" not in html


def test_it_redirects_a_duplicate_to_the_story_it_duplicates(client, newsroom):
    original = ArticleFactory(source=newsroom["wire"])
    copy = ArticleFactory(source=newsroom["wire"], duplicate_of=original)
    response = client.get(copy.get_absolute_url())
    assert response.status_code == 301
    assert response["Location"] == original.get_absolute_url()
