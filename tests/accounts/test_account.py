"""The account page: change email or password, delete the account with its data."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from masthead.accounts.models import MeterRead, User
from tests.accounts.readers import PASSWORD
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_it_needs_a_signed_in_reader(client):
    response = client.get("/accounts/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/signin/?next=/accounts/")


def test_it_shows_the_account(client, reader):
    client.force_login(reader)
    html = client.get("/accounts/").content.decode()
    assert reader.email in html and "not confirmed" in html and "Delete account" in html


def test_it_changes_the_email_and_asks_to_confirm_it(client, reader):
    User.objects.filter(pk=reader.pk).update(email_verified=True)
    client.force_login(reader)
    response = client.post("/accounts/email/", {"email": "New@Example.org", "password": PASSWORD})
    assert response["Location"] == "/accounts/"
    reader.refresh_from_db()
    assert reader.email == "new@example.org" and not reader.email_verified
    assert mail.outbox[0].to == ["new@example.org"]


def test_it_wants_the_password_to_change_the_email(client, reader):
    client.force_login(reader)
    response = client.post("/accounts/email/", {"email": "x@example.org", "password": "nope"})
    assert response.status_code == 200
    reader.refresh_from_db()
    assert reader.email == "reader@example.org"


def test_an_old_verification_link_cannot_confirm_a_new_address(client, reader):
    client.force_login(reader)
    client.post("/accounts/email/resend/")
    old_link = re.search(r"http://testserver(\S+)", mail.outbox[0].body).group(1)
    client.post("/accounts/email/", {"email": "other@example.org", "password": PASSWORD})
    client.get(old_link)
    reader.refresh_from_db()
    assert not reader.email_verified


def test_it_changes_the_password_and_keeps_the_reader_signed_in(client, reader):
    client.force_login(reader)
    new = "another long harbour password"
    response = client.post(
        "/accounts/password/",
        {"old_password": PASSWORD, "new_password1": new, "new_password2": new},
    )
    assert response["Location"] == "/accounts/"
    reader.refresh_from_db()
    assert reader.check_password(new)
    assert client.get("/accounts/").status_code == 200


def test_it_deletes_the_account_and_its_reading_history(client, reader):
    story = ArticleFactory()
    MeterRead.objects.create(user=reader, article=story, first_read_at=story.published_at)
    client.force_login(reader)
    assert client.post("/accounts/delete/", {"password": PASSWORD}).status_code == 200
    response = client.post("/accounts/delete/", {"password": PASSWORD, "confirm": "on"})
    assert response["Location"] == "/"
    assert not User.objects.filter(pk=reader.pk).exists()
    assert not MeterRead.objects.exists()
    assert "_auth_user_id" not in client.session


def test_the_header_offers_account_links(client, reader):
    html = client.get("/accounts/signin/").content.decode()
    assert "Sign In" in html and "Sign Up" in html
    client.force_login(reader)
    html = client.get("/accounts/").content.decode()
    assert "Account" in html and "Sign Out" in html
