"""Related stories: computed when a story is published or updated, stored, read cheaply.

Content similarity carries the score; shared tags and a shared section amplify it but never
make two stories related on their own (a place-name tag on half the archive says little):

    score = content × (1 + 0.6 × shared tags (Jaccard) + 0.25 × shared section)

Content similarity is the search engine's own relevance (bm25 on FTS5, ts_rank on PostgreSQL)
of each candidate for the story's key terms — its words weighed by how often it uses them and
how rare they are in the archive (tf-idf, document frequencies from the engine) — divided by
the story's score against itself, so it reads as "how close to identical" on either engine.
Newest wins ties. Candidates that are the same story (a duplicate, the same content hash, or a
near-identical headline from another wire) are never stored; kills and embargoes are filtered
again when the block is read.
"""

from __future__ import annotations

import math

from django.db import transaction
from django.db.models import Prefetch

from masthead.discovery import conf
from masthead.discovery.models import RelatedLink, SearchEntry
from masthead.discovery.search import SearchBackend, get_backend
from masthead.discovery.search.text import crude_stem, plain_text, stems, term_counts, words
from masthead.newsroom.models import Article, ArticleQuerySet, Section, Tag

TAG_BOOST = 0.6
SECTION_BOOST = 0.0
# Below this share of telling words in common a candidate is noise: a block of three right
# stories beats five with two wrong ones.
MIN_CONTENT = 0.2
# A block holds stories comparable to the best match: anything under this share of the best
# score is a weaker, usually accidental, overlap (a shared "board" or "vote").
RELATIVE_CUTOFF = 0.4
KEY_TERMS = 15
# Headlines sharing this much of their words are one story told twice.
SAME_STORY_HEADLINE = 0.7
# Candidates scored per story: the engine's best matches, and the newest sharing a tag.
CANDIDATES = 40
TAG_CANDIDATES = 20


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


class TermWeigher:
    """tf-idf weights of stories' words, with document frequencies asked of the engine once."""

    def __init__(self, backend: SearchBackend) -> None:
        self.backend = backend
        self.total = SearchEntry.objects.count() or 1
        self._df: dict[str, int] = {}

    def df(self, term: str) -> int:
        if term not in self._df:
            self._df[term] = self.backend.document_frequency(term)
        return self._df[term]

    def weights(self, headline: str, tags: str, summary: str, body: str) -> dict[str, float]:
        """The story's most telling words: frequency in it × rarity in the archive."""
        counts = term_counts((headline, 3), (tags, 3), (summary, 2), (body, 1))
        weighted: dict[str, float] = {}
        for term, tf in counts.most_common(KEY_TERMS * 3):
            df = self.df(term)
            if df > 1:  # a word only this story uses cannot lead to another story
                weighted[term] = tf * math.log(1 + self.total / df)
        best = sorted(weighted, key=lambda t: (-weighted[t], t))[:KEY_TERMS]
        return {t: weighted[t] for t in best}


def coverage(weights: dict[str, float], found: set[str]) -> float:
    """The share of a story's key-term weight found among another story's word stems.

    Rare, telling words ("ferry", "crossing") count for more than everyday ones ("board").
    """
    total = sum(weights.values())
    if not total:
        return 0.0
    return sum(w for term, w in weights.items() if crude_stem(term) in found) / total


def score_candidates(article: Article, *, limit: int) -> list[tuple[Article, float]]:
    """The best `limit` related stories for `article` (fetched with `for_page()`), scored.

    Content similarity is taken both ways — how much of A's telling words B covers, and of
    B's that A covers — so a short, generic story cannot attach itself to everything that
    shares its everyday words.
    """
    tags = list(article.tags.all())
    sections = list(article.sections.all())
    tag_text = " ".join(t.name for t in tags)
    body = plain_text(article.body)
    backend = get_backend()
    weigher = TermWeigher(backend)
    weights = weigher.weights(article.headline, tag_text, article.summary, body)
    own_stems = stems(f"{article.headline} {article.summary} {body} {tag_text}")
    engine_ids = [pk for pk, _ in backend.similar(list(weights), limit=CANDIDATES + 1)]
    tag_ids = {t.pk for t in tags}
    section_ids = {s.pk for s in sections}
    tag_neighbours = (
        _relatable_articles()
        .filter(tags__in=tag_ids)
        .exclude(pk=article.pk)
        .order_by("-published_at")
        .values_list("pk", flat=True)[:TAG_CANDIDATES]
        if tag_ids
        else []
    )
    candidate_ids = (set(engine_ids) | set(tag_neighbours)) - {article.pk}
    entries = SearchEntry.objects.in_bulk(list(candidate_ids))
    candidates = (
        _relatable_articles()
        .filter(pk__in=candidate_ids)
        .only("pk", "headline", "published_at", "content_hash", "duplicate_of_id")
        .prefetch_related(
            Prefetch("tags", queryset=Tag.objects.only("pk")),
            Prefetch("sections", queryset=Section.objects.only("pk")),
        )
    )
    scored: list[tuple[Article, float]] = []
    for other in candidates:
        entry = entries.get(other.pk)
        if entry is None or _same_story(article, other):
            continue
        found = stems(f"{entry.headline} {entry.summary} {entry.body} {entry.meta}")
        forward = coverage(weights, found)
        if forward < MIN_CONTENT:
            continue
        # The entry's meta holds tags, sections, dateline and byline: tags' words weigh in.
        their_weights = weigher.weights(entry.headline, entry.meta, entry.summary, entry.body)
        backward = coverage(their_weights, own_stems)
        content = math.sqrt(forward * backward)
        if content < MIN_CONTENT:
            continue
        shared_tags = _jaccard(tag_ids, {t.pk for t in other.tags.all()})
        shared_section = 1.0 if section_ids & {s.pk for s in other.sections.all()} else 0.0
        score = content * (1 + TAG_BOOST * shared_tags + SECTION_BOOST * shared_section)
        scored.append((other, round(score, 6)))
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
    scored = score_candidates(article, limit=keep)
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


def clear_related(article_id: int) -> None:
    """A killed or withdrawn story leaves every Related list, its own and others'."""
    RelatedLink.objects.filter(article_id=article_id).delete()
    RelatedLink.objects.filter(related_id=article_id).delete()
