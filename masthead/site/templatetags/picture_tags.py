"""`{% picture image sizes=... %}`: a library picture as `<picture>` with a WebP source and
a JPEG `srcset`, `width`/`height` (the browser reserves the box: no layout shift), and lazy
loading unless asked for eager (the lead above the fold). Only renditions the worker has made
are linked (`Image.renditions`); a picture with none yet shows nothing."""

from __future__ import annotations

from typing import Any

from django import template

from masthead.newsroom.models import Image
from masthead.newsroom.pictures import url

register = template.Library()

# The fallback `src` for browsers without srcset: a middling width.
FALLBACK_WIDTH = 960


def srcset(renditions: list[dict]) -> str:
    return ", ".join(f"{url(r['name'])} {r['width']}w" for r in renditions)


@register.inclusion_tag("site/includes/picture.html")
def picture(
    image: Image | None,
    sizes: str = "100vw",
    loading: str = "lazy",
    css_class: str = "",
    max_width: int = 0,
) -> dict[str, Any]:
    """`max_width` leaves out renditions wider than a small slot needs (thumbnails)."""
    if image is None:
        return {"image": None}
    jpegs = image.widths("jpeg")
    webps = image.widths("webp")
    if max_width:
        jpegs = [r for r in jpegs if r["width"] <= max_width] or jpegs[:1]
        webps = [r for r in webps if r["width"] <= max_width] or webps[:1]
    if not jpegs:
        return {"image": None}
    fallback = min(jpegs, key=lambda r: abs(r["width"] - FALLBACK_WIDTH))
    return {
        "image": image,
        "src": url(fallback["name"]),
        "jpeg_srcset": srcset(jpegs),
        "webp_srcset": srcset(webps),
        "width": fallback["width"],
        "height": fallback["height"],
        "sizes": sizes,
        "loading": "eager" if loading == "eager" else "lazy",
        "css_class": css_class,
    }


@register.filter
def has_renditions(image: Image | None) -> bool:
    return image is not None and bool(image.widths("jpeg"))
