"""Sign-in by email, throttled per account and per client address, with safe `next`."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.test import Client

from masthead.accounts.models import User
from tests.accounts.readers import PASSWORD

pytestmark = pytest.mark.django_db

LOCKED = "Too many failed sign-in attempts"


def sign_in(client, email, password, **extra):
    return client.post("/accounts/signin/", {"username": email, "password": password}, **extra)


def test_it_signs_in_by_email_in_any_case(client, reader):
    response = sign_in(client, "READER@Example.org", PASSWORD)
    assert response.status_code == 302
    assert client.session["_auth_user_id"] == str(reader.pk)


def test_it_sets_httponly_lax_session_cookies(client, reader):
    response = sign_in(client, reader.email, PASSWORD)
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] and cookie["samesite"] == "Lax"


def test_it_locks_an_account_after_five_failures(client, reader):
    for _ in range(5):
        response = sign_in(client, reader.email, "wrong")
        assert "do not match" in response.content.decode()
    response = sign_in(client, reader.email, PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_locks_the_account_from_every_address(reader):
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), reader.email, "wrong")
    response = sign_in(Client(REMOTE_ADDR="10.0.1.1"), reader.email, PASSWORD)
    assert LOCKED in response.content.decode()


def test_it_locks_an_address_guessing_at_many_accounts(reader):
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(5):
        sign_in(guesser, f"someone{n}@example.org", "wrong")
    assert LOCKED in sign_in(guesser, reader.email, PASSWORD).content.decode()
    # The reader, elsewhere, is not affected.
    assert sign_in(Client(), reader.email, PASSWORD).status_code == 302


def test_it_does_not_trust_a_forwarded_for_header_it_was_not_told_to(reader):
    for n in range(5):
        sign_in(Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"), f"x{n}@example.org", "wrong")
    assert LOCKED in sign_in(Client(), reader.email, PASSWORD).content.decode()


def test_it_counts_from_forwarded_for_behind_a_trusted_proxy(reader, settings):
    settings.MASTHEAD_TRUSTED_PROXIES = 1
    for n in range(5):
        sign_in(Client(HTTP_X_FORWARDED_FOR="1.2.3.4, 192.0.2.50"), f"x{n}@example.org", "wrong")
    assert (
        LOCKED
        in sign_in(
            Client(HTTP_X_FORWARDED_FOR="192.0.2.50"), reader.email, PASSWORD
        ).content.decode()
    )
    assert (
        sign_in(Client(HTTP_X_FORWARDED_FOR="192.0.2.51"), reader.email, PASSWORD).status_code
        == 302
    )


def test_it_lifts_the_lock_after_the_window(reader, settings):
    # The local-memory cache, whose expiry follows the (frozen) clock.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    start = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(start, tick=False):
        for _ in range(5):
            sign_in(Client(), reader.email, "wrong")
        assert LOCKED in sign_in(Client(), reader.email, PASSWORD).content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=14), tick=False):
        assert LOCKED in sign_in(Client(), reader.email, PASSWORD).content.decode()
    with time_machine.travel(start + dt.timedelta(minutes=16), tick=False):
        assert sign_in(Client(), reader.email, PASSWORD).status_code == 302


def test_it_forgets_failures_after_a_successful_sign_in(reader):
    for n in range(4):
        sign_in(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), reader.email, "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.0.2.1"), reader.email, PASSWORD).status_code == 302
    for n in range(4):
        sign_in(Client(REMOTE_ADDR=f"10.0.3.{n + 1}"), reader.email, "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.0.2.2"), reader.email, PASSWORD).status_code == 302


def test_it_refuses_inactive_accounts(client, reader):
    User.objects.filter(pk=reader.pk).update(is_active=False)
    assert sign_in(client, reader.email, PASSWORD).status_code == 200


def test_it_returns_to_a_safe_next(client, reader):
    response = client.post(
        "/accounts/signin/",
        {"username": reader.email, "password": PASSWORD, "next": "/story/a-story/"},
    )
    assert response["Location"] == "/story/a-story/"


def test_it_ignores_a_next_that_leaves_the_site(client, reader):
    response = client.post(
        "/accounts/signin/",
        {"username": reader.email, "password": PASSWORD, "next": "https://evil.example/"},
    )
    assert response["Location"] == "/"


def test_it_lets_staff_sign_in_with_a_username(client, db):
    User.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    assert sign_in(client, "editor", PASSWORD).status_code == 302


def test_it_signs_out_only_by_post(client, reader):
    client.force_login(reader)
    assert client.get("/accounts/signout/").status_code == 405
    response = client.post("/accounts/signout/", {"next": "/story/x/"})
    assert response["Location"] == "/story/x/"
    assert "_auth_user_id" not in client.session
