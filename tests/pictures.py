"""Builders for test pictures: a JPEG with a photographer's GPS position in its EXIF, a
picture of a given size, a decompression bomb, and a picture stored in the library."""

from __future__ import annotations

import io

from PIL import Image as PILImage

from masthead.newsroom import pictures
from masthead.newsroom.models import Image

GPS_IFD = 0x8825


def jpeg(
    width: int = 1700, height: int = 1000, *, colour=(40, 110, 160), gps: bool = True
) -> bytes:
    im = PILImage.new("RGB", (width, height), colour)
    for x in range(0, width, 97):  # some detail, so encoders have work
        im.paste((200, 80, 40), (x, height // 3, x + 40, height // 2))
    exif = PILImage.Exif()
    exif[0x010F] = "Test Camera Maker"
    if gps:
        exif[GPS_IFD] = {1: "N", 2: (45.0, 31.0, 12.0), 3: "W", 4: (123.0, 48.0, 5.0)}
    out = io.BytesIO()
    im.save(out, "JPEG", exif=exif.tobytes(), quality=90)
    return out.getvalue()


def bomb() -> bytes:
    """A PNG of 20,000 × 20,000 pixels (400 megapixels) weighing a few hundred kilobytes."""
    im = PILImage.new("1", (20_000, 20_000))
    out = io.BytesIO()
    im.save(out, "PNG", optimize=True)
    return out.getvalue()


def stored(data: bytes | None = None, *, alt: str = "A harbour at dusk", **text: str) -> Image:
    """A library picture with its renditions made (the worker's task runs immediately in
    tests)."""
    image, _ = pictures.store_image(data or jpeg(), alt=alt, **text)
    if not image.renditions:
        pictures.make_renditions(image)
    image.refresh_from_db()
    return image


def has_gps(data: bytes) -> bool:
    with PILImage.open(io.BytesIO(data)) as im:
        exif = im.getexif()
        return GPS_IFD in exif or bool(exif.get_ifd(GPS_IFD)) or "exif" in im.info
