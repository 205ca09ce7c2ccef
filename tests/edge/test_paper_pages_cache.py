"""The paper's own pages in the origin's page cache: kept, and purged when an editor saves."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from masthead.accounts.models import User
from masthead.site.models import PaperPage

pytestmark = pytest.mark.django_db


def test_it_serves_a_page_from_the_cache_until_an_editor_changes_it(
    settings, django_capture_on_commit_callbacks
):
    assert settings.MASTHEAD_PAGE_CACHE
    assert Client().get("/contact/")["X-Origin-Cache"] == "miss"
    assert Client().get("/contact/")["X-Origin-Cache"] == "hit"
    page = PaperPage.objects.get(slug="contact")
    editor = User.objects.create_user(username="ed", password="an editor's words", is_staff=True)
    editor.groups.add(Group.objects.get(name="Editor"))
    desk = Client()
    desk.force_login(editor)
    with django_capture_on_commit_callbacks(execute=True):
        response = desk.post(
            reverse("admin:site_paperpage_change", args=[page.pk]),
            {"title": "Contact us", "content": "<p>Call the desk on 555-0100.</p>"},
        )
    assert response.status_code == 302
    fresh = Client().get("/contact/")
    assert fresh["X-Origin-Cache"] == "miss"
    assert "Call the desk on 555-0100." in fresh.content.decode()


def test_it_purges_the_pages_when_one_is_deleted(django_capture_on_commit_callbacks):
    assert Client().get("/terms/").status_code == 200
    assert Client().get("/terms/")["X-Origin-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        PaperPage.objects.get(slug="terms").delete()
    assert Client().get("/terms/").status_code == 404
