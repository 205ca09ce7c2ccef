"""Scoring candidates against a story: tf-idf cosine in a text and a meta channel, combined,
cut at an absolute and a relative floor, same-story candidates left out."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping

from django.db import connection

from masthead.discovery.models import RelatedTerms, TermStat
from masthead.discovery.related.features import Story, document_frequencies, headline_words
from masthead.discovery.search import get_backend
from masthead.discovery.terms import (
    COMMON_CAP,
    META_PREFIXES,
    TAG_WEIGHT,
    TEXT_PREFIXES,
    idf,
    key_terms,
    weigh,
)
from masthead.lib.similarity import jaccard
from masthead.newsroom.models import Article

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


def same_story(story: Story, other: Story) -> bool:
    if other.duplicate_of_id == story.pk or story.duplicate_of_id == other.pk:
        return True
    if story.content_hash and story.content_hash == other.content_hash:
        return True
    return (
        jaccard(headline_words(story.headline), headline_words(other.headline))
        >= SAME_STORY_HEADLINE
    )


def candidate_ids(story: Story, dfs: Mapping[str, int], total: int) -> set[int]:
    terms = key_terms(story.features, dfs, total, limit=KEY_TERMS)
    ids = {pk for pk, _ in get_backend().similar(terms, limit=CANDIDATES)}
    # Tags an editor chose that few stories carry: their newest stories are candidates even
    # when their words differ (a follow-up told from another angle).
    # A tag on more than COMMON_CAP stories is not rare, whatever the story's other tags.
    tags = [f for f in story.features if f.startswith("t:") and 1 < dfs.get(f, 0) <= COMMON_CAP]
    rare = sorted(tags, key=lambda f: (dfs[f], f))[:RARE_TAGS]
    if rare:
        ids.update(newest_with_tags([int(f[2:]) for f in rare], exclude=story.pk))
    ids.discard(story.pk)
    return ids


def newest_with_tags(tag_ids: list[int], *, exclude: int) -> list[int]:
    """The newest relatable stories carrying any of some rare tags.

    Hand-written so that the tags lead: left to itself (no ANALYZE statistics), SQLite walks
    the (status, published_at) index newest first and tests each story for the tags, which
    for a rare tag is most of the archive. CROSS JOIN fixes SQLite's join order; PostgreSQL
    plans it as the inner join it is.
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


def sublinear(weight: float) -> float:
    return 1 + math.log(weight) if weight > 1 else weight


def score_candidates(story: Story, *, limit: int) -> list[tuple[Story, float]]:
    """The best `limit` related stories for `story`, scored against their stored features."""
    return best_of(score_all(story), limit)


def best_of(scored: list[tuple[Story, float]], limit: int) -> list[tuple[Story, float]]:
    ranked = sorted(
        scored, key=lambda pair: (pair[1], pair[0].published_at, pair[0].pk), reverse=True
    )
    best = ranked[0][1] if ranked else 0.0
    return [pair for pair in ranked if pair[1] >= RELATIVE_CUTOFF * best][:limit]


def score_all(story: Story, also: Iterable[int] = ()) -> list[tuple[Story, float]]:
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
    ids = candidate_ids(story, dfs, total) | set(also)
    ids.discard(story.pk)
    if not ids:
        return []
    # Looked up by key from the stored features, relatability checked here: asked for
    # "published and one of these ids", SQLite walks every published story's status index
    # entry instead of fetching forty rows by key.
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
        Story(*row[:6]) for row in rows if row[6] == Article.Status.PUBLISHED and row[4] is None
    ]
    candidates = [other for other in candidates if not same_story(story, other)]
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
    scored: list[tuple[Story, float]] = []
    for other in candidates:
        # The two channels' cosines in one pass over the candidate's features (the same
        # arithmetic as `terms.weigh` and `terms.cosine`, without building its vectors).
        text_dot = text_sq = meta_dot = meta_sq = 0.0
        rarest_shared = 0.0
        for f, weight in other.features.items():
            rarity = idfs.get(f)
            if rarity is None:
                continue
            value = sublinear(weight) * rarity
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
