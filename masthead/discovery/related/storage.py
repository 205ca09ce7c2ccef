"""The stored Related lists: refreshed when a story changes, offered to the stories it is
related to, cleared when it goes."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection

from django.conf import settings
from django.db import transaction

from masthead.discovery.models import RelatedLink
from masthead.discovery.related.features import (
    Story,
    load_story,
    relatable_articles,
    store_features,
)
from masthead.discovery.related.scoring import (
    RELATIVE_CUTOFF,
    best_of,
    score_all,
    score_candidates,
)


def refresh_related(article_id: int) -> list[int]:
    """Recompute and store one story's Related list, and offer it to its neighbours' lists.

    The similarity is symmetric, so a newly published story is also the right candidate for
    the stories it is related to: it displaces their weakest link when it scores higher, with
    no need to recompute them. For the same reason an update re-checks every list already
    holding the story (its back-links), whether or not the search engine offers that story
    as a candidate again: a link the update took under the threshold leaves that list, and
    the others take the new score. Returns the stored related ids, best first.
    """
    story = load_story(article_id)
    if story is None:
        clear_related(article_id)
        return []
    with transaction.atomic():
        # First, on its own: the story's terms count in the idf its own scores use.
        store_features(article_id, story.features)
    keep = settings.MASTHEAD_RELATED_STORED
    holders = set(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    # Scoring reads only, outside the transaction: on SQLite a transaction holds the one write
    # lock from its start, and a drain of thousands of stories scoring under it would keep
    # every web worker's write (a reader's metered read) waiting. A change meanwhile marks the
    # story stale again, and the next pass scores it again (as does a drain killed here).
    everything = score_all(story, also=holders)
    scored = best_of(everything, keep)
    # The story's own list is its best few; a list that already holds it is re-offered the
    # pair's new score even when that list's story is not among those few (rank is not
    # symmetric, the score is).
    chosen = {o.pk for o, _ in scored}
    stale = holders - {o.pk for o, _ in everything}
    with transaction.atomic():
        store_links(article_id, scored)
        offer(
            article_id,
            scored + [(o, s) for o, s in everything if o.pk in holders and o.pk not in chosen],
            keep=keep,
            holders=holders,
        )
        if stale:
            RelatedLink.objects.filter(article_id__in=stale, related_id=article_id).delete()
    return [o.pk for o, _ in scored]


@transaction.atomic
def rescore_related(article_id: int) -> list[int]:
    """Recompute one story's Related list from its stored features (`rebuild_features` ran).

    Offers nothing to neighbours: in a full rescore every story gets its own turn, so each
    list is the story's own best, whatever the order the stories come in.
    """
    row = (
        relatable_articles()
        .filter(pk=article_id, related_terms__isnull=False)
        .values_list(
            "pk",
            "headline",
            "published_at",
            "content_hash",
            "duplicate_of_id",
            "related_terms__features",
        )
        .first()
    )
    if row is None:
        return refresh_related(article_id)
    scored = score_candidates(Story(*row), limit=settings.MASTHEAD_RELATED_STORED)
    store_links(article_id, scored)
    return [o.pk for o, _ in scored]


def store_links(article_id: int, scored: list[tuple[Story, float]]) -> None:
    """The story's own list, replaced. An upsert, not a plain insert: a neighbour's refresh on
    another worker may `offer` itself into this list between the delete and the insert (it
    holds its own story's lock, not this one's), and the pair's score is the same either way."""
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.bulk_create(
        [RelatedLink(article_id=article_id, related_id=o.pk, score=s) for o, s in scored],
        update_conflicts=True,
        unique_fields=["article", "related"],
        update_fields=["score"],
    )


def offer(
    related_id: int,
    scored: list[tuple[Story, float]],
    *,
    keep: int,
    holders: Collection[int] = (),
) -> None:
    """Put `related_id` into each scored neighbour's stored list where it belongs among the
    best: one read of all their lists, one upsert, one delete, however many neighbours.
    `holders`, the lists already holding it, lose it where it no longer belongs."""
    if not scored:
        return
    lists: dict[int, list[tuple[int, float]]] = defaultdict(list)
    for pk, article_id, score in (
        RelatedLink.objects.filter(article_id__in=[o.pk for o, _ in scored])
        .exclude(related_id=related_id)
        .order_by("article_id", "-score", "-related__published_at")
        .values_list("pk", "article_id", "score")
    ):
        lists[article_id].append((pk, score))
    offered: list[RelatedLink] = []
    dropped: list[int] = []
    dropped_from: list[int] = []
    for other, score in scored:
        links = lists[other.pk]
        best = max([score, *(s for _, s in links)])
        ranked = sorted([*links, (None, score)], key=lambda pair: -pair[1])
        if score < RELATIVE_CUTOFF * best or ranked.index((None, score)) >= keep:
            # A good match for the newcomer, but a weak one for this story, or a full list
            # of better ones.
            if other.pk in holders:
                dropped_from.append(other.pk)
            continue
        offered.append(RelatedLink(article_id=other.pk, related_id=related_id, score=score))
        dropped.extend(
            pk
            for i, (pk, s) in enumerate(ranked)
            if pk is not None and (i >= keep or s < RELATIVE_CUTOFF * best)
        )
    if offered:
        RelatedLink.objects.bulk_create(
            offered,
            update_conflicts=True,
            unique_fields=["article", "related"],
            update_fields=["score"],
        )
    if dropped:
        RelatedLink.objects.filter(pk__in=dropped).delete()
    if dropped_from:
        RelatedLink.objects.filter(article_id__in=dropped_from, related_id=related_id).delete()


@transaction.atomic
def clear_related(article_id: int) -> list[int]:
    """A killed, withdrawn or deleted story leaves every Related list, its own and others',
    and the archive's word counts. Returns the stories whose lists lost it."""
    store_features(article_id, None)
    RelatedLink.objects.filter(article_id=article_id).delete()
    linked_from = list(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    RelatedLink.objects.filter(related_id=article_id).delete()
    return linked_from
