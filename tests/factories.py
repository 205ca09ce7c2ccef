"""factory_boy factories for the newsroom (factories, not JSON fixtures)."""

from __future__ import annotations

import datetime as dt

import factory
from django.utils import timezone

from masthead.newsroom.models import Article, Author, Authorship, Section, Source, Tag


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Section
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Section {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-").replace(".", ""))
    position = factory.Sequence(lambda n: n)


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Wire {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))
    credit_line = factory.LazyAttribute(lambda o: f"The-{o.name.replace(' ', '-')}")
    copyright_template = factory.LazyAttribute(lambda o: f"™ & © {{year}} {o.name}, Inc.")


class StaffSourceFactory(SourceFactory):
    name = "The Pacific Ledger"
    slug = "staff"
    kind = Source.Kind.STAFF
    credit_line = "The Pacific Ledger"
    copyright_template = "© {year} The Pacific Ledger"


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class ArticleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Council votes on harbour plan, part {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    summary = "A short summary of the story."
    body = "<p>First paragraph of the story.</p><p>Second paragraph.</p>"
    dateline = "Port Alder, Ore."
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    source = factory.SubFactory(SourceFactory)

    @factory.post_generation
    def sections(self, create, extracted, **kwargs):
        if create and extracted:
            self.sections.set(extracted)
            self.section = extracted[0]
            self.save(update_fields=["section"])

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if create and extracted:
            for i, author in enumerate(extracted):
                Authorship.objects.create(article=self, author=author, position=i)
