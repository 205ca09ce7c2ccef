"""A newer wire version of a story an editor changed: the paper's text stays, the wire's change
waits for the desk (`WireChange`), and an editor takes or leaves it; nothing is overwritten
silently."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import Group

from masthead.newsroom.actions import (
    ActionError,
    Actor,
    EditArticleAction,
    LeaveWireChangeAction,
    TakeWireChangeAction,
)
from masthead.newsroom.models import Article, ArticleRevision, WireChange
from masthead.wire.ingest import ingest_bytes
from tests.wire_documents import ninjs, ninjs_story

pytestmark = pytest.mark.django_db

PENDING = WireChange.State.PENDING


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2026-11-28 12:00Z", tick=False):
        yield


def user_in(django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(
        username=name, email=f"{name}@example.org", password="pw", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    return user


@pytest.fixture
def editor(django_user_model):
    return user_in(django_user_model, "erin", "Editor")


def version(n: int, headline: str, body: str, **extra: object) -> bytes:
    return ninjs(
        ninjs_story(
            uri="urn:alpha:ferry",
            headline=headline,
            body_html=body,
            version=str(n),
            versioncreated=f"2026-11-28T1{n}:00:00Z",
            source="Alpha Wire",
            **extra,
        )
    )


def ingest(document: bytes) -> Article:
    summary = ingest_bytes(document, file="alpha.json")
    assert summary.errors == 0, summary.results
    return Article.objects.get(wire_guid="urn:alpha:ferry")


def edit(article: Article, user, **fields: str) -> Article:
    for name, value in fields.items():
        setattr(article, name, value)
    return EditArticleAction(article=article, changed=fields, actor=Actor.editor(user)).execute()


@pytest.fixture
def edited(editor) -> Article:
    """Version 1 from the wire, its headline and body then rewritten by an editor, then
    version 2 from the wire changing both."""
    story = ingest(version(1, "Ferry terminal to close", "<p>The board voted.</p>"))
    edit(
        story,
        editor,
        headline="Port Alder ferry terminal closes for repairs",
        body="<p>The county board voted on Tuesday.</p>",
    )
    return ingest(
        version(2, "Ferry terminal closes until spring", "<p>The board voted five to two.</p>")
    )


def test_it_keeps_the_editors_text_and_puts_the_wires_changes_to_the_desk(edited):
    assert edited.wire_version == 2
    assert edited.headline == "Port Alder ferry terminal closes for repairs"
    assert edited.body == "<p>The county board voted on Tuesday.</p>"
    changes = {c.field: c for c in WireChange.objects.filter(article=edited, state=PENDING)}
    assert set(changes) == {"headline", "body"}
    assert changes["headline"].wire_value == "Ferry terminal closes until spring"
    assert changes["headline"].current_value == "Port Alder ferry terminal closes for repairs"
    assert changes["body"].wire_value == "<p>The board voted five to two.</p>"
    assert changes["body"].wire_version == 2 and changes["body"].actor == "wire: Alpha Wire"


def test_it_takes_the_headline_and_leaves_the_body(edited, editor):
    headline = WireChange.objects.get(article=edited, field="headline")
    body = WireChange.objects.get(article=edited, field="body")
    TakeWireChangeAction(change=headline, actor=Actor.editor(editor)).execute()
    LeaveWireChangeAction(change=body, actor=Actor.editor(editor)).execute()
    story = Article.objects.get(pk=edited.pk)
    assert story.headline == "Ferry terminal closes until spring"
    assert story.body == "<p>The county board voted on Tuesday.</p>"
    # Taken: unlocked, so the wire's next fix applies; left: still the paper's.
    assert "headline" not in story.editor_locked_fields and "body" in story.editor_locked_fields
    headline.refresh_from_db()
    body.refresh_from_db()
    assert (headline.state, headline.decided_by, headline.actor) == ("taken", editor, "erin")
    assert body.state == "left" and body.decided_at is not None
    # The take is an edit like any other: one revision naming the editor.
    assert ArticleRevision.objects.filter(
        article=story, actor="erin", reason="took the wire's headline"
    ).exists()
    later = ingest(
        version(3, "Ferry terminal shut until April", "<p>The board voted five to two.</p>")
    )
    assert later.headline == "Ferry terminal shut until April"
    assert later.body == "<p>The county board voted on Tuesday.</p>"
    # The body the editor left is the one the wire sent again: nothing new to decide.
    assert not WireChange.objects.filter(article=later, state=PENDING).exists()


def test_it_puts_no_field_the_wire_did_not_change_to_the_desk(editor):
    story = ingest(version(1, "Ferry terminal to close", "<p>The board voted.</p>"))
    edit(story, editor, headline="Port Alder ferry terminal closes")
    story = ingest(version(2, "Ferry terminal to close", "<p>The board voted five to two.</p>"))
    assert story.headline == "Port Alder ferry terminal closes"
    assert story.body == "<p>The board voted five to two.</p>"
    assert not WireChange.objects.exists()


def test_it_keeps_only_the_newest_wire_value_waiting(edited):
    ingest(version(3, "Ferry terminal shut until April", "<p>The board voted five to two.</p>"))
    waiting = WireChange.objects.get(article=edited, field="headline", state=PENDING)
    assert waiting.wire_value == "Ferry terminal shut until April" and waiting.wire_version == 3
    assert WireChange.objects.filter(article=edited, state=PENDING).count() == 2


def test_it_drops_a_waiting_change_once_the_wire_agrees_with_the_paper(edited):
    ingest(
        version(
            3, "Port Alder ferry terminal closes for repairs", "<p>The board voted five to two.</p>"
        )
    )
    assert list(
        WireChange.objects.filter(article=edited, state=PENDING).values_list("field", flat=True)
    ) == ["body"]


def test_it_puts_the_wires_new_tags_to_the_desk_and_takes_them(editor):
    story = ingest(version(1, "Ferry", "<p>Text.</p>", subject=[{"name": "Ferries"}]))
    story.editor_locked_fields = ["tags"]
    story.wire_locked_values = {"tags": ["Ferries"]}
    story.save()
    story = ingest(version(2, "Ferry", "<p>Text.</p>", subject=[{"name": "Transport"}]))
    change = WireChange.objects.get(article=story, field="tags")
    assert change.wire_value == ["Transport"] and change.current_value == ["Ferries"]
    TakeWireChangeAction(change=change, actor=Actor.editor(editor)).execute()
    assert [t.name for t in Article.objects.get(pk=story.pk).tags.all()] == ["Transport"]


def test_it_refuses_a_reporter_and_a_second_decision(edited, editor, django_user_model):
    reporter = user_in(django_user_model, "rita", "Reporter")
    change = WireChange.objects.get(article=edited, field="headline")
    for action in (TakeWireChangeAction, LeaveWireChangeAction):
        with pytest.raises(ActionError, match="may not"):
            action(change=change, actor=Actor.editor(reporter)).execute()
    LeaveWireChangeAction(change=change, actor=Actor.editor(editor)).execute()
    with pytest.raises(ActionError, match="already left"):
        TakeWireChangeAction(change=change, actor=Actor.editor(editor)).execute()
    assert Article.objects.get(pk=edited.pk).headline == (
        "Port Alder ferry terminal closes for repairs"
    )
