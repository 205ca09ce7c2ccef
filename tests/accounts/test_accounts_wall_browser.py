"""The wall in a real Chromium: read N stories, meet the wall, register, read on, sign out and
in again. Screenshots of the wall are kept in test-artifacts/."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.accounts.conftest import PASSWORD, secret

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture
def page(chromium_path, monkeypatch):
    # Playwright's sync API runs an event loop in this thread; Django's ORM in the test's own
    # code would otherwise refuse to run beside it.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(chromium_path), args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1200, "height": 900})
        page = context.new_page()
        page.set_default_timeout(15_000)
        yield page
        context.close()
        browser.close()


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
    assert f"Lead paragraph {walled.pk}." in body.inner_text()
    page.screenshot(path=str(ARTIFACTS / "accounts-wall.png"), full_page=True)
    wall.screenshot(path=str(ARTIFACTS / "accounts-wall-box.png"))

    wall.get_by_role("link", name="Sign Up").click()
    page.get_by_label("Email address").fill("browser@example.org")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_label("Name (optional)").fill("Bea Browser")
    page.get_by_role("button", name="Sign Up").click()
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
