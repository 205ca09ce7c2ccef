"""A story's versions read off its revisions, and the diff an editor reads between two."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.auth.models import Group

from masthead.newsroom import actions
from masthead.newsroom.actions import Actor, Relations, WireContent
from masthead.newsroom.models import Article
from masthead.newsroom.revisions import (
    Version,
    body_text,
    diff,
    history,
    other_changes,
    word_diff,
)
from tests.factories import ArticleFactory, SourceFactory, TagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(django_user_model):
    user = django_user_model.objects.create_user(
        username="erin", email="erin@example.org", password="pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def version(number: int = 1, **data) -> Version:
    return Version(
        number, dt.datetime(2026, 3, 2, tzinfo=dt.UTC), "erin", "editor edit", data, False
    )


def edit(article: Article, actor: Actor, relations: Relations | None = None, **fields) -> Article:
    """An editor's save of `fields`, through the action the admin uses."""
    story = Article.objects.select_related("source").get(pk=article.pk)
    for name, value in fields.items():
        setattr(story, name, value)
    return actions.EditArticleAction(
        article=story, changed=list(fields), actor=actor, relations=relations
    ).execute()


def wire_story() -> Article:
    source = SourceFactory(name="Reuters", slug="reuters")
    content = WireContent(
        fields={
            "headline": "Port strike ends after talks",
            "summary": "Dockworkers return.",
            "body": "<p>The strike ended on Monday.</p><p>Ships are moving again.</p>",
        },
        tags=["Ports"],
        wire_guid="urn:reuters:1",
        wire_version=1,
    )
    return actions.CreateFromWireAction(
        source=source, content=content, actor=Actor.wire(source)
    ).execute()


def test_it_numbers_the_versions_and_names_who_made_each(editor):
    story = wire_story()
    erin = Actor.editor(editor)
    edit(story, erin, headline="Port strike ends after long talks")
    edit(story, erin, body="<p>The strike ended on Tuesday.</p><p>Ships are moving again.</p>")
    actions.UpdateFromWireAction(
        article=Article.objects.get(pk=story.pk),
        content=WireContent(
            fields={"headline": "Strike over", "summary": "Dockworkers are back at work."},
            tags=["Ports"],
            wire_version=2,
        ),
        actor=Actor.wire(story.source),
    ).execute()

    versions = history(Article.objects.get(pk=story.pk))

    assert [(v.number, v.actor, v.reason) for v in versions] == [
        (1, "wire: Reuters", "wire version 1"),
        (2, "erin", "editor edit"),
        (3, "erin", "editor edit"),
        (4, "wire: Reuters", "wire update"),
    ]
    assert [v.is_current for v in versions] == [False, False, False, True]
    assert versions[0].data["headline"] == "Port strike ends after talks"
    assert versions[1].data["headline"] == "Port strike ends after long talks"
    assert "Monday" in versions[1].data["body"] and "Tuesday" in versions[2].data["body"]
    # The wire's update left the editor's headline alone and changed the summary.
    assert versions[3].data["headline"] == "Port strike ends after long talks"
    assert versions[3].data["summary"] == "Dockworkers are back at work."
    assert [v.at for v in versions] == sorted(v.at for v in versions)


def test_it_counts_a_story_never_changed_as_one_current_version(editor):
    story = actions.CreateArticleAction(
        article=Article(headline="Library reopens", source=SourceFactory(), body="<p>Hi.</p>"),
        actor=Actor.editor(editor),
    ).execute()

    [only] = history(story)

    assert (only.number, only.actor, only.reason, only.is_current) == (1, "erin", "created", True)
    assert only.data["headline"] == "Library reopens"


def test_it_names_the_source_of_a_story_made_without_the_log():
    story = ArticleFactory(source=SourceFactory(name="AP", slug="ap"), wire_guid="urn:ap:1")

    assert history(story)[0].actor == "wire: AP"


def test_it_shows_a_changed_word_of_the_headline_as_deleted_and_inserted():
    old = version(1, headline="Council votes on harbour plan")
    new = version(2, headline="Council delays harbour plan")

    headline = diff(old, new)[0]

    assert (headline.label, headline.changed) == ("Headline", True)
    assert headline.chunks == [
        ("equal", "Council "),
        ("delete", "votes on"),
        ("insert", "delays"),
        ("equal", " harbour plan"),
    ]


def test_it_keeps_the_body_paragraphs_and_marks_only_the_changed_word():
    old = version(1, body="<p>The ferry runs hourly.</p><p>Fares stay the same.</p>")
    new = version(2, body="<p>The ferry runs hourly.</p><p>Fares go up.</p>")

    body = next(f for f in diff(old, new) if f.name == "body")

    assert body.chunks == [
        ("equal", "The ferry runs hourly.\nFares "),
        ("delete", "stay the same"),
        ("insert", "go up"),
        ("equal", "."),
    ]


def test_it_shows_an_added_paragraph_as_inserted_on_its_own_line():
    old = version(1, body="<p>The ferry runs hourly.</p>")
    new = version(2, body="<p>The ferry runs hourly.</p><p>Buses run too</p>")

    body = next(f for f in diff(old, new) if f.name == "body")

    assert body.chunks == [("equal", "The ferry runs hourly."), ("insert", "\nBuses run too")]


def test_it_marks_exactly_one_word_changed_in_the_middle_of_a_paragraph():
    chunks = word_diff("Ships are moving again.", "Ships are sailing again.")

    assert chunks == [
        ("equal", "Ships are "),
        ("delete", "moving"),
        ("insert", "sailing"),
        ("equal", " again."),
    ]


def test_it_never_takes_a_paragraph_break_into_a_change():
    chunks = word_diff("one\ntwo", "uno\ndos")

    assert chunks == [
        ("delete", "one"),
        ("insert", "uno"),
        ("equal", "\n"),
        ("delete", "two"),
        ("insert", "dos"),
    ]


def test_it_lists_unchanged_fields_as_unchanged():
    data = {"headline": "Same", "body": "<p>Same.</p>", "tags": ["a"], "sections": []}

    fields = diff(version(1, **data), version(2, **data))

    assert [f.label for f in fields] == [
        "Headline",
        "Summary",
        "Dateline",
        "Byline",
        "Body",
        "Sections",
        "Tags",
    ]
    assert not any(f.changed for f in fields)
    assert fields[0].chunks == [("equal", "Same")]


def test_it_says_when_only_the_body_markup_changed():
    old = version(1, body="<p>See the report.</p>")
    new = version(2, body='<p>See the <a href="https://example.org">report</a>.</p>')

    body = next(f for f in diff(old, new) if f.name == "body")

    assert body.changed and "links" in body.note
    assert all(op == "equal" for op, _ in body.chunks)


def test_it_compares_tags_and_sections_whatever_their_order():
    old = version(1, tags=["ports", "labour"], sections=["world", "business"])
    new = version(2, tags=["labour", "ports"], sections=["business", "world"])

    assert not any(f.changed for f in diff(old, new))


def test_it_keeps_the_order_of_bylines():
    old = version(1, bylines=["Ana Ruiz", "Ben Ode"])
    new = version(2, bylines=["Ben Ode", "Ana Ruiz"])

    assert next(f for f in diff(old, new) if f.name == "bylines").changed


def test_it_names_other_fields_that_differ():
    old = version(1, status="draft", image_url="", headline="x")
    new = version(2, status="published", image_url="https://example.org/a.jpg", headline="x")

    assert other_changes(old, new) == ["Status (a restore leaves it as it is)", "Image"]


@pytest.mark.parametrize(
    ("html", "text"),
    [
        ("<p>One.</p><p>Two <b>bold</b>.</p>", "One.\nTwo bold."),
        ("Lead text<p>Para.</p>after", "Lead text\nPara.\nafter"),
        ("<figure><img src='a.jpg'><figcaption>The harbour</figcaption></figure>", "The harbour"),
        ("<ul><li>a<ul><li>b</li></ul></li></ul>", "a\nb"),
        ("<blockquote><p>q1</p><p>q2</p></blockquote>", "q1\nq2"),
        ("<table><tr><th>Year</th><th>Tons</th></tr><tr><td>2025</td><td>9</td></tr></table>",
         "Year | Tons\n2025 | 9"),
        ("line one<br>line two", "line one\nline two"),
        ("kept<!-- a note -->, too", "kept, too"),
        ("", ""),
        ("   ", ""),
    ],
)  # fmt: skip
def test_it_reads_every_block_of_a_body_as_text(html, text):
    assert body_text(html) == text


def test_it_reads_the_words_of_a_body_lxml_refuses():
    assert body_text('<?xml version="1.0" encoding="utf-8"?><p>Still &amp; here</p>') == (
        "Still & here"
    )


def test_it_shows_a_changed_figure_caption(editor):
    old = version(1, body="<p>Text.</p><figure><figcaption>Old pier</figcaption></figure>")
    new = version(2, body="<p>Text.</p><figure><figcaption>New pier</figcaption></figure>")

    body = next(f for f in diff(old, new) if f.name == "body")

    assert body.changed and ("delete", "Old") in body.chunks and ("insert", "New") in body.chunks


def test_it_reads_versions_that_lack_a_field_as_empty():
    old = version(1)  # a snapshot written before the field existed
    new = version(2, tags=["ports"], body=None)

    tags = next(f for f in diff(old, new) if f.name == "tags")

    assert tags.chunks == [("insert", "ports")]


def test_it_sees_the_restored_tags_in_the_next_version(editor):
    erin = Actor.editor(editor)
    story = actions.CreateArticleAction(
        article=Article(headline="Tide tables", source=SourceFactory(), body="<p>High.</p>"),
        actor=erin,
        relations=Relations(tags=[TagFactory(name="Sea", slug="sea")]),
    ).execute()
    edit(
        story, erin, Relations(tags=[TagFactory(name="Weather", slug="weather")]), headline="Tides"
    )
    first = history(story)[0]

    actions.RestoreRevisionAction(article=story, data=first.data, number=1, actor=erin).execute()

    versions = history(Article.objects.get(pk=story.pk))
    assert [v.reason for v in versions] == ["created", "editor edit", "restored version 1"]
    assert versions[2].data["tags"] == ["sea"] and versions[2].data["headline"] == "Tide tables"
    assert versions[1].data["tags"] == ["weather"]
