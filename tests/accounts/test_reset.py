"""Password reset by email that never tells whether an address has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from masthead.accounts.models import User
from tests.accounts.readers import PASSWORD

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "a brand new harbour password"


def ask(client, email):
    return client.post("/accounts/password/reset/", {"email": email}, follow=True)


def visible(response) -> str:
    # The CSRF token differs per response; all else must be the same.
    return re.sub(r'value="[^"]{40,}"', "", response.content.decode())


def test_it_answers_alike_for_known_and_unknown_addresses(reader):
    known = ask(Client(), reader.email)
    unknown = ask(Client(), "nobody@example.org")
    sent = [("/accounts/password/reset/sent/", 302)]
    assert known.redirect_chain == unknown.redirect_chain == sent
    assert visible(known) == visible(unknown)
    assert [m.to for m in mail.outbox] == [[reader.email]]


def test_it_resets_the_password_through_the_emailed_link(client, reader):
    ask(client, reader.email.upper())
    path = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    assert path
    form_page = client.get(path.group(1), follow=True)
    assert form_page.context["validlink"]
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    assert response["Location"] == "/accounts/password/reset/done/"
    reader.refresh_from_db()
    assert reader.check_password(NEW_PASSWORD)
    # A used link does not work twice.
    assert not client.get(path.group(1), follow=True).context["validlink"]


def test_it_lifts_a_sign_in_lockout_once_the_password_is_reset(reader):
    attacker = Client(REMOTE_ADDR="203.0.113.5")
    for _ in range(5):
        attacker.post("/accounts/signin/", {"username": reader.email, "password": "wrong"})
    owner = Client(REMOTE_ADDR="10.1.1.1")
    locked = owner.post("/accounts/signin/", {"username": reader.email, "password": PASSWORD})
    assert "Too many failed sign-in attempts" in locked.content.decode()
    ask(owner, reader.email)
    path = re.search(r"http://testserver(/accounts/password/reset/\S+/)", mail.outbox[0].body)
    page = owner.get(path.group(1), follow=True)
    owner.post(
        page.redirect_chain[-1][0],
        {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
    )
    response = Client(REMOTE_ADDR="10.1.1.2").post(
        "/accounts/signin/", {"username": reader.email, "password": NEW_PASSWORD}
    )
    assert response.status_code == 302


def test_it_sends_nothing_to_accounts_without_a_usable_password(db):
    User.objects.create_user(username="locked", email="nopw@example.org", password=None)
    ask(Client(), "nopw@example.org")
    assert mail.outbox == []


def test_it_stops_mail_bombing_one_address_without_revealing_it(reader, settings):
    settings.MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR = 2
    settings.MASTHEAD_RESET_MAX_PER_HOUR = 100
    answers = [ask(Client(), reader.email) for _ in range(4)]
    assert {tuple(a.redirect_chain) for a in answers} == {
        (("/accounts/password/reset/sent/", 302),)
    }
    assert len(mail.outbox) == 2


def test_it_limits_reset_requests_per_client_address(reader, settings):
    settings.MASTHEAD_RESET_MAX_PER_HOUR = 3
    for n in range(3):
        assert ask(Client(), f"someone{n}@example.org").status_code == 200
    blocked = Client().post("/accounts/password/reset/", {"email": reader.email})
    assert blocked.status_code == 429
    assert "Too many requests from your network" in blocked.content.decode()
    assert mail.outbox == []
