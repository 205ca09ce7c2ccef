"""`newsroom.0004_repair_tag_names`: tags named before the text pipeline are merged or renamed.

Each test migrates back to the migration before it, makes damaged tags with the models of that
state, and migrates forward, as a deploy would.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

BEFORE = [("newsroom", "0003_revision_actor"), ("wire", "0004_push_feeds")]
AFTER = [("newsroom", "0004_repair_tag_names")]

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def old_apps() -> Iterator[Any]:
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE)
    yield executor.loader.project_state(BEFORE).apps
    # The tests after this one expect the latest schema, whether or not this one passed.
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())


def migrate_forward() -> Any:
    executor = MigrationExecutor(connection)
    executor.migrate(AFTER)
    return executor.loader.project_state(AFTER).apps


def make_articles(apps: Any, *tag_lists: list[Any]) -> list[int]:
    Source = apps.get_model("newsroom", "Source")
    Article = apps.get_model("newsroom", "Article")
    source = Source.objects.create(name="Reuters", slug="reuters")
    pks = []
    for n, tags in enumerate(tag_lists):
        article = Article.objects.create(headline=f"Story {n}", slug=f"story-{n}", source=source)
        article.tags.set(tags)
        pks.append(article.pk)
    return pks


def tag_slugs(apps: Any, article_pk: int) -> set[str]:
    Article = apps.get_model("newsroom", "Article")
    return set(Article.objects.get(pk=article_pk).tags.values_list("slug", flat=True))


def tags(apps: Any) -> list[tuple[str, str]]:
    return list(
        apps.get_model("newsroom", "Tag").objects.order_by("pk").values_list("name", "slug")
    )


def test_it_merges_a_damaged_tag_into_the_clean_tag_its_slug_finds(old_apps):
    Tag = old_apps.get_model("newsroom", "Tag")
    clean = Tag.objects.create(name="Café Society", slug="cafe-society")
    damaged = Tag.objects.create(name="CafÃ© Society", slug="cafa-society")
    only_damaged, both, only_clean = make_articles(old_apps, [damaged], [damaged, clean], [clean])
    feed = old_apps.get_model("wire", "Feed").objects.create(name="Wire", slug="wire")
    feed.default_tags.set([damaged])

    apps = migrate_forward()

    assert tags(apps) == [("Café Society", "cafe-society")]
    for pk in (only_damaged, both, only_clean):
        assert tag_slugs(apps, pk) == {"cafe-society"}
    through = apps.get_model("newsroom", "Article").tags.through
    assert through.objects.filter(article_id=both).count() == 1
    feed = apps.get_model("wire", "Feed").objects.get(pk=feed.pk)
    assert list(feed.default_tags.values_list("pk", flat=True)) == [clean.pk]


def test_it_merges_into_a_tag_whose_name_differs_only_in_case(old_apps):
    Tag = old_apps.get_model("newsroom", "Tag")
    clean = Tag.objects.create(name="Harbour News", slug="harbour-desk")
    damaged = Tag.objects.create(name="<b>harbour news</b>", slug="bharbour-newsb")
    (story,) = make_articles(old_apps, [damaged])

    apps = migrate_forward()

    assert tags(apps) == [("Harbour News", "harbour-desk")]
    assert tag_slugs(apps, story) == {"harbour-desk"}
    assert apps.get_model("newsroom", "Tag").objects.get().pk == clean.pk


def test_it_renames_a_damaged_tag_with_no_clean_twin_and_leaves_clean_tags_alone(old_apps):
    Tag = old_apps.get_model("newsroom", "Tag")
    port = Tag.objects.create(name="<b>Port</b>\n Alder", slug="bportb-alder")
    # Nothing in the cleaned name slugifies, so the old slug is the only one it can have.
    beijing = Tag.objects.create(name="<b>北京</b>", slug="bb")
    untouched = Tag.objects.create(name="Harbour & Port <2026>", slug="harbour-port-2026")
    (story,) = make_articles(old_apps, [port, beijing, untouched])

    apps = migrate_forward()

    assert tags(apps) == [
        ("Port Alder", "port-alder"),
        ("北京", "bb"),
        ("Harbour & Port <2026>", "harbour-port-2026"),
    ]
    assert tag_slugs(apps, story) == {"port-alder", "bb", "harbour-port-2026"}
    assert apps.get_model("newsroom", "Tag").objects.get(slug="port-alder").pk == port.pk


def test_damaged_tags_with_one_clean_name_become_one_tag(old_apps):
    Tag = old_apps.get_model("newsroom", "Tag")
    first = Tag.objects.create(name="CafÃ© Society", slug="cafa-society")
    second = Tag.objects.create(name="CAFÃ‰ SOCIETY", slug="cafa-society-2")
    one, other, both = make_articles(old_apps, [first], [second], [first, second])

    apps = migrate_forward()

    assert tags(apps) == [("Café Society", "cafe-society")]
    for pk in (one, other, both):
        assert tag_slugs(apps, pk) == {"cafe-society"}
    assert apps.get_model("newsroom", "Tag").objects.get().pk == first.pk


def test_it_drops_a_tag_with_nothing_left_after_cleaning(old_apps):
    Tag = old_apps.get_model("newsroom", "Tag")
    empty = Tag.objects.create(name="<script>x()</script>", slug="scriptxscript")
    kept = Tag.objects.create(name="Port Alder", slug="port-alder")
    story, lone = make_articles(old_apps, [empty, kept], [empty])
    feed = old_apps.get_model("wire", "Feed").objects.create(name="Wire", slug="wire")
    feed.default_tags.set([empty, kept])

    apps = migrate_forward()

    assert tags(apps) == [("Port Alder", "port-alder")]
    assert tag_slugs(apps, story) == {"port-alder"}
    assert tag_slugs(apps, lone) == set()
    feed = apps.get_model("wire", "Feed").objects.get(pk=feed.pk)
    assert list(feed.default_tags.values_list("slug", flat=True)) == ["port-alder"]
