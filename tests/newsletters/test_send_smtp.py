"""A whole send through a real SMTP server: every reader one copy, with the list headers, the
curated front's order, and never a walled story's body."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from masthead.newsletters import sending, services, tokens
from masthead.newsletters.models import Delivery, Edition
from masthead.newsroom.models import FrontPin
from tests.factories import ArticleFactory, SectionFactory
from tests.newsletters.builders import daily, readers, staff_story, walled_wire_story
from tests.newsletters.smtp import parts

pytestmark = pytest.mark.django_db


def send_daily() -> Edition:
    edition = services.build_edition(daily())
    services.start_sending(edition, enqueue=False)
    sending.deliver(edition.pk)
    edition.refresh_from_db()
    return edition


def test_it_sends_a_whole_edition_through_a_real_smtp_server(smtp_server, settings):
    settings.MASTHEAD_NEWSLETTER_BATCH_SIZE = 7
    staff_story(headline="Harbour board meets tonight")
    subscriptions = readers(daily(), 40)

    edition = send_daily()

    assert edition.state == Edition.State.SENT
    assert sorted(smtp_server.recipients()) == sorted(s.email for s in subscriptions)
    assert Delivery.objects.filter(edition=edition, state=Delivery.State.SENT).count() == 40
    for message in smtp_server.messages():
        text, html = parts(message)
        assert "Harbour board meets tonight" in text
        assert "Harbour board meets tonight" in html
        assert message["From"].endswith(f"<{settings.MASTHEAD_NEWSLETTER_FROM}>")


def test_it_sets_the_list_unsubscribe_headers(smtp_server):
    staff_story()
    (subscription,) = readers(daily(), 1)

    send_daily()

    (message,) = smtp_server.messages()
    url = f"https://news.example.org/newsletters/u/{tokens.unsubscribe_token(subscription.pk)}/"
    assert message["List-Unsubscribe"].strip() == (
        f"<{url}>, <mailto:unsubscribe@news.example.org?subject=unsubscribe%20daily>"
    )
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "The Morning Briefing <daily.news.example.org>"
    text, html = parts(message)
    assert url in text and url in html
    assert "/newsletters/preferences/" in html


def test_it_never_puts_a_walled_body_in_an_email(smtp_server):
    walled = walled_wire_story(
        headline="Wire: storm closes the coast road",
        summary="Crews expect to reopen it by Friday.",
        body="<p>SECRET-WALLED-PARAGRAPH about the storm.</p><p>MORE-WALLED-TEXT here.</p>",
        image_url="https://img.example.org/storm.jpg",
    )
    FrontPin.objects.create(article=walled, slot=1)
    staff_story(body="<p>FREE-BODY-TEXT is not sent either.</p>")
    readers(daily(), 3)

    send_daily()

    assert smtp_server.count == 3
    for message in smtp_server.messages():
        text, html = parts(message)
        raw = message.as_string()
        for secret in ("SECRET-WALLED-PARAGRAPH", "MORE-WALLED-TEXT"):
            assert secret not in text and secret not in html and secret not in raw
        assert "Wire: storm closes the coast road" in html
        assert "Crews expect to reopen it by Friday." in text
        assert "https://img.example.org/storm.jpg" in html
        assert "free with a" in html.lower()


def test_it_leads_with_the_story_the_editor_pinned(smtp_server):
    pinned = staff_story(headline="Pinned: the council's budget")
    newer = [staff_story(headline=f"Newer story {i}") for i in range(3)]
    FrontPin.objects.create(article=pinned, slot=1)
    readers(daily(), 1)

    edition = send_daily()

    assert edition.content["lead"] == pinned.pk
    assert edition.content["top"] == [a.pk for a in sorted(newer, key=lambda a: -a.pk)]
    text, html = parts(smtp_server.messages()[0])
    lead = re.search(r'<h1 class="lead-hed"[^>]*>.*?</h1>', html, re.S)
    assert (
        lead is not None
        and "Pinned: the council&#x27;s budget" in lead.group(0)
        or (lead is not None and "Pinned: the council's budget" in lead.group(0))
    )
    assert text.index("Pinned: the council's budget") < text.index("Newer story")


def test_it_adds_the_sections_a_reader_follows(smtp_server):
    sport = SectionFactory(name="Sport", slug="sport")
    staff_story(headline="Front story")
    ArticleFactory(
        headline="Tides win the cup",
        sections=[sport],
        published_at=timezone.now() - dt.timedelta(hours=5),
    )
    follower, other = readers(daily(), 2)
    follower.sections.set([sport])
    daily().__class__.objects.filter(slug="daily").update(stories=1)

    send_daily()

    by_address = {m["To"]: parts(m)[0] for m in smtp_server.messages()}
    assert "Tides win the cup" in by_address[follower.email]
    assert "SPORT" in by_address[follower.email]
    assert "Tides win the cup" not in by_address[other.email]


def test_it_skips_a_reader_who_unsubscribed_after_the_send_began(smtp_server):
    staff_story()
    first, second = readers(daily(), 2)
    edition = services.build_edition(daily())
    services.start_sending(edition, enqueue=False)
    services.unsubscribe(second, reason="test")

    sending.deliver(edition.pk)

    assert smtp_server.recipients() == [first.email]
    assert sending.progress(edition)["skipped"] == 1
