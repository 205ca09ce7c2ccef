"""Related stories: computed when a story is published or updated, stored, read cheaply.

Score = 0.65 × content similarity + 0.25 × shared tags (Jaccard) + 0.10 × shared section.
Content similarity is the search engine's own relevance (bm25 on FTS5, ts_rank on PostgreSQL)
of each candidate for the story's key terms, divided by the story's score against itself, so it
reads as "how close to identical" whatever the engine. Newest wins ties. Candidates that are
the same story (a duplicate, the same content hash, or a near-identical headline from another
wire) are never stored; kills and embargoes are filtered again when the block is read.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Prefetch

from masthead.discovery import conf
from masthead.discovery.models import RelatedLink
from masthead.discovery.search import get_backend
from masthead.discovery.search.text import key_terms, plain_text, words
from masthead.newsroom.models import Article, ArticleQuerySet, Section, Tag

CONTENT_WEIGHT = 0.65
TAG_WEIGHT = 0.25
SECTION_WEIGHT = 0.10
# Below this a candidate is noise: a block of three right stories beats five with two wrong.
MIN_SCORE = 0.12
# Headlines sharing this much of their words are one story told twice.
SAME_STORY_HEADLINE = 0.7
CANDIDATES = 100


def _relatable(article: Article) -> bool:
    # Embargoed and scheduled stories are stored too: the block re-checks visibility when it is
    # read, so they appear the moment their time comes, without a recomputation.
    return article.status == Article.Status.PUBLISHED and article.duplicate_of_id is None


def _relatable_articles() -> ArticleQuerySet:
    return Article.objects.filter(status=Article.Status.PUBLISHED, duplicate_of__isnull=True)


def _headline_words(article: Article) -> set[str]:
    return {w for w in words(article.headline) if len(w) > 2}


def _jaccard(a: set, b: set) -> float:
    return len(a & b) / len(a | b) if a and b else 0.0


def _same_story(article: Article, other: Article) -> bool:
    if other.duplicate_of_id == article.pk or article.duplicate_of_id == other.pk:
        return True
    if article.content_hash and article.content_hash == other.content_hash:
        return True
    return _jaccard(_headline_words(article), _headline_words(other)) >= SAME_STORY_HEADLINE


def score_candidates(article: Article, *, limit: int) -> list[tuple[Article, float]]:
    """The best `limit` related stories for `article` (fetched with `for_page()`), scored."""
    tags = list(article.tags.all())
    sections = list(article.sections.all())
    terms = key_terms(
        (article.headline, 3), (" ".join(t.name for t in tags), 3),
        (article.summary, 2), (plain_text(article.body), 1),
    )
    engine_scores = dict(get_backend().similar(terms, limit=CANDIDATES + 1))
    self_score = engine_scores.pop(article.pk, 0.0) or max(engine_scores.values(), default=0.0)
    tag_ids = {t.pk for t in tags}
    section_ids = {s.pk for s in sections}
    tag_neighbours = (
        _relatable_articles().filter(tags__in=tag_ids).exclude(pk=article.pk)
        .order_by("-published_at").values_list("pk", flat=True)[:CANDIDATES]
        if tag_ids else []
    )
    candidate_ids = set(engine_scores) | set(tag_neighbours)
    candidate_ids.discard(article.pk)
    candidates = (
        _relatable_articles().filter(pk__in=candidate_ids)
        .only("pk", "headline", "published_at", "content_hash", "duplicate_of_id")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("pk")),
            Prefetch("sections", queryset=Section.objects.only("pk")),
        )
    )
    scored: list[tuple[Article, float]] = []
    for other in candidates:
        if _same_story(article, other):
            continue
        content = min(engine_scores.get(other.pk, 0.0) / self_score, 1.0) if self_score else 0.0
        shared_tags = _jaccard(tag_ids, {t.pk for t in other.tags.all()})
        shared_section = 1.0 if section_ids & {s.pk for s in other.sections.all()} else 0.0
        score = (
            CONTENT_WEIGHT * content + TAG_WEIGHT * shared_tags + SECTION_WEIGHT * shared_section
        )
        if score >= MIN_SCORE:
            scored.append((other, round(score, 6)))
    scored.sort(key=lambda pair: (pair[1], pair[0].published_at, pair[0].pk), reverse=True)
    return scored[:limit]


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
    scored = score_candidates(article, limit=keep)
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.bulk_create(
        [RelatedLink(article_id=article_id, related_id=o.pk, score=s) for o, s in scored]
    )
    for other, score in scored:
        RelatedLink.objects.update_or_create(
            article_id=other.pk, related_id=article_id, defaults={"score": score}
        )
        surplus = list(
            RelatedLink.objects.filter(article_id=other.pk)
            .order_by("-score", "-related__published_at").values_list("pk", flat=True)[keep:]
        )
        if surplus:
            RelatedLink.objects.filter(pk__in=surplus).delete()
    return [o.pk for o, _ in scored]


def clear_related(article_id: int) -> None:
    """A killed or withdrawn story leaves every Related list, its own and others'."""
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(related_id=article_id).delete()
