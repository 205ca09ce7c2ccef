"""Writes to the newsroom that span models or have side effects.

Each is one function in one transaction, so the admin, the wire ingest and the demo loader
behave the same. Text arriving here is repaired and sanitised by `masthead.text` first.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from masthead.newsroom.models import Article, Author, Authorship, Section, Source, Tag
from masthead.newsroom.signals import article_changed


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


def get_or_create_tags(names: Iterable[str]) -> list[Tag]:
    tags: list[Tag] = []
    for name in names:
        name = name.strip()
        slug = slugify(name)
        if not slug:
            continue
        tag, _ = Tag.objects.get_or_create(slug=slug[:100], defaults={"name": name[:100]})
        if tag not in tags:
            tags.append(tag)
    return tags


def get_or_create_author(name: str, *, staff: bool = False) -> Author:
    name = name.strip()
    if name.lower().startswith("by "):
        name = name[3:].strip()
    slug = slugify(name)[:150] or "staff"
    author, _ = Author.objects.get_or_create(
        slug=slug, defaults={"name": name, "is_staff_writer": staff}
    )
    return author


def set_bylines(article: Article, names: Iterable[str], *, staff: bool = False) -> None:
    Authorship.objects.filter(article=article).delete()
    for position, name in enumerate(n for n in names if n.strip()):
        Authorship.objects.create(
            article=article, author=get_or_create_author(name, staff=staff), position=position
        )


def set_sections(article: Article, sections: list[Section]) -> None:
    """The first section is the article's main section."""
    article.sections.set(sections)
    main = sections[0] if sections else None
    if article.section_id != (main.pk if main else None):
        article.section = main
        article.save(update_fields=["section"])


@transaction.atomic
def publish_local_story(
    *,
    source: Source,
    headline: str,
    body_html: str,
    summary: str = "",
    dateline: str = "",
    bylines: Iterable[str] = (),
    sections: list[Section] | None = None,
    tags: Iterable[str] = (),
    published_at: dt.datetime | None = None,
    slug: str | None = None,
    is_fiction: bool = False,
) -> Article:
    """Publish (or re-publish, by slug) a story written by the paper's own staff.

    Used by the demo loader; the admin's form goes through the same text pipeline.
    """
    from masthead.text import clean_html, clean_plain

    headline = clean_plain(headline)
    fields = {
        "headline": headline,
        "summary": clean_plain(summary),
        "body": clean_html(body_html),
        "dateline": clean_plain(dateline),
        "source": source,
        "is_local": True,
        "status": Article.Status.PUBLISHED,
        "published_at": published_at or timezone.now(),
        "is_fiction": is_fiction,
    }
    article = Article.objects.filter(slug=slug).first() if slug else None
    change = "published" if article is None else "updated"
    if article is None:
        article = Article(slug=slug or unique_slug(headline), **fields)
        article.save()
    else:
        for key, value in fields.items():
            setattr(article, key, value)
        article.save()
    set_sections(article, sections or [])
    article.tags.set(get_or_create_tags(tags))
    set_bylines(article, bylines, staff=True)
    transaction.on_commit(
        lambda: article_changed.send(sender=Article, article=article, change=change)
    )
    return article
