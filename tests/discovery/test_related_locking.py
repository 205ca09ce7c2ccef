"""A story's Related refresh scores outside any transaction: on SQLite a transaction holds the
one write lock from its start, and a drain of thousands of stories scoring under it kept every
web worker's metered read waiting (seen in the HTTP benchmark after a 20,000-story load)."""

from __future__ import annotations

import pytest
from django.db import connection

from masthead.discovery.models import RelatedTerms
from masthead.discovery.related import storage

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_scores_with_no_transaction_open(make_story, monkeypatch):
    stories = [make_story() for _ in range(4)]
    seen: list[bool] = []
    real = storage.score_all

    def watched(*args, **kwargs):
        seen.append(connection.in_atomic_block)
        return real(*args, **kwargs)

    monkeypatch.setattr(storage, "score_all", watched)
    storage.refresh_related(stories[0].pk)
    assert seen == [False]
    assert RelatedTerms.objects.filter(article=stories[0]).exists()  # stored after it
