"""Search: ranking, snippets, filters, pagination, no-results, and what must never show."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse

from masthead.discovery.models import SearchEntry
from masthead.discovery.search import SearchFilters, SearchRequest, get_backend
from masthead.discovery.search.results import search_page
from masthead.discovery.search.text import parse_query
from masthead.newsroom.models import Access, Article
from tests.factories import AuthorFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db

SEARCH = "/search/"


def _ids(page) -> list[int]:
    return [hit.article.pk for hit in page.object_list]


def test_it_finds_stories_by_headline_body_tags_dateline_and_byline(make_story, frozen):
    by_headline = make_story(headline="Lighthouse keeper retires", body="<p>Nothing else.</p>")
    by_body = make_story(
        headline="Quiet week", body="<p>The ferry timetable changes.</p>", access=Access.FREE
    )
    by_tag = make_story(headline="Market day", tags=[TagFactory(name="Oysters")])
    by_dateline = make_story(headline="Storm notes", dateline="Tillamook, Ore.")
    by_author = make_story(headline="Column", authors=[AuthorFactory(name="Marisol Quintero")])
    backend = get_backend()
    for word, expected in [
        ("lighthouse", by_headline),
        ("ferry", by_body),
        ("oysters", by_tag),
        ("tillamook", by_dateline),
        ("quintero", by_author),
    ]:
        request = SearchRequest(terms=[word])
        assert backend.ranked_ids(request, offset=0, limit=10) == [expected.pk], word


def test_it_ranks_headline_matches_above_body_mentions(make_story, frozen):
    mention = make_story(
        headline="Council minutes",
        body="<p>A word on the salmon run.</p>",
        published_at=NOW_MINUS(2),
        access=Access.FREE,
    )
    about = make_story(
        headline="Salmon run returns to the Alder",
        body="<p>Counts rose.</p>",
        published_at=NOW_MINUS(2),
    )
    page = search_page(["salmon"], SearchFilters())
    assert _ids(page) == [about.pk, mention.pk]


def test_it_boosts_recent_stories_among_equally_relevant_ones(make_story, frozen):
    old = make_story(headline="Harbour dredging plan", published_at=NOW_MINUS(24 * 200))
    new = make_story(headline="Harbour dredging plan", published_at=NOW_MINUS(3))
    page = search_page(["harbour", "dredging"], SearchFilters())
    assert _ids(page) == [new.pk, old.pk]


def test_it_highlights_matches_in_headline_and_snippet(client, make_story, frozen):
    make_story(
        headline="Ferry fares rise",
        body="<p>The county said ferry fares rise in May.</p>",
        access=Access.FREE,
    )
    html = client.get(SEARCH, {"q": "ferry"}).content.decode()
    assert "<mark>Ferry</mark> fares rise" in html
    assert "said <mark>ferry</mark> fares" in html


def test_it_escapes_story_text_in_snippets(make_story, frozen):
    make_story(
        headline="Tide <b>tables</b>",
        access=Access.FREE,
        body="<p>Tide &lt;script&gt;alert(1)&lt;/script&gt; tables</p>",
    )
    hit = search_page(["tide"], SearchFilters()).object_list[0]
    # Escaped (FTS5) or dropped as markup (PostgreSQL's ts_headline): never live markup.
    assert "<script" not in hit.snippet_html and "<b>" not in hit.snippet_html
    assert "<mark>Tide</mark>" in hit.snippet_html


def test_it_finds_a_walled_story_only_by_what_a_walled_reader_sees(make_story, frozen):
    """Search must not be an oracle for the hidden paragraphs: matched on the headline, the
    summary and the visible quarter (the first of four equal paragraphs), never the rest."""
    paragraphs = [
        "The council met on Tuesday to talk about the harbour budget again.",
        "The secret figure is zebrafish million according to two people in the room.",
        "A vote on the plan is set for next month after a public hearing.",
        "The mayor declined to comment on the figure when asked on Wednesday.",
    ]
    walled = make_story(
        headline="Budget talks",
        summary="Negotiators met again.",
        body="".join(f"<p>{p}</p>" for p in paragraphs),
        access=Access.SUBSCRIBERS,
    )
    assert _ids(search_page(["zebrafish"], SearchFilters())) == []
    assert _ids(search_page(["mayor"], SearchFilters())) == []
    page = search_page(["tuesday"], SearchFilters())
    assert _ids(page) == [walled.pk]
    assert "zebrafish" not in page.object_list[0].snippet_html
    assert page.object_list[0].snippet_html == "Negotiators met again."


def test_it_drops_killed_embargoed_scheduled_and_duplicate_stories(make_story, commit, frozen):
    visible = make_story(headline="Kelp forest survey")
    killed = make_story(headline="Kelp forest survey killed")
    embargoed = make_story(headline="Kelp forest embargo", embargo_until=NOW_MINUS(-5))
    scheduled = make_story(headline="Kelp forest later", published_at=NOW_MINUS(-2))
    duplicate = make_story(headline="Kelp forest copy", duplicate_of=visible)
    draft = make_story(headline="Kelp forest draft", status=Article.Status.DRAFT)
    with commit():
        killed.status = Article.Status.KILLED
        killed.save()
    page = search_page(["kelp"], SearchFilters())
    assert _ids(page) == [visible.pk]
    assert not SearchEntry.objects.filter(pk__in=[killed.pk, duplicate.pk, draft.pk]).exists()
    assert {embargoed.pk, scheduled.pk} <= set(SearchEntry.objects.values_list("pk", flat=True))


def test_it_shows_an_embargoed_story_once_the_embargo_lifts(make_story, frozen):
    story = make_story(headline="Bridge reopening", embargo_until=NOW_MINUS(-1))
    assert search_page(["bridge"], SearchFilters()).paginator.count == 0
    frozen.shift(dt.timedelta(hours=2))
    assert _ids(search_page(["bridge"], SearchFilters())) == [story.pk]


def test_it_hides_a_story_killed_without_the_index_hearing_of_it(make_story, frozen):
    story = make_story(headline="Cannery fire")
    Article.objects.filter(pk=story.pk).update(status=Article.Status.KILLED)  # no signals
    assert search_page(["cannery"], SearchFilters()).object_list == []


def test_it_updates_the_index_when_a_story_changes(make_story, commit, frozen):
    story = make_story(headline="Original headline about otters")
    with commit():
        story.headline = "Revised headline about beavers"
        story.save()
    assert search_page(["otters"], SearchFilters()).paginator.count == 0
    assert _ids(search_page(["beavers"], SearchFilters())) == [story.pk]


def test_it_updates_the_index_when_the_newsroom_signals_a_kill(make_story, commit, frozen):
    from masthead.newsroom.signals import article_changed

    story = make_story(headline="Pier collapse")
    # The wire's kill path: a queryset update (no model signals), then `article_changed`.
    Article.objects.filter(pk=story.pk).update(status=Article.Status.KILLED)
    story.refresh_from_db()
    with commit():
        article_changed.send(sender=Article, article=story, change="killed")
    assert not SearchEntry.objects.filter(pk=story.pk).exists()


def test_it_filters_by_section_tag_source_and_dates(make_story, frozen):
    news, sport = SectionFactory(name="News"), SectionFactory(name="Sport")
    rowing = TagFactory(name="Rowing")
    wire_a, wire_b = SourceFactory(name="Alpha Wire"), SourceFactory(name="Beta Wire")
    a = make_story(
        headline="Regatta report",
        sections=[sport],
        tags=[rowing],
        source=wire_a,
        published_at=NOW_MINUS(24 * 3),
    )
    b = make_story(
        headline="Regatta funding", sections=[news], source=wire_b, published_at=NOW_MINUS(24 * 10)
    )
    backend = get_backend()

    def found(**filters) -> set[int]:
        return set(
            backend.ranked_ids(
                SearchRequest(terms=["regatta"], filters=SearchFilters(**filters)),
                offset=0,
                limit=9,
            )
        )

    assert found() == {a.pk, b.pk}
    assert found(section_id=sport.pk) == {a.pk}
    assert found(tag_id=rowing.pk) == {a.pk}
    assert found(source_id=wire_b.pk) == {b.pk}
    assert found(date_from=NOW_MINUS(24 * 5)) == {a.pk}
    assert found(date_to=NOW_MINUS(24 * 5)) == {b.pk}


def test_it_filters_through_the_query_string(client, make_story, frozen):
    sport = SectionFactory(name="Sport")
    make_story(headline="Regatta report", sections=[sport], published_at=NOW_MINUS(30))
    make_story(headline="Regatta funding", published_at=NOW_MINUS(24 * 40))
    response = client.get(SEARCH, {"q": "regatta", "section": "sport"})
    assert response.context["page_obj"].paginator.count == 1
    day = (NOW - dt.timedelta(days=3)).date().isoformat()
    response = client.get(SEARCH, {"q": "regatta", "from": day})
    assert [h.article.headline for h in response.context["hits"]] == ["Regatta report"]


def test_it_paginates_results(client, make_story, frozen, settings):
    settings.MASTHEAD_SEARCH_PAGE_SIZE = 10
    for n in range(23):
        make_story(headline=f"Tsunami drill number {n}", published_at=NOW_MINUS(n + 1))
    first = client.get(SEARCH, {"q": "tsunami"})
    assert first.context["page_obj"].paginator.count == 23
    assert len(first.context["hits"]) == 10
    third = client.get(SEARCH, {"q": "tsunami", "page": 3})
    assert len(third.context["hits"]) == 3
    html = first.content.decode()
    assert 'rel="next" href="?q=tsunami&amp;page=2"' in html
    seen = {
        h.article.pk
        for p in (1, 2, 3)
        for h in client.get(SEARCH, {"q": "tsunami", "page": p}).context["hits"]
    }
    assert len(seen) == 23


def test_it_suggests_a_spelling_and_fewer_words_when_nothing_matches(client, make_story, frozen):
    make_story(headline="Lighthouse restoration begins")
    response = client.get(SEARCH, {"q": "lighthuose"})
    html = response.content.decode()
    assert "No stories match" in html
    assert [s["query"] for s in response.context["suggestions"]] == ["lighthouse"]
    response = client.get(SEARCH, {"q": "lighthouse zeppelin"})
    assert "lighthouse" in [s["query"] for s in response.context["suggestions"]]


def test_it_suggests_dropping_filters_that_exclude_everything(client, make_story, frozen):
    SectionFactory(name="Sport")
    make_story(headline="Lighthouse restoration begins")
    response = client.get(SEARCH, {"q": "lighthouse", "section": "sport"})
    assert response.context["suggestions"] == [{"query": "lighthouse", "url": "?q=lighthouse"}]


def test_it_treats_query_syntax_as_plain_words(make_story, frozen):
    make_story(headline="Mayor says NEAR miss at crossing")
    for query in ["mayor AND", "NEAR(mayor)", '"mayor', "mayor*", "mayor -crossing", "^mayor:"]:
        terms = parse_query(query)
        page = search_page(terms, SearchFilters())
        assert page.paginator.count == 1, query


def test_it_matches_a_quoted_phrase_only_in_order(make_story, frozen):
    make_story(headline="Fish hatchery opens on the river")
    make_story(headline="Hatchery on the river draws fish")
    assert search_page(parse_query('"fish hatchery"'), SearchFilters()).paginator.count == 1


def test_it_serves_the_header_form_and_an_empty_query(client, db):
    response = client.get(SEARCH)
    assert response.status_code == 200
    assert response.context["page_obj"] is None
    assert response["X-Robots-Tag"] == "noindex, follow"
    assert reverse("site:search") == SEARCH


def test_it_rebuilds_the_index_with_progress(make_story, frozen, capsys):
    stories = [make_story(headline=f"Estuary report {n}") for n in range(3)]
    SearchEntry.objects.all().delete()
    assert search_page(["estuary"], SearchFilters()).paginator.count == 0
    call_command("search", "reindex", "--batch-size", "2")
    out = capsys.readouterr().out
    assert "indexed 2/3 articles" in out and "indexed 3/3 articles" in out
    assert set(_ids(search_page(["estuary"], SearchFilters()))) == {s.pk for s in stories}


def NOW_MINUS(hours: float) -> dt.datetime:  # noqa: N802 - reads as a constant in the tests
    return NOW - dt.timedelta(hours=hours)


NOW = dt.datetime(2026, 3, 10, 12, 0, tzinfo=dt.UTC)
