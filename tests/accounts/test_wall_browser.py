"""The wall in a real Chromium: read N stories, meet the wall, register, read on, sign out and
in again. Screenshots of the wall are kept in test-artifacts/."""

from __future__ import annotations

import re

import pytest
from django.core import mail

from tests.accounts.readers import PASSWORD, secret
from tests.browser import ARTIFACTS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def page(chromium):
    context = chromium.new_context(viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def test_it_walls_registers_and_returns_the_reader_to_the_whole_story(
    page, live_server, make_story, settings
):
    ARTIFACTS.mkdir(exist_ok=True)
    allowance = settings.MASTHEAD_METER_FREE_ARTICLES
    stories = [make_story(headline=f"Harbour story number {n}") for n in range(allowance + 1)]
    url = {s.pk: f"{live_server.url}{s.get_absolute_url()}" for s in stories}
    body = page.locator(".story__body")

    for story in stories[:allowance]:
        page.goto(url[story.pk])
        assert secret(story) in body.inner_text()

    walled = stories[allowance]
    page.goto(url[walled.pk])
    wall = page.get_by_role("region", name="Access this article for free.")
    assert wall.is_visible()
    assert secret(walled) not in page.content()
    assert f"Lead paragraph {walled.pk} opens" in body.inner_text()
    page.screenshot(path=str(ARTIFACTS / "accounts-wall.png"), full_page=True)
    wall.screenshot(path=str(ARTIFACTS / "accounts-wall-box.png"))

    wall.get_by_role("link", name="Sign Up").click()
    page.get_by_label("Email address").fill("browser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Name (optional)").fill("Bea Browser")
    page.get_by_role("button", name="Sign Up").click()
    page.wait_for_url(f"{live_server.url}/accounts/signup/sent/")
    assert "browser@example.org" in page.get_by_role("main").inner_text()
    page.screenshot(path=str(ARTIFACTS / "accounts-signup-sent.png"), full_page=True)
    link = re.search(r"http://[^/\s]+(/accounts/signup/confirm/\S+/)", mail.outbox[-1].body)
    assert link, mail.outbox[-1].body
    page.goto(live_server.url + link.group(1))
    page.screenshot(path=str(ARTIFACTS / "accounts-signup-confirm.png"), full_page=True)
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_url(url[walled.pk])
    assert secret(walled) in body.inner_text()
    assert not wall.count()

    page.get_by_role("button", name="Sign Out").click()
    page.wait_for_url(url[walled.pk])
    assert page.get_by_role("link", name="Sign In").first.is_visible()
    assert secret(walled) not in page.content()
    page.screenshot(path=str(ARTIFACTS / "accounts-wall-signed-out.png"), full_page=True)

    page.get_by_role("region", name="Access this article for free.").get_by_role(
        "link", name="Sign In"
    ).click()
    page.get_by_label("Email address").fill("browser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()
    page.wait_for_url(url[walled.pk])
    assert secret(walled) in body.inner_text()
    # The stories read before registering stay readable too.
    page.goto(url[stories[0].pk])
    assert secret(stories[0]) in body.inner_text()
