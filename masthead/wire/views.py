"""The push endpoint: an agency POSTs an item, signed with the feed's shared secret.

POST /wire/push/<feed-slug>/
X-Masthead-Signature: sha256=<hex HMAC-SHA256 of the raw body, keyed with the push secret>
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.wire.ingest import ingest_bytes
from masthead.wire.models import Feed

SIGNATURE_HEADER = "X-Masthead-Signature"


def expected_signature(secret: str, body: bytes) -> str:
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


# CSRF-exempt only because the request is authenticated by its HMAC signature instead: a
# browser cannot forge it without the feed's secret, and no cookie or session is consulted.
@csrf_exempt
@require_POST
def push(request: HttpRequest, slug: str) -> HttpResponse:
    feed = get_object_or_404(Feed, slug=slug, enabled=True)
    if not feed.push_secret:
        return JsonResponse({"error": "this feed does not accept pushes"}, status=403)
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        length = 0
    if length > settings.MASTHEAD_WIRE_MAX_FILE_BYTES:
        return JsonResponse({"error": "body too large"}, status=413)
    body = request.body
    given = request.headers.get(SIGNATURE_HEADER, "")
    if not hmac.compare_digest(given.encode(), expected_signature(feed.push_secret, body).encode()):
        return JsonResponse({"error": "bad or missing signature"}, status=403)
    summary = ingest_bytes(body, file=f"push:{feed.slug}", feed=feed)
    return JsonResponse(
        {"summary": summary.line(), "items": [r.as_dict() for r in summary.results]},
        status=200,
    )
