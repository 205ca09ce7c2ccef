"""The picture library's work: checking a file is a real picture, storing it once, and making
the renditions readers are served.

Every file, uploaded or from the wire, is opened by Pillow with its decompression-bomb guard
(a small file that unpacks to gigapixels is refused, never decoded), and anything Pillow
cannot fully decode is refused with a reason. The original is kept through Django's storage
API but never served: it may carry the photographer's GPS position. Readers get renditions,
re-encoded from the pixels alone (no EXIF, XMP, IPTC or ICC comments), under names made from
their own bytes, so a URL never changes meaning and may be cached for a year.
"""

from __future__ import annotations

import functools
import hashlib
import io
import logging
import operator
import warnings
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Q
from PIL import Image as PILImage
from PIL import ImageOps, UnidentifiedImageError

from masthead.newsroom.models import Article, ArticleImage, Image

logger = logging.getLogger(__name__)

# 40 megapixels: a press camera's full frame is 24-60; a decompression bomb is thousands.
MAX_PIXELS = 40_000_000
MAX_BYTES = 15 * 1024 * 1024  # what a wire picture or an upload may weigh
FORMATS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif", "TIFF": "tif"}
WIDTHS = (320, 640, 960, 1280, 1600)  # srcset steps: phone to wide desktop at 2x
CARD = (1200, 675)  # 16:9, what Google's news results and social cards ask for
JPEG_QUALITY = 82
WEBP_QUALITY = 78
RENDITIONS = "renditions"


class PictureRefused(ValueError):
    """Not a picture we will keep; `reason` says why, for the ingest log or the form."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass
class Checked:
    width: int
    height: int
    format: str  # Pillow's name, one of FORMATS


def check(data: bytes) -> Checked:
    """Refuse anything that is not a whole, reasonable picture (a reason each time)."""
    if not data:
        raise PictureRefused("empty file: not a picture")
    if len(data) > MAX_BYTES:
        raise PictureRefused(f"picture is {len(data)} bytes, over the {MAX_BYTES}-byte limit")
    try:
        with _opened(data) as im:
            fmt = im.format or ""
            if fmt not in FORMATS:
                raise PictureRefused(f"not a supported picture format ({fmt or 'unknown'})")
            width, height = im.size
            im.load()  # decode it all: a truncated or corrupt file fails here, not later
    except PictureRefused:
        raise
    except PILImage.DecompressionBombError as exc:
        raise PictureRefused(f"refused: decompression bomb ({exc})") from exc
    except UnidentifiedImageError as exc:
        raise PictureRefused("not a picture: Pillow cannot identify the file") from exc
    except (OSError, ValueError, SyntaxError) as exc:  # Pillow's errors for broken files
        raise PictureRefused(f"broken picture: {exc}") from exc
    return Checked(width=width, height=height, format=fmt)


class _opened:
    """Pillow's open with its bomb guard at our limit, its warning (the size between the
    limit and twice it, which Pillow would only warn about) made an error too."""

    def __init__(self, data: bytes):
        self.data = data

    def __enter__(self) -> PILImage.Image:
        self._limit = PILImage.MAX_IMAGE_PIXELS
        PILImage.MAX_IMAGE_PIXELS = MAX_PIXELS
        self._warnings = warnings.catch_warnings()
        self._warnings.__enter__()
        warnings.simplefilter("error", PILImage.DecompressionBombWarning)
        try:
            self.image = PILImage.open(io.BytesIO(self.data))
        except PILImage.DecompressionBombWarning as exc:
            self.__exit__()
            raise PILImage.DecompressionBombError(str(exc)) from exc
        except BaseException:
            self.__exit__()
            raise
        return self.image

    def __exit__(self, *exc: object) -> None:
        image = getattr(self, "image", None)
        if image is not None:
            image.close()
        self._warnings.__exit__(None, None, None)
        PILImage.MAX_IMAGE_PIXELS = self._limit


def store_image(
    data: bytes,
    *,
    filename: str = "",
    alt: str = "",
    caption: str = "",
    credit: str = "",
    copyright: str = "",
    source: str = "",
) -> tuple[Image, bool]:
    """The library's picture with these bytes, stored now if new (True) or found (False).

    The same bytes delivered twice (two feeds, a re-sent item, an upload of a wire picture)
    are one picture: its text is filled where blank, never overwritten (an editor may have
    improved it). The renditions are made by the worker (`tasks.make_renditions`).
    Raises PictureRefused.
    """
    checked = check(data)
    digest = hashlib.sha256(data).hexdigest()
    found = Image.objects.filter(sha256=digest).first()
    if found is not None:
        _fill_blanks(found, alt=alt, caption=caption, credit=credit, copyright=copyright)
        return found, False
    image = Image(
        sha256=digest,
        width=checked.width,
        height=checked.height,
        alt=alt[:300],
        caption=caption,
        credit=credit[:200],
        copyright=copyright[:300],
        source=source[:500],
    )
    name = f"{digest[:16]}.{FORMATS[checked.format]}"
    try:
        with transaction.atomic():
            image.original.save(filename or name, ContentFile(data), save=False)
            image.save()
    except IntegrityError:  # stored by a concurrent worker meanwhile
        return Image.objects.get(sha256=digest), False
    _enqueue_renditions(image)
    return image, True


def _fill_blanks(image: Image, **text: str) -> None:
    changed = [name for name, value in text.items() if value and not getattr(image, name)]
    for name in changed:
        setattr(image, name, text[name])
    if changed:
        image.save(update_fields=changed)


def _enqueue_renditions(image: Image) -> None:
    # At run time: the tasks module imports this one.
    from masthead.newsroom import tasks

    image_id = image.pk
    transaction.on_commit(lambda: tasks.make_renditions.enqueue(image_id))


def _encode(im: PILImage.Image, fmt: str) -> bytes:
    """Pixels only: a fresh encode with no `exif`, `icc_profile` or `xmp` passed carries none."""
    out = io.BytesIO()
    if fmt == "webp":
        im.save(out, "WEBP", quality=WEBP_QUALITY, method=4)
    else:
        im.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True, progressive=True)
    return out.getvalue()


def _put(data: bytes, ext: str, size: tuple[int, int]) -> str:
    digest = hashlib.sha256(data).hexdigest()[:20]
    name = f"{RENDITIONS}/{digest[:2]}/{digest}-{size[0]}x{size[1]}.{ext}"
    if not default_storage.exists(name):
        default_storage.save(name, ContentFile(data))
    return name


def card_box(width: int, height: int, fx: float, fy: float) -> tuple[int, int, int, int]:
    """The largest 16:9 box in the picture, centred on the focal point as far as it fits."""
    ratio = CARD[0] / CARD[1]
    crop_w, crop_h = (width, round(width / ratio))
    if crop_h > height:
        crop_w, crop_h = round(height * ratio), height
    left = min(max(round(fx * width - crop_w / 2), 0), width - crop_w)
    top = min(max(round(fy * height - crop_h / 2), 0), height - crop_h)
    return left, top, left + crop_w, top + crop_h


def make_renditions(image: Image) -> list[dict]:
    """Every rendition of `image` the original allows: each width in WIDTHS up to its own
    (at least the smallest), in WebP and JPEG, and the 16:9 card. Saved on the image."""
    with image.original.open("rb") as f:
        data = f.read()
    made: list[dict] = []
    with _opened(data) as opened:
        # Turned as the camera meant (EXIF orientation), then every bit of metadata left behind.
        im = ImageOps.exif_transpose(opened).convert("RGB")
    im.info = {}  # EXIF, XMP, ICC, comments: none may reach an encoder
    width, height = im.size
    steps = [w for w in WIDTHS if w <= width] or [width]
    if width not in steps and width < WIDTHS[-1]:
        steps.append(width)  # the original's own width, between two steps
    for w in steps:
        h = max(1, round(height * w / width))
        scaled = im.resize((w, h), PILImage.Resampling.LANCZOS) if w != width else im
        for fmt, ext in (("webp", "webp"), ("jpeg", "jpg")):
            name = _put(_encode(scaled, fmt), ext, (w, h))
            made.append({"kind": "w", "format": fmt, "width": w, "height": h, "name": name})
    box = card_box(width, height, image.focal_x, image.focal_y)
    card = im.crop(box)
    if card.width > CARD[0]:
        card = card.resize(CARD, PILImage.Resampling.LANCZOS)
    name = _put(_encode(card, "jpeg"), "jpg", card.size)
    made.append(
        {"kind": "card", "format": "jpeg", "width": card.width, "height": card.height, "name": name}
    )
    image.renditions = made
    image.save(update_fields=["renditions"])
    return made


def url(name: str) -> str:
    return default_storage.url(name)


def forget_killed(article_id: int) -> list[int]:
    """Delete the pictures of a killed story that no story still standing uses: their
    renditions and stored original leave the storage, and their rows the library (a kill
    takes a picture off every page; a URL a reader kept answers 404). A picture another story
    shows stays whole. Returns the ids of the pictures deleted."""
    killed = Article.objects.filter(pk=article_id, status=Article.Status.KILLED)
    ids = set(killed.exclude(lead_image=None).values_list("lead_image_id", flat=True))
    if killed.exists():
        ids |= set(
            ArticleImage.objects.filter(article_id=article_id).values_list("image_id", flat=True)
        )
    return [image_id for image_id in sorted(ids) if _forget(image_id)]


def _forget(image_id: int) -> bool:
    with transaction.atomic():
        # Locked: a story given this picture meanwhile either commits first (and is seen
        # below) or waits, and then finds the picture gone.
        image = Image.objects.select_for_update().filter(pk=image_id).first()
        if image is None:
            return False
        users = Article.objects.filter(Q(lead_image=image) | Q(pictures__image=image))
        if users.exclude(status=Article.Status.KILLED).exists():
            return False
        names = {r["name"] for r in image.renditions}
        # Two originals with the same pixels (one with its metadata, one without) make the
        # same renditions under the same names: those another picture lists are kept.
        shared: set[str] = set()
        if names:
            anywhere = functools.reduce(operator.or_, (Q(renditions__icontains=n) for n in names))
            for other in Image.objects.exclude(pk=image.pk).filter(anywhere):
                shared |= {r["name"] for r in other.renditions}
        files = sorted(names - shared)
        if image.original.name:
            files.append(image.original.name)
        ArticleImage.objects.filter(image=image).delete()  # killed stories' body pictures
        image.delete()  # a killed story's lead is set to none
        transaction.on_commit(lambda: _delete_files(files))
    return True


def _delete_files(names: list[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:  # the row is gone either way; a file left behind is only space
            logger.warning("could not delete picture file %s", name, exc_info=True)
