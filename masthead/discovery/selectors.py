"""Reads for the reader site's Related and Popular blocks.

Both read what was computed earlier (stored Related links, decayed Popular scores), so an
article page does a fixed, small number of indexed queries whatever the archive's size.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from django.db import models
from django.db.models import (
    Count,
    Exists,
    FilteredRelation,
    OuterRef,
    Q,
    Subquery,
    Value,
    prefetch_related_objects,
)
from django.db.models.functions import Coalesce

from masthead.discovery.models import RelatedTerms
from masthead.discovery.popular import popular_ids

# Related's own same-story rule, so that the filler drops exactly what scoring drops.
from masthead.discovery.related import SAME_STORY_HEADLINE, headline_words
from masthead.lib.similarity import jaccard
from masthead.newsroom.models import Article

# The article page's Related block holds 4–6 stories (a page with one or two looks broken): 5
# when the archive
# has them, topped up with labelled filler when fewer than 4 are confidently related.
RELATED_BLOCK_SIZE = 5
RELATED_BLOCK_MINIMUM = 4
# The filler ranks only the stories most recently given each of the article's tags and
# sections (this many of each), so a page view never counts tags over a whole section of a
# large archive. Fifty is far more than a block shows; the newest among them still come first.
MORE_WINDOW = 50
# Extra candidates fetched for the ones dropped as the same story told by another wire.
MORE_SLACK = 3


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """The stored Related list, re-checked for visibility (kills and embargoes drop out).

    A story never scored (saved before discovery was installed and not yet re-scored
    with `masthead search reindex --related`, or whose transaction has not committed) falls
    back to the filler's ranking (most shared tags, then sections) over its capped candidate
    windows: counting shared tags over every story of the article's sections grows with the
    archive.
    """
    stored = list(
        Article.objects.published()
        .alias(link=FilteredRelation("related_from", condition=Q(related_from__article=article)))
        .filter(link__isnull=False)
        .order_by("-link__score", "-published_at", "-id")
        .for_listing()[:limit]
    )
    # A scored story with nothing stored has nothing related enough: no topical link (the
    # page's block tops up below, labelled apart: `related_block`), and no unscored guess.
    if stored or RelatedTerms.objects.filter(article_id=article.pk).exists():
        return stored
    return _more_stories(article, count=limit, exclude=[], avoid=set())


@dataclass(frozen=True)
class RelatedBlock:
    """What the article page's Related block shows: the topical links, then labelled filler."""

    topical: list[Article]
    more: list[Article] = field(default_factory=list)
    more_label: str = ""

    def __len__(self) -> int:
        return len(self.topical) + len(self.more)


def related_block(
    article: Article,
    *,
    size: int = RELATED_BLOCK_SIZE,
    minimum: int = RELATED_BLOCK_MINIMUM,
    avoid: Collection[Article] = (),
) -> RelatedBlock:
    """The Related block: the stored, confident list, topped up to `size` when it is short.

    Two asks meet here. Related must stay inside the story's topic ("fewer rather than
    wrong", checked on a labelled set), so the stored list keeps its minimum score and is
    never padded; and the block must hold 4–6 stories on every page. Both
    hold when the filler is told apart: below the topical links, under its own sub-label ("More
    in World"), so a reader never takes a story from the same section for one about the same
    event, and the topical list's quality is unchanged. The filler is the newest stories
    sharing the most tags with the article, then its sections, then the newest of all (so the
    block is short only when the archive is). Stories in `avoid` (the section block on the
    same page) come after the others sharing something, used rather than leave the block short.

    At most two queries more than the stored list's, and none when that list is long enough.
    """
    topical = related_articles(article, limit=size)
    if len(topical) >= minimum:
        return _with_tags(RelatedBlock(topical=topical))
    section = article.section
    return _with_tags(
        RelatedBlock(
            topical=topical,
            more=_more_stories(
                article,
                count=size - len(topical),
                exclude=topical,
                avoid={a.pk for a in avoid},
            ),
            more_label=f"More in {section.name}" if section is not None else "More stories",
        )
    )


def _with_tags(block: RelatedBlock) -> RelatedBlock:
    """Each linked story's tags, which the block shows under it ("Europe | Politics"), in one
    query for the block (the block is cached whole, tags with it)."""
    prefetch_related_objects([*block.topical, *block.more], "tags")
    return block


def _more_stories(
    article: Article, *, count: int, exclude: list[Article], avoid: set[int]
) -> list[Article]:
    tag_ids = [t.pk for t in article.tags.all()]
    section_ids = [s.pk for s in article.sections.all()]
    wanted = count + len(avoid) + MORE_SLACK
    # The candidates: the newest visible stories (so the block is short only when the archive
    # is), and the stories most recently given each of the article's tags and sections. Each
    # window is read newest first along one index (a tag's rows in insertion order, not its
    # stories by publication time, which SQLite would find by walking the whole archive for a
    # rare tag), so its cost does not grow with the archive.
    newest = Article.objects.published().newest_first().values("pk")
    pool = Q(pk__in=newest[: wanted + 1 + len(exclude)])  # room for the article and the topical
    for through, column, ids in (
        (Article.tags.through, "tag_id", tag_ids),
        (Article.sections.through, "section_id", section_ids),
    ):
        for pk in ids:
            window = through.objects.filter(**{column: pk}).order_by("-pk")
            pool |= Q(pk__in=window.values("article_id")[:MORE_WINDOW])
    ranked = (
        Article.objects.filter(pool)
        # Visibility as a check of each candidate (`published()` itself, by primary key):
        # as a plain filter it would lead SQLite, which has no statistics, to walk every
        # visible story instead of looking up the candidates.
        .filter(Exists(Article.objects.published().filter(pk=OuterRef("pk"))))
        .exclude(pk__in=[article.pk, *(a.pk for a in exclude)])
        .annotate(
            shared_tags=_shared(Article.tags.through, "tag_id", tag_ids),
            shared_sections=_shared(Article.sections.through, "section_id", section_ids),
        )
        .order_by("-shared_tags", "-shared_sections", "-published_at", "-id")
        .for_listing()
    )
    if article.content_hash:  # the same text under another guid: a duplicate not yet merged
        ranked = ranked.exclude(content_hash=article.content_hash)
    seen = [headline_words(a.headline) for a in (article, *exclude)]
    chosen: list[Article] = []
    for candidate in ranked[:wanted]:
        words = headline_words(candidate.headline)
        if any(jaccard(words, other) >= SAME_STORY_HEADLINE for other in seen):
            continue
        seen.append(words)
        chosen.append(candidate)
    # A story sharing a tag or section comes before one sharing nothing, even when the section
    # block already lists it: repeating a neighbour beats an unrelated story under "More in".
    # The sort is stable, so rank order holds within each group. (The counts come from
    # `annotate`; the stubs type them only on a generic QuerySet, and `ArticleQuerySet` is not.)
    chosen.sort(
        key=lambda a: (a.shared_tags == a.shared_sections == 0, a.pk in avoid)  # type: ignore[attr-defined]
    )
    return chosen[:count]


def _shared(through: type[models.Model], column: str, ids: list[int]) -> Coalesce | Value:
    """How many of `ids` a candidate carries: a correlated count on the M2M table's index."""
    if not ids:
        return Value(0)
    counted = (
        # `_default_manager`: what Django offers code given an arbitrary model class.
        through._default_manager.filter(article_id=OuterRef("pk"), **{f"{column}__in": ids})
        .order_by()
        .values("article_id")
        .annotate(n=Count("*"))
        .values("n")
    )
    return Coalesce(Subquery(counted), Value(0))


def popular_articles(*, limit: int = 5, exclude_ids: Collection[int] = ()) -> list[Article]:
    """The most-read visible stories by decayed count (reads of the last days, each half-life
    worth half), leaving out `exclude_ids` (what the page already shows beside the block).

    Only stories readers have read: filled with the newest, the block repeated Top Stories
    beside it; with nothing read yet it is empty, and the page says so. Two queries (the
    ranking, the stories), one when nothing is ranked.
    """
    ranked = popular_ids(limit=limit, exclude_ids=exclude_ids)
    if not ranked:
        return []
    found = Article.objects.published().filter(pk__in=ranked).for_listing().in_bulk()
    return [found[pk] for pk in ranked if pk in found]
