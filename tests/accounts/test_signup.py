"""Sign-up: email + password (+ name), signed in at once, back to `next`, a verification link."""

from __future__ import annotations

import re

import pytest
from django.core import mail
from django.test import Client

from masthead.accounts.models import User
from tests.accounts.readers import PASSWORD

pytestmark = pytest.mark.django_db


def sign_up(client, **data):
    payload = {"email": "Jo@Example.org", "password": PASSWORD, "display_name": "Jo", **data}
    return client.post("/accounts/signup/", payload)


def test_it_creates_the_account_and_signs_the_reader_in(client):
    response = sign_up(client)
    assert response.status_code == 302
    user = User.objects.get()
    assert user.email == "jo@example.org" and user.display_name == "Jo"
    assert not user.email_verified
    assert user.check_password(PASSWORD)
    assert client.get("/accounts/").status_code == 200


def test_it_hashes_passwords_with_argon2(client, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.Argon2PasswordHasher"]
    sign_up(client)
    assert User.objects.get().password.startswith("argon2$argon2id$")


def test_it_returns_to_a_safe_next(client):
    response = sign_up(client, next="/story/some-story/")
    assert response["Location"] == "/story/some-story/"


@pytest.mark.parametrize(
    "target", ["https://evil.example/", "//evil.example/x", "javascript:alert(1)", "\\\\evil"]
)
def test_it_ignores_a_next_that_leaves_the_site(client, target):
    response = sign_up(client, next=target)
    assert response["Location"] == "/"


def test_it_refuses_a_taken_address_in_any_case(client, reader):
    response = sign_up(client, email="READER@example.org")
    assert response.status_code == 200
    assert "already exists" in response.content.decode()
    assert User.objects.count() == 1


def test_it_refuses_weak_passwords(client):
    response = sign_up(client, password="password")
    assert response.status_code == 200
    assert not User.objects.exists()


def test_it_needs_a_csrf_token():
    strict = Client(enforce_csrf_checks=True)
    response = sign_up(strict)
    assert response.status_code == 403
    assert not User.objects.exists()


def test_it_sends_a_link_that_verifies_the_address(client):
    sign_up(client)
    assert len(mail.outbox) == 1 and mail.outbox[0].to == ["jo@example.org"]
    link = re.search(r"http://testserver(/accounts/email/verify/\S+/)", mail.outbox[0].body)
    assert link
    client.get(link.group(1))
    assert User.objects.get().email_verified


def test_it_refuses_a_forged_verification_link(client):
    sign_up(client)
    response = client.get("/accounts/email/verify/not-a-token/", follow=True)
    assert "invalid or has expired" in response.content.decode()
    assert not User.objects.get().email_verified


def test_it_shows_the_form_with_the_paper_around_it(client):
    response = client.get("/accounts/signup/?next=/story/x/")
    html = response.content.decode()
    assert 'name="csrfmiddlewaretoken"' in html
    assert 'name="next" value="/story/x/"' in html
    assert "Create your free account" in html


def test_it_limits_sign_ups_per_client_address(settings):
    from django.test import Client

    settings.MASTHEAD_SIGNUP_MAX_PER_HOUR = 2
    for n in range(2):
        response = Client().post(
            "/accounts/signup/",
            {
                "email": f"reader{n}@example.org",
                "password": "a long harbour passphrase",
            },
        )
        assert response.status_code == 302
    blocked = Client().post(
        "/accounts/signup/",
        {
            "email": "reader9@example.org",
            "password": "a long harbour passphrase",
        },
    )
    assert blocked.status_code == 429
    assert "Too many requests from your network" in blocked.content.decode()
    from masthead.accounts.models import User

    assert not User.objects.filter(email="reader9@example.org").exists()
