"""What a story is about, as weighted features (words, names, tags, sections), and the
archive-wide document frequencies that weigh them, kept exact as stories come and go."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.db import connection, transaction

from masthead.discovery.models import RelatedTerms, TermStat
from masthead.discovery.search.text import plain_text, words
from masthead.discovery.terms import story_features
from masthead.newsroom.models import Article, ArticleQuerySet

# Rows per upsert statement: two parameters a row, under every SQLite build's parameter limit.
CHUNK = 900


def relatable_articles() -> ArticleQuerySet:
    # Embargoed and scheduled stories are stored too: the block re-checks visibility when it is
    # read, so they appear the moment their time comes, without a recomputation.
    return Article.objects.filter(status=Article.Status.PUBLISHED, duplicate_of__isnull=True)


def headline_words(headline: str) -> set[str]:
    return {w for w in words(headline) if len(w) > 2}


@dataclass
class Story:
    """What scoring needs of a story: one row, no model instance, no prefetches."""

    pk: int
    headline: str
    published_at: Any
    content_hash: str
    duplicate_of_id: int | None
    features: dict[str, float] = field(default_factory=dict)


def features_of(article: Article) -> dict[str, float]:
    """Related features of a story fetched with `for_page()` (tags and sections prefetched)."""
    return compute_features(
        article.headline,
        article.summary,
        article.body,
        [t.pk for t in article.tags.all()],
        [s.pk for s in article.sections.all()],
    )


def compute_features(
    headline: str, summary: str, body: str, tag_ids: Iterable[int], section_ids: Iterable[int]
) -> dict[str, float]:
    return story_features(
        headline=plain_text(headline),
        summary=plain_text(summary),
        body=plain_text(body),
        tag_ids=tag_ids,
        section_ids=section_ids,
    )


def tag_and_section_ids(article_ids: list[int]) -> dict[int, tuple[list[int], list[int]]]:
    """Tag and section ids of some stories, in one query over both through tables."""
    tags = Article.tags.through._meta.db_table
    sections = Article.sections.through._meta.db_table
    found: dict[int, tuple[list[int], list[int]]] = {pk: ([], []) for pk in article_ids}
    if not article_ids:
        return found
    marks = ", ".join(["%s"] * len(article_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT article_id, 0, tag_id FROM {tags} WHERE article_id IN ({marks})"  # noqa: S608 - fixed SQL; values are parameters
            f" UNION ALL SELECT article_id, 1, section_id FROM {sections}"
            f" WHERE article_id IN ({marks})",
            [*article_ids, *article_ids],
        )
        for article_id, kind, pk in cursor.fetchall():
            found[article_id][kind].append(pk)
    return found


def load_story(article_id: int) -> Story | None:
    """The story as Related needs it, with freshly computed features; None when not relatable."""
    row = (
        relatable_articles()
        .filter(pk=article_id)
        .values_list(
            "pk", "headline", "published_at", "content_hash", "duplicate_of_id", "summary", "body"
        )
        .first()
    )
    if row is None:
        return None
    tag_ids, section_ids = tag_and_section_ids([article_id])[article_id]
    story = Story(*row[:5])
    story.features = compute_features(story.headline, row[5], row[6], tag_ids, section_ids)
    return story


def as_list_parameter(terms: list[str]) -> tuple[str, Any]:
    """A list of strings as ONE query parameter, so a lookup of thousands of terms is one
    short statement (Django's `__in` would bind, and prepare, one parameter per term)."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", terms
    return "IN (SELECT value FROM json_each(%s))", json.dumps(terms)


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    terms = list(terms)
    if not terms:
        return {}
    condition, parameter = as_list_parameter(terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, df FROM {TermStat._meta.db_table} WHERE term {condition}",  # noqa: S608 - fixed SQL; values are parameters
            [parameter],
        )
        return dict(cursor.fetchall())


def bump(deltas: Mapping[str, int]) -> None:
    """Add to document frequencies in one upsert per chunk (same SQL on SQLite and PostgreSQL)."""
    items = [(term, delta) for term, delta in deltas.items() if delta]
    table = TermStat._meta.db_table
    with connection.cursor() as cursor:
        for i in range(0, len(items), CHUNK // 2):
            chunk = items[i : i + CHUNK // 2]
            values = ", ".join(["(%s, %s)"] * len(chunk))
            cursor.execute(
                f"INSERT INTO {table} (term, df) VALUES {values}"  # noqa: S608 - fixed SQL; values are parameters
                f" ON CONFLICT (term) DO UPDATE SET df = {table}.df + excluded.df",
                [value for pair in chunk for value in pair],
            )
        dropped = [term for term, delta in items if delta < 0]
        if dropped:
            condition, parameter = as_list_parameter(dropped)
            cursor.execute(
                f"DELETE FROM {table} WHERE df <= 0 AND term {condition}",  # noqa: S608 - fixed SQL; values are parameters
                [parameter],
            )


def store_features(article_id: int, features: dict[str, float] | None) -> None:
    """Replace a story's stored features (None: it leaves), keeping `TermStat` exact.

    The row is locked so that two refreshes of one story cannot both count its old features
    out (PostgreSQL; SQLite serialises writers anyway).
    """
    old = (
        RelatedTerms.objects.select_for_update()
        .filter(article_id=article_id)
        .values_list("features", flat=True)
        .first()
    )
    if old == features:
        return
    old_keys = set(old) if old is not None else set()
    new_keys = set(features) if features is not None else set()
    deltas = dict.fromkeys(new_keys - old_keys, 1)
    deltas.update(dict.fromkeys(old_keys - new_keys, -1))
    if old is None:
        deltas[TermStat.TOTAL] = 1
    elif features is None:
        deltas[TermStat.TOTAL] = -1
    bump(deltas)
    if features is None:
        RelatedTerms.objects.filter(article_id=article_id).delete()
    elif old is None:
        RelatedTerms.objects.create(article_id=article_id, features=features)
    else:
        RelatedTerms.objects.filter(article_id=article_id).update(features=features)


def rebuild_features(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> int:
    """Store every relatable story's features, then recount `TermStat` from them.

    The first phase of a full rebuild (`masthead search reindex --related`): scoring only
    starts once every story's features are in and counted, so that the first stories scored
    see the whole archive's rarities and candidates, not the part stored before them.
    Returns the number of stories stored.
    """
    relatable = relatable_articles()
    total = relatable.count()
    done = 0
    for batch in batches(relatable, batch_size):
        ids = [row[0] for row in batch]
        links = tag_and_section_ids(ids)
        rows = [
            RelatedTerms(
                article_id=pk, features=compute_features(headline, summary, body, *links[pk])
            )
            for pk, headline, summary, body in batch
        ]
        with transaction.atomic():
            RelatedTerms.objects.bulk_create(
                rows, update_conflicts=True, unique_fields=["article"], update_fields=["features"]
            )
        done += len(rows)
        if progress is not None:
            progress(done, total)
    with transaction.atomic():
        RelatedTerms.objects.exclude(article__in=relatable).delete()
        recount_term_stats()
    return done


def batches(queryset: ArticleQuerySet, size: int) -> Iterator[list[tuple]]:
    last_pk = 0
    while True:
        batch = list(
            queryset.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "headline", "summary", "body")[:size]
        )
        if not batch:
            return
        yield batch
        last_pk = batch[-1][0]


def recount_term_stats() -> None:
    """Set every document frequency from the stored features, in the database (no scan in
    Python); call inside a transaction.

    On PostgreSQL the table is locked first, so that a refresh running alongside either
    counted in before the recount (its features are read) or bumps after it: its old
    features, still committed when the recount reads, are what its bump takes out.
    """
    stats = TermStat._meta.db_table
    terms = RelatedTerms._meta.db_table
    keys = (
        "jsonb_object_keys(t.features) AS k(key)"
        if connection.vendor == "postgresql"
        else "json_each(t.features) AS k"
    )
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {stats} IN EXCLUSIVE MODE")
        cursor.execute(f"DELETE FROM {stats}")  # noqa: S608 - fixed SQL
        cursor.execute(
            f"INSERT INTO {stats} (term, df) SELECT k.key, COUNT(*) FROM {terms} AS t, {keys}"  # noqa: S608 - fixed SQL
            " GROUP BY k.key"
        )
        cursor.execute(
            f"INSERT INTO {stats} (term, df) SELECT %s, COUNT(*) FROM {terms}",  # noqa: S608 - fixed SQL; values are parameters
            [TermStat.TOTAL],
        )
