"""`newsroom.0005_corrections`: a story's single correction note becomes a Correction.

As for the tag repair: each test migrates back to the migration before, makes stories with the
models of that state, and migrates forward, as a deploy would.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("newsroom", "0004_repair_tag_names")]
AFTER = [("newsroom", "0005_corrections")]
CORRECTED = dt.datetime(2026, 11, 28, 13, tzinfo=dt.UTC)
PUBLISHED = dt.datetime(2026, 11, 28, 9, tzinfo=dt.UTC)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def old_apps() -> Iterator[Any]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    # The tests after this one expect the latest schema, whether or not this one passed.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate(targets: list[tuple[str, str]]) -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def make_story(apps: Any, slug: str, **fields: Any) -> int:
    Source = apps.get_model("newsroom", "Source")
    source, _ = Source.objects.get_or_create(slug="reuters", defaults={"name": "Reuters"})
    Article = apps.get_model("newsroom", "Article")
    article = Article.objects.create(
        headline=slug, slug=slug, source=source, published_at=PUBLISHED, **fields
    )
    return article.pk


def test_it_moves_each_note_into_a_correction_dated_by_corrected_at(old_apps):
    dated = make_story(
        old_apps, "dated", correction_note=" The vote was 5-2. ", corrected_at=CORRECTED
    )
    undated = make_story(old_apps, "undated", correction_note="A name was misspelt.")
    plain = make_story(old_apps, "plain")

    apps = migrate(AFTER)

    Correction = apps.get_model("newsroom", "Correction")
    rows = Correction.objects.order_by("article_id").values_list(
        "article_id", "note", "published_at", "user", "actor"
    )
    assert list(rows) == [
        (dated, "The vote was 5-2.", CORRECTED, None, ""),
        # No time was kept: the story's publication, which its last_modified already counts.
        (undated, "A name was misspelt.", PUBLISHED, None, ""),
    ]
    Article = apps.get_model("newsroom", "Article")
    times = dict(Article.objects.values_list("pk", "corrected_at"))
    assert times == {dated: CORRECTED, undated: PUBLISHED, plain: None}
    assert "correction_note" not in {f.name for f in Article._meta.get_fields()}


def test_backwards_the_latest_note_returns_to_the_story(old_apps):
    story = make_story(old_apps, "dated", correction_note="First.", corrected_at=CORRECTED)
    apps = migrate(AFTER)
    apps.get_model("newsroom", "Correction").objects.create(
        article_id=story, note="Second.", published_at=CORRECTED + dt.timedelta(hours=1)
    )

    apps = migrate(BEFORE)

    article = apps.get_model("newsroom", "Article").objects.get(pk=story)
    assert article.correction_note == "Second."
