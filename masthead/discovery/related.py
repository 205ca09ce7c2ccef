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

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.db import connection, transaction

from masthead.discovery import conf
from masthead.discovery.models import RelatedLink, RelatedTerms, TermStat
from masthead.discovery.search import get_backend
from masthead.discovery.search.text import plain_text, words
from masthead.discovery.terms import (
    META_PREFIXES,
    TAG_WEIGHT,
    TEXT_PREFIXES,
    cosine,
    idf,
    key_terms,
    story_features,
    weigh,
)
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
# Term lookups per query: well under every SQLite build's bound-parameter limit.
CHUNK = 900


def _relatable(article: Article) -> bool:
    # Embargoed and scheduled stories are stored too: the block re-checks visibility when it is
    # read, so they appear the moment their time comes, without a recomputation.
    return article.status == Article.Status.PUBLISHED and article.duplicate_of_id is None


def _relatable_articles() -> ArticleQuerySet:
    return Article.objects.filter(status=Article.Status.PUBLISHED, duplicate_of__isnull=True)


def _headline_words(headline: str) -> set[str]:
    return {w for w in words(headline) if len(w) > 2}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


@dataclass(frozen=True)
class _Candidate:
    pk: int
    headline: str
    published_at: object
    content_hash: str
    duplicate_of_id: int | None


def _same_story(article: Article, other: _Candidate) -> bool:
    if other.duplicate_of_id == article.pk or article.duplicate_of_id == other.pk:
        return True
    if article.content_hash and article.content_hash == other.content_hash:
        return True
    return (
        _jaccard(_headline_words(article.headline), _headline_words(other.headline))
        >= SAME_STORY_HEADLINE
    )


def features_of(article: Article) -> dict[str, float]:
    """Related features of a story fetched with `for_page()` (tags and sections prefetched)."""
    return story_features(
        headline=plain_text(article.headline),
        summary=plain_text(article.summary),
        body=plain_text(article.body),
        tag_ids=[t.pk for t in article.tags.all()],
        section_ids=[s.pk for s in article.sections.all()],
    )


def document_frequencies(terms: Iterable[str]) -> dict[str, int]:
    terms = list(terms)
    found: dict[str, int] = {}
    for i in range(0, len(terms), CHUNK):
        found.update(
            TermStat.objects.filter(term__in=terms[i : i + CHUNK]).values_list("term", "df")
        )
    return found


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
    for i in range(0, len(dropped), CHUNK):
        TermStat.objects.filter(term__in=dropped[i : i + CHUNK], df__lte=0).delete()


def store_features(article_id: int, features: dict[str, float] | None) -> None:
    """Replace a story's stored features (None: it leaves), keeping `TermStat` exact.

    The row is locked so that two refreshes of one story cannot both count its old features
    out (PostgreSQL; SQLite serialises writers anyway).
    """
    old = RelatedTerms.objects.select_for_update().filter(article_id=article_id).first()
    old_keys = set(old.features) if old is not None else set()
    new_keys = set(features) if features is not None else set()
    deltas = dict.fromkeys(new_keys - old_keys, 1)
    deltas.update(dict.fromkeys(old_keys - new_keys, -1))
    if old is None and features is not None:
        deltas[TermStat.TOTAL] = 1
    elif old is not None and features is None:
        deltas[TermStat.TOTAL] = -1
    _bump(deltas)
    if features is None:
        if old is not None:
            old.delete()
    elif old is None:
        RelatedTerms.objects.create(article_id=article_id, features=features)
    elif old.features != features:
        old.features = features
        old.save(update_fields=["features"])


def _candidate_ids(article: Article, features: Mapping[str, float], dfs: Mapping[str, int],
                   total: int) -> set[int]:
    terms = key_terms(features, dfs, total, limit=KEY_TERMS)
    ids = {pk for pk, _ in get_backend().similar(terms, limit=CANDIDATES)}
    # Tags an editor chose that few stories carry: their newest stories are candidates even
    # when their words differ (a follow-up told from another angle).
    tags = [f for f in features if f.startswith("t:") and dfs.get(f, 0) > 1]
    rare = sorted(tags, key=lambda f: (dfs[f], f))[:RARE_TAGS]
    if rare:
        ids.update(
            _relatable_articles()
            .filter(tags__in=[int(f[2:]) for f in rare])
            .exclude(pk=article.pk)
            .order_by("-published_at")
            .values_list("pk", flat=True)[:TAG_CANDIDATES]
        )
    ids.discard(article.pk)
    return ids


def score_candidates(
    article: Article, *, limit: int, features: dict[str, float] | None = None
) -> list[tuple[_Candidate, float]]:
    """The best `limit` related stories for `article` (fetched with `for_page()`), scored.

    Reads the stored features and document frequencies: `store_features` must have run.
    """
    if features is None:
        features = features_of(article)
    dfs = document_frequencies([*features, TermStat.TOTAL])
    total = max(dfs.get(TermStat.TOTAL, 0), 1)
    text = weigh(features, dfs, total, TEXT_PREFIXES)
    meta = weigh(features, dfs, total, META_PREFIXES)
    ids = _candidate_ids(article, features, dfs, total)
    if not ids:
        return []
    stored = dict(
        RelatedTerms.objects.filter(article_id__in=ids).values_list("article_id", "features")
    )
    rows = (
        _relatable_articles()
        .filter(pk__in=stored)
        .values_list("pk", "headline", "published_at", "content_hash", "duplicate_of_id")
    )
    candidates = [_Candidate(*row) for row in rows]
    unknown = {f for c in candidates for f in stored[c.pk]} - dfs.keys()
    dfs = {**dfs, **document_frequencies(unknown)}
    scored: list[tuple[_Candidate, float]] = []
    for other in candidates:
        if _same_story(article, other):
            continue
        theirs = stored[other.pk]
        score = TEXT_SHARE * cosine(text, weigh(theirs, dfs, total, TEXT_PREFIXES))
        their_meta = weigh(theirs, dfs, total, META_PREFIXES)
        # Sections are broad: a shared section counts only alongside a shared tag, or every
        # story in Local would be a third of the way to related to every other.
        shared = [f for f in meta if f.startswith("t:") and f in their_meta]
        if shared:
            # Cosine alone would rate two stories whose only tag is the town's name as a
            # perfect tag match; scaled by the rarest shared tag's idf against the rarest
            # possible (a tag on two stories), a tag on a third of the archive says little.
            rarity = max(meta[f] for f in shared) / (TAG_WEIGHT * idf(2, total))
            score += META_SHARE * cosine(meta, their_meta) * min(rarity, 1.0) ** 2
        # Rounded so that stories equally close tie, and the newest wins.
        score = round(score, 4)
        if score >= MIN_SCORE:
            scored.append((other, score))
    scored.sort(key=lambda pair: (pair[1], pair[0].published_at, pair[0].pk), reverse=True)
    best = scored[0][1] if scored else 0.0
    return [pair for pair in scored if pair[1] >= RELATIVE_CUTOFF * best][:limit]


@transaction.atomic
def refresh_related(article_id: int) -> list[int]:
    """Recompute and store one story's Related list, and offer it to its neighbours' lists.

    The similarity is symmetric, so a newly published story is also the right candidate for
    the stories it is related to: it displaces their weakest link when it scores higher, with
    no need to recompute them. Returns the stored related ids, best first.
    """
    keep = conf.related_limit()
    article = Article.objects.for_page().filter(pk=article_id).first()
    if article is None or not _relatable(article):
        clear_related(article_id)
        return []
    features = features_of(article)
    store_features(article_id, features)
    scored = score_candidates(article, limit=keep, features=features)
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.bulk_create(
        [RelatedLink(article_id=article_id, related_id=o.pk, score=s) for o, s in scored]
    )
    for other, score in scored:
        _offer(other.pk, article_id, score, keep=keep)
    return [o.pk for o, _ in scored]


def _offer(article_id: int, related_id: int, score: float, *, keep: int) -> None:
    """Put `related_id` into `article_id`'s stored list if it belongs among its best."""
    links = list(
        RelatedLink.objects.filter(article_id=article_id)
        .exclude(related_id=related_id)
        .order_by("-score", "-related__published_at")
        .values_list("pk", "score")
    )
    best = max([score, *(s for _, s in links)])
    if score < RELATIVE_CUTOFF * best:
        return  # a good match for the newcomer, but a weak one for this story
    RelatedLink.objects.update_or_create(
        article_id=article_id, related_id=related_id, defaults={"score": score}
    )
    ranked = sorted([*links, (None, score)], key=lambda pair: -pair[1])
    drop = [
        pk
        for i, (pk, s) in enumerate(ranked)
        if pk is not None and (i >= keep or s < RELATIVE_CUTOFF * best)
    ]
    if drop:
        RelatedLink.objects.filter(pk__in=drop).delete()


@transaction.atomic
def clear_related(article_id: int) -> None:
    """A killed or withdrawn story leaves every Related list, its own and others', and the
    archive's word counts."""
    store_features(article_id, None)
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(related_id=article_id).delete()
