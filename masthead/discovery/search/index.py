"""Keeping `SearchEntry` (and so the engines' indexes) in step with the newsroom.

A story has an entry exactly while it is published and not a duplicate; embargo and scheduled
publication are checked at query time from the entry's own dates, so a story appears on time
without anyone touching the index. Killing, unpublishing or marking a duplicate removes it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

from django.conf import settings
from django.db import transaction

from masthead.discovery.models import SearchEntry
from masthead.discovery.search.text import plain_text
from masthead.newsroom.models import Access, Article
from masthead.text.teaser import visible_text


def _indexable(article: Article) -> bool:
    return (
        article.status == Article.Status.PUBLISHED
        and article.published_at is not None
        and article.duplicate_of_id is None
    )


def entry_for(article: Article) -> SearchEntry:
    """The entry for a story fetched with `for_page()` (tags, sections, bylines prefetched)."""
    meta = " ".join(
        part
        for part in [
            article.dateline,
            " ".join(article.byline_names),
            " ".join(t.name for t in article.tags.all()),
            " ".join(s.name for s in article.sections.all()),
        ]
        if part
    )
    # Callers index only `_indexable` stories; an entry without a date could never be saved.
    if article.published_at is None:
        raise ValueError(f"story {article.pk} has no publication date to index")
    # A walled story is found only by what a walled reader may see of it: an index of the whole
    # body would answer questions about its hidden paragraphs (and show them in snippets).
    if article.effective_access == Access.FREE:
        body = plain_text(article.body)
    else:
        body = visible_text(article.body, settings.MASTHEAD_WALL_VISIBLE_SHARE)
    return SearchEntry(
        article_id=article.pk,
        headline=plain_text(article.headline),
        summary=plain_text(article.summary),
        body=body,
        meta=plain_text(meta),
        published_at=article.published_at,
        embargo_until=article.embargo_until,
        source_id=article.source_id,
    )


def index_article(article_id: int) -> bool:
    """Bring one story's entry up to date; returns whether it is now in the index."""
    article = Article.objects.for_page().filter(pk=article_id).first()
    with transaction.atomic():
        # Two workers refreshing one story take turns on its row, so the second one's delete
        # sees the first one's entry (PostgreSQL; SQLite's write lock already serialises them).
        list(Article.objects.select_for_update().filter(pk=article_id).values_list("pk"))
        if article is None or not _indexable(article):
            SearchEntry.objects.filter(article_id=article_id).delete()
            return False
        # Delete and insert rather than update: the FTS5 triggers then see one clean
        # delete + insert, and PostgreSQL recomputes the generated tsvector either way.
        SearchEntry.objects.filter(article_id=article_id).delete()
        entry_for(article).save(force_insert=True)
    return True


def remove_article(article_id: int) -> None:
    SearchEntry.objects.filter(article_id=article_id).delete()


def reindex_all(
    *, batch_size: int = 500, progress: Callable[[int, int], None] | None = None
) -> int:
    """Rebuild every entry from the newsroom, in batches; returns the number indexed."""
    total = Article.objects.count()
    done = indexed = 0
    SearchEntry.objects.exclude(
        article__in=Article.objects.filter(
            status=Article.Status.PUBLISHED, published_at__isnull=False, duplicate_of__isnull=True
        )
    ).delete()
    for batch in _batches(batch_size):
        entries = [entry_for(a) for a in batch if _indexable(a)]
        with transaction.atomic():
            SearchEntry.objects.filter(article_id__in=[a.pk for a in batch]).delete()
            SearchEntry.objects.bulk_create(entries, batch_size=batch_size)
        done += len(batch)
        indexed += len(entries)
        if progress is not None:
            progress(done, total)
    return indexed


def _batches(size: int) -> Iterator[list[Article]]:
    last_pk = 0
    while True:
        batch = list(Article.objects.for_page().filter(pk__gt=last_pk).order_by("pk")[:size])
        if not batch:
            return
        yield batch
        last_pk = batch[-1].pk
