"""Walled text stays out of the feeds and out of the page's metadata, crawler or not."""

from __future__ import annotations

import json
import re

import pytest
from django.test import Client

from masthead.newsroom.models import Access
from tests.accounts.readers import GOOGLEBOT_IP, GOOGLEBOT_UA, secret

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("feed", ["/feeds/rss/", "/feeds/atom/"])
def test_the_feeds_carry_no_walled_text(client, make_story, feed):
    walled = make_story(access=Access.REGISTRATION)
    free = make_story(access=Access.FREE)
    response = client.get(feed)
    assert response.status_code == 200
    xml = response.content.decode()
    assert walled.headline in xml and secret(walled) not in xml
    assert secret(free) in xml


def test_the_page_metadata_marks_the_gated_part_and_carries_no_body(make_story):
    story = make_story(access=Access.REGISTRATION)
    bot = Client(HTTP_USER_AGENT=GOOGLEBOT_UA, REMOTE_ADDR=GOOGLEBOT_IP)
    html = bot.get(story.get_absolute_url()).content.decode()
    assert secret(story) in html  # the crawler has the body, in the page...
    head = html.split("</head>")[0]
    assert secret(story) not in head  # ...but never in JSON-LD or Open Graph
    data = json.loads(re.search(r'application/ld\+json">(.*?)</script>', head, re.S).group(1))
    assert data["isAccessibleForFree"] is False
    assert data["hasPart"]["cssSelector"] == ".story__body"
    assert 'class="story__body"' in html
