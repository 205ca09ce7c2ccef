"""The back office: editors' edits go through the text pipeline and the newsroom's actions."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from masthead.newsroom.models import Article, ArticleRevision
from tests.factories import ArticleFactory, SectionFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="pw-for-tests-only"
    )


def form_data(article: Article, **changes) -> dict:
    # The admin shows and reads times in the paper's time zone.
    published = timezone.localtime(article.published_at)
    data = {
        "headline": article.headline,
        "slug": article.slug,
        "summary": article.summary,
        "body": article.body,
        "dateline": article.dateline,
        "byline": article.byline,
        "published_at_0": published.strftime("%Y-%m-%d"),
        "published_at_1": published.strftime("%H:%M:%S"),
        "updated_at_0": "",
        "updated_at_1": "",
        "embargo_until_0": "",
        "embargo_until_1": "",
        "unpublish_at_0": "",
        "unpublish_at_1": "",
        "access": article.access,
        "source": article.source_id,
        "section": article.section_id or "",
        "sections": [s.pk for s in article.sections.all()] if article.pk else [],
        "tags": [t.pk for t in article.tags.all()] if article.pk else [],
        "credit_line": "",
        "copyright_notice": "",
        "canonical_url": "",
        "image_url": "",
        "image_alt": "",
        "language": "",
        "authors": [a.author_id for a in article.authorships.all()] if article.pk else [],
        "opened_at": article.modified.isoformat() if article.pk else "",
        "corrections-TOTAL_FORMS": "0",
        "corrections-INITIAL_FORMS": "0",
        "corrections-MIN_NUM_FORMS": "0",
        "corrections-MAX_NUM_FORMS": "1000",
        "revisions-TOTAL_FORMS": "0",
        "revisions-INITIAL_FORMS": "0",
        "revisions-MIN_NUM_FORMS": "0",
        "revisions-MAX_NUM_FORMS": "1000",
    }
    data.update(changes)
    return data


def new_correction(note: str) -> dict:
    """The corrections inline's empty row, filled in: a new correction with the edit."""
    return {"corrections-TOTAL_FORMS": "1", "corrections-0-note": note}


@pytest.fixture
def wire_story():
    world = SectionFactory(name="World", slug="world")
    return ArticleFactory(
        source=SourceFactory(),
        sections=[world],
        tags=[TagFactory()],
        wire_guid="urn:wire:1",
        wire_version=1,
    )


def change_url(article: Article) -> str:
    return reverse("admin:newsroom_article_change", args=[article.pk])


def test_it_locks_fields_an_editor_changed_and_keeps_a_revision(client, editor, wire_story):
    client.force_login(editor)
    before = Article.objects.get(pk=wire_story.pk)
    response = client.post(
        change_url(wire_story),
        form_data(
            wire_story,
            headline="A sharper headline",
            body="<p>Edited <script>x()</script>body</p>",
        ),
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    wire_story.refresh_from_db()
    assert wire_story.published_at == before.published_at.replace(microsecond=0)
    assert wire_story.headline == "A sharper headline"
    assert "<script" not in wire_story.body and "Edited" in wire_story.body
    assert {"headline", "body"} <= set(wire_story.editor_locked_fields)
    revision = ArticleRevision.objects.get(article=wire_story, reason="editor edit")
    assert revision.snapshot["headline"].startswith("Council votes")


def kill_url(article: Article) -> str:
    return reverse("admin:newsroom_article_kill", args=[article.pk])


def test_it_kills_through_the_newsroom_action(client, editor, wire_story):
    client.force_login(editor)
    response = client.post(kill_url(wire_story), {"reason": "Legal: withdrawn by the agency"})
    assert response.status_code == 302
    wire_story.refresh_from_db()
    assert wire_story.status == Article.Status.KILLED and wire_story.killed_at is not None
    assert wire_story.kill_reason == "Legal: withdrawn by the agency"
    assert wire_story.revisions.filter(reason="kill").exists()
    assert client.get(wire_story.get_absolute_url()).status_code == 410
    listing = client.get(reverse("admin:newsroom_article_changelist") + "?status=killed")
    assert wire_story.headline in listing.content.decode()  # still there for editors


def test_it_asks_for_a_reason_before_killing_rather_than_failing(client, editor, wire_story):
    client.force_login(editor)
    response = client.post(kill_url(wire_story), {"reason": "  "})
    assert response.status_code == 200
    assert "Say why the story is withdrawn" in response.content.decode()
    wire_story.refresh_from_db()
    assert wire_story.status == Article.Status.PUBLISHED


def test_it_ignores_a_status_posted_with_the_edit_form(client, editor, wire_story):
    client.force_login(editor)
    data = form_data(wire_story, status=Article.Status.KILLED, kill_reason="Forged")
    assert client.post(change_url(wire_story), data).status_code == 302
    wire_story.refresh_from_db()
    assert wire_story.status == Article.Status.PUBLISHED and wire_story.kill_reason == ""


def test_it_shows_a_correction_with_its_time(client, editor, wire_story):
    client.force_login(editor)
    client.post(
        change_url(wire_story),
        form_data(wire_story, **new_correction("An earlier version gave the wrong date.")),
    )
    wire_story.refresh_from_db()
    correction = wire_story.corrections.get()
    assert wire_story.corrected_at == correction.published_at
    assert (correction.user, correction.actor) == (editor, "editor")
    client.logout()
    page = client.get(wire_story.get_absolute_url()).content.decode()
    assert "An earlier version gave the wrong date." in page
