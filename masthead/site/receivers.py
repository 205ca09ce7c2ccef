"""The paper's pages purge their key when edited (`masthead.edge.receivers` does the rest of
the site; it may not import this app). After the commit, as there: a purge before it would let
a render reading the old row store the old page again."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models.signals import post_delete, post_save

from masthead.edge import purge
from masthead.lib import surrogates
from masthead.site.models import PaperPage


def _page_changed(sender: Any, instance: PaperPage, **kwargs: Any) -> None:
    transaction.on_commit(lambda: purge.purge([surrogates.PAGES]))


def connect() -> None:
    for signal in (post_save, post_delete):
        signal.connect(_page_changed, sender=PaperPage, dispatch_uid=f"site.page.{id(signal)}")
