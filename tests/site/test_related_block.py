"""The article page's Related block: the stored topical links, then labelled filler, 4–6 in all.

What Related computed is set up as it is stored (`RelatedTerms` says a story was scored,
`RelatedLink` rows are its confident links), so these tests pin the page's reading of it.
"""

from __future__ import annotations

import datetime as dt

import lxml.html
import pytest
from django.utils import timezone

from masthead.discovery.models import RelatedLink, RelatedTerms
from masthead.newsroom.models import Article
from tests.factories import ArticleFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


def related(client, article: Article) -> tuple[list[str], str | None, list[str]]:
    """(topical headlines, filler label, filler headlines) of the page's one Related section."""
    response = client.get(article.get_absolute_url())
    assert response.status_code == 200
    doc = lxml.html.fromstring(response.content)
    sections = doc.xpath('//section[h2[normalize-space()="Related"]]')
    if not sections:
        return [], None, []
    assert len(sections) == 1
    topical, label, more = [], None, []
    for element in sections[0]:
        if element.tag == "h3":
            label = element.text_content().strip()
        elif element.tag == "ol":
            headlines = [a.text_content() for a in element.xpath("li/a")]
            (more if label is not None else topical).extend(headlines)
    return topical, label, more


def scored(article: Article, *links: Article) -> None:
    """As Related stores a story it has scored: its confident links, best first."""
    RelatedTerms.objects.create(article=article, features={})
    for i, other in enumerate(links):
        RelatedLink.objects.create(article=article, related=other, score=0.9 - i / 10)


def hours_ago(hours: float) -> dt.datetime:
    return timezone.now() - dt.timedelta(hours=hours)


@pytest.fixture
def desk():
    world = SectionFactory(name="World", slug="world")
    business = SectionFactory(name="Business", slug="business")
    wire = SourceFactory(name="Harbor Light Wire", slug="hlw")
    coast, ferries, markets = (TagFactory(name=n) for n in ("Coast", "Ferries", "Markets"))
    lone = ArticleFactory(
        source=wire,
        sections=[world],
        tags=[coast, ferries],
        headline="Lighthouse keeper retires after forty years",
        published_at=hours_ago(30),
    )
    return {
        "world": world,
        "business": business,
        "wire": wire,
        "coast": coast,
        "ferries": ferries,
        "markets": markets,
        "lone": lone,
    }


def story(desk, headline: str, *, hours: float, sections=(), tags=(), **kwargs) -> Article:
    return ArticleFactory(
        source=desk["wire"],
        headline=headline,
        published_at=hours_ago(hours),
        sections=[desk[s] for s in sections],
        tags=[desk[t] for t in tags],
        **kwargs,
    )


def test_it_pads_a_short_topical_list_below_it_under_the_section_label(client, desk):
    topical = story(desk, "Keeper's logbooks go to the county museum", hours=50)
    both = story(
        desk, "Ferry crews rescue kayakers off the point", hours=40, tags=["coast", "ferries"]
    )
    one = story(desk, "Storm closes coast road", hours=2, sections=["business"], tags=["coast"])
    neighbour = story(desk, "Kalvenia recalls its ambassador", hours=20, sections=["world"])
    unrelated = story(desk, "Stocks close higher", hours=1, sections=["business"], tags=["markets"])
    scored(desk["lone"], topical)

    shown, label, more = related(client, desk["lone"])

    assert shown == [topical.headline]  # the stored list, unpadded
    assert label == "More in World"
    # Most tags shared first, then the section, newest first within each; then the newest.
    assert more == [both.headline, one.headline, neighbour.headline, unrelated.headline]


def test_it_shows_a_full_topical_list_alone(client, desk):
    links = [
        story(desk, f"{name} keeper honoured", hours=40 + i, tags=["coast"])
        for i, name in enumerate(("Cape Alder", "Tillamook", "Heceta", "Yaquina", "Umpqua"))
    ]
    scored(desk["lone"], *links)

    assert related(client, desk["lone"]) == ([a.headline for a in links], None, [])


def test_it_shows_four_topical_links_without_filler(client, desk):
    links = [
        story(desk, f"{name} keeper honoured", hours=40 + i, tags=["coast"])
        for i, name in enumerate(("Cape Alder", "Tillamook", "Heceta", "Yaquina"))
    ]
    story(desk, "Storm closes coast road", hours=2, tags=["coast", "ferries"])
    scored(desk["lone"], *links)

    assert related(client, desk["lone"]) == ([a.headline for a in links], None, [])


def test_it_never_pads_with_a_hidden_duplicate_or_same_story(client, desk):
    # Each of these shares every tag and section and is the newest: the first pick if allowed.
    def bait(headline: str, **kwargs) -> Article:
        return story(
            desk,
            headline,
            hours=kwargs.pop("hours", 0.5),
            sections=["world"],
            tags=["coast", "ferries"],
            **kwargs,
        )

    original = story(desk, "Harbour pilots' strike ends", hours=60)
    hidden = [
        bait("Killed: keeper story withdrawn", status=Article.Status.KILLED),
        bait("Embargoed: keeper honours list", embargo_until=timezone.now() + dt.timedelta(days=1)),
        bait("Draft: keeper profile", status=Article.Status.DRAFT),
        bait("Scheduled: keeper's farewell", hours=-5),
        bait("Duplicate: the same wire story", duplicate_of=original),
        bait("Same text under another guid", content_hash="same-text"),
        bait("Lighthouse keeper retires after forty years at sea"),  # the same story, retold
    ]
    Article.objects.filter(pk=desk["lone"].pk).update(content_hash="same-text")
    good = [
        story(desk, f"{name} ferry timetable changes", hours=10 + i, tags=["ferries"])
        for i, name in enumerate(
            ("Alder Bay", "Cape Mara", "Salmon Point", "Tide Rock", "Kelp Cove")
        )
    ]
    scored(desk["lone"])

    shown, label, more = related(client, desk["lone"])

    assert shown == []
    assert label == "More in World"
    assert more == [a.headline for a in good]
    assert not {a.headline for a in hidden} & {*shown, *more}
    assert original.headline not in more  # older than the five good ones: not needed


def test_it_prefers_stories_the_section_block_does_not_already_list(client, desk):
    # The five newest World stories fill the section block below Related.
    in_block = [
        story(desk, f"World briefing number {n}", hours=1 + i, sections=["world"])
        for i, n in enumerate(("one", "two", "three", "four", "five"))
    ]
    older = [
        story(desk, "Kalvenia recalls its ambassador", hours=40, sections=["world"]),
        story(desk, "Norland votes on new coalition", hours=50, sections=["world"]),
    ]
    tagged = story(desk, "Ferry fares rise in spring", hours=70, tags=["ferries"])
    scored(desk["lone"])

    _, _, more = related(client, desk["lone"])

    # The section's older stories before its newer ones the page already lists; then those,
    # rather than a short block.
    assert more == [tagged.headline, *(a.headline for a in older + in_block[:2])]


def test_it_labels_filler_more_stories_when_the_story_has_no_section(client, desk):
    lone = story(desk, "Tide tables for December", hours=3)
    others = [
        story(desk, headline, hours=4 + i)
        for i, headline in enumerate(
            (
                "Harbour office moves to the old cannery",
                "School board picks a new superintendent",
                "Salmon run stronger than forecast",
                "Library extends its winter hours",
                "Bridge repairs finish early",
                "County fair breaks attendance record",
            )
        )
    ]
    scored(lone)

    shown, label, more = related(client, lone)

    assert shown == []
    assert label == "More stories"
    assert more == [a.headline for a in others[:5]]


def test_it_shows_fewer_only_when_the_archive_has_fewer(client, desk):
    scored(desk["lone"])
    assert related(client, desk["lone"]) == ([], None, [])  # nothing else: no block at all

    others = [
        story(desk, "Whale seen off the jetty", hours=5, sections=["business"]),
        story(desk, "Pier lights replaced", hours=6, sections=["business"]),
        story(desk, "Killed story", hours=1, status=Article.Status.KILLED),
    ]
    assert related(client, desk["lone"]) == (
        [],
        "More in World",
        [others[0].headline, others[1].headline],
    )
