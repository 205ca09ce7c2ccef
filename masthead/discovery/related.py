"""Related stories: computed when a story is published or updated, stored, read cheaply.

Two stories are related when they are about the same thing, measured as tf-idf cosine
similarity (`discovery.terms`) in two channels — text (word stems and multiword names) and
meta (tags, and sections weighing less) — combined as

    score = TEXT_SHARE × text cosine + META_SHARE × meta cosine

Every feature is weighed by its rarity across the archive, from document frequencies kept
exact in `TermStat` as stories come and go: everyday news words ("county board approved") and
broad tags ("Port Alder", "Europe") count for little, a name or a tag on three stories for a
lot. Candidates come from the search engine (the story's most telling words) and from the
newest stories sharing its rarest tags; each is scored from its stored features, so scoring
reads a few indexed rows and tokenises nothing but the story itself.

A block shows fewer stories rather than wrong ones: below MIN_SCORE a candidate is not
related, whatever else is missing, and a story with nothing above it gets an empty block.
Newest wins ties. Candidates that are the same story (a duplicate, the same content hash, or a
near-identical headline from another wire) are never stored; kills and embargoes are filtered
again when the block is read.
"""

from __future__ import annotations

import json
import math
from collections import defaultdict
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db import connection, transaction

from masthead.discovery.models import RelatedLink, RelatedTerms, TermStat
from masthead.discovery.search import get_backend
from masthead.discovery.search.text import plain_text, words
from masthead.discovery.terms import (
    COMMON_CAP,
    META_PREFIXES,
    TAG_WEIGHT,
    TEXT_PREFIXES,
    idf,
    key_terms,
    story_features,
    weigh,
)
from masthead.lib.similarity import jaccard
from masthead.newsroom.models import Article, ArticleQuerySet

# What a story is about is said by its text; tags and sections, chosen by hand from a short
# list, confirm it and break near-ties (the council budget that mentions the ferry vs the
# council story about the library), but two stories sharing only tags are rarely one topic.
TEXT_SHARE = 0.7
META_SHARE = 0.3
# Below this a candidate shares only background with the story (a place, a season, a
# holiday): a block of three right stories beats five with two wrong ones. See the
# labelled-set tests for where in-topic and off-topic scores fall.
MIN_SCORE = 0.3
# A block holds stories comparable to its best match: a candidate under this share of the best
# score is a weaker, usually incidental, overlap (a story that mentions the other in passing).
RELATIVE_CUTOFF = 0.4
KEY_TERMS = 12
# Headlines sharing this much of their words are one story told twice.
SAME_STORY_HEADLINE = 0.7
# Candidates scored per story: the engine's best matches, and the newest sharing rare tags.
CANDIDATES = 40
TAG_CANDIDATES = 15
RARE_TAGS = 3
# Rows per upsert statement: two parameters a row, under every SQLite build's parameter limit.
CHUNK = 900


def _relatable_articles() -> ArticleQuerySet:
    # Embargoed and scheduled stories are stored too: the block re-checks visibility when it is
    # read, so they appear the moment their time comes, without a recomputation.
    return Article.objects.filter(status=Article.Status.PUBLISHED, duplicate_of__isnull=True)


def _headline_words(headline: str) -> set[str]:
    return {w for w in words(headline) if len(w) > 2}


@dataclass
class _Story:
    """What scoring needs of a story: one row, no model instance, no prefetches."""

    pk: int
    headline: str
    published_at: Any
    content_hash: str
    duplicate_of_id: int | None
    features: dict[str, float] = field(default_factory=dict)


def _same_story(story: _Story, other: _Story) -> bool:
    if other.duplicate_of_id == story.pk or story.duplicate_of_id == other.pk:
        return True
    if story.content_hash and story.content_hash == other.content_hash:
        return True
    return (
        jaccard(_headline_words(story.headline), _headline_words(other.headline))
        >= SAME_STORY_HEADLINE
    )


def features_of(article: Article) -> dict[str, float]:
    """Related features of a story fetched with `for_page()` (tags and sections prefetched)."""
    return _features(
        article.headline,
        article.summary,
        article.body,
        [t.pk for t in article.tags.all()],
        [s.pk for s in article.sections.all()],
    )


def _features(
    headline: str, summary: str, body: str, tag_ids: Iterable[int], section_ids: Iterable[int]
) -> dict[str, float]:
    return story_features(
        headline=plain_text(headline),
        summary=plain_text(summary),
        body=plain_text(body),
        tag_ids=tag_ids,
        section_ids=section_ids,
    )


def _tag_and_section_ids(article_ids: list[int]) -> dict[int, tuple[list[int], list[int]]]:
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


def _load_story(article_id: int) -> _Story | None:
    """The story as Related needs it, with freshly computed features; None when not relatable."""
    row = (
        _relatable_articles()
        .filter(pk=article_id)
        .values_list(
            "pk", "headline", "published_at", "content_hash", "duplicate_of_id", "summary", "body"
        )
        .first()
    )
    if row is None:
        return None
    tag_ids, section_ids = _tag_and_section_ids([article_id])[article_id]
    story = _Story(*row[:5])
    story.features = _features(story.headline, row[5], row[6], tag_ids, section_ids)
    return story


def _as_list_parameter(terms: list[str]) -> tuple[str, Any]:
    """A list of strings as ONE query parameter, so a lookup of thousands of terms is one
    short statement (Django's `__in` would bind, and prepare, one parameter per term)."""
    if connection.vendor == "postgresql":
        return "= ANY(%s)", terms
    return "IN (SELECT value FROM json_each(%s))", json.dumps(terms)


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    terms = list(terms)
    if not terms:
        return {}
    condition, parameter = _as_list_parameter(terms)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT term, df FROM {TermStat._meta.db_table} WHERE term {condition}",  # noqa: S608 - fixed SQL; values are parameters
            [parameter],
        )
        return dict(cursor.fetchall())


def _bump(deltas: Mapping[str, int]) -> None:
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
            condition, parameter = _as_list_parameter(dropped)
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
    _bump(deltas)
    if features is None:
        RelatedTerms.objects.filter(article_id=article_id).delete()
    elif old is None:
        RelatedTerms.objects.create(article_id=article_id, features=features)
    else:
        RelatedTerms.objects.filter(article_id=article_id).update(features=features)


def _candidate_ids(story: _Story, dfs: Mapping[str, int], total: int) -> set[int]:
    terms = key_terms(story.features, dfs, total, limit=KEY_TERMS)
    ids = {pk for pk, _ in get_backend().similar(terms, limit=CANDIDATES)}
    # Tags an editor chose that few stories carry: their newest stories are candidates even
    # when their words differ (a follow-up told from another angle).
    # A tag on more than COMMON_CAP stories is not rare, whatever the story's other tags.
    tags = [f for f in story.features if f.startswith("t:") and 1 < dfs.get(f, 0) <= COMMON_CAP]
    rare = sorted(tags, key=lambda f: (dfs[f], f))[:RARE_TAGS]
    if rare:
        ids.update(_newest_with_tags([int(f[2:]) for f in rare], exclude=story.pk))
    ids.discard(story.pk)
    return ids


def _newest_with_tags(tag_ids: list[int], *, exclude: int) -> list[int]:
    """The newest relatable stories carrying any of some rare tags.

    Hand-written so that the tags lead: left to itself (no ANALYZE statistics), SQLite walks
    the (status, published_at) index newest first and tests each story for the tags, which
    for a rare tag is most of the archive (130 ms at 100,000 stories). CROSS JOIN fixes
    SQLite's join order; PostgreSQL plans it as the inner join it is.
    """
    articles = Article._meta.db_table
    through = Article.tags.through._meta.db_table
    marks = ", ".join(["%s"] * len(tag_ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT DISTINCT a.id, a.published_at FROM {through} t CROSS JOIN {articles} a"  # noqa: S608 - fixed SQL; values are parameters
            f" WHERE a.id = t.article_id AND t.tag_id IN ({marks}) AND a.status = %s"
            " AND a.duplicate_of_id IS NULL AND a.id <> %s"
            " ORDER BY a.published_at DESC, a.id DESC LIMIT %s",
            [*tag_ids, Article.Status.PUBLISHED, exclude, TAG_CANDIDATES],
        )
        return [row[0] for row in cursor.fetchall()]


def _sublinear(weight: float) -> float:
    return 1 + math.log(weight) if weight > 1 else weight


def score_candidates(story: _Story, *, limit: int) -> list[tuple[_Story, float]]:
    """The best `limit` related stories for `story`, scored against their stored features."""
    return _best(_score(story), limit)


def _best(scored: list[tuple[_Story, float]], limit: int) -> list[tuple[_Story, float]]:
    ranked = sorted(
        scored, key=lambda pair: (pair[1], pair[0].published_at, pair[0].pk), reverse=True
    )
    best = ranked[0][1] if ranked else 0.0
    return [pair for pair in ranked if pair[1] >= RELATIVE_CUTOFF * best][:limit]


def _score(story: _Story, also: Iterable[int] = ()) -> list[tuple[_Story, float]]:
    """Every candidate of `story` (and the stories `also`) scoring at least MIN_SCORE.

    Reads the stored features and document frequencies (`store_features` must have run), in
    a fixed handful of queries whatever the candidates' number: the document frequencies of
    the story's features, the engine's and the tags' candidates, the candidates' rows with
    their features, and the frequencies of the candidates' other features.
    """
    features = story.features
    dfs = document_frequencies([*features, TermStat.TOTAL])
    total = max(dfs.get(TermStat.TOTAL, 0), 1)
    text = weigh(features, dfs, total, TEXT_PREFIXES)
    meta = weigh(features, dfs, total, META_PREFIXES)
    ids = _candidate_ids(story, dfs, total) | set(also)
    ids.discard(story.pk)
    if not ids:
        return []
    # Looked up by key from the stored features, relatability checked here: asked for
    # "published and one of these ids", SQLite walks every published story's status index
    # entry instead of fetching forty rows by key (25 ms at 100,000 stories).
    rows = RelatedTerms.objects.filter(article_id__in=ids).values_list(
        "article_id",
        "article__headline",
        "article__published_at",
        "article__content_hash",
        "article__duplicate_of_id",
        "features",
        "article__status",
    )
    candidates = [
        _Story(*row[:6]) for row in rows if row[6] == Article.Status.PUBLISHED and row[4] is None
    ]
    candidates = [other for other in candidates if not _same_story(story, other)]
    unknown: set[str] = set()
    for other in candidates:
        unknown.update(other.features)
    unknown -= dfs.keys()
    dfs = {**dfs, **document_frequencies(unknown)}
    # Each distinct feature's idf once, not once per candidate carrying it, and each distinct
    # df's once (thousands of features share a handful of small counts); a feature on one
    # story only (df ≤ 1) leads nowhere and is left out, as `terms.weigh` leaves it out.
    by_df = {df: idf(df, total) for df in set(dfs.values()) if df > 1}
    idfs = {f: by_df[df] for f, df in dfs.items() if df > 1}
    text_norm = math.sqrt(sum(w * w for w in text.values()))
    meta_norm = math.sqrt(sum(w * w for w in meta.values()))
    best_tag_idf = TAG_WEIGHT * idf(2, total)
    scored: list[tuple[_Story, float]] = []
    for other in candidates:
        # The two channels' cosines in one pass over the candidate's features (the same
        # arithmetic as `terms.weigh` and `terms.cosine`, without building its vectors).
        text_dot = text_sq = meta_dot = meta_sq = 0.0
        rarest_shared = 0.0
        for f, weight in other.features.items():
            rarity = idfs.get(f)
            if rarity is None:
                continue
            value = _sublinear(weight) * rarity
            if f[0] in "wn":  # TEXT_PREFIXES
                text_sq += value * value
                mine = text.get(f)
                if mine:
                    text_dot += mine * value
            else:
                meta_sq += value * value
                mine = meta.get(f)
                if mine:
                    meta_dot += mine * value
                    if f[0] == "t" and mine > rarest_shared:
                        rarest_shared = mine
        score = 0.0
        if text_dot:
            score = TEXT_SHARE * text_dot / (text_norm * math.sqrt(text_sq))
        # Sections are broad: a shared section counts only alongside a shared tag, or every
        # story in Local would be a third of the way to related to every other.
        if rarest_shared:
            # Cosine alone would rate two stories whose only tag is the town's name as a
            # perfect tag match; scaled by the rarest shared tag's idf against the rarest
            # possible (a tag on two stories), a tag on a third of the archive says little.
            rarity = min(rarest_shared / best_tag_idf, 1.0)
            score += META_SHARE * meta_dot / (meta_norm * math.sqrt(meta_sq)) * rarity**2
        # Rounded so that stories equally close tie, and the newest wins.
        score = round(score, 4)
        if score >= MIN_SCORE:
            scored.append((other, score))
    return scored


@transaction.atomic
def refresh_related(article_id: int) -> list[int]:
    """Recompute and store one story's Related list, and offer it to its neighbours' lists.

    The similarity is symmetric, so a newly published story is also the right candidate for
    the stories it is related to: it displaces their weakest link when it scores higher, with
    no need to recompute them. For the same reason an update re-checks every list already
    holding the story (its back-links), whether or not the search engine offers that story
    as a candidate again: a link the update took under the threshold leaves that list, and
    the others take the new score. Returns the stored related ids, best first.
    """
    story = _load_story(article_id)
    if story is None:
        clear_related(article_id)
        return []
    store_features(article_id, story.features)
    keep = settings.MASTHEAD_RELATED_STORED
    holders = set(
        RelatedLink.objects.filter(related_id=article_id).values_list("article_id", flat=True)
    )
    everything = _score(story, also=holders)
    scored = _best(everything, keep)
    _store_links(article_id, scored)
    # The story's own list is its best few; a list that already holds it is re-offered the
    # pair's new score even when that list's story is not among those few (rank is not
    # symmetric, the score is).
    chosen = {o.pk for o, _ in scored}
    _offer(
        article_id,
        scored + [(o, s) for o, s in everything if o.pk in holders and o.pk not in chosen],
        keep=keep,
        holders=holders,
    )
    stale = holders - {o.pk for o, _ in everything}
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
        _relatable_articles()
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
    scored = score_candidates(_Story(*row), limit=settings.MASTHEAD_RELATED_STORED)
    _store_links(article_id, scored)
    return [o.pk for o, _ in scored]


def _store_links(article_id: int, scored: list[tuple[_Story, float]]) -> None:
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.bulk_create(
        [RelatedLink(article_id=article_id, related_id=o.pk, score=s) for o, s in scored]
    )


def _offer(
    related_id: int,
    scored: list[tuple[_Story, float]],
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


def rebuild_features(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> int:
    """Store every relatable story's features, then recount `TermStat` from them.

    The first phase of a full rebuild (`masthead search reindex --related`): scoring only
    starts once every story's features are in and counted, so that the first stories scored
    see the whole archive's rarities and candidates, not the part stored before them.
    Returns the number of stories stored.
    """
    relatable = _relatable_articles()
    total = relatable.count()
    done = 0
    for batch in _batches(relatable, batch_size):
        ids = [row[0] for row in batch]
        links = _tag_and_section_ids(ids)
        rows = [
            RelatedTerms(article_id=pk, features=_features(headline, summary, body, *links[pk]))
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


def _batches(queryset: ArticleQuerySet, size: int) -> Iterator[list[tuple]]:
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
