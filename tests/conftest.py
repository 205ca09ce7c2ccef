"""Shared pytest fixtures: settings for tests, and factories for the newsroom's data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.browser import ARTIFACTS, CHROMIUM, CHROMIUM_ARGS
from tests.corpora import CORPORA


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _no_page_cache(settings, request):
    """The origin's page cache is off except in the tests of it (tests/edge): elsewhere tests
    change rows with factories, outside the write path whose commits purge it."""
    if "tests/edge/" not in str(request.node.path).replace("\\", "/"):
        settings.MASTHEAD_PAGE_CACHE = False


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (Redis too, where it is the cache)."""
    from django.core.cache import cache, caches

    from masthead.edge import pagecache

    cache.clear()
    caches["pages"].clear()
    pagecache.forget_recent()
    yield
    cache.clear()
    caches["pages"].clear()
    pagecache.forget_recent()


@pytest.fixture
def corpora() -> Path:
    """The shared corpora; tests that need them fail, not skip, when they are missing."""
    assert CORPORA.is_dir(), f"shared corpora not found at {CORPORA} (set MASTHEAD_CORPORA)"
    return CORPORA


@pytest.fixture(scope="session")
def chromium():
    """Debian's Chromium driven by Playwright; its own browser download cannot work here.

    Missing Chromium skips the browser tests with a reason, except where
    MASTHEAD_REQUIRE_BROWSER=1 (CI), where it fails them.
    """
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("MASTHEAD_REQUIRE_BROWSER") == "1":
            pytest.fail(message)
        pytest.skip(message)
    # Playwright's sync API runs an event loop in this thread; Django's ORM must still be usable.
    # Subprocess tests drop this variable from their environment (Django's deploy check
    # refuses it, rightly).
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
