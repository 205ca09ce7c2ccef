"""Reads for the reader site's Related and Popular blocks (via `newsroom.selectors`).

Both read what was computed earlier (stored Related links, decayed Popular scores), so an
article page does a fixed, small number of indexed queries whatever the archive's size.
"""

from __future__ import annotations

from django.db.models import FilteredRelation, Q
from django.utils import timezone

from masthead.discovery.popular import popular_ids
from masthead.newsroom.models import Article


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """The stored Related list, re-checked for visibility (kills and embargoes drop out)."""
    return list(
        Article.objects.published()
        .alias(link=FilteredRelation("related_from", condition=Q(related_from__article=article)))
        .filter(link__isnull=False)
        .order_by("-link__score", "-published_at", "-id")
        .for_listing()[:limit]
    )


def popular_articles(*, limit: int = 5, exclude: Article | None = None) -> list[Article]:
    """Most-read stories by decayed count; the newest fill the block until enough are read.

    Always three queries (ranking, stories, bylines), whether or not anything has been read.
    """
    exclude_ids = [exclude.pk] if exclude is not None else []
    ranked = popular_ids(limit=limit, exclude_ids=exclude_ids)
    now = timezone.now()
    newest = (
        Article.objects.published(now).exclude(pk__in=exclude_ids).newest_first()
        .values("pk")[:limit]
    )
    found = {
        a.pk: a
        for a in Article.objects.published(now).filter(Q(pk__in=ranked) | Q(pk__in=newest))
        .for_listing()
    }
    stories = [found[pk] for pk in ranked if pk in found]
    fill = sorted(
        (a for pk, a in found.items() if pk not in ranked),
        key=lambda a: (a.published_at, a.pk), reverse=True,
    )
    return (stories + fill)[:limit]
