"""What every reader page needs: the paper's name and the section navigation."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.http import HttpRequest

from masthead.lib import surrogates
from masthead.newsroom.models import Section


def paper(request: HttpRequest) -> dict[str, Any]:
    # Lazy: admin pages and JSON views never evaluate it, reader pages pay one small query.
    surrogates.note(surrogates.NAV)
    return {
        "paper_name": settings.PAPER_NAME,
        "paper_tagline": settings.PAPER_TAGLINE,
        "paper_language": settings.PAPER_LANGUAGE,
        "nav_sections": Section.objects.filter(in_nav=True).only("name", "slug"),
    }
