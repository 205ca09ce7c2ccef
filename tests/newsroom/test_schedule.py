"""The newsroom's clock: a story scheduled from the command line goes live (and comes down) at
its time with nobody present, by `masthead story due` or the worker's loop
(`masthead wire poll --watch`), and a failing clock never stops the worker."""

from __future__ import annotations

import datetime as dt
import logging
from io import StringIO

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.management import call_command

from masthead.newsroom import schedule
from masthead.newsroom.models import Article, StatusChange
from masthead.wire.management.commands import wire
from tests.factories import AuthorFactory, SectionFactory, StaffSourceFactory

pytestmark = pytest.mark.django_db
Status = Article.Status

START = dt.datetime(2031, 12, 1, 12, 0, tzinfo=dt.UTC)
AT = START + dt.timedelta(hours=3)  # the scheduled time


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="erin", email="erin@example.org", password="pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def story(*args: str) -> str:
    out = StringIO()
    call_command("story", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


@pytest.fixture
def scheduled(editor) -> Article:
    """A staff story an editor scheduled from the command line for AT."""
    with time_machine.travel(START, tick=False):
        article = Article.objects.create(
            headline="Harbour bridge reopens",
            slug="harbour-bridge-reopens",
            body="<p>The bridge reopens at nine.</p>",
            source=StaffSourceFactory(),
            is_local=True,
            section=SectionFactory(name="Local", slug="local"),
        )
        article.authorships.create(author=AuthorFactory(name="Rita Reyes"), position=0)
        story("schedule", article.slug, "--at", AT.isoformat(), "--as", editor.email)
    article.refresh_from_db()
    assert article.status == Status.SCHEDULED and article.published_at == AT
    return article


def last_change(article: Article) -> tuple[str, str, str]:
    change = StatusChange.objects.filter(article=article).order_by("-at", "-id").first()
    assert change is not None
    return (change.from_status, change.to_status, change.actor)


def visible(article: Article) -> bool:
    return Article.objects.published().filter(pk=article.pk).exists()


def test_it_publishes_a_scheduled_story_once_its_time_has_come(scheduled):
    with time_machine.travel(AT - dt.timedelta(minutes=1), tick=False):
        assert story("due") == ""
        assert not visible(scheduled)
        assert Article.objects.get(pk=scheduled.pk).status == Status.SCHEDULED
    with time_machine.travel(AT + dt.timedelta(seconds=15), tick=False):
        assert story("due") == "published harbour-bridge-reopens\n"
        assert visible(scheduled)
        assert story("due") == ""  # once: the second run finds nothing due
    scheduled.refresh_from_db()
    assert scheduled.status == Status.PUBLISHED and scheduled.published_at == AT
    assert last_change(scheduled) == ("scheduled", "published", "scheduler")
    assert StatusChange.objects.filter(article=scheduled, to_status="published").count() == 1


def test_it_takes_a_story_down_at_its_time(scheduled, editor):
    down = AT + dt.timedelta(days=2)
    with time_machine.travel(AT + dt.timedelta(minutes=1), tick=False):
        story("due")
        story("unpublish", scheduled.slug, "--at", down.isoformat(), "--as", editor.email)
    with time_machine.travel(down - dt.timedelta(seconds=1), tick=False):
        assert story("due") == ""
        assert visible(scheduled)
    with time_machine.travel(down + dt.timedelta(seconds=1), tick=False):
        assert story("due") == "unpublished harbour-bridge-reopens\n"
        assert not visible(scheduled)
    scheduled.refresh_from_db()
    assert scheduled.status == Status.UNPUBLISHED and scheduled.unpublish_at is None
    assert last_change(scheduled) == ("published", "unpublished", "scheduler")


def test_it_runs_the_clock_on_every_pass_of_the_worker(scheduled):
    command = wire.Command(stdout=StringIO(), stderr=StringIO())
    with time_machine.travel(AT - dt.timedelta(minutes=1), tick=False):
        command.tick()
        assert not visible(scheduled)
    with time_machine.travel(AT + dt.timedelta(seconds=5), tick=False):
        summary = command.tick()
        assert visible(scheduled)
    assert summary.errors == 0  # the feeds were polled too (there are none)
    out = command.stdout.getvalue()
    assert out.count("scheduler: published harbour-bridge-reopens") == 1
    assert last_change(scheduled) == ("scheduled", "published", "scheduler")


class Stop(Exception):
    """Ends the test's worker loop in place of its supervisor's signal."""


def test_it_keeps_the_worker_polling_when_the_clock_fails(monkeypatch, caplog):
    passes: list[str] = []

    def poll_once(self: wire.Command, only: str | None) -> wire.IngestSummary:
        passes.append("poll")
        return wire.IngestSummary()

    def broken() -> None:
        passes.append("clock")
        raise RuntimeError("database went away")

    def sleep(seconds: float) -> None:
        if len(passes) >= 4:
            raise Stop

    monkeypatch.setattr(wire.Command, "poll_once", poll_once)
    monkeypatch.setattr(wire, "run_due", broken)
    monkeypatch.setattr(wire.time, "sleep", sleep)
    with caplog.at_level(logging.ERROR, logger=wire.__name__), pytest.raises(Stop):
        call_command("wire", "poll", "--watch", stdout=StringIO(), stderr=StringIO())
    assert passes == ["poll", "clock", "poll", "clock"]
    failures = [r for r in caplog.records if r.name == wire.__name__]
    assert len(failures) == 2 and "clock failed" in failures[0].getMessage()
    assert failures[0].exc_info is not None


def test_it_publishes_once_when_two_clocks_find_the_same_story(scheduled, monkeypatch):
    """Two workers list the same due story; the second to reach it finds it published (each
    step locks the row and re-checks its status) and skips it."""
    real = schedule.PublishArticleAction.execute
    other: list[schedule.Due] = []
    raced = False

    def racing(self: schedule.PublishArticleAction) -> Article:
        nonlocal raced
        if not raced:  # the other worker's clock gets there between our list and our step
            raced = True
            other.append(schedule.run_due())
        return real(self)

    monkeypatch.setattr(schedule.PublishArticleAction, "execute", racing)
    with time_machine.travel(AT + dt.timedelta(seconds=1), tick=False):
        ours = schedule.run_due()
    assert other[0].published == [scheduled.slug] and ours.published == []
    assert StatusChange.objects.filter(article=scheduled, to_status="published").count() == 1
