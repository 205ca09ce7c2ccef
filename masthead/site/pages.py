"""The paper's own pages (About, Contact, Privacy, Terms) and the icon browsers ask for."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView

from masthead.lib import surrogates
from masthead.site.models import PaperPage
from masthead.site.views import PublicPage

STATIC = Path(__file__).resolve().parent / "static" / "site"
# /favicon.ico is not versioned like the static files the pages link (hashed names), so its
# lifetime is a trade: browsers ask for it rarely, and a changed icon reaching them within a
# week is soon enough.
ICON_MAX_AGE = 7 * 24 * 3600


class PaperPageView(PublicPage, DetailView):
    template_name = "site/paper_page.html"
    context_object_name = "page"
    queryset = PaperPage.objects.all()

    def get_object(self, queryset: Any = None) -> PaperPage:
        surrogates.note(surrogates.PAGES)
        page: PaperPage = super().get_object(queryset)
        return page


@cache
def _icon() -> bytes:
    return (STATIC / "favicon.ico").read_bytes()


def favicon(request: HttpRequest) -> HttpResponse:
    """What a browser fetches on its own (and feed readers, and bookmarks of non-HTML pages):
    the same icon the pages link, without a redirect."""
    response = HttpResponse(_icon(), content_type="image/x-icon")
    patch_cache_control(response, public=True, max_age=ICON_MAX_AGE)
    return response
