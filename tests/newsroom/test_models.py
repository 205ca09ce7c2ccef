"""The newsroom's models: visibility, credit and copyright, access levels, wire identity."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from masthead.newsroom.models import Access, Article
from tests.factories import (
    ArticleFactory,
    AuthorFactory,
    SectionFactory,
    SourceFactory,
)

pytestmark = pytest.mark.django_db


def test_it_shows_only_published_due_unembargoed_originals():
    now = timezone.now()
    visible = ArticleFactory()
    ArticleFactory(status=Article.Status.DRAFT)
    ArticleFactory(status=Article.Status.KILLED)
    ArticleFactory(published_at=now + dt.timedelta(minutes=5))
    ArticleFactory(embargo_until=now + dt.timedelta(minutes=5))
    ArticleFactory(duplicate_of=visible)
    past_embargo = ArticleFactory(embargo_until=now - dt.timedelta(minutes=5))
    assert set(Article.objects.published()) == {visible, past_embargo}
    assert [a.is_visible() for a in (visible, past_embargo)] == [True, True]
    assert not any(
        a.is_visible() for a in Article.objects.exclude(pk__in=[visible.pk, past_embargo.pk])
    )


def test_it_fills_the_copyright_template_with_the_publication_year():
    source = SourceFactory(
        copyright_template="™ & © {year} Cable News Network, Inc.", credit_line="The-CNN-Wire"
    )
    article = ArticleFactory(source=source, published_at=dt.datetime(2025, 6, 1, tzinfo=dt.UTC))
    assert article.copyright == "™ & © 2025 Cable News Network, Inc."
    assert article.credit == "The-CNN-Wire"
    article.credit_line = "Reuters via CNN"
    article.copyright_notice = "© 2025 Reuters"
    assert (article.credit, article.copyright) == ("Reuters via CNN", "© 2025 Reuters")


def test_it_takes_the_access_level_from_article_then_source_then_section():
    section = SectionFactory(default_access=Access.SUBSCRIBERS)
    source = SourceFactory(default_access="")
    article = ArticleFactory(source=source, sections=[section])
    assert article.effective_access == Access.SUBSCRIBERS
    source.default_access = Access.REGISTRATION
    assert article.effective_access == Access.REGISTRATION
    article.access = Access.FREE
    assert article.effective_access == Access.FREE


def test_it_walls_wire_copy_and_frees_staff_copy_when_nothing_is_set():
    from tests.factories import StaffSourceFactory

    assert ArticleFactory(source=SourceFactory()).effective_access == Access.REGISTRATION
    assert ArticleFactory(source=StaffSourceFactory()).effective_access == Access.FREE


def test_it_keeps_one_article_per_source_and_wire_guid():
    source = SourceFactory()
    ArticleFactory(source=source, wire_guid="urn:a:1")
    ArticleFactory(source=SourceFactory(), wire_guid="urn:a:1")  # another source: fine
    ArticleFactory(source=source, wire_guid="")  # staff stories have none
    ArticleFactory(source=source, wire_guid="")
    with pytest.raises(IntegrityError), transaction.atomic():
        ArticleFactory(source=source, wire_guid="urn:a:1")


def test_it_orders_bylines_and_falls_back_to_the_free_text_byline():
    article = ArticleFactory(authors=[AuthorFactory(name="Ana Lima"), AuthorFactory(name="Bo Li")])
    assert Article.objects.for_page().get(pk=article.pk).byline_names == ["Ana Lima", "Bo Li"]
    plain = ArticleFactory(byline="By Staff")
    assert plain.byline_names == ["By Staff"]


def test_it_counts_as_updated_only_after_a_real_change_of_time():
    now = timezone.now()
    assert not ArticleFactory(published_at=now, updated_at=now).was_updated
    assert ArticleFactory(published_at=now - dt.timedelta(hours=2), updated_at=now).was_updated
