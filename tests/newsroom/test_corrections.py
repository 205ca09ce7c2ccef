"""Corrections: each one a dated row of its own, added by the action or an editor's save."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Permission

from masthead.newsroom.actions import ActionError, ApplyCorrectionAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, Correction
from masthead.newsroom.signals import article_changed
from tests.factories import ArticleFactory, SectionFactory, SourceFactory
from tests.newsroom.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 11, 28, 18, 0, tzinfo=dt.UTC)
SYSTEM = Actor.system("tests")


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="pw-for-tests-only"
    )


@pytest.fixture
def story():
    return ArticleFactory(published_at=NOW - dt.timedelta(days=1))


@pytest.fixture
def changes():
    seen: list[tuple[int, str]] = []

    def receiver(sender, article, change, **kwargs):
        seen.append((article.pk, change))

    article_changed.connect(receiver, dispatch_uid="test-corrections")
    yield seen
    article_changed.disconnect(dispatch_uid="test-corrections")


def correct(article: Article, note: str, actor: Actor = SYSTEM, **kwargs) -> Correction:
    return ApplyCorrectionAction(article=article, note=note, actor=actor, **kwargs).execute()


def test_each_correction_is_a_new_dated_row_oldest_first(
    story, editor, changes, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        with time_machine.travel(NOW - dt.timedelta(hours=2), tick=False):
            correct(story, "  The vote was 5-2, not 6-1.  ", Actor.editor(editor))
        with time_machine.travel(NOW, tick=False):
            correct(story, "The mayor's name is Ana Ruiz.")
    story.refresh_from_db()
    rows = [(c.note, c.published_at, c.user, c.actor) for c in story.corrections.all()]
    assert rows == [
        ("The vote was 5-2, not 6-1.", NOW - dt.timedelta(hours=2), editor, "editor"),
        ("The mayor's name is Ana Ruiz.", NOW, None, "tests"),
    ]
    assert story.corrected_at == NOW and story.last_modified == NOW
    assert [c.note for c in story.corrections_in_order][-1] == "The mayor's name is Ana Ruiz."
    assert list(story.revisions.values_list("reason", flat=True)) == ["correction"] * 2
    assert changes == [(story.pk, "corrected"), (story.pk, "corrected")]


def test_a_correction_dated_earlier_keeps_the_latest_time_and_none_is_in_the_future(story):
    stale = Article.objects.get(pk=story.pk)  # loaded before the first correction
    with time_machine.travel(NOW - dt.timedelta(minutes=5), tick=False):
        correct(story, "First.")
    with time_machine.travel(NOW, tick=False):
        future = correct(story, "A wire clock ahead.", at=NOW + dt.timedelta(hours=1))
        correct(stale, "Told earlier by the wire.", at=NOW - dt.timedelta(hours=3))
    story.refresh_from_db()
    assert future.published_at == NOW and story.corrected_at == NOW
    assert [c.note for c in story.corrections.all()] == [
        "Told earlier by the wire.",
        "First.",
        "A wire clock ahead.",
    ]


def test_a_story_reads_its_corrections_once_and_never_when_never_corrected(
    story, django_assert_num_queries
):
    with django_assert_num_queries(0):
        assert story.corrections_in_order == []
    correct(story, "A note.")
    story = Article.objects.get(pk=story.pk)
    with django_assert_num_queries(1):
        assert [c.note for c in story.corrections_in_order] == ["A note."]
        assert len(story.corrections_in_order) == 1
    correct(story, "Another note.")  # on the copy that read them: it reads them again
    assert [c.note for c in story.corrections_in_order] == ["A note.", "Another note."]


def test_it_refuses_an_empty_note_and_an_editor_without_the_permission(story, django_user_model):
    intern = django_user_model.objects.create_user("intern", "i@example.org", "pw-tests-only-1")
    intern.user_permissions.add(Permission.objects.get(codename="view_article"))
    with pytest.raises(ActionError, match="needs a note"):
        correct(story, "   ")
    with pytest.raises(ActionError, match="may not"):
        correct(story, "A note.", Actor.editor(intern))
    assert not Correction.objects.exists() and not story.revisions.exists()


def test_an_editor_adds_a_correction_beside_the_earlier_ones_in_the_admin(client, editor):
    story = ArticleFactory(source=SourceFactory(), sections=[SectionFactory()])
    with time_machine.travel(NOW - dt.timedelta(hours=1), tick=False):
        correct(story, "The first note.")
    client.force_login(editor)
    page = client.get(change_url(story)).content.decode()
    # The earlier one is shown, not editable; the empty row after it takes a new one.
    assert "The first note." in page and 'name="corrections-1-note"' in page
    assert 'name="corrections-0-note"' not in page
    corrections = {
        "corrections-TOTAL_FORMS": "2",
        "corrections-INITIAL_FORMS": "1",
        "corrections-0-id": story.corrections.get().pk,
        "corrections-0-article": story.pk,
        "corrections-0-note": "A hand-made attempt to rewrite the first.",
        "corrections-1-article": story.pk,
        "corrections-1-note": "A <b>second</b> note.",
    }
    response = client.post(change_url(story), form_data(story, **corrections))
    assert response.status_code == 302, response.content.decode()[:2000]
    story.refresh_from_db()
    notes = [(c.note, c.actor) for c in story.corrections.all()]
    assert notes == [("The first note.", "tests"), ("A second note.", "editor")]
    assert story.corrected_at == story.corrections.last().published_at > NOW
    assert story.revisions.first().reason == "correction"


def test_an_edit_without_a_correction_keeps_the_correction_time(client, editor):
    story = ArticleFactory(source=SourceFactory(), sections=[SectionFactory()])
    with time_machine.travel(NOW, tick=False):
        correct(story, "A note.")
    client.force_login(editor)
    client.post(change_url(story), form_data(story, headline="A new headline"))
    story.refresh_from_db()
    assert story.headline == "A new headline" and story.corrected_at == NOW
    assert story.corrections.count() == 1
    assert story.revisions.first().reason == "editor edit"
