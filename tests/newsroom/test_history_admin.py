"""The story's history pages in the back office (revisions, compare, restore, its log) and
the paper-wide audit log of workflow steps."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.contrib.auth.models import Group, Permission
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from masthead.newsroom import actions, locks
from masthead.newsroom.actions import Actor, Relations
from masthead.newsroom.models import Article, StatusChange
from masthead.newsroom.revisions import history
from tests.factories import AuthorFactory, SectionFactory, StaffSourceFactory, TagFactory

pytestmark = pytest.mark.django_db
Status = Article.Status
# 18:30 UTC is 10:30 in the paper's time zone (America/Los_Angeles, winter time).
WRITTEN_AT = dt.datetime(2026, 3, 2, 18, 30, tzinfo=dt.UTC)


def member(django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(
        username=name, email=f"{name}@example.org", password="pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    return member(django_user_model, "erin", "Editor")


@pytest.fixture
def reporter(django_user_model):
    return member(django_user_model, "rita", "Reporter")


def write(user, headline: str = "Ferry fares rise in spring") -> Article:
    """A staff draft by `user`, through the create action, with a byline and a tag."""
    return actions.CreateArticleAction(
        article=Article(
            headline=headline,
            body="<p>The ferry will run every hour.</p><p>Fares stay the same.</p>",
            source=StaffSourceFactory(),
            is_local=True,
            section=SectionFactory(name="Local", slug="local"),
        ),
        actor=Actor.editor(user),
        relations=Relations(
            authors=[AuthorFactory(name="Rita Reyes", slug="rita-reyes")],
            tags=[TagFactory(name="Ferries", slug="ferries")],
        ),
    ).execute()


def edit(article: Article, user, relations: Relations | None = None, **fields) -> Article:
    story = Article.objects.select_related("source").get(pk=article.pk)
    for name, value in fields.items():
        setattr(story, name, value)
    return actions.EditArticleAction(
        article=story, changed=list(fields), actor=Actor.editor(user), relations=relations
    ).execute()


@pytest.fixture
def story(editor) -> Article:
    """Three versions: written, edited (headline, body, tags), published; by the editor."""
    with time_machine.travel(WRITTEN_AT, tick=False):
        article = write(editor)
    with time_machine.travel(WRITTEN_AT + dt.timedelta(hours=1), tick=False):
        edit(
            article,
            editor,
            Relations(tags=[TagFactory(name="Harbour", slug="harbour")]),
            headline="Ferry fares fall in spring",
            body="<p>The ferry will run every hour.</p><p>Fares go down.</p>",
        )
    with time_machine.travel(WRITTEN_AT + dt.timedelta(hours=2), tick=False):
        actions.PublishArticleAction(article=article, actor=Actor.editor(editor)).execute()
    return Article.objects.get(pk=article.pk)


def url(name: str, article: Article, *args) -> str:
    return reverse(f"admin:newsroom_article_{name}", args=[article.pk, *args])


def said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def test_it_lists_the_versions_newest_first_with_who_when_and_why(client, editor, story):
    client.force_login(editor)

    response = client.get(url("revisions", story))

    assert response.status_code == 200
    rows = [(v["number"], v["actor"], v["reason"]) for v in response.context["versions"]]
    assert rows == [(3, "erin", "publish"), (2, "erin", "editor edit"), (1, "erin", "created")]
    page = response.content.decode()
    assert "2 Mar 2026, 10:30:00" in page  # the paper's time, not UTC
    assert "America/Los_Angeles" in page
    assert page.count("Restore this version") == 2  # not on the current version
    assert 'name="a" value="2" aria-label="Compare from version 2" checked' in page
    assert "Home</a>" in page and "Newsroom</a>" in page and "Articles</a>" in page
    assert "&rsaquo; Revisions" in page


def test_it_compares_two_versions_field_by_field(client, editor, story):
    client.force_login(editor)

    response = client.get(url("revision_diff", story), {"a": "1", "b": "3"})

    assert response.status_code == 200
    page = response.content.decode()
    assert "<del>rise</del><ins>fall</ins>" in page
    assert "every hour.\nFares <del>stay the same</del><ins>go down</ins>." in page
    assert "<del>ferries</del><ins>harbour</ins>" in page
    assert "Dateline: <span" in page and "unchanged" in page  # collapsed
    assert "Status (a restore leaves it as it is)" in page
    assert "Restore version 1" in page


def test_it_compares_two_versions_chosen_in_either_order(client, editor, story):
    client.force_login(editor)

    response = client.get(url("revision_diff", story), {"a": "3", "b": "2"})

    assert (response.context["old"]["number"], response.context["new"]["number"]) == (2, 3)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"a": "1"},
        {"a": "one", "b": "2"},
        {"a": "0", "b": "2"},
        {"a": "1", "b": "99"},
        {"a": "-1", "b": "2"},
        {"a": "1e3", "b": "2"},
        {"a": "9" * 400, "b": "2"},
        {"a": "\x00", "b": "2"},
    ],
)
def test_it_answers_bad_compare_parameters_with_a_message(client, editor, story, params):
    client.force_login(editor)

    response = client.get(url("revision_diff", story), params)

    assert response.status_code == 302 and response["Location"] == url("revisions", story)
    assert said(response)


@pytest.mark.parametrize("page", ["revisions", "revision_diff", "log"])
def test_it_answers_404_for_a_story_that_is_not_there(client, editor, page):
    client.force_login(editor)

    response = client.get(reverse(f"admin:newsroom_article_{page}", args=["no-such-id"]))

    assert response.status_code == 404


def test_it_sends_a_visitor_who_is_not_staff_to_sign_in(client, django_user_model, story):
    reader = django_user_model.objects.create_user(username="reader", password="pw")
    client.force_login(reader)

    response = client.get(url("revision_diff", story), {"a": "1", "b": "2"})

    assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    client.logout()
    assert client.get(url("revisions", story)).status_code == 302


def test_it_refuses_staff_who_may_not_see_the_story(client, django_user_model, story):
    intern = django_user_model.objects.create_user(username="intern", password="pw", is_staff=True)
    client.force_login(intern)

    for page in ("revisions", "log"):
        assert client.get(url(page, story)).status_code == 403


def test_it_restores_version_1_and_keeps_the_version_it_replaced(client, editor, story):
    client.force_login(editor)

    response = client.post(url("revision_restore", story, 1))

    assert response.status_code == 302 and response["Location"] == url("change", story)
    assert said(response) == ["Restored version 1; the version it replaced is kept as version 3."]
    story.refresh_from_db()
    assert story.headline == "Ferry fares rise in spring"
    assert "Fares stay the same." in story.body
    assert [t.slug for t in story.tags.all()] == ["ferries"]
    assert story.status == Status.PUBLISHED  # a restore leaves the status alone
    versions = history(story)
    assert [v.reason for v in versions][-1] == "restored version 1"
    assert versions[2].data["headline"] == "Ferry fares fall in spring"


def test_it_undoes_a_restore_by_restoring_the_version_it_replaced(client, editor, story):
    client.force_login(editor)
    client.post(url("revision_restore", story, 1))

    client.post(url("revision_restore", story, 3))

    story.refresh_from_db()
    assert story.headline == "Ferry fares fall in spring"
    assert [t.slug for t in story.tags.all()] == ["harbour"]
    assert len(history(story)) == 5


def test_it_refuses_a_reporter_restoring_an_editors_published_story(client, reporter, story):
    client.force_login(reporter)
    revisions_page = client.get(url("revisions", story))

    response = client.post(url("revision_restore", story, 1))

    assert revisions_page.status_code == 200  # they may read it
    assert "Restore this version" not in revisions_page.content.decode()
    assert response.status_code == 302 and response["Location"] == url("revisions", story)
    [message] = said(response)
    assert message.startswith("Version 1 was not restored: rita may not change a story")
    story.refresh_from_db()
    assert story.headline == "Ferry fares fall in spring"
    assert len(history(story)) == 3


def test_it_lets_a_reporter_restore_their_own_draft(client, reporter):
    draft = write(reporter)
    edit(draft, reporter, headline="A worse headline")
    client.force_login(reporter)
    assert "Restore this version" in client.get(url("revisions", draft)).content.decode()

    response = client.post(url("revision_restore", draft, 1))

    assert response["Location"] == url("change", draft)
    draft.refresh_from_db()
    assert draft.headline == "Ferry fares rise in spring"


def test_it_restores_only_on_a_post(client, editor, story):
    client.force_login(editor)

    assert client.get(url("revision_restore", story, 1)).status_code == 405
    story.refresh_from_db()
    assert story.headline == "Ferry fares fall in spring"


def test_it_answers_404_for_a_version_the_story_does_not_have(client, editor, story):
    client.force_login(editor)

    assert client.post(url("revision_restore", story, 99)).status_code == 404
    assert client.post(url("revision_restore", story, 0)).status_code == 404


def test_it_does_not_restore_the_current_version(client, editor, story):
    client.force_login(editor)

    response = client.post(url("revision_restore", story, 3))

    assert response["Location"] == url("revisions", story) and said(response)
    assert len(history(story)) == 3


def test_it_needs_the_csrf_token_to_restore(editor, story):
    client = Client(enforce_csrf_checks=True)
    client.force_login(editor)

    assert client.post(url("revision_restore", story, 1)).status_code == 403
    story.refresh_from_db()
    assert story.headline == "Ferry fares fall in spring"


def test_it_shows_the_storys_workflow_log_with_who_and_when(client, reporter, editor, story):
    client.force_login(reporter)

    response = client.get(url("log", story))

    assert response.status_code == 200
    page = response.content.decode()
    assert "(new) → Draft" in page and "Draft → Published" in page
    assert page.count("erin") >= 2
    assert "2 Mar 2026, 12:30:00" in page  # published at 20:30 UTC


def test_it_lists_every_storys_steps_across_the_paper(client, editor, story):
    other = write(editor, headline="Lighthouse keeper retires")
    actions.SubmitForReviewAction(
        article=other, actor=Actor.editor(editor), note="ready to go"
    ).execute()
    client.force_login(editor)

    response = client.get(reverse("admin:newsroom_statuschange_changelist"))

    assert response.status_code == 200
    page = response.content.decode()
    assert f'<a href="{url("change", story)}">Ferry fares fall in spring</a>' in page
    assert "Lighthouse keeper retires" in page and "ready to go" in page
    assert "In review" in page and "(new)" in page and "erin" in page
    assert 'name="_selected_action"' not in page  # no bulk delete


def test_it_filters_and_searches_the_paper_wide_log(client, editor, story):
    write(editor, headline="Lighthouse keeper retires")
    client.force_login(editor)
    changelist = reverse("admin:newsroom_statuschange_changelist")

    published = client.get(changelist, {"to_status__exact": "published"})
    searched = client.get(changelist, {"q": "lighthouse"})
    dated = client.get(changelist, {"at__year": "2026", "at__month": "3"})
    hostile = client.get(changelist, {"q": "\x00", "at__year": "9999"})

    assert [c.article_id for c in published.context["cl"].result_list] == [story.pk]
    assert {c.article.headline for c in searched.context["cl"].result_list} == {
        "Lighthouse keeper retires"
    }
    assert dated.status_code == 200 and len(dated.context["cl"].result_list) == 2
    assert hostile.status_code in (200, 302)


def test_it_lets_nobody_add_change_or_delete_a_status_change(client, django_user_model, story):
    boss = django_user_model.objects.create_superuser(username="boss", password="pw")
    change = StatusChange.objects.get(article=story, from_status="")
    client.force_login(boss)

    shown = client.get(reverse("admin:newsroom_statuschange_change", args=[change.pk]))
    add = client.get(reverse("admin:newsroom_statuschange_add"))
    edit_post = client.post(
        reverse("admin:newsroom_statuschange_change", args=[change.pk]),
        {"note": "rewritten", "to_status": "killed"},
    )
    delete = client.post(
        reverse("admin:newsroom_statuschange_delete", args=[change.pk]), {"post": "yes"}
    )
    bulk = client.post(
        reverse("admin:newsroom_statuschange_changelist"),
        {"action": "delete_selected", "_selected_action": [change.pk], "post": "yes"},
    )

    assert shown.status_code == 200 and 'name="note"' not in shown.content.decode()
    assert add.status_code == 403 and edit_post.status_code == 403
    assert delete.status_code == 403
    assert bulk.status_code in (200, 302)
    change.refresh_from_db()
    assert (change.to_status, change.note) == (Status.DRAFT, "created")
    assert StatusChange.objects.filter(article=story).count() == 2


def test_it_keeps_the_paper_wide_log_from_reporters(client, reporter):
    client.force_login(reporter)

    assert client.get(reverse("admin:newsroom_statuschange_changelist")).status_code == 403


def test_it_lets_the_editor_group_read_the_paper_wide_log(editor):
    assert editor.has_perm("newsroom.view_statuschange")
    assert not Permission.objects.filter(
        group__name="Editor", codename__in=["change_statuschange", "delete_statuschange"]
    ).exists()


def test_it_warns_that_another_editor_has_the_story_open(client, editor, reporter, story):
    locks.acquire(story, reporter)
    client.force_login(editor)

    page = client.get(url("revisions", story)).content.decode()

    assert "rita has this story open in the editor" in page
