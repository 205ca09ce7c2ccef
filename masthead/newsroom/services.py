"""Writes to the newsroom's data that the actions share: slugs, tags, authors, placement.

These are steps, not changes of their own: only `masthead.newsroom.actions` calls them, inside
its transaction, so every change to a story still has one revision and one signal.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.utils.text import slugify

from masthead.newsroom.models import Article, Author, Authorship, Section, Tag
from masthead.text import clean_label


def unique_slug(text: str, *, max_length: int = 200, exclude_pk: int | None = None) -> str:
    """A slug for `text` that no other article has (suffixing -2, -3...)."""
    base = slugify(text, allow_unicode=False)[: max_length - 8].strip("-") or "story"
    slug, n = base, 1
    qs = Article.objects.all()
    if exclude_pk is not None:
        qs = qs.exclude(pk=exclude_pk)
    while qs.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug


def set_authors(article: Article, authors: Iterable[Author]) -> None:
    """The story's bylines, in order (the first is the lead writer)."""
    Authorship.objects.filter(article=article).delete()
    Authorship.objects.bulk_create(
        Authorship(article=article, author=author, position=position)
        for position, author in enumerate(dict.fromkeys(authors))
    )


def set_sections(article: Article, sections: list[Section]) -> None:
    """The first section is the article's main section."""
    article.sections.set(sections)
    main = sections[0] if sections else None
    if article.section_id != (main.pk if main else None):
        article.section = main
        article.save(update_fields=["section"])


def tags_named(names: Iterable[str], *, cache: dict[str, Any] | None = None) -> list[Tag]:
    """Tags for `names` (created on first sight), in order, in one query when all exist.

    Each name goes through the plain-text pipeline (`clean_label`) first: names arrive raw,
    from wire categories and keywords, feed rules and editors, and a tag page and the tag's
    feed show the name as they show a headline. The slug is made from the cleaned name, so
    "CafÃ© Society" and "Café Society" are one tag; a name with nothing left (only markup)
    makes no tag.
    """
    wanted: dict[str, str] = {}
    for raw in names:
        name = _clean_label(raw, cache)
        slug = _slug(name, 100, cache)
        if slug and slug not in wanted:
            wanted[slug] = name[:100]
    return _named(Tag, wanted, cache, "tag:")


def _clean_label(name: str, cache: dict[str, Any] | None) -> str:
    """`clean_label(name)`, remembered in a run's cache as slugs are: repair is the costly
    step, and a run names the same few tags on story after story."""
    if cache is None:
        return clean_label(name)
    key = f"label:{name}"
    cleaned = cache.get(key)
    if cleaned is None:
        cleaned = cache[key] = clean_label(name)
    return cleaned


def authors_named(
    names: Iterable[str], *, staff: bool = False, cache: dict[str, Any] | None = None
) -> list[Author]:
    """Authors for `names` (a leading "By " dropped), created on first sight: as staff writers
    when the paper's own newsroom names them."""
    wanted: dict[str, str] = {}
    for name in names:
        name = name.strip()
        if name.lower().startswith("by "):
            name = name[3:].strip()
        slug = _slug(name, 150, cache)
        if slug and slug not in wanted:
            wanted[slug] = name[:150]
    return _named(Author, wanted, cache, "author:", {"is_staff_writer": staff})


def _slug(name: str, length: int, cache: dict[str, Any] | None) -> str:
    """`slugify(name)[:length]`, remembered in a run's cache: a wire run names the same few
    tags and authors on story after story, and slugifying costs more than looking one up."""
    if cache is None:
        return slugify(name)[:length]
    key = f"slug:{length}:{name}"
    slug = cache.get(key)
    if slug is None:
        slug = cache[key] = slugify(name)[:length]
    return slug


def _named(
    model: Any,
    wanted: dict[str, str],
    cache: dict[str, Any] | None,
    prefix: str,
    defaults: dict[str, Any] | None = None,
) -> list[Any]:
    """Rows of `model` for {slug: name}, created on first sight, in `wanted`'s order."""
    cache = {} if cache is None else cache
    found = {slug: cache[prefix + slug] for slug in wanted if prefix + slug in cache}
    todo = [slug for slug in wanted if slug not in found]
    if todo:
        found.update({o.slug: o for o in model.objects.filter(slug__in=todo)})
        missing = [
            model(slug=slug, name=wanted[slug], **(defaults or {}))
            for slug in todo
            if slug not in found
        ]
        if missing:
            model.objects.bulk_create(missing, ignore_conflicts=True)
            found.update({o.slug: o for o in model.objects.filter(slug__in=todo)})
        for slug in todo:
            if slug in found:
                cache[prefix + slug] = found[slug]
    return [found[slug] for slug in wanted if slug in found]
