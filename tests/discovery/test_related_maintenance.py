"""Related's stored state kept right: a full rebuild (`masthead search reindex --related`) and
deletes, both leaving `TermStat` equal to a count from scratch."""

from __future__ import annotations

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.db import transaction

from masthead.discovery.models import RelatedLink, RelatedTerms, TermStat
from masthead.discovery.related import features_of
from masthead.newsroom.models import Article
from tests.factories import ArticleFactory, TagFactory

pytestmark = pytest.mark.django_db

STORIES = [
    ("Lighthouse keeper retires after forty winters", "The Cape Dunmore lighthouse keeper"),
    ("Cape Dunmore lighthouse to be automated", "The lighthouse keeper's post at Cape Dunmore"),
    ("Lighthouse lamp restored at Cape Dunmore", "Volunteers restored the lighthouse lamp"),
    ("Orchard growers brace for early frost", "Apple orchard growers in the valley"),
    ("Frost damages valley apple orchards", "An early frost hit apple orchards in the valley"),
    ("Valley orchards count frost losses", "Apple growers counted frost losses in orchards"),
]


def make_stories() -> list[Article]:
    """Saved without running their refreshes (the test transaction never commits): as stories
    loaded before discovery was installed, or whose stored state was lost."""
    lighthouse, orchard = TagFactory(name="Lighthouses"), TagFactory(name="Orchards")
    stories = []
    for n, (headline, opening) in enumerate(STORIES):
        stories.append(
            ArticleFactory(
                headline=headline,
                summary=f"{opening} is the talk of the coast.",
                body=f"<p>{opening}, officials said on Tuesday.</p>",
                tags=[lighthouse if n < 3 else orchard],
            )
        )
    return stories


def counted_from_scratch() -> dict[str, int]:
    counts: Counter[str] = Counter()
    relatable = Article.objects.for_page().filter(
        status=Article.Status.PUBLISHED, duplicate_of__isnull=True
    )
    for article in relatable:
        counts.update(features_of(article).keys())
    counts[TermStat.TOTAL] = relatable.count()
    return dict(counts)


def stored_counts() -> dict[str, int]:
    return dict(TermStat.objects.values_list("term", "df"))


def related_ids(article: Article) -> set[int]:
    return set(RelatedLink.objects.filter(article=article).values_list("related_id", flat=True))


def test_it_counts_the_whole_archive_before_scoring_the_first_story():
    stories = make_stories()
    TermStat.objects.create(term="w:stale", df=7)  # a leftover count must not survive
    out = io.StringIO()
    call_command("search", "reindex", "--related", stdout=out)

    assert stored_counts() == counted_from_scratch()
    assert RelatedTerms.objects.count() == len(stories)
    # The first story saved is scored against the stories saved after it.
    first, *_ = stories
    assert related_ids(first) == {stories[1].pk, stories[2].pk}
    assert related_ids(stories[3]) == {stories[4].pk, stories[5].pk}
    lines = out.getvalue().splitlines()
    features = [i for i, line in enumerate(lines) if line.startswith("related features")]
    scored = [i for i, line in enumerate(lines) if line.startswith("related scored")]
    assert features and scored and max(features) < min(scored)
    assert lines[features[-1]] == "related features 6/6 stories (100%)"
    assert lines[scored[-1]] == "related scored 6/6 stories (100%)"


def test_it_leaves_out_stories_that_are_no_longer_relatable_on_rebuild():
    stories = make_stories()
    call_command("search", "reindex", "--related", stdout=io.StringIO())
    Article.objects.filter(pk=stories[0].pk).update(status=Article.Status.KILLED)
    call_command("search", "reindex", "--related", stdout=io.StringIO())
    assert not RelatedTerms.objects.filter(article=stories[0]).exists()
    assert stored_counts() == counted_from_scratch()


def test_it_takes_a_deleted_story_out_of_the_counts_and_every_list(commit):
    stories = make_stories()
    call_command("search", "reindex", "--related", stdout=io.StringIO())
    gone = stories[1]
    assert gone.pk in related_ids(stories[0])
    with commit():
        gone.delete()

    assert stored_counts() == counted_from_scratch()
    assert not RelatedLink.objects.filter(related_id=gone.pk).exists()
    assert not RelatedLink.objects.filter(article_id=gone.pk).exists()
    # The stories that showed it were refreshed: still scored, still showing the rest.
    assert related_ids(stories[0]) == {stories[2].pk}


def test_it_keeps_the_counts_when_a_delete_rolls_back():
    stories = make_stories()
    call_command("search", "reindex", "--related", stdout=io.StringIO())
    before, pk = stored_counts(), stories[4].pk
    with pytest.raises(RuntimeError), transaction.atomic():
        stories[4].delete()
        raise RuntimeError("the delete's transaction fails")
    assert stored_counts() == before
    assert Article.objects.filter(pk=pk).exists()


def test_it_counts_a_queryset_delete_too(commit):
    stories = make_stories()
    call_command("search", "reindex", "--related", stdout=io.StringIO())
    with commit():
        Article.objects.filter(pk__in=[stories[3].pk, stories[4].pk]).delete()
    assert stored_counts() == counted_from_scratch()
    assert related_ids(stories[5]) == set()
