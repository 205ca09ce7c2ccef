"""Two editors on one story: the second sees who holds it and may take it over; a save from
the page that lost the story, or from a form opened before someone else's save, is refused with
the typed text still on the form and nothing overwritten."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse

from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, EditLock
from tests.factories import ArticleFactory
from tests.newsroom.test_admin import change_url, form_data

pytestmark = pytest.mark.django_db


def signed_in_editor(django_user_model, username: str, first: str, last: str) -> Client:
    user = django_user_model.objects.create_user(
        username=username,
        email=f"{username}@example.org",
        password="pw-for-tests-only",
        is_staff=True,
        first_name=first,
        last_name=last,
    )
    user.groups.add(Group.objects.get(name="Editor"))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def ann(django_user_model) -> Client:
    return signed_in_editor(django_user_model, "ann", "Ann", "Archer")


@pytest.fixture
def bob(django_user_model) -> Client:
    return signed_in_editor(django_user_model, "bob", "Bob", "Baker")


@pytest.fixture
def story() -> Article:
    return ArticleFactory(headline="Harbour plan approved")


def lock_url(article: Article) -> str:
    return reverse("admin:newsroom_article_lock", args=[article.pk])


def opened_at(html: str) -> str:
    """The story's `modified` the form was opened with, as the page carries it."""
    found = re.search(r'name="opened_at" value="([^"]+)"', html)
    assert found, "the form carries the time it was opened"
    return found.group(1)


def test_it_holds_the_story_for_the_editor_who_opens_it(ann, story):
    html = ann.get(change_url(story)).content.decode()
    assert EditLock.objects.get(article=story).user.username == "ann"
    assert f'data-renew-url="{lock_url(story)}"' in html
    assert "newsroom/edit_lock.js" in html and "Being edited by" not in html


def test_it_shows_a_second_editor_who_holds_the_story_and_lets_them_take_over(ann, bob, story):
    ann_form = ann.get(change_url(story)).content.decode()
    seen_by_bob = bob.get(change_url(story)).content.decode()
    assert "Being edited by Ann Archer since" in seen_by_bob
    assert 'name="take_over"' in seen_by_bob and "csrfmiddlewaretoken" in seen_by_bob
    assert 'name="_save"' not in seen_by_bob  # read-only until Bob takes over

    response = bob.post(lock_url(story), {"take_over": "1"}, follow=True)
    assert "You took the story over from Ann Archer" in response.content.decode()
    bob_form = response.content.decode()
    assert 'name="_save"' in bob_form and "Being edited by" not in bob_form
    bob_saves = form_data(story, headline="Bob's headline", opened_at=opened_at(bob_form))
    bob_saves["_continue"] = "Save and keep editing"  # Bob still holds it (a plain save frees it)
    assert bob.post(change_url(story), bob_saves).status_code == 302

    ann_saves = form_data(story, headline="Ann's headline", opened_at=opened_at(ann_form))
    refused = ann.post(change_url(story), ann_saves)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "Bob Baker took this story over at" in html and "your changes were not saved" in html
    assert 'value="Ann&#x27;s headline"' in html  # what Ann typed is still on her form
    story.refresh_from_db()
    assert story.headline == "Bob's headline"


def test_it_tells_the_open_page_when_someone_took_the_story_over(ann, bob, story):
    ann.get(change_url(story))
    beat = ann.post(lock_url(story)).json()
    assert beat["mine"] is True and beat["holder"] == "Ann Archer"
    bob.post(lock_url(story), {"take_over": "1"})
    beat = ann.post(lock_url(story)).json()
    assert beat["mine"] is False and beat["holder"] == "Bob Baker"
    assert ann.get(lock_url(story)).status_code == 405


def test_it_refuses_a_stale_save_and_keeps_what_was_typed(ann, story):
    form = ann.get(change_url(story)).content.decode()
    # Meanwhile the story is saved elsewhere (the wire, the command line).
    current = Article.objects.get(pk=story.pk)
    current.summary = "Saved meanwhile."
    actions.EditArticleAction(
        article=current, changed=["summary"], actor=Actor.system("desk script")
    ).execute()

    data = form_data(story, headline="Typed over an old copy", opened_at=opened_at(form))
    refused = ann.post(change_url(story), data)
    assert refused.status_code == 200
    html = refused.content.decode()
    assert "after you opened it, so your changes were not saved" in html
    assert 'value="Typed over an old copy"' in html
    story.refresh_from_db()
    assert (story.headline, story.summary) == ("Harbour plan approved", "Saved meanwhile.")


def test_it_refuses_a_workflow_step_from_a_stale_form(ann, story):
    form = ann.get(change_url(story)).content.decode()
    current = Article.objects.get(pk=story.pk)
    current.summary = "Saved meanwhile."
    actions.EditArticleAction(
        article=current, changed=["summary"], actor=Actor.system("desk script")
    ).execute()
    data = form_data(story, opened_at=opened_at(form), summary="Saved meanwhile.")
    refused = ann.post(change_url(story), {**data, "_unpublish": "Unpublish"})
    assert "after you opened it" in refused.content.decode()
    story.refresh_from_db()
    assert story.status == Article.Status.PUBLISHED
