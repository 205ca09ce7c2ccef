"""A reader's search, from query string to a page of hydrated, highlighted results."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache
from django.core.paginator import Page, Paginator
from django.utils import timezone

from masthead.discovery.models import SearchEntry
from masthead.discovery.search import SearchBackend, SearchFilters, SearchRequest, get_backend
from masthead.discovery.search.text import STOPWORDS, highlight, marks_to_html, words
from masthead.newsroom.models import Access, Article, Section, Tag


@dataclass
class SearchHit:
    article: Article
    headline_html: str
    snippet_html: str


class LazyResults:
    """A sequence the Paginator can count and slice, fetching only the page it shows."""

    def __init__(self, backend: SearchBackend, request: SearchRequest) -> None:
        self.backend = backend
        self.request = request
        self._count: int | None = None

    def count(self) -> int:
        if self._count is None:
            self._count = self.backend.count(self.request)
        return self._count

    def __len__(self) -> int:
        return self.count()

    def __getitem__(self, item: slice) -> list[SearchHit]:
        start = item.start or 0
        stop = item.stop if item.stop is not None else self.count()
        ids = self.backend.ranked_ids(self.request, offset=start, limit=max(stop - start, 0))
        return hydrate(self.backend, self.request.terms, ids, now=self.request.now)


def hydrate(
    backend: SearchBackend, terms: list[str], ids: list[int], *, now: Any = None
) -> list[SearchHit]:
    """Turn ranked ids into hits, re-checking each story's visibility against the newsroom.

    The re-check means a story killed by a path that bypassed the index still never shows;
    the body snippet is used only for free stories, so walled text never leaks into results.
    """
    articles = Article.objects.published(now).filter(pk__in=ids).for_listing().in_bulk()
    free_ids = [pk for pk, a in articles.items() if a.effective_access == Access.FREE]
    body_snippets = backend.snippets(terms, free_ids)
    hits: list[SearchHit] = []
    for pk in ids:
        article = articles.get(pk)
        if article is None:
            continue
        snippet = body_snippets.get(pk, "")
        if article.pk in free_ids and snippet and "\ue000" in snippet:
            snippet_html = marks_to_html(snippet)
        else:
            snippet_html = highlight(article.summary, terms)
        hits.append(SearchHit(article, highlight(article.headline, terms), snippet_html))
    return hits


def search_page(
    terms: list[str], filters: SearchFilters, *, page: int | str = 1, per_page: int = 10
) -> Page[SearchHit]:
    request = SearchRequest(terms=terms, filters=filters, now=timezone.now())
    # Django documents any sliceable object with count() or __len__() as a paginator's list
    # and only ever slices it; the stubs' protocol also asks for int indexing and iteration.
    paginator: Paginator[SearchHit] = Paginator(
        LazyResults(get_backend(), request),  # type: ignore[arg-type]
        per_page,
    )
    return paginator.get_page(page)


def _vocabulary() -> list[str]:
    """Words readers are likely to mean: tag and section names, recent headlines' words.

    Built from the database the same way on both engines, cached for ten minutes; it is read
    only when a search finds nothing.
    """
    vocab = cache.get("discovery:search:vocab")
    if vocab is None:
        found: set[str] = set()
        # In slug order: a walk along the slug index that stops at 5,000, not a sort of all.
        for name in Tag.objects.order_by("slug").values_list("name", flat=True)[:5000]:
            found.update(words(name))
        for name in Section.objects.values_list("name", flat=True):
            found.update(words(name))
        recent = SearchEntry.objects.order_by("-published_at").values_list("headline", flat=True)
        for headline in recent[:2000]:
            found.update(words(headline))
        vocab = sorted(w for w in found if len(w) > 2 and w not in STOPWORDS and not w.isdigit())
        cache.set("discovery:search:vocab", vocab, 600)
    return vocab


def suggestions(
    terms: list[str], filters: SearchFilters, *, limit: int = 4
) -> list[tuple[str, bool]]:
    """Queries that do find something, for the "no results" page: (query, keep the filters)."""
    backend = get_backend()
    now = timezone.now()
    candidates: list[list[str]] = []
    vocab = _vocabulary()
    respelt = [
        (difflib.get_close_matches(t, vocab, n=1, cutoff=0.75) or [t])[0] if " " not in t else t
        for t in terms
    ]
    if respelt != terms:
        candidates.append(respelt)
    if len(terms) > 1:
        candidates.extend([t] for t in terms)
    if filters != SearchFilters():
        candidates.append(terms)  # the same words without the filters
    out: list[tuple[str, bool]] = []
    for candidate in candidates:
        query = " ".join(f'"{t}"' if " " in t else t for t in candidate)
        keep_filters = candidate is not terms
        request = SearchRequest(
            terms=candidate, filters=filters if keep_filters else SearchFilters(), now=now
        )
        if (query, keep_filters) not in out and backend.count(request) > 0:
            out.append((query, keep_filters))
        if len(out) >= limit:
            break
    return out
