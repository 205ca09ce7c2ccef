"""`masthead front`: pin, move, unpin and show from the command line, editors only."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.utils import timezone

from masthead.newsroom.models import FrontPin
from tests.factories import ArticleFactory, SectionFactory

pytestmark = pytest.mark.django_db


def front(*args: str) -> str:
    out = io.StringIO()
    call_command("front", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="erin", email="erin@example.org", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_it_pins_a_lead_moves_and_unpins(editor):
    now = timezone.now()
    old = ArticleFactory(slug="old-news", published_at=now - dt.timedelta(days=2))
    ArticleFactory(slug="fresh", published_at=now - dt.timedelta(minutes=5))
    assert front("show").splitlines()[0].endswith("(fresh)")
    assert "slot 1 on Home" in front(
        "pin", "old-news", "--front", "home", "--slot", "1", "--as", "Erin@Example.org"
    )
    lines = front("show").splitlines()
    assert "[pinned]" in lines[0] and lines[0].endswith("(old-news)")
    assert lines[1].endswith("(fresh)")
    ArticleFactory(slug="extra")
    front("pin", "extra", "--as", "erin@example.org")
    assert "slot 1" in front("move", "extra", "--slot", "1", "--as", "erin@example.org")
    assert [p.article.slug for p in FrontPin.objects.order_by("slot")] == ["extra", "old-news"]
    front("unpin", "extra", "--as", "erin@example.org")
    assert list(FrontPin.objects.values_list("article", flat=True)) == [old.pk]


def test_it_pins_to_a_section_until_a_time(editor):
    harbour = SectionFactory(name="Harbour", slug="harbour")
    ArticleFactory(slug="ferry", sections=[harbour])
    until = (timezone.localtime() + dt.timedelta(hours=3)).strftime("%Y-%m-%d %H:%M")
    out = front("pin", "ferry", "--front", "harbour", "--until", until, "--as", "erin@example.org")
    assert "on Harbour until" in out
    assert FrontPin.objects.get().section == harbour


def test_it_refuses_a_reporter_and_unknown_fronts(django_user_model, editor):
    user = django_user_model.objects.create_user(
        username="rita", email="rita@example.org", password="x", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Reporter"))
    ArticleFactory(slug="ferry")
    with pytest.raises(CommandError, match="may not"):
        front("pin", "ferry", "--as", "rita@example.org")
    with pytest.raises(CommandError, match="no section"):
        front("pin", "ferry", "--front", "nowhere", "--as", "erin@example.org")
    with pytest.raises(CommandError, match="not pinned"):
        front("move", "ferry", "--slot", "2", "--as", "erin@example.org")
    assert not FrontPin.objects.exists()
