"""Reads that feed the reader site's blocks: fronts, sections, Local (Related and Popular
are discovery's: `masthead.discovery.selectors`).

Each returns a list fetched in a constant number of queries, whatever the size of the archive,
so that a page's query count is pinned (see tests/site/test_query_counts.py).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import F, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from masthead.lib import surrogates
from masthead.newsroom.models import Article, FrontPin, Section


def top_stories(*, limit: int = 5) -> list[Article]:
    surrogates.note(surrogates.TOP)
    return list(Article.objects.published().newest_first().for_listing()[:limit])


def front(
    section: Section | None = None, *, limit: int = 5, exclude: set[int] | None = None
) -> list[Article]:
    """A front's stories in order: the editor's live pins first (slot 1 leads), then the
    newest of the paper (home) or of the section, each story once. Two queries."""
    now = timezone.now()
    surrogates.note(surrogates.front(section.pk if section is not None else None))
    pinned = [
        p.article
        for p in FrontPin.objects.on(section)
        .live(now)
        .select_related("article__source", "article__section", "article__lead_image")
        .order_by("slot")[:limit]
    ]
    skip = set(exclude or ()) | {a.pk for a in pinned}
    pinned = [a for a in pinned if a.pk not in (exclude or ())]
    wanted = limit - len(pinned)
    if wanted <= 0:
        return pinned[:limit]
    if section is None:
        surrogates.note(surrogates.TOP)
        rest = Article.objects.published(now)
    else:
        surrogates.note(surrogates.section_list(section.pk))
        rest = Article.objects.published(now).in_section(section)
    fill = rest.exclude(pk__in=skip).newest_first().for_listing()[:wanted]
    return [*pinned, *fill]


def local_stories(
    *, limit: int = 5, exclude: Article | None = None, exclude_ids: set[int] | None = None
) -> list[Article]:
    surrogates.note(surrogates.LOCAL)
    qs = Article.objects.published().local().newest_first().for_listing()
    skip = set(exclude_ids or ()) | ({exclude.pk} if exclude is not None else set())
    if skip:
        qs = qs.exclude(pk__in=skip)
    return list(qs[:limit])


def section_stories(
    section: Section, *, limit: int = 5, exclude: Article | None = None
) -> list[Article]:
    surrogates.note(surrogates.section_list(section.pk))
    qs = Article.objects.published().in_section(section).newest_first().for_listing()
    if exclude is not None:
        qs = qs.exclude(pk=exclude.pk)
    return list(qs[:limit])


# The home page ranks the newest this-many visible stories into its section blocks in one
# indexed pass; only a section with too few stories among them (one that rarely gets any) is
# looked up on its own. Ranking every story of every section instead costs time that grows
# with the archive (benchmarks/bench_pages.py shows it).
RECENT_WINDOW = 1000


def section_blocks(
    sections: list[Section], *, per_section: int = 4, exclude: set[int] | None = None
) -> list[tuple[Section, list[Article]]]:
    """The newest stories of each section, in a fixed few queries for any number of sections,
    each story once on the page: none of `exclude` (shown above on the page), and a story in
    two sections only in the first block (in the order given).

    Two queries rank the newest RECENT_WINDOW visible stories into their sections; when the
    archive is larger than that window, sections left short are ranked by a window function
    on the M2M table, in one more query for all of them.
    """
    if not sections:
        return []
    surrogates.note(*(surrogates.section_list(s.pk) for s in sections))
    now = timezone.now()
    through = Article.sections.through
    section_ids = [s.pk for s in sections]
    recent = list(
        Article.objects.published(now).newest_first().values_list("pk", flat=True)[:RECENT_WINDOW]
    )
    order = {pk: i for i, pk in enumerate(recent)}
    ranked: dict[int, list[tuple[int, int]]] = defaultdict(list)
    rows = through.objects.filter(section_id__in=section_ids, article_id__in=recent).values_list(
        "section_id", "article_id"
    )
    for section_id, article_id in rows:
        ranked[section_id].append((order[article_id], article_id))
    for found in ranked.values():
        found.sort()
    used = set(exclude or ())
    by_section = _pick(section_ids, ranked, per_section, used)
    short = [pk for pk in section_ids if len(by_section[pk]) < per_section]
    if short and len(recent) == RECENT_WINDOW:
        # Deep enough to still fill each block after the stories shown elsewhere.
        deeper = _ranked_in_sections(
            short, per_section=per_section * (len(sections) + 1) + len(used), now=now
        )
        for pk in short:
            ranked[pk] = sorted(deeper.get(pk, []))
        by_section = _pick(section_ids, ranked, per_section, set(exclude or ()))
    ids = {article_id for rows in by_section.values() for _, article_id in rows}
    articles = Article.objects.filter(pk__in=ids).for_listing().in_bulk()
    return [
        (section, [articles[a] for _, a in by_section.get(section.pk, [])]) for section in sections
    ]


def _pick(
    section_ids: list[int],
    ranked: dict[int, list[tuple[int, int]]],
    per_section: int,
    used: set[int],
) -> dict[int, list[tuple[int, int]]]:
    """Each section's first `per_section` stories not already used, sections in order."""
    picked: dict[int, list[tuple[int, int]]] = {}
    for pk in section_ids:
        chosen = [row for row in ranked.get(pk, []) if row[1] not in used][:per_section]
        used.update(article_id for _, article_id in chosen)
        picked[pk] = chosen
    return picked


def _ranked_in_sections(
    section_ids: list[int], *, per_section: int, now: dt.datetime
) -> dict[int, list[tuple[int, int]]]:
    """{section: [(rank, article)]}: each section's newest visible stories, by a window
    function over its rows of the M2M table (cost grows with those sections' archives)."""
    through = Article.sections.through
    visible = Article.objects.published(now).values("pk")
    ranked = (
        through.objects.filter(section_id__in=section_ids, article_id__in=visible)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=F("section_id"),
                order_by=[F("article__published_at").desc(), F("article_id").desc()],
            )
        )
        # The stubs' plugin does not carry annotations on an auto-created M2M through model,
        # so it cannot see `rank`; Django filters on a window annotation (since 4.2).
        .filter(rank__lte=per_section)  # type: ignore[misc]
        .values_list("section_id", "article_id", "rank")
    )
    found: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for section_id, article_id, rank in ranked:
        found[section_id].append((rank, article_id))
    return found
