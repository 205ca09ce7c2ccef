"""Reads for the reader site's Related and Popular blocks (via `newsroom.selectors`).

Both read what was computed earlier (stored Related links, decayed Popular scores), so an
article page does a fixed, small number of indexed queries whatever the archive's size.
"""

from __future__ import annotations

from django.db.models import Count, FilteredRelation, Q
from django.utils import timezone

from masthead.discovery.models import RelatedTerms
from masthead.discovery.popular import popular_ids
from masthead.newsroom.models import Article


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """The stored Related list, re-checked for visibility (kills and embargoes drop out).

    A story never scored (saved before discovery was installed and not yet re-scored
    with `masthead search reindex --related`, or whose transaction has not committed) falls
    back to the stories sharing most tags and sections: an indexed aggregate, not scoring.
    """
    stored = list(
        Article.objects.published()
        .alias(link=FilteredRelation("related_from", condition=Q(related_from__article=article)))
        .filter(link__isnull=False)
        .order_by("-link__score", "-published_at", "-id")
        .for_listing()[:limit]
    )
    # A scored story with nothing stored has nothing related enough: show nothing, not filler.
    if stored or RelatedTerms.objects.filter(article_id=article.pk).exists():
        return stored
    return _sharing_tags_and_sections(article, limit=limit)


def _sharing_tags_and_sections(article: Article, *, limit: int) -> list[Article]:
    tag_ids = [t.pk for t in article.tags.all()]
    section_ids = [s.pk for s in article.sections.all()]
    if not tag_ids and not section_ids:
        return []
    ids = list(
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(Q(tags__in=tag_ids) | Q(sections__in=section_ids))
        .annotate(
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            shared_sections=Count("sections", filter=Q(sections__in=section_ids), distinct=True),
        )
        .order_by("-shared_tags", "-shared_sections", "-published_at", "-id")
        .values_list("pk", flat=True)[:limit]
    )
    found = Article.objects.filter(pk__in=ids).for_listing().in_bulk()
    return [found[pk] for pk in ids if pk in found]


def popular_articles(*, limit: int = 5, exclude: Article | None = None) -> list[Article]:
    """Most-read stories by decayed count; the newest fill the block until enough are read.

    Always three queries (ranking, stories, bylines), whether or not anything has been read.
    """
    exclude_ids = [exclude.pk] if exclude is not None else []
    ranked = popular_ids(limit=limit, exclude_ids=exclude_ids)
    now = timezone.now()
    newest = (
        Article.objects.published(now)
        .exclude(pk__in=exclude_ids)
        .newest_first()
        .values("pk")[:limit]
    )
    found = {
        a.pk: a
        for a in Article.objects.published(now)
        .filter(Q(pk__in=ranked) | Q(pk__in=newest))
        .for_listing()
    }
    stories = [found[pk] for pk in ranked if pk in found]
    fill = sorted(
        (a for pk, a in found.items() if pk not in ranked),
        key=lambda a: (a.published_at, a.pk),
        reverse=True,
    )
    return (stories + fill)[:limit]
