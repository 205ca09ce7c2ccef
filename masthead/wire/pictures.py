"""A wire story's pictures: read from beside the delivered file, or fetched by the worker from
a host the feed allows, checked, stored once and made the story's pictures.

A relative reference (`pictures/a.jpg`, `./a.jpg`, `file:///./a.jpg`) is a file delivered with
the item, read from the delivered file's folder and never from outside it. A remote one is
fetched by a task after the story's transaction commits (`tasks.fetch_wire_picture`), only
from a host listed in the feed's `picture_hosts`, with the size and time limits of
`fetch.fetch_picture` and never from a private address. Whatever is refused is written to the
ingest log with its reason (`Outcome.PICTURE`); the story goes in either way.
"""

from __future__ import annotations

import re
import urllib.parse
from pathlib import Path, PurePosixPath

from django.db import transaction

from masthead.newsroom import actions
from masthead.newsroom.models import Article, Image, Source
from masthead.newsroom.pictures import MAX_BYTES, PictureRefused, store_image
from masthead.wire import fetch
from masthead.wire.items import IngestError, PictureRef
from masthead.wire.models import Feed, IngestLog, Outcome, PackagePicture

MAX_PICTURES = 10  # per story: the lead and a few body pictures; a longer list is a mistake


class Refused(Exception):
    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


def relative_path(href: str) -> PurePosixPath | None:
    """The path of a picture delivered beside the item, or None for a remote one. Raises
    Refused for a path that would leave the folder (absolute, `..`)."""
    if re.match(r"^https?://", href, re.I):
        return None
    value = href.strip()
    if value.lower().startswith("file://"):
        value = urllib.parse.unquote(value[len("file://") :]).lstrip("/")
    elif re.match(r"^[a-z][a-z0-9+.-]*:", value, re.I):
        raise Refused(f"refused picture {href!r}: not http(s) nor a file beside the item")
    value = value.strip()
    path = PurePosixPath(value)
    if not value or value.startswith(("/", "\\")) or ".." in path.parts or "\\" in value:
        raise Refused(f"refused picture {href!r}: a path outside the delivered file's folder")
    return path


def read_beside(delivered: str, path: PurePosixPath) -> bytes:
    folder = Path(delivered).resolve().parent
    target = (folder / path).resolve()
    if not target.is_relative_to(folder):  # a symbolic link out of the folder
        raise Refused(f"refused picture {path}: outside the delivered file's folder")
    try:
        if target.stat().st_size > MAX_BYTES:
            raise Refused(f"picture {path} is over the {MAX_BYTES}-byte limit")
        return target.read_bytes()
    except OSError as exc:
        raise Refused(f"cannot read picture {path}: {exc.strerror or exc}") from exc


def attach(
    article: Article, refs: list[PictureRef], *, feed: Feed | None, file: str, source_name: str
) -> None:
    """Make `refs` the story's pictures (the lead first), inside the story's transaction:
    local files now, remote ones queued for the worker once the story is committed."""
    for position, ref in enumerate(refs[:MAX_PICTURES]):
        try:
            path = relative_path(ref.href)
            if path is None:
                host = urllib.parse.urlsplit(ref.href).hostname or ""
                if feed is None or not feed.allows_picture_host(host):
                    raise Refused(
                        f"refused picture {ref.href}: host {host or '?'} is not among the "
                        "feed's picture hosts"
                    )
                _fetch_later(article.pk, ref, position, feed.pk, file)
                continue
            if not file:
                raise Refused(f"refused picture {ref.href}: no delivered file to read it beside")
            image = _store(read_beside(file, path), ref, source=f"{source_name}: {ref.href}")
        except (Refused, PictureRefused) as exc:
            log_refusal(article, exc.reason, feed=feed, file=file, guid=ref.guid)
            continue
        place(article, image, position=position)


def _store(data: bytes, ref: PictureRef, *, source: str) -> Image:
    image, _ = store_image(
        data,
        filename=PurePosixPath(urllib.parse.urlsplit(ref.href).path).name,
        alt=ref.alt,
        caption=ref.caption,
        credit=ref.credit,
        copyright=ref.copyright,
        source=source,
    )
    return image


def place(article: Article, image: Image, *, position: int) -> None:
    """The first picture leads the story (an update's picture replaces the lead); the rest go
    in the body, in order. The wire acts as the story's own source."""
    actor = actions.Actor.wire(article.source)
    if position == 0:
        actions.SetPicturesAction(article=article, lead=image, actor=actor).execute()
    else:
        actions.SetPicturesAction(article=article, body=[image], actor=actor).execute()


def _fetch_later(article_id: int, ref: PictureRef, position: int, feed_id: int, file: str) -> None:
    # At run time: the tasks module imports the ingest, which imports this module.
    from masthead.wire import tasks

    values = {
        "href": ref.href,
        "caption": ref.caption,
        "alt": ref.alt,
        "credit": ref.credit,
        "copyright": ref.copyright,
        "guid": ref.guid,
    }
    transaction.on_commit(
        lambda: tasks.fetch_wire_picture.enqueue(article_id, values, position, feed_id, file)
    )


def fetch_and_attach(
    article_id: int, ref: PictureRef, *, position: int, feed_id: int, file: str
) -> str:
    """The worker's half: fetch one remote picture and make it the story's."""
    article = Article.objects.filter(pk=article_id).first()
    feed = Feed.objects.filter(pk=feed_id).first()
    if article is None or feed is None:
        return "story or feed gone"
    if article.is_killed:
        return "story killed: picture not fetched"
    host = urllib.parse.urlsplit(ref.href).hostname or ""
    try:
        if not feed.allows_picture_host(host):  # the desk may have changed the list since
            raise Refused(f"refused picture {ref.href}: host {host} is not allowed")
        data = fetch.fetch_picture(ref.href, limit=MAX_BYTES)
        image = _store(data, ref, source=f"{feed.name}: {ref.href}")
    except IngestError as exc:
        log_refusal(article, exc.reason, feed=feed, file=file, guid=ref.guid)
        return exc.reason
    except (Refused, PictureRefused) as exc:
        log_refusal(article, exc.reason, feed=feed, file=file, guid=ref.guid)
        return exc.reason
    with transaction.atomic():
        place(article, image, position=position)
    return f"picture {image.pk}"


def log_refusal(
    article: Article, reason: str, *, feed: Feed | None, file: str, guid: str = ""
) -> None:
    IngestLog.objects.create(
        feed=feed if feed is not None and feed.pk else None,
        source_id=article.source_id,
        file=file[:1000],
        guid=(guid or article.wire_guid)[:500],
        action=Outcome.PICTURE,
        reason=reason,
        article=article,
    )


# -- picture items delivered on their own (`masthead.wire.packages`) -----------------------


def store_item(data: bytes, ref: PictureRef, *, source: Source) -> Image:
    """Store a lone picture item's bytes as the library picture of (source, its guid): the
    newest picture under that guid is the one a package names."""
    image = _store(data, ref, source=f"{source.name}: {ref.href}")
    if ref.guid and not image.wire_guid:
        Image.objects.filter(wire_source=source, wire_guid=ref.guid).update(wire_guid="")
        image.wire_source, image.wire_guid = source, ref.guid[:500]
        image.save(update_fields=["wire_source", "wire_guid"])
    return image


def place_waiting(image: Image, *, source: Source, guid: str) -> int:
    """Give `image` to every story whose package names the picture item `guid`; how many."""
    placed = 0
    for link in PackagePicture.objects.filter(source=source, residref=guid).select_related(
        "article__source"
    ):
        if link.article.is_killed:
            continue
        place(link.article, image, position=link.position)
        placed += 1
    return placed


def fetch_item_later(ref: PictureRef, *, source: Source, feed: Feed, file: str) -> None:
    from masthead.wire import tasks

    values = {
        "href": ref.href,
        "caption": ref.caption,
        "alt": ref.alt,
        "credit": ref.credit,
        "copyright": ref.copyright,
        "guid": ref.guid,
    }
    source_id, feed_id = source.pk, feed.pk
    transaction.on_commit(
        lambda: tasks.fetch_wire_picture_item.enqueue(values, source_id, feed_id, file)
    )


def fetch_item(ref: PictureRef, *, source_id: int, feed_id: int, file: str) -> str:
    """The worker's half for a lone picture item: fetch, store under its guid, and give it to
    the stories whose packages already named it."""
    source = Source.objects.filter(pk=source_id).first()
    feed = Feed.objects.filter(pk=feed_id).first()
    if source is None or feed is None:
        return "source or feed gone"
    host = urllib.parse.urlsplit(ref.href).hostname or ""
    try:
        if not feed.allows_picture_host(host):
            raise Refused(f"refused picture {ref.href}: host {host} is not allowed")
        data = fetch.fetch_picture(ref.href, limit=MAX_BYTES)
        with transaction.atomic():
            image = store_item(data, ref, source=source)
            placed = place_waiting(image, source=source, guid=ref.guid)
    except (IngestError, Refused, PictureRefused) as exc:
        IngestLog.objects.create(
            feed=feed,
            source=source,
            file=file[:1000],
            guid=ref.guid[:500],
            action=Outcome.PICTURE,
            reason=exc.reason,
        )
        return exc.reason
    return f"picture {image.pk}, placed in {placed} story(ies)"
