from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from masthead.newsletters import services
from masthead.newsletters.models import BreakingAlert, Delivery, Edition
from tests.newsletters.builders import breaking, daily, readers, staff_story
from tests.newsletters.smtp import parts

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 12, 4, 15, 0, tzinfo=dt.UTC)


@pytest.fixture
def editor(django_user_model):
    return django_user_model.objects.create_superuser(
        username="editor", email="editor@example.org", password="pw-for-tests-only"
    )


def test_it_sends_a_breaking_alert_within_a_minute(
    smtp_server, editor, django_capture_on_commit_callbacks
):
    with time_machine.travel(NOW, tick=False):
        story = staff_story(headline="Bridge closed after landslide", published_at=NOW)
        on_list = readers(breaking(), 5)
        readers(daily(), 3, prefix="digest-only")

        with django_capture_on_commit_callbacks(execute=True):
            alert = services.send_breaking_alert(story, by=editor)

        deliveries = Delivery.objects.filter(edition=alert.edition)
        assert {d.state for d in deliveries} == {Delivery.State.SENT}
        assert all(d.sent_at - alert.created_at < dt.timedelta(minutes=1) for d in deliveries)
    assert sorted(smtp_server.recipients()) == sorted(s.email for s in on_list)
    message = smtp_server.messages()[0]
    assert message["Subject"] == "Breaking: Bridge closed after landslide"
    text, html = parts(message)
    assert "BREAKING NEWS" in text and "Bridge closed after landslide" in html
    assert Edition.objects.get(pk=alert.edition.pk).state == Edition.State.SENT


def test_it_sends_at_most_one_alert_per_story(editor, django_capture_on_commit_callbacks):
    story = staff_story()
    readers(breaking(), 2)
    with django_capture_on_commit_callbacks(execute=True):
        services.send_breaking_alert(story, by=editor)

    with pytest.raises(services.AlreadyAlerted):
        services.send_breaking_alert(story, by=editor)

    assert BreakingAlert.objects.count() == 1
    assert Edition.objects.count() == 1


def test_it_refuses_an_unpublished_story(editor):
    story = staff_story(published_at=timezone.now() + dt.timedelta(hours=2))

    with pytest.raises(ValueError, match="published"):
        services.send_breaking_alert(story, by=editor)


def test_it_lets_only_editors_send(django_user_model):
    reporter = django_user_model.objects.create_user(username="rep", password="x", is_staff=True)

    with pytest.raises(services.PermissionDenied):
        services.send_breaking_alert(staff_story(), by=reporter)


def test_it_sends_from_the_admin_page(
    client, editor, smtp_server, django_capture_on_commit_callbacks
):
    story = staff_story(headline="Admin alert story")
    readers(breaking(), 2)
    client.force_login(editor)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/admin/newsletters/breakingalert/add/", {"article": story.pk})

    assert response.status_code == 302
    assert "/progress/" in response["Location"]
    assert smtp_server.count == 2
    page = client.get("/admin/newsletters/breakingalert/add/").content.decode()
    assert f'<option value="{story.pk}"' not in page  # offered once only
