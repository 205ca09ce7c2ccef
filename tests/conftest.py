"""Shared pytest fixtures: settings for tests, and factories for the newsroom's data."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
CORPORA = Path(os.environ.get("MASTHEAD_CORPORA", REPO.parent / "shared" / "corpora"))


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path):
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _clear_cache():
    """Each test starts with an empty cache (Redis too, where it is the cache)."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def corpora() -> Path:
    """The shared corpora; tests that need them fail, not skip, when they are missing."""
    assert CORPORA.is_dir(), f"shared corpora not found at {CORPORA} (set MASTHEAD_CORPORA)"
    return CORPORA
