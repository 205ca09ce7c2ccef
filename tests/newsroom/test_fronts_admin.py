"""The fronts page of the back office: pin, order (drag and buttons), unpin; editors only."""

from __future__ import annotations

import json

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from masthead.newsroom.actions import Actor, fronts
from masthead.newsroom.models import Article, FrontPin
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db
PAGE = "admin:newsroom_frontpin_changelist"


def signed_in(client, django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(
        username=name, email=f"{name}@example.org", password="pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


def test_it_pins_a_story_as_the_lead_and_shows_the_front_as_readers_will(client, django_user_model):
    signed_in(client, django_user_model, "erin", "Editor")
    older, newer = ArticleFactory(headline="Older story"), ArticleFactory(headline="Newest story")
    Article.objects.filter(pk=older.pk).update(published_at=newer.published_at.replace(year=2025))
    response = client.post(
        reverse("admin:newsroom_frontpin_pin"), {"front": "home", "article": older.pk, "slot": 1}
    )
    assert response.status_code == 302
    page = client.get(reverse(PAGE), {"front": "home"}, follow=True)
    html = page.content.decode()
    assert "Pinned “Older story”" in html
    preview = html[html.index("The front as readers see it") :]
    assert preview.index("Older story") < preview.index("Newest story")
    assert FrontPin.objects.get().pinned_by.username == "erin"


def test_it_saves_a_dragged_order_and_a_move_button_order(client, django_user_model):
    user = signed_in(client, django_user_model, "erin", "Editor")
    harbour = SectionFactory(name="Harbour", slug="harbour")
    a, b, c = (ArticleFactory(sections=[harbour]) for _ in range(3))
    for story in (a, b, c):
        fronts.pin(article=story, actor=Actor.editor(user), section=harbour)
    url = reverse("admin:newsroom_frontpin_reorder")
    answer = client.post(
        url, {"front": "harbour", "order": json.dumps([c.pk, a.pk, b.pk]), "by": "script"}
    )
    assert answer.json() == {"ok": True, "order": [c.pk, a.pk, b.pk]}
    client.post(url, {"front": "harbour", "order": json.dumps([a.pk, c.pk, b.pk])})
    pins = FrontPin.objects.on(harbour).order_by("slot")
    assert [p.article_id for p in pins] == [a.pk, c.pk, b.pk]
    bad = client.post(url, {"front": "harbour", "order": "not json", "by": "script"})
    assert bad.status_code == 400


def test_it_unpins(client, django_user_model):
    user = signed_in(client, django_user_model, "erin", "Editor")
    story = ArticleFactory()
    fronts.pin(article=story, actor=Actor.editor(user))
    client.post(reverse("admin:newsroom_frontpin_unpin"), {"front": "home", "article": story.pk})
    assert not FrontPin.objects.exists()


def test_it_shows_a_reporter_the_fronts_but_lets_them_change_nothing(client, django_user_model):
    signed_in(client, django_user_model, "rita", "Reporter")
    story = ArticleFactory(headline="A story")
    page = client.get(reverse(PAGE))
    assert page.status_code == 200 and "Pin a story" not in page.content.decode()
    client.post(reverse("admin:newsroom_frontpin_pin"), {"front": "home", "article": story.pk})
    answer = client.post(
        reverse("admin:newsroom_frontpin_reorder"),
        {"front": "home", "order": json.dumps([story.pk]), "by": "script"},
    )
    assert answer.status_code == 403 and not FrontPin.objects.exists()


def test_it_answers_a_bad_pin_form_with_a_message(client, django_user_model):
    signed_in(client, django_user_model, "erin", "Editor")
    draft = ArticleFactory(status=Article.Status.DRAFT)
    page = client.post(
        reverse("admin:newsroom_frontpin_pin"),
        {"front": "home", "article": draft.pk, "slot": "0"},
        follow=True,
    )
    assert page.status_code == 200 and not FrontPin.objects.exists()
    assert "Story:" in page.content.decode() and "Slot:" in page.content.decode()


def test_it_loads_what_the_until_widget_needs(client, django_user_model):
    """The date and time shortcuts call gettext (the admin's JavaScript catalogue) and
    quickElement (admin/js/core.js) and draw their icons from widgets.css; without them the
    page threw on load (found in a real browser, tests/newsroom/test_editor_browser.py)."""
    signed_in(client, django_user_model, "erin", "Editor")
    html = client.get(reverse(PAGE), {"front": "home"}).content.decode()
    catalogue = html.index(reverse("admin:jsi18n"))
    core = html.index("admin/js/core.js")
    shortcuts = html.index("admin/js/admin/DateTimeShortcuts.js")
    assert catalogue < shortcuts and core < shortcuts
    assert "admin/css/widgets.css" in html
