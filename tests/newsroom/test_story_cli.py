"""`masthead story ...`: the workflow from the command line, as the user named by `--as`.

The rule itself is tested on the actions (tests/newsroom/test_workflow.py); these check that
the command takes the same door: the same refusals, passed on as errors with a non-zero exit,
and the same record of who did what."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command

from masthead import cli
from masthead.newsroom.actions import Actor, EditArticleAction
from masthead.newsroom.models import Article, Source, StatusChange, Tag
from tests.factories import ArticleFactory, SectionFactory, SourceFactory, StaffSourceFactory

pytestmark = pytest.mark.django_db
Status = Article.Status


def member(django_user_model, name: str, group: str, **fields):
    user = django_user_model.objects.create_user(
        username=name,
        email=f"{name}@example.org",
        password="pw-for-tests-only",
        is_staff=True,
        **fields,
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def reporter(django_user_model):
    return member(django_user_model, "rita", "Reporter")


@pytest.fixture
def editor(django_user_model):
    return member(django_user_model, "erin", "Editor")


@pytest.fixture(autouse=True)
def newsroom():
    StaffSourceFactory()
    SectionFactory(name="Local", slug="local")
    SectionFactory(name="Business", slug="business")


def story(*args: str) -> str:
    """Runs `masthead story ARGS...` and returns what it printed."""
    out = StringIO()
    call_command("story", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def create_as(user, headline: str = "Ferry timetable changes in spring", *extra: str) -> Article:
    slug = story(
        "create",
        "--as",
        user.email,
        "--headline",
        headline,
        "--body",
        "<p>The ferry will run every hour.</p>",
        "--section",
        "local",
        "--author",
        "Rita Reyes",
        *extra,
    ).strip()
    return Article.objects.get(slug=slug)


def log(article: Article) -> list[tuple[str, str, str]]:
    return [
        (c.from_status, c.to_status, c.actor)
        for c in StatusChange.objects.filter(article=article).order_by("at", "id")
    ]


def test_it_lets_a_reporter_create_and_submit_a_story(reporter):
    article = create_as(
        reporter,
        "Caf\u00c3\u00a9 ferry timetable changes",
        "--summary",
        "Hourly <b>sailings</b>",
        "--also-in",
        "business",
        "--tag",
        "Ferries",
        "Port Alder",
        "--dateline",
        "PORT ALDER",
    )
    assert article.status == Status.DRAFT and article.is_local
    assert article.source.kind == "staff" and article.created_by == reporter
    assert article.headline == "Café ferry timetable changes"  # through clean_plain
    assert article.summary == "Hourly sailings"
    assert article.section.slug == "local"
    assert sorted(article.sections.values_list("slug", flat=True)) == ["business", "local"]
    assert sorted(article.tags.values_list("name", flat=True)) == ["Ferries", "Port Alder"]
    assert article.byline_names == ["Rita Reyes"]

    out = story("submit", article.slug, "--as", "RITA@Example.org")  # any case
    assert out == f"{article.slug}: in review\n"
    article.refresh_from_db()
    assert article.status == Status.REVIEW
    assert log(article) == [("", "draft", "rita"), ("draft", "review", "rita")]


def test_it_cleans_a_body_read_from_a_file(reporter, tmp_path):
    body = tmp_path / "body.html"
    body.write_text('<p onclick="x()">Caf\u00c3\u00a9 opens.</p><script>bad()</script>')
    slug = story(
        "create", "--as", reporter.email, "--headline", "Cafe opens", "--body-file", str(body)
    ).strip()
    article = Article.objects.get(slug=slug)
    assert "script" not in article.body and "onclick" not in article.body
    assert "Café opens." in article.body


@pytest.mark.parametrize(
    "args",
    [
        ["publish"],
        ["schedule", "--at", "2099-12-05 09:00"],
        ["unpublish"],
        ["unpublish", "--at", "2099-12-05 09:00"],
        ["kill", "--reason", "legal"],
    ],
    ids=["publish", "schedule", "unpublish", "unpublish-later", "kill"],
)
def test_it_refuses_a_reporter_an_editors_step(reporter, editor, args):
    article = create_as(reporter)
    story("submit", article.slug, "--as", reporter.email)
    if args[0] == "unpublish":
        story("publish", article.slug, "--as", editor.email)
    before = Article.objects.get(pk=article.pk)
    with pytest.raises(CommandError, match="rita") as refused:
        story(args[0], article.slug, *args[1:], "--as", reporter.email)
    assert refused.value.returncode == 1
    after = Article.objects.get(pk=article.pk)
    assert (after.status, after.published_at, after.unpublish_at, after.modified) == (
        before.status,
        before.published_at,
        before.unpublish_at,
        before.modified,
    )


def test_it_exits_non_zero_with_the_refusal_on_stderr(reporter, monkeypatch, capsys):
    article = create_as(reporter)
    # The real command line, in this process: its closing of connections would end the
    # test's transaction.
    monkeypatch.setattr("django.core.management.base.connections.close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        cli.main(["story", "publish", article.slug, "--as", reporter.email])
    assert exited.value.code == 1
    assert "rita may not publish, schedule" in capsys.readouterr().err
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT


def test_it_lets_an_editor_publish_and_kill(reporter, editor):
    article = create_as(reporter)
    assert story("publish", article.slug, "--as", editor.email) == f"{article.slug}: published\n"
    assert Article.objects.published().filter(pk=article.pk).exists()
    out = story("kill", article.slug, "--reason", "Legal <i>advice</i>", "--as", editor.email)
    assert out == f"{article.slug}: killed / withdrawn\n"
    article.refresh_from_db()
    assert article.status == Status.KILLED and article.kill_reason == "Legal advice"
    assert log(article)[-1] == ("published", "killed", "erin")


def test_it_refuses_a_kill_without_a_reason(editor):
    article = ArticleFactory(source=StaffSourceFactory(), is_local=True)
    with pytest.raises(CommandError, match="say why"):
        story("kill", article.slug, "--reason", " ", "--as", editor.email)
    with pytest.raises(CommandError, match="--reason"):
        story("kill", article.slug, "--as", editor.email)
    assert Article.objects.get(pk=article.pk).status == Status.PUBLISHED


def test_it_schedules_at_a_time_in_the_papers_time_zone(reporter, editor, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    with time_machine.travel("2031-12-01 12:00Z", tick=False):
        article = create_as(reporter)
        out = story("schedule", article.slug, "--at", "2031-12-05 09:00", "--as", editor.email)
    assert out == f"{article.slug}: scheduled for 2031-12-05 09:00 PST\n"
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED
    assert article.published_at == dt.datetime(2031, 12, 5, 17, 0, tzinfo=dt.UTC)
    assert log(article)[-1] == ("draft", "scheduled", "erin")


def test_it_takes_an_offset_when_one_is_given(reporter, editor):
    with time_machine.travel("2031-12-01 12:00Z", tick=False):
        article = create_as(reporter)
        story("schedule", article.slug, "--at", "2031-12-05T09:00+01:00", "--as", editor.email)
    article.refresh_from_db()
    assert article.published_at == dt.datetime(2031, 12, 5, 8, 0, tzinfo=dt.UTC)


@pytest.mark.parametrize("at", ["2031-11-30 09:00", "next tuesday"])
def test_it_refuses_a_past_or_unreadable_time(reporter, editor, at):
    with time_machine.travel("2031-12-01 12:00Z", tick=False):
        article = create_as(reporter)
        with pytest.raises(CommandError, match="has passed|not a time"):
            story("schedule", article.slug, "--at", at, "--as", editor.email)
        story("publish", article.slug, "--as", editor.email)
        with pytest.raises(CommandError, match="has passed|not a time"):
            story("unpublish", article.slug, "--at", at, "--as", editor.email)
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED and article.unpublish_at is None


def test_it_sets_a_take_down_time(editor, settings):
    settings.TIME_ZONE = "America/Los_Angeles"
    with time_machine.travel("2031-12-01 12:00Z", tick=False):
        article = ArticleFactory(source=StaffSourceFactory(), is_local=True)
        out = story("unpublish", article.slug, "--at", "2031-12-05 09:00Z", "--as", editor.email)
    assert out == f"{article.slug}: published, to come down at 2031-12-05 01:00 PST\n"
    article.refresh_from_db()
    assert article.status == Status.PUBLISHED
    assert article.unpublish_at == dt.datetime(2031, 12, 5, 9, 0, tzinfo=dt.UTC)


def test_it_unpublishes_now(editor):
    article = ArticleFactory(source=StaffSourceFactory(), is_local=True)
    assert (
        story("unpublish", article.slug, "--as", editor.email) == f"{article.slug}: unpublished\n"
    )
    assert not Article.objects.published().filter(pk=article.pk).exists()


def test_it_lists_versions_and_diffs_two(reporter, editor):
    article = create_as(reporter)
    article.headline = "Ferry timetable changes in April"
    article.body = "<p>The ferry will run every hour.</p><p>Fares stay the same.</p>"
    EditArticleAction(
        article=article, changed=["headline", "body"], actor=Actor.editor(reporter)
    ).execute()
    story("submit", article.slug, "--as", reporter.email)

    lines = story("revisions", article.slug, "--as", editor.email).splitlines()
    assert [line.split("\t")[0] for line in lines] == ["1", "2", "3"]
    assert [line.split("\t")[2:] for line in lines] == [
        ["rita", "created"],
        ["rita", "editor edit"],
        ["rita", "submitted for review (current)"],
    ]

    out = story("revisions", article.slug, "--diff", "1", "2", "--as", editor.email)
    assert out.splitlines() == [
        "--- Headline (version 1)",
        "+++ Headline (version 2)",
        "@@ -1 +1 @@",
        "-Ferry timetable changes in spring",
        "+Ferry timetable changes in April",
        "--- Body (version 1)",
        "+++ Body (version 2)",
        "@@ -1 +1,2 @@",
        " The ferry will run every hour.",
        "+Fares stay the same.",
    ]
    same = story("revisions", article.slug, "--diff", "2", "3", "--as", editor.email)
    assert same == "versions 2 and 3 read the same\n"
    with pytest.raises(CommandError, match="versions 1 to 3, not 9"):
        story("revisions", article.slug, "--diff", "1", "9", "--as", editor.email)


def test_it_prints_a_preview_link(reporter, client):
    article = create_as(reporter)
    out = story("preview", article.slug, "--hours", "2", "--as", reporter.email)
    paper = settings.PAPER_URL.rstrip("/")
    assert out.startswith(paper + "/preview/")
    assert len(out.splitlines()) == 1
    page = client.get(out.strip().removeprefix(paper))  # the draft, as readers will see it
    assert page.status_code == 200 and article.headline in page.content.decode()
    with pytest.raises(CommandError, match="more than 0"):
        story("preview", article.slug, "--hours", "0", "--as", reporter.email)


def test_it_refuses_a_preview_to_a_reporter_of_someone_elses_story(reporter, editor):
    article = create_as(editor)
    with pytest.raises(CommandError, match="only their own stories"):
        story("preview", article.slug, "--as", reporter.email)


@pytest.mark.parametrize("email", ["nobody@example.org", "gone@example.org"])
def test_it_refuses_an_unknown_or_inactive_user(django_user_model, email):
    member(django_user_model, "gone", "Editor", is_active=False)
    article = ArticleFactory(status=Status.DRAFT, published_at=None)
    with pytest.raises(CommandError, match=email):
        story("publish", article.slug, "--as", email)
    with pytest.raises(CommandError, match=email):
        story("create", "--as", email, "--headline", "Anything")
    assert Article.objects.get(pk=article.pk).status == Status.DRAFT
    assert Article.objects.count() == 1


def test_it_requires_the_acting_user(reporter):
    with pytest.raises(CommandError, match="--as"):
        story("create", "--headline", "Nobody's story")


def test_it_refuses_an_unknown_story_or_section(editor):
    with pytest.raises(CommandError, match="no story has the slug nope"):
        story("publish", "nope", "--as", editor.email)
    with pytest.raises(CommandError, match="no section has the slug sports"):
        story("create", "--as", editor.email, "--headline", "Score", "--section", "sports")


def test_it_needs_a_staff_source_unless_told_another(editor):
    Source.objects.filter(kind="staff").delete()
    with pytest.raises(CommandError, match="no staff source"):
        story("create", "--as", editor.email, "--headline", "Nowhere")
    wire = SourceFactory(name="Coast Wire")
    slug = story(
        "create", "--as", editor.email, "--headline", "From the wire", "--source", wire.slug
    ).strip()
    article = Article.objects.get(slug=slug)
    assert article.source == wire and not article.is_local


def test_it_leaves_no_tags_behind_when_the_create_is_refused(django_user_model):
    reader = django_user_model.objects.create_user(
        username="reader", email="reader@example.org", password="pw-for-tests-only"
    )
    with pytest.raises(CommandError, match="may not write stories"):
        story("create", "--as", reader.email, "--headline", "Mine", "--tag", "Brand new")
    assert not Tag.objects.exists()
