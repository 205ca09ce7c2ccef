"""One write path: every change to a story goes through an action that knows who acts, checks
it, and leaves one revision naming them (the admin, the wire and code alike)."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Permission
from django.urls import reverse

from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, ArticleRevision
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
)
from tests.newsroom.test_admin import change_url, form_data, new_correction

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="jane", email="jane@example.org", password="pw-for-tests-only"
    )


@pytest.fixture
def wire_story():
    return ArticleFactory(
        source=SourceFactory(name="Reuters"),
        sections=[SectionFactory(name="World", slug="world")],
        wire_guid="urn:wire:1",
        wire_version=1,
    )


def test_it_leaves_one_revision_naming_the_editor_for_an_admin_edit(client, editor, wire_story):
    client.force_login(editor)
    response = client.post(change_url(wire_story), form_data(wire_story, headline="Sharper"))
    assert response.status_code == 302
    revision = ArticleRevision.objects.get(article=wire_story)
    assert (revision.user, revision.actor, revision.reason) == (editor, "jane", "editor edit")


def test_it_answers_who_killed_a_story_and_when_with_one_revision(client, editor, wire_story):
    client.force_login(editor)
    client.post(reverse("admin:newsroom_article_kill", args=[wire_story.pk]), {"reason": "Legal"})
    wire_story.refresh_from_db()
    revision = ArticleRevision.objects.get(article=wire_story)  # one, not an edit plus a kill
    assert (revision.reason, revision.user, revision.snapshot["status"]) == (
        "kill",
        editor,
        "published",
    )
    assert wire_story.killed_at is not None and wire_story.kill_reason == "Legal"


def test_it_corrects_and_edits_in_one_save_with_one_revision(client, editor, wire_story):
    client.force_login(editor)
    client.post(
        change_url(wire_story),
        form_data(wire_story, headline="New head", **new_correction("A name was misspelt.")),
    )
    wire_story.refresh_from_db()
    assert wire_story.headline == "New head" and wire_story.corrected_at is not None
    assert [c.note for c in wire_story.corrections.all()] == ["A name was misspelt."]
    assert list(wire_story.revisions.values_list("reason", flat=True)) == ["correction"]


def test_it_names_the_wire_source_on_a_wire_update(wire_story):
    source = wire_story.source
    content = actions.WireContent(fields={"headline": "Updated by the wire"}, wire_version=2)
    actions.UpdateFromWireAction(
        article=wire_story, content=content, actor=Actor.wire(source)
    ).execute()
    revision = ArticleRevision.objects.get(article=wire_story)
    assert (revision.actor, revision.user) == ("wire: Reuters", None)


def test_it_refuses_a_wire_touching_another_sources_story(wire_story):
    other = SourceFactory(name="Other Agency")
    with pytest.raises(actions.ActionError, match="its own source"):
        actions.KillArticleAction(
            article=wire_story, reason="spoofed", actor=Actor.wire(other)
        ).execute()
    wire_story.refresh_from_db()
    assert wire_story.status == Article.Status.PUBLISHED
    assert not wire_story.revisions.exists()


def test_it_refuses_a_user_without_the_permission_in_code_and_in_the_admin(
    client, django_user_model, wire_story
):
    intern = django_user_model.objects.create_user(
        username="intern", email="intern@example.org", password="pw", is_staff=True
    )
    with pytest.raises(actions.ActionError, match="may not publish"):
        actions.KillArticleAction(
            article=wire_story, reason="oops", actor=Actor.editor(intern)
        ).execute()
    # May see stories in the back office, but not change them.
    intern.user_permissions.add(Permission.objects.get(codename="view_article"))
    client.force_login(intern)
    response = client.post(
        change_url(wire_story), form_data(wire_story, status=Article.Status.KILLED)
    )
    assert response.status_code == 403
    wire_story.refresh_from_db()
    assert wire_story.status == Article.Status.PUBLISHED


def test_it_writes_a_new_story_and_its_bylines_through_the_action(client, editor):
    client.force_login(editor)
    staff, author = StaffSourceFactory(), AuthorFactory(name="Ada Reporter")
    section = SectionFactory(name="Local", slug="local")
    data = form_data(
        ArticleFactory.build(source=staff),
        headline="Ferry returns",
        slug="ferry-returns",
        section=section.pk,
    )
    data = {k: v for k, v in data.items() if not k.startswith("authorships-")}
    data.update(
        {"published_at_0": "", "published_at_1": "", "authors": [author.pk], "_publish": "1"}
    )
    response = client.post(reverse("admin:newsroom_article_add"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    story = Article.objects.get(slug="ferry-returns")
    assert story.byline_names == ["Ada Reporter"]
    # The main section always counts as one of the story's sections.
    assert list(story.sections.all()) == [section]
    assert story.is_visible()


def test_it_republishes_identical_local_copy_without_a_revision():
    staff = StaffSourceFactory()

    def publish(body: str) -> Article:
        return actions.PublishLocalStoryAction(
            actor=Actor.system("demo loader"),
            source=staff,
            slug="harbour-festival",
            headline="Harbour festival opens",
            body_html=body,
            bylines=["Ada Reporter"],
        ).execute()

    story = publish("<p>Boats and music.</p>")
    publish("<p>Boats and music.</p>")
    assert not story.revisions.exists()
    publish("<p>Boats, music and rain.</p>")
    revision = story.revisions.get()
    assert (revision.actor, revision.snapshot["body"]) == ("demo loader", "<p>Boats and music.</p>")
