"""The push endpoint: an agency POSTs a wire document, signed with its feed's push secret.

    POST /wire/push/<feed-slug>/
    X-Masthead-Timestamp: <Unix seconds, when the push was signed>
    X-Masthead-Signature: sha256=<hex HMAC-SHA256, keyed with the push secret,
                                  of "<timestamp>." followed by the raw body>

A push is refused with a JSON `{"error": ...}` and 403 when the feed takes no pushes or has no
fixed source, when the timestamp is missing or more than five minutes from the server's clock,
when the signature does not match, or when that signature was already used; with 413 when the
body is over `MASTHEAD_WIRE_MAX_FILE_BYTES`. An accepted push answers 200 with the ingest's
summary and one result per item, quarantined items included.

Each signature is accepted once, so a captured push cannot be replayed (over a later
correction, say): it is remembered in the database for twice the tolerance, so every web
process and machine refuses it. A client signs every push when it sends it
(`masthead.wire.push_signing.signed_headers`); the same document re-sent within the same
second carries the same signature and is refused as a replay.

A push feed is bound to one source, and every item it delivers is that source's, whatever the
document names as its provider (`masthead.wire.apply.RunContext.source_for`). The secret
authenticates the feed, not the provider field inside the document, so the feed's source is
the only identity the push has proven; an agency's push can therefore create, update and kill
only its own stories. Items naming another source are filed under the feed's source rather
than quarantined: quarantining by name would refuse an agency's own copy whenever its
provider field is spelt differently from the desk's source name, and would protect no one
more, since no other source's story can be reached either way.
"""

from __future__ import annotations

import time

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from masthead.wire import push_signing
from masthead.wire.ingest import ingest_bytes
from masthead.wire.models import Feed
from masthead.wire.push_signing import SIGNATURE_HEADER, TIMESTAMP_HEADER

# The body is read in pieces of this size, so an oversize one is noticed after limit + 1 bytes.
READ_CHUNK_BYTES = 64 * 1024


# CSRF-exempt only because the request is authenticated by its HMAC signature instead: a
# browser cannot forge it without the feed's secret, and no cookie or session is consulted.
@csrf_exempt
@require_POST
def push(request: HttpRequest, slug: str) -> HttpResponse:
    feed = get_object_or_404(Feed.objects.select_related("source"), slug=slug, enabled=True)
    if not feed.push_secret:
        return _refuse(403, "this feed does not accept pushes")
    if feed.source_id is None:
        return _refuse(
            403, "this push feed has no fixed source; the wire desk must set one before pushing"
        )
    limit = settings.MASTHEAD_WIRE_MAX_FILE_BYTES
    too_large = f"body too large: over the {limit}-byte limit"
    if _declared_length(request) > limit:
        return _refuse(413, too_large)
    timestamp = request.headers.get(TIMESTAMP_HEADER, "")
    problem = push_signing.timestamp_problem(timestamp, now=time.time())
    if problem:
        return _refuse(403, problem)
    body = read_body(request, limit=limit)
    if body is None:
        return _refuse(413, too_large)
    signature = request.headers.get(SIGNATURE_HEADER, "")
    if not push_signing.signature_matches(feed.push_secret, timestamp, body, signature):
        return _refuse(403, "bad or missing signature")
    if not push_signing.first_use(feed_id=feed.pk, signature=signature):
        return _refuse(403, "replayed: this signature was already used; sign each push anew")
    summary = ingest_bytes(body, file=f"push:{feed.slug}", feed=feed)
    return JsonResponse(
        {"summary": summary.line(), "items": [r.as_dict() for r in summary.results]},
        status=200,
    )


def read_body(request: HttpRequest, *, limit: int) -> bytes | None:
    """The raw body, or None when it is longer than `limit` bytes (then no more than limit + 1
    were read).

    Read from the request's stream rather than through `request.body`, which would refuse
    anything over Django's DATA_UPLOAD_MAX_MEMORY_SIZE (2.5 MB, meant for forms) with a bare
    400; wire documents may be as large as MASTHEAD_WIRE_MAX_FILE_BYTES. The bound does not
    trust Content-Length: under ASGI the stream is the whole body as received, whatever the
    header claimed (under WSGI, Django already stops the stream at the declared length).
    """
    chunks: list[bytes] = []
    size = 0
    while size <= limit:
        chunk = request.read(min(READ_CHUNK_BYTES, limit + 1 - size))
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
    return None if size > limit else b"".join(chunks)


def _declared_length(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


def _refuse(status: int, error: str) -> JsonResponse:
    return JsonResponse({"error": error}, status=status)
