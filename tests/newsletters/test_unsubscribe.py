from __future__ import annotations

import pytest
from django.test import Client

from masthead.newsletters import tokens
from masthead.newsletters.models import Subscription
from tests.newsletters.builders import daily, readers

pytestmark = pytest.mark.django_db


def url(subscription: Subscription) -> str:
    return f"/newsletters/u/{tokens.unsubscribe_token(subscription.pk)}/"


def test_it_unsubscribes_by_the_one_click_post_without_a_page():
    (subscription,) = readers(daily(), 1)
    # A mail client's RFC 8058 POST: no cookie, no CSRF token.
    client = Client(enforce_csrf_checks=True)

    response = client.post(url(subscription), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    assert response.content == b"Unsubscribed.\n"
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert subscription.unsubscribe_reason == "one-click"


def test_it_is_idempotent():
    (subscription,) = readers(daily(), 1)
    client = Client(enforce_csrf_checks=True)
    client.post(url(subscription), {"List-Unsubscribe": "One-Click"})
    subscription.refresh_from_db()
    first = subscription.unsubscribed_at

    response = client.post(url(subscription), {"List-Unsubscribe": "One-Click"})

    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at == first


def test_it_only_asks_on_get(client):
    (subscription,) = readers(daily(), 1)

    response = client.get(url(subscription))

    assert response.status_code == 200
    assert b"Unsubscribe</button>" in response.content
    subscription.refresh_from_db()
    assert subscription.is_active


def test_it_unsubscribes_by_the_pages_button(client):
    (subscription,) = readers(daily(), 1)

    response = client.post(url(subscription))

    assert response.status_code == 200
    assert b"You are unsubscribed" in response.content
    subscription.refresh_from_db()
    assert not subscription.is_active


@pytest.mark.parametrize("token", ["1.forged", "nonsense", "999999.x", "1"])
def test_it_refuses_a_bad_token(client, token):
    readers(daily(), 1)

    assert client.get(f"/newsletters/u/{token}/").status_code == 404
    assert (
        client.post(f"/newsletters/u/{token}/", {"List-Unsubscribe": "One-Click"}).status_code
        == 404
    )
    assert Subscription.objects.active().count() == 1
