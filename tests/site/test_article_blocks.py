"""The blocks around an article: Related, Popular, Local, its section, Share This."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

import pytest

from tests.factories import (
    ArticleFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
    TagFactory,
)

FOLLOW_UPS = [
    "grid tariffs rise",
    "cable inspection finished",
    "ministers meet investors",
    "ferry route moved",
    "winter prices steady",
]
pytestmark = pytest.mark.django_db


def block(html: str, kind: str) -> str:
    match = re.search(
        rf'<(section|aside) class="block block--{kind}" aria-labelledby="block-{kind}">(.*?)</\1>',
        html,
        re.S,
    )
    assert match, f"no {kind} block"
    return match.group(2)


@pytest.fixture
def story_world():
    world = SectionFactory(name="World", slug="world")
    business = SectionFactory(name="Business", slug="business")
    local = SectionFactory(name="Local", slug="local")
    wire = SourceFactory(name="Harbor Light Wire", slug="hlw")
    energy, baltics, markets = (TagFactory(name=n) for n in ("Energy", "Baltics", "Markets"))
    article = ArticleFactory(
        source=wire, sections=[world], tags=[energy, baltics], headline="Interconnector talks stall"
    )
    related = [
        ArticleFactory(
            source=wire,
            sections=[world],
            tags=[energy, baltics],
            # Five stories, not one retold: the same-story rule drops headlines sharing 70% of
            # their words.
            headline=f"Interconnector follow-up: {topic}",
        )
        for topic in FOLLOW_UPS
    ]
    unrelated = ArticleFactory(
        source=wire, sections=[business], tags=[markets], headline="Stocks close higher"
    )
    # In World but on no shared topic: the section block's, Related having all the others.
    ArticleFactory(source=wire, sections=[world], headline="Harbour pilots vote to strike")
    local_story = ArticleFactory(
        source=StaffSourceFactory(),
        is_local=True,
        sections=[local],
        headline="Library opens new wing",
    )
    return {
        "article": article,
        "related": related,
        "unrelated": unrelated,
        "local": local_story,
        "world": world,
    }


def test_it_shows_each_block_headed_exactly_by_its_name(client, story_world):
    html = client.get(story_world["article"].get_absolute_url()).content.decode()
    for kind, name in (("related", "Related"), ("popular", "Popular"), ("local", "Local")):
        assert re.search(rf'<h2 id="block-{kind}" class="block__heading">{name}</h2>', html)
    assert re.search(
        r'<h2 id="block-section" class="block__heading"><a href="/section/world/">World</a></h2>',
        html,
    )
    assert '<h2 id="share-heading">Share This</h2>' in html


def test_it_fills_related_with_four_to_six_stories_sharing_tags(client, story_world):
    html = client.get(story_world["article"].get_absolute_url()).content.decode()
    related = block(html, "related")
    links = re.findall(r'<li><a href="([^"]+)">', related)
    assert 4 <= len(links) <= 6
    assert story_world["article"].get_absolute_url() not in links
    assert story_world["unrelated"].headline not in related
    assert all("Interconnector follow-up" in h for h in re.findall(r'">([^<]+)</a>', related))


def test_it_fills_the_local_block_with_staff_stories_only(client, story_world):
    html = client.get(story_world["article"].get_absolute_url()).content.decode()
    local = block(html, "local")
    assert story_world["local"].headline in local
    assert "Interconnector" not in local


def test_it_lists_the_section_block_without_the_story_itself_or_relateds(client, story_world):
    html = client.get(story_world["article"].get_absolute_url()).content.decode()
    section = block(html, "section")
    assert "Harbour pilots vote to strike" in section
    assert "Interconnector" not in section  # the story itself, and Related's five


def test_it_shows_each_story_once_in_the_column(client, story_world):
    html = client.get(story_world["article"].get_absolute_url()).content.decode()
    side = html[html.index('class="article-layout__side"') :]
    links = re.findall(r'<a href="(/story/[^"]+)">', side)
    assert links and len(links) == len(set(links))


def test_it_shows_no_second_local_block_on_a_local_story(client, story_world):
    html = client.get(story_world["local"].get_absolute_url()).content.decode()
    assert 'id="block-section"' not in html
    assert "LOCAL · LOCAL" not in html.upper().replace("</A>", "")


def test_it_offers_plain_share_links_for_x_facebook_linkedin_email_and_copy(client, story_world):
    article = story_world["article"]
    html = client.get(article.get_absolute_url()).content.decode()
    share = re.search(r'<section class="share".*?</section>', html, re.S).group(0)
    url = f"http://testserver{article.get_absolute_url()}"
    hrefs = [h.replace("&amp;", "&") for h in re.findall(r'href="([^"]+)"', share)]
    hosts = {urlsplit(h).netloc for h in hrefs if h.startswith("https://")}
    assert hosts == {"twitter.com", "www.facebook.com", "www.linkedin.com"}
    for h in hrefs:
        assert quote(url, safe="") in h
    mailto = next(h for h in hrefs if h.startswith("mailto:"))
    assert parse_qs(urlsplit(mailto).query)["subject"] == [article.headline]
    assert f'readonly value="{url}"' in share
    # No script runs on the page: the only <script> is JSON-LD data.
    assert re.findall(r"<script[^>]*>", html) == ['<script type="application/ld+json">']
