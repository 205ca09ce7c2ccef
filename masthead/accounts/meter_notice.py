"""The meter's notice to an anonymous reader: how many free stories are left before the wall.

The story's face (whole or walled) is cached once and shared by every anonymous reader given
it, by the origin's page cache and as an ESI fragment, so it cannot carry one reader's count.
It carries `PLACEHOLDER` instead, and `access.finish_response`, which every metered read passes
through whether its face came from a cache or not, puts this reader's notice in its place.
That happens inside the view, before `ConditionalGetMiddleware` hashes the body, so a response's
ETag is that of the bytes this reader was sent; and a response with a notice is always private
(only a metered grant makes one), so no shared cache ever keeps it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpResponse, HttpResponseBase
from django.template.loader import render_to_string
from django.template.response import SimpleTemplateResponse

from masthead.accounts.meter import Reader, Reason

if TYPE_CHECKING:
    from masthead.accounts.access import ArticleAccess

# Fixed, so that every reader's face is the same bytes; an HTML comment, so that a face shown
# without a notice (a preview) carries nothing visible.
PLACEHOLDER = "<!--masthead:meter-notice-->"
TEMPLATE = "accounts/meter_notice.html"


def window_phrase(days: int) -> str:
    """The meter's window in words, as true as a rolling window allows: a reader's allowance
    comes back story by story as reads age out of it, never all at once on a date."""
    if days == 1:
        return "today"
    if days == 7:
        return "this week"
    if 28 <= days <= 31:
        return "this month"
    if 365 <= days <= 366:
        return "this year"
    return f"in this {days}-day period"


@dataclass(frozen=True)
class MeterNotice:
    # Free stories left after this one: 0 means this is the last before the wall.
    remaining: int
    window: str
    next_url: str

    @property
    def is_last(self) -> bool:
        return self.remaining == 0


def notice_for(access: ArticleAccess) -> MeterNotice | None:
    """The notice this read earns, or None: only an anonymous reader granted a story by the
    meter has a count to be told (not a signed-in reader, a crawler, a free story, a story read
    before, or a walled one, whose wall says it all)."""
    decision = access.decision
    if (
        not decision.full
        or decision.reason is not Reason.METERED
        or decision.reader not in (Reader.ANONYMOUS, Reader.COOKIELESS)
        or decision.remaining is None
    ):
        return None
    return MeterNotice(
        remaining=decision.remaining,
        window=window_phrase(settings.MASTHEAD_METER_WINDOW_DAYS),
        next_url=access.next_url,
    )


def _is_html(response: HttpResponseBase) -> bool:
    return response.get("Content-Type", "").partition(";")[0].strip() == "text/html"


def fill(response: HttpResponseBase, access: ArticleAccess) -> None:
    """Put this reader's notice (or nothing) where the face's placeholder is.

    A streaming or non-HTML response is left alone; a template response not rendered yet is
    filled once it is.
    """
    if getattr(response, "streaming", False) or not isinstance(response, HttpResponse):
        return
    if not _is_html(response):
        return
    if isinstance(response, SimpleTemplateResponse) and not response.is_rendered:
        response.add_post_render_callback(lambda rendered: _replace(rendered, access))
        return
    _replace(response, access)


def _replace(response: HttpResponseBase, access: ArticleAccess) -> None:
    if not isinstance(response, HttpResponse):
        return
    charset = response.charset
    marker = PLACEHOLDER.encode(charset)
    content = response.content
    if marker not in content:
        return
    notice = notice_for(access)
    if notice is not None and not access.decision.personal:
        # Cannot happen (a metered grant is personal); if it ever did, a shared cache could keep
        # one reader's count for everyone, so say nothing.
        notice = None
    # No request context: the context processors have nothing the notice shows, and a face
    # served from the cache must cost no more than the meter's own queries.
    html = render_to_string(TEMPLATE, {"notice": notice}).strip() if notice is not None else ""
    # The first one only: ours comes before the story's body, which is not ours to rewrite.
    response.content = content.replace(marker, html.encode(charset), 1)
    # The length and validators were those of the old bytes (a cached face may carry them).
    if response.has_header("Content-Length"):
        response["Content-Length"] = str(len(response.content))
    if response.has_header("ETag"):
        del response["ETag"]
