"""Serving the pictures' renditions in the embedded case (the local media folder): WhiteNoise
serves static files only, and the originals must never be served at all.

Only the renditions folder is reachable here (`django.views.static.serve` joins the path
safely under it: no `..`). A rendition's name is made from its bytes, so it never changes
and may be kept by every cache for a year. With object storage (`django-storages`) the
storage's own URLs are used and this view is not reached.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.http import Http404, HttpRequest
from django.http.response import HttpResponseBase
from django.views.decorators.http import require_safe
from django.views.static import serve

from masthead.newsroom.pictures import RENDITIONS

MAX_PATH = 200  # our names are ~50 characters; a longer one is a probe
FOREVER = "public, max-age=31536000, immutable"  # a content-hashed name never changes


@require_safe
def rendition(request: HttpRequest, path: str) -> HttpResponseBase:
    if len(path) > MAX_PATH:
        raise Http404("No such picture.")
    try:
        response = serve(request, path, document_root=str(Path(settings.MEDIA_ROOT) / RENDITIONS))
    except (OSError, ValueError) as exc:  # a name the file system refuses (too long, a NUL)
        raise Http404("No such picture.") from exc
    response["Cache-Control"] = FOREVER
    response["X-Content-Type-Options"] = "nosniff"
    return response
