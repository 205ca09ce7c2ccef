"""Staff set the subscriber flag in the admin; expired anonymous history is pruned."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.utils import timezone

from masthead.accounts.models import MeterRead, User
from tests.factories import ArticleFactory

pytestmark = pytest.mark.django_db


def test_staff_can_make_a_reader_a_subscriber(admin_client, reader):
    page = admin_client.get(f"/admin/accounts/user/{reader.pk}/change/")
    assert page.status_code == 200 and 'name="is_subscriber"' in page.content.decode()


def test_it_prunes_only_anonymous_reads_older_than_the_window(reader):
    story = ArticleFactory()
    now = timezone.now()
    old, fresh = now - dt.timedelta(days=31), now - dt.timedelta(days=1)
    MeterRead.objects.create(visitor_key="c:old", article=story, first_read_at=old)
    MeterRead.objects.create(visitor_key="c:new", article=story, first_read_at=fresh)
    MeterRead.objects.create(user=reader, article=story, first_read_at=old)
    call_command("prune_meter")
    assert set(MeterRead.objects.values_list("visitor_key", flat=True)) == {"c:new", ""}
    assert User.objects.filter(pk=reader.pk).exists()
