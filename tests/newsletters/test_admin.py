from __future__ import annotations

import pytest
from django.core import mail

from masthead.newsletters import services
from masthead.newsletters.models import Edition
from tests.newsletters.builders import daily, readers, staff_story

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor_client(client, django_user_model):
    user = django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="pw-for-tests-only"
    )
    client.force_login(user)
    return client


def test_it_builds_an_edition_from_the_front(editor_client):
    story = staff_story(headline="Front lead")

    response = editor_client.post(
        "/admin/newsletters/edition/add/", {"newsletter": daily().pk, "subject": "", "intro": ""}
    )

    assert response.status_code == 302
    edition = Edition.objects.get()
    assert edition.content["lead"] == story.pk
    assert edition.subject.endswith(": Front lead")
    assert edition.state == Edition.State.DRAFT


def test_it_previews_the_email(editor_client):
    staff_story(headline="Preview lead", summary="What the preview shows.")
    edition = services.build_edition(daily())

    page = editor_client.get(f"/admin/newsletters/edition/{edition.pk}/change/")
    preview = editor_client.get(f"/admin/newsletters/edition/{edition.pk}/preview/")

    assert b"/preview/" in page.content and b"<iframe" in page.content
    assert preview.status_code == 200
    assert preview["X-Frame-Options"] == "SAMEORIGIN"
    assert b"Preview lead" in preview.content and b"What the preview shows." in preview.content


def test_it_sends_a_test_to_the_editor(editor_client):
    staff_story()
    readers(daily(), 3)
    edition = services.build_edition(daily())

    editor_client.post(f"/admin/newsletters/edition/{edition.pk}/send/", {"action": "test"})

    (message,) = mail.outbox
    assert message.to == ["editor@example.org"]
    assert message.subject.startswith("[Test] ")
    edition.refresh_from_db()
    assert edition.state == Edition.State.DRAFT


def test_it_sends_and_shows_progress(editor_client, django_capture_on_commit_callbacks):
    staff_story()
    readers(daily(), 4)
    edition = services.build_edition(daily())

    with django_capture_on_commit_callbacks(execute=True):
        response = editor_client.post(
            f"/admin/newsletters/edition/{edition.pk}/send/", {"action": "send"}
        )

    assert response["Location"].endswith(f"/{edition.pk}/progress/")
    assert len(mail.outbox) == 4
    page = editor_client.get(response["Location"]).content.decode()
    assert "<svg" in page and "Copies sent and failed per minute" in page
    assert '<td style="font-size:1.6em">4</td>' in page
    change = editor_client.get(f"/admin/newsletters/edition/{edition.pk}/change/")
    assert change.status_code == 200 and b"Resend the failed" not in change.content
    assert editor_client.get("/admin/newsletters/edition/").status_code == 200


def test_it_schedules_and_the_clock_starts_it(editor_client, django_capture_on_commit_callbacks):
    import datetime as dt

    import time_machine
    from django.utils import timezone

    staff_story()
    readers(daily(), 2)
    edition = services.build_edition(daily())
    when = timezone.localtime() + dt.timedelta(hours=2)

    editor_client.post(
        f"/admin/newsletters/edition/{edition.pk}/send/",
        {"action": "schedule", "when": when.strftime("%Y-%m-%d %H:%M")},
    )
    edition.refresh_from_db()
    assert edition.state == Edition.State.SCHEDULED
    services.run_due()
    assert not mail.outbox
    with time_machine.travel(when + dt.timedelta(minutes=1)):
        with django_capture_on_commit_callbacks(execute=True):
            services.run_due()

    assert len(mail.outbox) == 2


def test_it_refuses_a_reporter(client, django_user_model):
    from django.contrib.auth.models import Group

    reporter = django_user_model.objects.create_user(username="rep", password="x", is_staff=True)
    reporter.groups.add(Group.objects.get(name="Reporter"))
    edition = services.build_edition(daily())
    client.force_login(reporter)

    client.post(f"/admin/newsletters/edition/{edition.pk}/send/", {"action": "send"})

    edition.refresh_from_db()
    assert edition.state == Edition.State.DRAFT


def test_it_lets_the_editor_role_send(
    client, django_user_model, django_capture_on_commit_callbacks
):
    from django.contrib.auth.models import Group

    editor = django_user_model.objects.create_user(
        username="ed", email="ed@example.org", password="x", is_staff=True
    )
    editor.groups.add(Group.objects.get(name="Editor"))
    staff_story()
    readers(daily(), 1)
    edition = services.build_edition(daily())
    client.force_login(editor)

    assert client.get(f"/admin/newsletters/edition/{edition.pk}/change/").status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/admin/newsletters/edition/{edition.pk}/send/", {"action": "send"})

    edition.refresh_from_db()
    assert edition.state == Edition.State.SENT
