"""A NewsML-G2 package and its picture items sent in separate files, joined in either order.

A picture item on its own is stored as a library picture under (source, its guid) when its
bytes can be read (a file beside it) or queued for the worker (a remote one, from a host the
feed allows). A package names its story (the first of its text itemRefs stored) and its
pictures by guid: each becomes a `PackagePicture` link, and the pictures already stored are
placed at once (the first the lead, the others in the body); those not yet seen are placed
when their item arrives. A package's update replaces its links and places them again. Both
are skipped as stories, with a note of what was done.
"""

from __future__ import annotations

import urllib.parse

from django.db import transaction

from masthead.newsroom.models import Article, Image
from masthead.newsroom.pictures import PictureRefused
from masthead.wire import pictures
from masthead.wire.apply import RunContext, entry_error
from masthead.wire.items import PackageItem, PictureItem
from masthead.wire.models import PackagePicture
from masthead.wire.results import ItemResult


def take(entry: PictureItem | PackageItem, context: RunContext) -> ItemResult:
    """Store a lone picture item or link a lone package; logged as skipped with a note."""
    with transaction.atomic():
        if isinstance(entry, PictureItem):
            entry.reason = _picture(entry, context)
        else:
            entry.reason = _package(entry, context)
    return entry_error(entry, context)


def _picture(entry: PictureItem, context: RunContext) -> str:
    ref = entry.picture
    if ref is None:
        return "picture item ignored: it carries no image rendition"
    ref.guid = ref.guid or entry.guid
    source = context.source_named(entry.provider, entry.credit, entry.copyright)
    feed = context.feed if context.feed is not None and context.feed.pk else None
    try:
        path = pictures.relative_path(ref.href)
        if path is None:
            host = urllib.parse.urlsplit(ref.href).hostname or ""
            if feed is None or not feed.allows_picture_host(host):
                raise pictures.Refused(
                    f"refused picture {ref.href}: host {host or '?'} is not among the "
                    "feed's picture hosts"
                )
            pictures.fetch_item_later(ref, source=source, feed=feed, file=context.file)
            return "picture item: queued for the worker to fetch"
        if not context.file:
            raise pictures.Refused(f"refused picture {ref.href}: no delivered file beside it")
        image = pictures.store_item(pictures.read_beside(context.file, path), ref, source=source)
    except (pictures.Refused, PictureRefused) as exc:
        return f"picture item not stored: {exc.reason}"
    placed = pictures.place_waiting(image, source=source, guid=ref.guid)
    return f"picture item: stored as picture {image.pk}, placed in {placed} story(ies)"


def _package(entry: PackageItem, context: RunContext) -> str:
    source = context.source_named(entry.provider, entry.credit, entry.copyright)
    if not entry.pictures:
        return entry.reason
    stored = {
        a.wire_guid: a
        for a in Article.objects.filter(source=source, wire_guid__in=entry.stories).select_related(
            "source"
        )
    }
    article = next((stored[g] for g in entry.stories if g in stored), None)
    if article is None:
        return "packageItem ignored: none of its stories is stored yet; its pictures not linked"
    names = entry.pictures[: pictures.MAX_PICTURES]
    PackagePicture.objects.filter(source=source, package_guid=entry.guid[:500]).delete()
    PackagePicture.objects.bulk_create(
        PackagePicture(
            source=source,
            package_guid=entry.guid[:500],
            article=article,
            residref=name[:500],
            position=position,
        )
        for position, name in enumerate(names)
    )
    found: dict[str, Image] = {}
    for image in Image.objects.filter(wire_source=source, wire_guid__in=names).order_by("id"):
        found[image.wire_guid] = image  # the newest under a guid wins
    placed = 0
    if not article.is_killed:
        for position, name in enumerate(names):
            if name in found:
                pictures.place(article, found[name], position=position)
                placed += 1
    return (
        f"packageItem: the pictures of story {article.wire_guid}: {placed} placed, "
        f"{len(names) - placed} awaited"
    )
