from __future__ import annotations

import pytest
from anymail.signals import AnymailTrackingEvent, tracking

from masthead.newsletters.models import Subscription
from tests.newsletters.builders import breaking, daily, readers

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("event_type", ["bounced", "complained", "rejected"])
def test_it_unsubscribes_an_address_the_provider_reports(event_type):
    readers(daily(), 2)
    readers(breaking(), 1)

    tracking.send(
        sender=object,
        event=AnymailTrackingEvent(event_type=event_type, recipient="Reader0@example.com"),
        esp_name="Mailgun",
    )

    gone = Subscription.objects.filter(email="reader0@example.com")
    assert gone.count() == 2 and not gone.active().exists()
    assert gone.first().unsubscribe_reason == f"Mailgun {event_type}"
    assert Subscription.objects.active().count() == 1


def test_it_ignores_deliveries_and_opens():
    readers(daily(), 1)

    for event_type in ("delivered", "opened", "deferred"):
        tracking.send(
            sender=object,
            event=AnymailTrackingEvent(event_type=event_type, recipient="reader0@example.com"),
            esp_name="Mailgun",
        )

    assert Subscription.objects.active().count() == 1
