"""The subscribe form: double opt-in for addresses without an account, and the sign-up hook."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from masthead.accounts.models import User
from masthead.newsletters.models import Subscription
from tests.newsletters.builders import breaking, daily

pytestmark = pytest.mark.django_db


def link_in(message) -> str:
    found = re.search(r"https://news\.example\.org(/newsletters/confirm/[^/\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_it_subscribes_an_anonymous_reader_only_after_the_link(client):
    response = client.post(
        "/newsletters/", {"email": "New.Reader@Example.com", "newsletters": [daily().pk]}
    )

    assert response.status_code == 302
    assert not Subscription.objects.exists()  # nothing kept before the address is proven
    (message,) = mail.outbox
    assert message.to == ["new.reader@example.com"]
    link = link_in(message)
    # Opening the link (a mail scanner does) confirms nothing.
    assert b"Yes, subscribe me" in client.get(link).content
    assert not Subscription.objects.exists()

    response = client.post(link)

    assert response.status_code == 302
    subscription = Subscription.objects.get()
    assert subscription.email == "new.reader@example.com"
    assert subscription.is_active
    assert subscription.consent_source == "site form (confirmed by link)"
    assert subscription.consent_at is not None
    assert len(subscription.consent_address_hash) == 40
    assert "127.0.0.1" not in subscription.consent_address_hash


def test_it_matches_an_address_with_an_account_to_it(client):
    user = User.objects.create_user(username="r1", email="known@example.com", password="x")
    client.post("/newsletters/", {"email": "known@example.com", "newsletters": [breaking().pk]})

    client.post(link_in(mail.outbox[0]))

    assert Subscription.objects.get().user == user


def test_it_subscribes_a_signed_in_readers_confirmed_address_at_once(client):
    user = User.objects.create_user(
        username="r2", email="me@example.com", password="x", email_verified=True
    )
    client.force_login(user)

    response = client.post(
        "/newsletters/", {"email": "me@example.com", "newsletters": [daily().pk]}
    )

    assert response.status_code == 302
    assert not mail.outbox
    assert Subscription.objects.get().is_active


def test_it_refuses_a_forged_or_expired_link(client, settings):
    client.post("/newsletters/", {"email": "a@example.com", "newsletters": [daily().pk]})
    link = link_in(mail.outbox[0])

    assert client.post(link[:-5] + "xxxx/").status_code == 302
    settings.MASTHEAD_NEWSLETTER_CONFIRM_MAX_AGE = -1
    assert client.post(link).status_code == 302
    assert not Subscription.objects.exists()


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"email": "not-an-address", "newsletters": ["1"]},
        {"email": "a@example.com"},
        {"email": "a@example.com", "newsletters": ["nope"]},
        {"email": "a@example.com\x00", "newsletters": ["99999"]},
        {"email": "x" * 300 + "@example.com", "newsletters": ["1"]},
    ],
)
def test_it_answers_bad_input_with_a_message(client, data):
    response = client.post("/newsletters/", data)

    assert response.status_code == 200
    assert b'role="alert"' in response.content
    assert not mail.outbox


def test_it_throttles_the_form_per_address(client, settings):
    settings.MASTHEAD_NEWSLETTER_SUBSCRIBE_MAX_PER_HOUR = 2
    for i in range(2):
        client.post("/newsletters/", {"email": f"a{i}@example.com", "newsletters": [daily().pk]})

    response = client.post("/newsletters/", {"email": "b@example.com", "newsletters": [daily().pk]})

    assert response.status_code == 429
    assert len(mail.outbox) == 2


def test_it_offers_the_lists_unticked_on_sign_up_and_subscribes_when_the_account_is_made(
    client, django_capture_on_commit_callbacks
):
    page = client.get("/accounts/signup/").content.decode()
    box = re.search(r'<input type="checkbox" name="consent_newsletter-daily"[^>]*>', page)
    assert box and "checked" not in box.group(0)

    client.post(
        "/accounts/signup/",
        {
            "email": "signup@example.com",
            "password": "a long enough passphrase 9",
            "consent_newsletter-daily": "on",
        },
    )
    link = re.search(r"(/accounts/signup/confirm/[^/\s]+/)", mail.outbox[0].body)
    assert link
    assert not Subscription.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(link.group(1))

    subscription = Subscription.objects.get()
    assert subscription.newsletter == daily()
    assert subscription.is_active and subscription.user is not None
    assert subscription.consent_source == "account sign-up"


def test_it_links_the_account_page_to_the_preferences(client):
    user = User.objects.create_user(username="r3", email="p@example.com", password="x")
    client.force_login(user)

    assert b'href="/newsletters/preferences/"' in client.get("/accounts/").content
