"""Sign-in by email, throttled per account and per client address, with safe `next`."""

from __future__ import annotations

import datetime as dt
import threading

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


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
START = dt.datetime(2026, 11, 20, 9, 0, tzinfo=dt.UTC)


def test_it_slows_an_account_after_five_failures(client, reader):
    for _ in range(5):
        response = sign_in(client, reader.email, "wrong")
        assert "do not match" in response.content.decode()
    response = sign_in(client, reader.email, PASSWORD)
    assert response.status_code == 200
    assert LOCKED in response.content.decode()
    assert "wait 30 seconds" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_it_slows_the_account_from_every_address(reader):
    for n in range(5):
        sign_in(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), reader.email, "wrong")
    response = sign_in(Client(REMOTE_ADDR="10.0.1.1"), reader.email, PASSWORD)
    assert LOCKED in response.content.decode()


def test_it_slows_an_address_guessing_at_many_accounts(reader):
    guesser = Client(REMOTE_ADDR="198.51.100.7")
    for n in range(10):
        assert "do not match" in sign_in(guesser, f"someone{n}@example.org", "x").content.decode()
    assert LOCKED in sign_in(guesser, reader.email, PASSWORD).content.decode()
    # The reader, elsewhere, is not affected.
    assert sign_in(Client(), reader.email, PASSWORD).status_code == 302


def test_it_counts_an_ipv6_guesser_by_its_64(reader):
    for n in range(10):
        sign_in(Client(REMOTE_ADDR=f"2001:db8:1:2::{n + 1:x}"), f"someone{n}@example.org", "x")
    blocked = sign_in(Client(REMOTE_ADDR="2001:db8:1:2:ffff::1"), reader.email, PASSWORD)
    assert LOCKED in blocked.content.decode()
    assert sign_in(Client(REMOTE_ADDR="2001:db8:1:3::1"), reader.email, PASSWORD).status_code == 302


def test_it_does_not_trust_a_forwarded_for_header_it_was_not_told_to(reader):
    for n in range(10):
        sign_in(Client(HTTP_X_FORWARDED_FOR=f"10.0.0.{n}"), f"x{n}@example.org", "wrong")
    assert LOCKED in sign_in(Client(), reader.email, PASSWORD).content.decode()


def test_it_counts_from_forwarded_for_behind_a_trusted_proxy(reader, settings):
    settings.MASTHEAD_TRUSTED_PROXIES = 1
    for n in range(10):
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


def test_it_lets_the_owner_in_once_the_delay_has_passed_never_a_lockout(reader, settings):
    """Delays, not a lockout: the owner waits out the current delay (30 s after five guesses),
    whoever else keeps guessing; a refused attempt does not lengthen it."""
    settings.CACHES = LOCAL_CACHE  # its expiry follows the (frozen) clock
    with time_machine.travel(START, tick=False):
        for _ in range(5):
            sign_in(Client(REMOTE_ADDR="203.0.113.5"), reader.email, "wrong")
        for _ in range(20):  # refused without a check, and not counted
            assert LOCKED in sign_in(Client(), reader.email, "wrong").content.decode()
    with time_machine.travel(START + dt.timedelta(seconds=29), tick=False):
        assert LOCKED in sign_in(Client(), reader.email, PASSWORD).content.decode()
    with time_machine.travel(START + dt.timedelta(seconds=30), tick=False):
        assert sign_in(Client(), reader.email, PASSWORD).status_code == 302


def test_it_doubles_the_delay_with_each_further_guess_up_to_a_ceiling(reader, settings):
    settings.CACHES = LOCAL_CACHE
    settings.MASTHEAD_SIGNIN_MAX_DELAY_SECONDS = 240
    at = START
    with time_machine.travel(at, tick=False):
        for _ in range(5):
            sign_in(Client(), reader.email, "wrong")
    waits = []
    for _ in range(5):
        # Probe each second until the gate opens, then spend the attempt on a wrong guess.
        waited = 0
        while True:
            waited += 1
            with time_machine.travel(at + dt.timedelta(seconds=waited), tick=False):
                if "do not match" in sign_in(Client(), reader.email, "wrong").content.decode():
                    break
        waits.append(waited)
        at += dt.timedelta(seconds=waited)
    assert waits == [30, 60, 120, 240, 240]


def test_it_evaluates_no_more_guesses_when_they_arrive_at_once(reader, settings):
    """Sixteen guesses in parallel get the allowance of sixteen in a row: five."""
    from django.test import RequestFactory

    from masthead.accounts import throttle

    request = RequestFactory().post("/accounts/signin/", REMOTE_ADDR="198.51.100.9")
    barrier = threading.Barrier(16)
    allowed: list[int] = []

    def guess() -> None:
        barrier.wait()
        allowed.append(throttle.attempt(request, reader.email))

    threads = [threading.Thread(target=guess) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert allowed.count(0) == 5, allowed


def test_it_throttles_the_admin_login_alike(db, monkeypatch):
    """513 guesses a minute were evaluated at /admin/login/; now five are, and the right
    password is then refused there too."""
    User.objects.create_user(username="editor", password=PASSWORD, is_staff=True)
    checked = []
    original = User.check_password

    def counting(self, raw):
        checked.append(raw)
        return original(self, raw)

    monkeypatch.setattr(User, "check_password", counting)
    attacker = Client(REMOTE_ADDR="203.0.113.77")
    for n in range(50):
        attacker.post("/admin/login/", {"username": "editor", "password": f"guess{n}"})
    assert len(checked) == 5
    refused = Client().post("/admin/login/", {"username": "editor", "password": PASSWORD})
    assert refused.status_code == 200 and LOCKED in refused.content.decode()
    assert len(checked) == 5


def test_it_throttles_a_signed_in_readers_password_checks(client, reader):
    """A stolen session must not become a way to guess the password (delete, change email)."""
    client.force_login(reader)
    for _ in range(5):
        page = client.post("/accounts/delete/", {"password": "wrong", "confirm": "on"})
        assert "not your current password" in page.content.decode()
    page = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert LOCKED in page.content.decode()
    assert User.objects.filter(pk=reader.pk).exists()


def test_it_forgets_failures_after_a_successful_sign_in(reader):
    for n in range(4):
        sign_in(Client(REMOTE_ADDR=f"10.0.0.{n + 1}"), reader.email, "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.0.2.1"), reader.email, PASSWORD).status_code == 302
    for n in range(4):
        sign_in(Client(REMOTE_ADDR=f"10.0.3.{n + 1}"), reader.email, "wrong")
    assert sign_in(Client(REMOTE_ADDR="10.0.2.2"), reader.email, PASSWORD).status_code == 302


def test_it_warns_at_start_up_when_workers_would_count_alone(settings, monkeypatch):
    from django.core.management import call_command

    from masthead.accounts.checks import check_shared_counters, counters_warning

    settings.CACHES = LOCAL_CACHE
    assert "2 times the allowance" in counters_warning(2)
    assert counters_warning(1) == ""
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert [m.id for m in check_shared_counters()] == ["masthead.W001"]
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/0",
        }
    }
    assert counters_warning(3) == "" and check_shared_counters() == []
    call_command("check")  # a warning, not an error: the embedded paper still starts


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
