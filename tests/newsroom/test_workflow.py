"""The workflow through the actions: who may take each step, and what each step records.

Roles are the groups migration 0008 creates; the rule lives in `actions.base.require`, so these
tests hold for the admin, the command line and tasks alike (their own tests check that they
pass the refusal on)."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone

from masthead.newsroom import actions, schedule
from masthead.newsroom.actions import ActionError, Actor, Relations
from masthead.newsroom.models import Article, StatusChange
from tests.factories import ArticleFactory, AuthorFactory, SectionFactory, StaffSourceFactory

pytestmark = pytest.mark.django_db
Status = Article.Status


def member(django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(
        username=name, email=f"{name}@example.org", password="pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(django_user_model):
    return member(django_user_model, "rita", "Reporter")


@pytest.fixture
def other_reporter(django_user_model):
    return member(django_user_model, "otto", "Reporter")


@pytest.fixture
def editor(django_user_model):
    return member(django_user_model, "erin", "Editor")


def draft_by(user, **fields) -> Article:
    """A staff draft written by `user` through the create action, with a byline."""
    article = Article(
        headline=fields.pop("headline", "Ferry timetable changes in spring"),
        body="<p>The ferry will run every hour.</p>",
        source=StaffSourceFactory(),
        is_local=True,
        section=SectionFactory(name="Local", slug="local"),
        **fields,
    )
    return actions.CreateArticleAction(
        article=article,
        actor=Actor.editor(user),
        relations=Relations(authors=[AuthorFactory(name="Rita Reyes", slug="rita-reyes")]),
    ).execute()


def log(article: Article) -> list[tuple[str, str, str]]:
    return [
        (c.from_status, c.to_status, c.actor)
        for c in StatusChange.objects.filter(article=article).order_by("at", "id")
    ]


def test_it_gives_the_roles_their_permissions(reporter, editor):
    assert reporter.has_perm("newsroom.add_article") and reporter.has_perm(
        "newsroom.change_article"
    )
    assert not reporter.has_perm("newsroom.publish_article")
    assert editor.has_perm("newsroom.publish_article")


def test_it_takes_a_story_from_draft_to_published_recording_each_step(reporter, editor):
    story = draft_by(reporter)
    assert story.created_by == reporter and story.status == Status.DRAFT
    assert list(story.sections.all()) == [story.section]  # the main section counts
    actions.SubmitForReviewAction(article=story, actor=Actor.editor(reporter)).execute()
    at = timezone.now() + dt.timedelta(hours=2)
    actions.PublishArticleAction(article=story, actor=Actor.editor(editor), at=at).execute()
    story.refresh_from_db()
    assert story.status == Status.SCHEDULED and story.published_at == at
    assert story.status_label == "Scheduled" and not Article.objects.published().exists()
    with time_machine.travel(at + dt.timedelta(seconds=20)):
        assert schedule.run_due().published == [story.slug]
        assert schedule.run_due().published == []  # once
        story.refresh_from_db()
        assert story.status == Status.PUBLISHED and story.is_visible()
    assert log(story) == [
        ("", "draft", "rita"),
        ("draft", "review", "rita"),
        ("review", "scheduled", "erin"),
        ("scheduled", "published", "scheduler"),
    ]


@pytest.mark.parametrize(
    "step",
    [
        lambda a, actor: actions.PublishArticleAction(article=a, actor=actor),
        lambda a, actor: actions.PublishArticleAction(
            article=a, actor=actor, at=timezone.now() + dt.timedelta(days=1)
        ),
        lambda a, actor: actions.KillArticleAction(article=a, reason="legal", actor=actor),
        lambda a, actor: actions.ApplyCorrectionAction(article=a, note="A name.", actor=actor),
        lambda a, actor: actions.EmbargoArticleAction(article=a, until=None, actor=actor),
    ],
    ids=["publish", "schedule", "kill", "correct", "embargo"],
)
def test_it_refuses_a_reporter_every_editors_step(reporter, step):
    story = draft_by(reporter)
    with pytest.raises(ActionError):
        step(story, Actor.editor(reporter)).execute()
    story.refresh_from_db()
    assert story.status == Status.DRAFT and log(story) == [("", "draft", "rita")]


def test_it_refuses_a_reporter_publishing_by_an_edit(reporter):
    story = draft_by(reporter)
    story.status = Status.PUBLISHED
    with pytest.raises(ActionError, match="may not"):
        actions.EditArticleAction(
            article=story, changed=["status"], actor=Actor.editor(reporter)
        ).execute()
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_it_refuses_a_reporter_creating_a_published_story(reporter):
    article = Article(headline="Straight out", source=StaffSourceFactory(), status="published")
    with pytest.raises(ActionError):
        actions.CreateArticleAction(article=article, actor=Actor.editor(reporter)).execute()
    assert not Article.objects.exists()


def test_it_lets_a_reporter_edit_only_their_own_unpublished_stories(
    reporter, other_reporter, editor
):
    story = draft_by(reporter)
    story.headline = "Ferry timetable: hourly from March"
    actions.EditArticleAction(
        article=story, changed=["headline"], actor=Actor.editor(reporter)
    ).execute()
    theirs = Article.objects.get(pk=story.pk)
    theirs.headline = "Someone else's headline"
    with pytest.raises(ActionError, match="own stories"):
        actions.EditArticleAction(
            article=theirs, changed=["headline"], actor=Actor.editor(other_reporter)
        ).execute()
    actions.PublishArticleAction(article=story, actor=Actor.editor(editor)).execute()
    live = Article.objects.get(pk=story.pk)
    live.headline = "A reporter's change after publication"
    with pytest.raises(ActionError, match="published"):
        actions.EditArticleAction(
            article=live, changed=["headline"], actor=Actor.editor(reporter)
        ).execute()
    assert Article.objects.get(pk=story.pk).headline == "Ferry timetable: hourly from March"


def test_it_counts_a_byline_as_ownership(django_user_model, other_reporter):
    author = AuthorFactory(name="Otto Olsen", slug="otto-olsen", user=other_reporter)
    story = ArticleFactory(status=Status.DRAFT, source=StaffSourceFactory(), authors=[author])
    story.summary = "Otto's own summary."
    actions.EditArticleAction(
        article=story, changed=["summary"], actor=Actor.editor(other_reporter)
    ).execute()
    assert Article.objects.get(pk=story.pk).summary == "Otto's own summary."


def test_it_requires_a_byline_before_staff_copy_goes_to_review_or_live(reporter, editor):
    article = Article(headline="No byline", source=StaffSourceFactory(), is_local=True)
    story = actions.CreateArticleAction(article=article, actor=Actor.editor(reporter)).execute()
    with pytest.raises(ActionError, match="byline"):
        actions.SubmitForReviewAction(article=story, actor=Actor.editor(reporter)).execute()
    with pytest.raises(ActionError, match="byline"):
        actions.PublishArticleAction(article=story, actor=Actor.editor(editor)).execute()
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_it_refuses_a_stale_save_and_names_who_saved_since(editor, django_user_model):
    second = member(django_user_model, "sam", "Editor")
    story = ArticleFactory()
    opened = Article.objects.get(pk=story.pk).modified
    mine, theirs = Article.objects.get(pk=story.pk), Article.objects.get(pk=story.pk)
    theirs.headline = "Sam's headline"
    actions.EditArticleAction(
        article=theirs, changed=["headline"], actor=Actor.editor(second), opened_at=opened
    ).execute()
    mine.headline = "Erin's headline"
    with pytest.raises(actions.StaleEdit, match="sam saved this story"):
        actions.EditArticleAction(
            article=mine, changed=["headline"], actor=Actor.editor(editor), opened_at=opened
        ).execute()
    assert Article.objects.get(pk=story.pk).headline == "Sam's headline"


def test_it_unpublishes_at_a_time_with_nobody_present(editor):
    story = ArticleFactory()
    at = timezone.now() + dt.timedelta(hours=6)
    actions.UnpublishArticleAction(article=story, actor=Actor.editor(editor), at=at).execute()
    story.refresh_from_db()
    assert story.is_visible() and story.unpublish_at == at
    with time_machine.travel(at - dt.timedelta(minutes=1)):
        assert schedule.run_due().unpublished == []
    with time_machine.travel(at + dt.timedelta(seconds=30)):
        assert schedule.run_due().unpublished == [story.slug]
    story.refresh_from_db()
    assert story.status == Status.UNPUBLISHED and not story.is_visible()
    assert log(story)[-1] == ("published", "unpublished", "scheduler")


def test_it_keeps_the_first_time_when_an_unpublished_story_goes_back(editor):
    story = ArticleFactory()
    first = story.published_at
    actions.UnpublishArticleAction(article=story, actor=Actor.editor(editor)).execute()
    actions.PublishArticleAction(article=story, actor=Actor.editor(editor)).execute()
    story.refresh_from_db()
    assert story.published_at == first and story.updated_at is not None and story.is_visible()


def test_it_leaves_a_story_the_editor_moved_back_to_draft_off_the_clock(editor):
    story = ArticleFactory(status=Status.DRAFT, published_at=None)
    at = timezone.now() + dt.timedelta(minutes=30)
    actions.PublishArticleAction(article=story, actor=Actor.editor(editor), at=at).execute()
    actions.ReturnToDraftAction(article=story, actor=Actor.editor(editor)).execute()
    with time_machine.travel(at + dt.timedelta(minutes=1)):
        assert schedule.run_due().published == []
    assert Article.objects.get(pk=story.pk).status == Status.DRAFT


def test_it_keeps_an_editors_status_through_a_wire_update(editor):
    from masthead.newsroom.actions import UpdateFromWireAction, WireContent

    story = ArticleFactory(wire_guid="urn:wire:7", wire_version=1)
    actions.UnpublishArticleAction(article=story, actor=Actor.editor(editor)).execute()
    story.refresh_from_db()
    UpdateFromWireAction(
        article=story,
        content=WireContent(fields={"headline": "Version two"}, wire_version=2),
        actor=Actor.wire(story.source),
    ).execute()
    story.refresh_from_db()
    assert story.status == Status.UNPUBLISHED and story.headline == "Version two"


def test_it_logs_a_kill_with_its_reason(editor):
    story = ArticleFactory()
    actions.KillArticleAction(
        article=story, reason="Legal advice", actor=Actor.editor(editor)
    ).execute()
    change = StatusChange.objects.get(article=story)
    assert (change.from_status, change.to_status, change.user, change.note) == (
        "published",
        "killed",
        editor,
        "Legal advice",
    )


def test_it_shows_editors_the_wire_but_not_the_meter_or_task_results(client, editor):
    client.force_login(editor)
    index = client.get("/admin/").content.decode()
    assert "/admin/wire/feed/" in index and "/admin/wire/ingestlog/" in index
    assert "/admin/accounts/" not in index  # readers, meter reads
    assert "django_tasks" not in index
    assert client.get("/admin/wire/feed/").status_code == 200
