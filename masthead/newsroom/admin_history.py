"""The story's history in the back office: its versions with a diff between any two and a
one-click restore, and its workflow log (`StatusChange`); the paper-wide log is its own list.
"""

from __future__ import annotations

from typing import Any

from django.urls import URLPattern


def urls(model_admin: Any) -> list[URLPattern]:
    """The history pages under the story's admin URL (`ArticleAdmin.get_urls`)."""
    return []
