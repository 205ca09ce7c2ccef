from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command

from masthead.newsletters.models import Edition, Subscription
from tests.newsletters.builders import staff_story

pytestmark = pytest.mark.django_db


def run(*args: str) -> str:
    out = StringIO()
    call_command("newsletter", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def test_it_lists_the_newsletters():
    out = run("list")

    assert "daily" in out and "The Morning Briefing" in out and "6:30 am" in out
    assert "breaking" in out


def test_it_imports_subscribers_with_their_consent_source(tmp_path):
    addresses = tmp_path / "list.txt"
    addresses.write_text("one@example.com\n# a comment\nnot an address\nTWO@example.com\n")

    out = run(
        "subscribe",
        "three@example.com",
        "--list",
        "daily",
        "--consent-source",
        "print coupon",
        "--file",
        str(addresses),
    )

    assert "3 subscribed to daily" in out and "1 refused" in out
    assert set(Subscription.objects.active().values_list("email", flat=True)) == {
        "one@example.com",
        "two@example.com",
        "three@example.com",
    }
    assert set(Subscription.objects.values_list("consent_source", flat=True)) == {"print coupon"}


def test_it_does_not_resubscribe_who_unsubscribed():
    run("subscribe", "gone@example.com", "--list", "daily", "--consent-source", "x")
    Subscription.objects.update(unsubscribed_at="2026-01-01T00:00Z")

    out = run("subscribe", "gone@example.com", "--list", "daily", "--consent-source", "x")

    assert "1 left unsubscribed" in out
    assert not Subscription.objects.active().exists()


def test_it_dry_runs_a_send():
    staff_story()
    run("subscribe", "a@example.com", "--list", "daily", "--consent-source", "x")

    out = run("send", "daily", "--dry-run")

    assert "1 copies rendered; nothing sent" in out
    assert not Edition.objects.exists()


def test_it_sends_with_the_default_mail_settings_to_files(settings, tmp_path):
    settings.EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    settings.EMAIL_FILE_PATH = tmp_path / "mail"
    staff_story(headline="File mail story")
    run("subscribe", "a@example.com", "b@example.com", "--list", "daily", "--consent-source", "x")

    out = run("send", "daily")

    assert "2 sent in this run" in out
    written = "".join(p.read_text() for p in (tmp_path / "mail").iterdir())
    assert written.count("List-Unsubscribe-Post: List-Unsubscribe=One-Click") == 2
    assert Edition.objects.get().state == Edition.State.SENT


def test_it_says_which_lists_exist():
    with pytest.raises(CommandError, match="daily"):
        run("send", "weekly")


def test_it_runs_the_schedule_once_per_slot(django_capture_on_commit_callbacks):
    morning = dt.datetime(2026, 12, 4, 6, 31, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    staff_story(published_at=morning - dt.timedelta(hours=2))
    run("subscribe", "a@example.com", "--list", "daily", "--consent-source", "x")
    with time_machine.travel(morning, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run("due")
            run("due")

    edition = Edition.objects.get()
    assert edition.automatic and edition.state == Edition.State.SENT
    assert edition.scheduled_for == dt.datetime(2026, 12, 4, 14, 30, tzinfo=dt.UTC)


def test_it_sends_no_empty_digest(django_capture_on_commit_callbacks):
    run("subscribe", "a@example.com", "--list", "daily", "--consent-source", "x")
    morning = dt.datetime(2026, 12, 4, 6, 31, tzinfo=dt.timezone(dt.timedelta(hours=-8)))
    with time_machine.travel(morning, tick=False):
        with django_capture_on_commit_callbacks(execute=True):
            run("due")

    assert Edition.objects.get().state == Edition.State.CANCELLED
