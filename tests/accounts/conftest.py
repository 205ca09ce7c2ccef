"""Fixtures for the accounts tests: readers, wire stories, a crawler ranges file, Chromium."""

from __future__ import annotations

import json
from collections.abc import Callable

import pytest

from masthead.accounts.models import User
from tests.accounts.readers import PASSWORD
from tests.factories import ArticleFactory


@pytest.fixture(autouse=True)
def _accounts_settings(settings, tmp_path):
    """No DNS from tests (crawler tests turn it on with a fake resolver), a small meter,
    and a crawler ranges file that exists."""
    settings.MASTHEAD_CRAWLER_DNS_CHECK = False
    settings.MASTHEAD_METER_FREE_ARTICLES = 3
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 5
    settings.MASTHEAD_METER_WINDOW_DAYS = 30
    settings.MASTHEAD_TRUSTED_PROXIES = 0
    ranges = tmp_path / "googlebot.json"
    ranges.write_text(
        json.dumps(
            {
                "creationTime": "2026-11-01T00:00:00.000000",
                "prefixes": [
                    {"ipv4Prefix": "66.249.64.0/19"},
                    {"ipv6Prefix": "2001:4860:4801:10::/64"},
                ],
            }
        )
    )
    settings.MASTHEAD_CRAWLER_RANGES_PATH = ranges


@pytest.fixture
def reader(db) -> User:
    user = User.objects.create_user(
        username="reader-1",
        email="reader@example.org",
        password=PASSWORD,
        display_name="Ada Reader",
    )
    return user


@pytest.fixture
def make_story(db) -> Callable[..., object]:
    """Wire stories (registration level by rule) with a secret in the second paragraph.

    49 words: the walled face's quarter is the first paragraph's 12."""

    def make(**kwargs):
        article = ArticleFactory(**kwargs)
        if "body" not in kwargs:
            article.body = (
                f"<p>Lead paragraph {article.pk} opens the story with one sentence of twelve"
                " words.</p>"
                f"<p>SECRET-FULL-TEXT-{article.pk} second paragraph carries the detail that only"
                " a reader with the whole story may see today.</p>"
                f"<p>Third paragraph of {article.pk} ends the story with a quote, a date and a"
                " place for the record.</p>"
            )
            article.save(update_fields=["body"])
        return article

    return make
