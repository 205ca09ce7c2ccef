"""Near-duplicates: stories already live with the same text, headline or lead paragraph.

The same text under another identity is one story (not stored twice); the same headline or lead
is linked for editors to judge (two agencies' takes on one event are both worth keeping).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Q

from masthead.lib.similarity import jaccard
from masthead.newsroom.models import Article, Source
from masthead.wire.cleaning import _TAG, _WORD
from masthead.wire.models import NearDuplicate, WireItemVersion

LOOKUP_BATCH = 500


@dataclass(frozen=True)
class Seen:
    """A live story with a given fingerprint: (article, "text"/"headline"/"lead", source, guid)."""

    article_id: int
    kind: str
    source_id: int
    guid: str


def fingerprints(hashes: set[str]) -> dict[str, list[Seen]]:
    """Live stories by fingerprint, for every hash in `hashes` (batched, indexed lookups)."""
    found: dict[str, list[Seen]] = {}
    wanted = list(hashes)
    live = WireItemVersion.objects.exclude(article__status=Article.Status.KILLED).order_by()
    for start in range(0, len(wanted), LOOKUP_BATCH):
        chunk = wanted[start : start + LOOKUP_BATCH]
        rows = live.filter(
            Q(text_hash__in=chunk) | Q(headline_hash__in=chunk) | Q(lead_hash__in=chunk)
        ).values_list("article_id", "text_hash", "headline_hash", "lead_hash", "source_id", "guid")
        for article_id, text_hash, headline_hash, lead_hash, source_id, guid in rows:
            for kind, value in (
                ("text", text_hash),
                ("headline", headline_hash),
                ("lead", lead_hash),
            ):
                if value in hashes:
                    found.setdefault(value, []).append(Seen(article_id, kind, source_id, guid))
    return found


def similar_stories(
    hashes: tuple[str, str, str],
    known: dict[str, list[Seen]] | None,
    *,
    killed: set[int],
) -> list[Seen]:
    """Live stories with the same (text, headline, lead) hashes, exact-text matches first;
    `known` is a run's prefetched fingerprints, None to read them now."""
    found = fingerprints({h for h in hashes if h}) if known is None else known
    seen: list[Seen] = []
    for kind, value in zip(("text", "headline", "lead"), hashes, strict=True):
        seen += [s for s in found.get(value, []) if s.kind == kind] if value else []
    return [s for s in seen if s.article_id not in killed][:20]


def duplicate_of(
    similar: list[Seen], *, source: Source, guid: str, killed: set[int]
) -> Article | None:
    """A live story of another identity with exactly this text (the story is then not stored
    twice); stories found killed meanwhile are added to `killed`."""
    for seen in similar:
        if seen.kind == "text" and (seen.source_id, seen.guid) != (source.pk, guid):
            article = (
                Article.objects.exclude(status=Article.Status.KILLED)
                .filter(pk=seen.article_id)
                .first()
            )
            if article is not None:
                return article
            killed.add(seen.article_id)
    return None


def link_near_duplicates(similar: list[Seen], article: Article) -> list[str]:
    """Record, for editors, the live stories sharing this one's headline or lead paragraph
    (not merged: two agencies' takes on one event are both worth keeping). Returns their
    paths, for the ingest log."""
    kinds: dict[int, set[str]] = {}
    for seen in similar:
        if seen.article_id != article.pk and seen.kind in {"headline", "lead"}:
            kinds.setdefault(seen.article_id, set()).add(seen.kind)
    if not kinds:
        return []
    others = Article.objects.filter(pk__in=kinds).only("pk", "slug", "headline", "body")
    mine = shingles(f"{article.headline} {article.body}")
    links = []
    for other in others:
        found = {
            "similarity": round(jaccard(mine, shingles(f"{other.headline} {other.body}")), 3),
            "same_headline": "headline" in kinds[other.pk],
            "same_lead": "lead" in kinds[other.pk],
        }
        # Both ways, so that each story's admin page lists the other.
        links += [
            NearDuplicate(article=article, other=other, **found),
            NearDuplicate(article=other, other=article, **found),
        ]
    NearDuplicate.objects.bulk_create(links, ignore_conflicts=True)
    return [o.get_absolute_url() for o in others]


def shingles(html: str, size: int = 3) -> set[tuple[str, ...]]:
    """Word trigrams of a story's text (markup ignored), the usual near-duplicate measure."""
    words = _WORD.findall(_TAG.sub(" ", html).lower())
    return {tuple(words[i : i + size]) for i in range(max(len(words) - size + 1, 1))}
