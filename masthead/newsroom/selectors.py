"""Reads that feed the reader site's blocks: fronts, Related, Popular, Local.

Each returns a list fetched in a constant number of queries, whatever the size of the archive,
so that a page's query count is pinned (see tests/site/test_site_query_counts.py).
"""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, F, Q, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from masthead.newsroom.models import Article, Section


def top_stories(*, limit: int = 5) -> list[Article]:
    return list(Article.objects.published().newest_first().for_listing()[:limit])


def local_stories(*, limit: int = 5, exclude: Article | None = None) -> list[Article]:
    qs = Article.objects.published().local().newest_first().for_listing()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs[:limit])


def section_stories(section: Section, *, limit: int = 5, exclude: Article | None = None) -> list[Article]:
    qs = Article.objects.published().in_section(section).newest_first().for_listing()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs[:limit])


def section_blocks(sections: list[Section], *, per_section: int = 4) -> list[tuple[Section, list[Article]]]:
    """The newest stories of each section, in two queries for any number of sections.

    A window function ranks each section's stories on the M2M table, so the front does not
    run one query per section.
    """
    if not sections:
        return []
    now = timezone.now()
    through = Article.sections.through
    visible = Article.objects.published(now).values("pk")
    ranked = (
        through.objects.filter(section_id__in=[s.pk for s in sections], article_id__in=visible)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("article__published_at").desc(), F("article_id").desc()],
            )
        )
        .filter(rank__lte=per_section)
        .values_list("section_id", "article_id", "rank")
    )
    by_section: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for section_id, article_id, rank in ranked:
        by_section[section_id].append((rank, article_id))
    ids = {article_id for rows in by_section.values() for _, article_id in rows}
    articles = Article.objects.filter(pk__in=ids).for_listing().in_bulk()
    return [
        (section, [articles[a] for _, a in sorted(by_section.get(section.pk, []))])
        for section in sections
    ]


def related_articles(article: Article, *, limit: int = 5) -> list[Article]:
    """Other visible stories sharing the most tags and sections with `article`, newest first."""
    tag_ids = [t.pk for t in article.tags.all()]
    section_ids = [s.pk for s in article.sections.all()]
    if not tag_ids and not section_ids:
        return []
    qs = (
        Article.objects.published()
        .exclude(pk=article.pk)
        .filter(Q(tags__in=tag_ids) | Q(sections__in=section_ids))
        .annotate(
            shared_tags=Count("tags", filter=Q(tags__in=tag_ids), distinct=True),
            shared_sections=Count("sections", filter=Q(sections__in=section_ids), distinct=True),
        )
        .order_by("-shared_tags", "-shared_sections", "-published_at", "-id")
    )
    ids = list(qs.values_list("pk", flat=True)[:limit])
    found = Article.objects.filter(pk__in=ids).for_listing().in_bulk()
    return [found[pk] for pk in ids if pk in found]


def popular_articles(*, limit: int = 5, exclude: Article | None = None) -> list[Article]:
    """Most-read stories; until readers have been counted, the newest stories stand in."""
    qs = Article.objects.published().newest_first().for_listing()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs[:limit])
