"""What every reader page needs: the paper's name and the section navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from masthead.edge import blocks
from masthead.lib import surrogates
from masthead.newsroom.models import Section


def paper(request: HttpRequest) -> dict[str, Any]:
    surrogates.note(surrogates.NAV)
    return {
        "paper_name": settings.PAPER_NAME,
        "paper_tagline": settings.PAPER_TAGLINE,
        "paper_language": settings.PAPER_LANGUAGE,
        # Lazy (admin pages and JSON views never ask), and from the block cache (purged with
        # `nav` when a section changes).
        "nav_sections": SimpleLazyObject(_nav_sections),
    }


def _nav_sections() -> list[Section]:
    def compute() -> list[Section]:
        surrogates.note(surrogates.NAV)
        return list(Section.objects.filter(in_nav=True).only("name", "slug"))

    return blocks.cached("nav", compute, stories=lambda _: ())
