"""Preferences, the archive and an edition's web version."""

from __future__ import annotations

import pytest

from masthead.accounts.models import User
from masthead.newsletters import sending, services, tokens
from masthead.newsletters.models import Subscription
from tests.factories import SectionFactory
from tests.newsletters.builders import breaking, daily, readers, walled_wire_story

pytestmark = pytest.mark.django_db


def test_it_changes_preferences_by_the_emailed_link(client):
    sport = SectionFactory(name="Sport", slug="sport")
    (subscription,) = readers(daily(), 1)
    url = f"/newsletters/preferences/{tokens.preferences_token(subscription.email)}/"

    assert b"reader0@example.com" in client.get(url).content
    response = client.post(url, {"newsletters": [breaking().pk], "sections": [sport.pk]})

    assert response.status_code == 302
    subscription.refresh_from_db()
    assert not subscription.is_active
    assert Subscription.objects.get(newsletter=breaking()).is_active


def test_it_shows_a_signed_in_reader_their_own(client):
    user = User.objects.create_user(username="r", email="mine@example.com", password="x")
    services.subscribe(email="mine@example.com", newsletters=[daily()], source="t")
    client.force_login(user)

    page = client.get("/newsletters/preferences/").content.decode()

    assert "mine@example.com" in page
    assert f'value="{daily().pk}"' in page and "checked" in page


def test_it_sends_anonymous_readers_to_sign_in(client):
    response = client.get("/newsletters/preferences/")

    assert response.status_code == 302 and "/accounts/signin/" in response["Location"]


def test_it_refuses_a_forged_preferences_link(client):
    assert client.get("/newsletters/preferences/forged/").status_code == 404


def test_it_archives_sent_editions_with_teasers_only(client):
    story = walled_wire_story(headline="Archived wire story", body="<p>ARCHIVE-SECRET body</p>")
    readers(daily(), 1)
    edition = services.build_edition(daily())
    services.start_sending(edition, enqueue=False)
    sending.deliver(edition.pk)
    draft = services.build_edition(daily())

    archive = client.get("/newsletters/daily/archive/").content.decode()
    page = client.get(f"/newsletters/daily/{edition.pk}/").content.decode()

    assert edition.get_absolute_url() in archive
    assert draft.get_absolute_url() not in archive
    assert "Archived wire story" in page and story.get_absolute_url() in page
    assert "ARCHIVE-SECRET" not in page
    assert client.get(f"/newsletters/daily/{draft.pk}/").status_code == 404
    assert client.get("/newsletters/nope/archive/").status_code == 404


def test_it_shows_the_subscribe_page_with_its_lists(client):
    page = client.get("/newsletters/").content.decode()

    assert "The Morning Briefing" in page and "Breaking News" in page
    assert "every morning at 6:30 am" in page
    assert 'name="csrfmiddlewaretoken"' in page
