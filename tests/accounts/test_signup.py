"""Sign-up: email + password (+ name); the account is made when the emailed link is used, and
the form answers the same whether or not the address already has an account."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from masthead.accounts.models import PendingSignUp, User
from tests.accounts.readers import PASSWORD

pytestmark = pytest.mark.django_db

LINK = re.compile(r"http://testserver(/accounts/signup/confirm/\S+/)")


def sign_up(client, **data):
    payload = {"email": "Jo@Example.org", "password": PASSWORD, "display_name": "Jo", **data}
    return client.post("/accounts/signup/", payload)


def confirm(client, message=None):
    """Open the link of the last email (GET shows a button) and press it."""
    link = LINK.search((message or mail.outbox[-1]).body)
    assert link, (message or mail.outbox[-1]).body
    page = client.get(link.group(1))
    assert page.status_code == 200 and "Create my account" in page.content.decode()
    return client.post(link.group(1))


def test_it_creates_the_account_only_when_the_emailed_link_is_used(client):
    response = sign_up(client)
    assert response["Location"] == "/accounts/signup/sent/"
    assert "jo@example.org" in client.get("/accounts/signup/sent/").content.decode()
    assert not User.objects.exists()
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jo@example.org"]
    link = LINK.search(mail.outbox[0].body).group(1)
    assert client.get(link).status_code == 200  # a mail scanner's GET creates nothing
    assert not User.objects.exists()
    response = client.post(link)
    assert response["Location"] == "/"
    user = User.objects.get()
    assert user.email == "jo@example.org" and user.display_name == "Jo"
    assert user.email_verified  # the link proved the mailbox
    assert user.check_password(PASSWORD)
    assert client.get("/accounts/").status_code == 200
    assert not PendingSignUp.objects.exists()
    again = Client().post(link, follow=True)
    assert "invalid, used or expired" in again.content.decode()
    assert User.objects.count() == 1


def test_it_answers_the_same_whether_or_not_the_address_has_an_account(reader):
    new = sign_up(Client(), email="someone.new@example.org")
    taken = sign_up(Client(), email="READER@example.org")
    assert (new.status_code, new["Location"]) == (taken.status_code, taken["Location"])
    assert User.objects.count() == 1
    owner_mail = mail.outbox[-1]
    assert owner_mail.to == [reader.email]
    assert "already has one" in owner_mail.body and "/accounts/password/reset/" in owner_mail.body
    assert not LINK.search(owner_mail.body)
    reader.refresh_from_db()
    assert reader.check_password(PASSWORD)  # nothing changed


def test_it_never_lets_a_strangers_sign_up_set_the_owners_password(client):
    sign_up(Client(), password="a strangers own passphrase")
    stranger_mail = mail.outbox[-1]
    sign_up(client)
    confirm(client)  # the owner uses their own link
    user = User.objects.get()
    assert user.check_password(PASSWORD)
    assert (
        "invalid"
        in Client().post(LINK.search(stranger_mail.body).group(1), follow=True).content.decode()
    )


def test_it_hashes_passwords_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    sign_up(client)
    confirm(client)
    assert User.objects.get().password.startswith("argon2$argon2id$")


def test_it_returns_to_a_safe_next(client):
    sign_up(client, next="/story/some-story/")
    assert confirm(client)["Location"] == "/story/some-story/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil"]
)
def test_it_ignores_a_next_that_leaves_the_site(client, target):
    sign_up(client, next=target)
    assert confirm(client)["Location"] == "/"


def test_it_expires_links(client, settings):
    import datetime as dt

    import time_machine

    sign_up(client)
    link = LINK.search(mail.outbox[0].body).group(1)
    later = dt.datetime.now(dt.UTC) + dt.timedelta(
        seconds=settings.MASTHEAD_EMAIL_VERIFICATION_MAX_AGE + 60
    )
    with time_machine.travel(later):
        assert "invalid" in client.post(link, follow=True).content.decode()
    assert not User.objects.exists()


def test_it_refuses_weak_passwords(client):
    response = sign_up(client, password="password")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_it_needs_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    response = sign_up(strict)
    assert response.status_code == 403
    assert not User.objects.exists()


def test_it_shows_the_form_with_the_paper_around_it(client):
    response = client.get("/accounts/signup/?next=/story/x/")
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/story/x/"' in html
    assert "Create your free account" in html


def test_it_limits_sign_up_requests_per_client_address_probes_included(settings):
    """Every POST counts, before validation: probing addresses costs as much as signing up."""
    settings.MASTHEAD_SIGNUP_MAX_PER_HOUR = 3
    assert sign_up(Client(), email="reader0@example.org").status_code == 302
    assert sign_up(Client(), email="not an address").status_code == 200  # a form error
    assert sign_up(Client(), email="reader1@example.org", password="x").status_code == 200
    blocked = sign_up(Client(), email="reader9@example.org")
    assert blocked.status_code == 429
    assert "Too many requests from your network" in blocked.content.decode()
    assert len(mail.outbox) == 1


def test_it_mails_one_address_a_few_times_an_hour_whoever_asks(reader, settings):
    settings.MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR = 2
    answers = {
        (r.status_code, r["Location"])
        for r in (sign_up(Client(REMOTE_ADDR=f"10.9.0.{n}"), email=reader.email) for n in range(5))
    }
    assert answers == {(302, "/accounts/signup/sent/")}
    assert len(mail.outbox) == 2


def test_it_names_the_paper_grammatically_in_its_pages_and_emails(client, reader, settings):
    """Not "a free The Pacific Ledger account": the name may begin with its own article."""
    settings.PAPER_NAME = "The Pacific Ledger"
    sign_up(client)
    link_mail = mail.outbox[-1]
    assert link_mail.subject == "Confirm your account with The Pacific Ledger"
    assert "your free account with The Pacific Ledger for jo@example.org" in link_mail.body
    page = client.get(LINK.search(link_mail.body).group(1)).content.decode()
    assert "Create your free account with The Pacific Ledger for" in page
    sign_up(Client(), email=reader.email)
    exists = mail.outbox[-1]
    assert exists.subject == "You already have an account with The Pacific Ledger"
    assert "create an account with The Pacific Ledger for" in exists.body
    Client().post("/accounts/password/reset/", {"email": reader.email})
    reset = mail.outbox[-1]
    assert reset.subject == "Reset your password for The Pacific Ledger"
    assert "your account with The Pacific Ledger" in reset.body
    for message in mail.outbox:
        assert "a The" not in message.subject + message.body
        assert "your The" not in message.subject + message.body
