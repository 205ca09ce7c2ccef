"""Purges follow every change to what pages show, whoever makes it.

Model signals, not only the newsroom's `article_changed`: a story saved by an action, the
admin, an ingest or a shell purges alike, as do changes to its sections and tags and to
sections and tags themselves (a section's name is in every page's navigation). Each purge
waits for the commit: a purge before it would let a render that reads the old row store the
old page again. Each signal purges on its own after the commit (a story saved with new
sections purges three times: cheap, and never one too few).
"""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from masthead.edge import keys, purge
from masthead.lib import surrogates
from masthead.newsroom.models import (
    Article,
    ArticleImage,
    Correction,
    FrontPin,
    Image,
    Section,
    Source,
    Tag,
)


def _article_saved(sender: Any, instance: Article, **kwargs: Any) -> None:
    article_id = instance.pk
    transaction.on_commit(lambda: purge.purge(keys.for_article_id(article_id)))


def _article_deleted(sender: Any, instance: Article, **kwargs: Any) -> None:
    wanted = keys.for_article_id(instance.pk)  # before the rows go
    transaction.on_commit(lambda: purge.purge(wanted))


def _correction_changed(sender: Any, instance: Correction, **kwargs: Any) -> None:
    """The story's pages and feed entries show its corrections; the corrections page lists
    the newest (the action's save of the story purges its pages too: this covers a correction
    written any other way)."""
    article_id = instance.article_id
    transaction.on_commit(
        lambda: purge.purge([*keys.for_article_id(article_id), surrogates.CORRECTIONS])
    )


def _article_lists_changed(sender: Any, instance: Any, action: str, **kwargs: Any) -> None:
    if not action.startswith("post_") and action != "pre_clear":
        return
    if isinstance(instance, Article):
        wanted = keys.for_article_id(instance.pk)
        # Lists it was removed from: the changed sections or tags themselves.
        model = kwargs.get("model")
        for pk in kwargs.get("pk_set") or ():
            wanted.append(
                surrogates.section_list(pk) if model is Section else surrogates.tag_list(pk)
            )
        transaction.on_commit(lambda: purge.purge(wanted))


def _pin_changed(sender: Any, instance: FrontPin, **kwargs: Any) -> None:
    """A front's pins moved: the front's pages (the home page or a section's)."""
    wanted = [surrogates.front(instance.section_id)]
    transaction.on_commit(lambda: purge.purge(wanted))


def _section_saved(sender: Any, instance: Section, **kwargs: Any) -> None:
    wanted = [surrogates.section_list(instance.pk), surrogates.NAV]
    transaction.on_commit(lambda: purge.purge(wanted))


def _tag_saved(sender: Any, instance: Tag, **kwargs: Any) -> None:
    wanted = [surrogates.tag_list(instance.pk)]
    transaction.on_commit(lambda: purge.purge(wanted))


def _source_saved(sender: Any, instance: Source, **kwargs: Any) -> None:
    wanted = [surrogates.source(instance.pk)]
    transaction.on_commit(lambda: purge.purge(wanted))


def _image_saved(sender: Any, instance: Image, **kwargs: Any) -> None:
    """A picture's text, focal point or renditions changed: every story showing it (its
    pages and the lists that link it note the story's key)."""
    image_id = instance.pk

    def run() -> None:
        ids = set(Article.objects.filter(lead_image_id=image_id).values_list("pk", flat=True))
        ids |= set(
            ArticleImage.objects.filter(image_id=image_id).values_list("article_id", flat=True)
        )
        purge.purge([key for pk in sorted(ids) for key in keys.for_article_id(pk)])

    transaction.on_commit(run)


def _placement_changed(sender: Any, instance: ArticleImage, **kwargs: Any) -> None:
    article_id = instance.article_id
    transaction.on_commit(lambda: purge.purge(keys.for_article_id(article_id)))


def connect() -> None:
    post_save.connect(_image_saved, sender=Image, dispatch_uid="edge.image_saved")
    for signal in (post_save, post_delete):
        signal.connect(
            _placement_changed, sender=ArticleImage, dispatch_uid=f"edge.placement.{id(signal)}"
        )
    post_save.connect(_article_saved, sender=Article, dispatch_uid="edge.article_saved")
    pre_delete.connect(_article_deleted, sender=Article, dispatch_uid="edge.article_deleted")
    for through in (Article.sections.through, Article.tags.through):
        m2m_changed.connect(
            _article_lists_changed, sender=through, dispatch_uid=f"edge.lists.{through.__name__}"
        )
    for signal in (post_save, post_delete):
        signal.connect(_section_saved, sender=Section, dispatch_uid=f"edge.section.{id(signal)}")
        signal.connect(_tag_saved, sender=Tag, dispatch_uid=f"edge.tag.{id(signal)}")
    post_save.connect(_source_saved, sender=Source, dispatch_uid="edge.source_saved")
    for signal in (post_save, post_delete):
        signal.connect(_pin_changed, sender=FrontPin, dispatch_uid=f"edge.pin.{id(signal)}")
    for signal in (post_save, post_delete):
        signal.connect(
            _correction_changed, sender=Correction, dispatch_uid=f"edge.correction.{id(signal)}"
        )
