"""The wire desk: held feeds, publish, spike and unspike, pin, the list, and the wire's changes
to an edited story, each decision through the newsroom's actions (editors only)."""

from __future__ import annotations

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.urls import reverse

from masthead.newsroom import selectors
from masthead.newsroom.actions import Actor, EditArticleAction
from masthead.newsroom.models import Article, StatusChange, WireChange
from masthead.wire.ingest import ingest_bytes
from masthead.wire.models import Feed
from tests.factories import SectionFactory
from tests.wire_documents import ninjs, ninjs_story

pytestmark = pytest.mark.django_db

DESK = "admin:wire_wirestory_changelist"
LEAD = (
    "The county board voted five to two on Tuesday night to close the Port Alder ferry "
    "terminal for repairs through the spring, ending weeks of argument over the budget"
)


@pytest.fixture(autouse=True)
def _frozen():
    with time_machine.travel("2026-11-28 12:00Z", tick=False) as traveller:
        yield traveller


def signed_in(client, django_user_model, name: str, group: str):
    user = django_user_model.objects.create_user(
        username=name, email=f"{name}@example.org", password="pw-for-tests-only", is_staff=True
    )
    user.groups.add(Group.objects.get(name=group))
    client.force_login(user)
    return user


@pytest.fixture
def editor(client, django_user_model):
    return signed_in(client, django_user_model, "erin", "Editor")


@pytest.fixture
def held() -> Feed:
    return Feed.objects.create(name="Alpha held", slug="alpha-held", on_arrival="hold")


def story(n: int = 1, *, headline: str = "Ferry terminal to close", body: str = "") -> bytes:
    return ninjs(
        ninjs_story(
            uri="urn:alpha:ferry",
            headline=headline,
            body_html=body or f"<p>{LEAD}.</p>",
            version=str(n),
            versioncreated=f"2026-11-28T0{n}:00:00Z",
            source="Alpha Wire",
        )
    )


def ingest(document: bytes, feed: Feed | None = None, file: str = "alpha.json") -> Article:
    summary = ingest_bytes(document, file=file, feed=feed)
    assert summary.errors == 0, summary.results
    return Article.objects.get(pk=summary.results[-1].article_id)


def post(client, name: str, pk: int, data: dict | None = None):
    return client.post(reverse(f"admin:wire_desk_{name}", args=[pk]), data or {}, follow=True)


def page(client, **query) -> str:
    response = client.get(reverse(DESK), query)
    assert response.status_code == 200
    return response.content.decode()


def test_it_holds_a_held_feeds_new_story_in_review_out_of_readers_sight(held):
    article = ingest(story(), held)
    assert article.status == Article.Status.REVIEW
    assert not Article.objects.published().filter(pk=article.pk).exists()
    # A newer version of a held story stays held.
    assert ingest(story(2, headline="Ferry terminal closes"), held).status == "review"
    # A feed that publishes on arrival still does.
    other = ingest(
        story(headline="Bus fares rise", body="<p>Fares rise in May.</p>").replace(
            b"urn:alpha:ferry", b"urn:alpha:other"
        ),
        file="b.json",
    )
    assert other.is_visible()


def test_it_publishes_a_held_story_from_the_desk(client, editor, held):
    article = ingest(story(), held)
    answer = post(client, "publish", article.pk)
    assert "Published “Ferry terminal to close”" in answer.content.decode()
    article.refresh_from_db()
    assert article.is_visible()
    assert StatusChange.objects.filter(article=article, to_status="published", user=editor)


def test_it_spikes_a_story_keeps_it_spiked_on_a_later_version_and_unspikes_it(client, editor, held):
    article = ingest(story(), held)
    post(client, "spike", article.pk)
    article.refresh_from_db()
    assert article.status == "spiked" and not article.is_visible()
    assert "Ferry terminal to close" not in page(client)
    assert "Ferry terminal to close" in page(client, show="spiked")
    ingest(story(2, headline="Ferry terminal closes"))
    article.refresh_from_db()
    assert (article.status, article.headline) == ("spiked", "Ferry terminal closes")
    post(client, "unspike", article.pk)
    article.refresh_from_db()
    assert article.status == "review"
    assert list(
        StatusChange.objects.filter(article=article).values_list("to_status", flat=True)[:2]
    ) == ["review", "spiked"]


def test_it_refuses_to_spike_a_live_story(client, editor):
    article = ingest(story())
    answer = post(client, "spike", article.pk)
    assert "unpublish it first" in answer.content.decode()
    assert Article.objects.get(pk=article.pk).is_visible()


def test_it_pins_a_story_from_the_desk_to_the_home_front(client, editor):
    article = ingest(story())
    newer = story(headline="Bus fares rise", body="<p>Fares rise in May.</p>")
    ingest(newer.replace(b"urn:alpha:ferry", b"urn:alpha:newer"), file="b.json")
    answer = post(client, "pin", article.pk, {"front": "home", "slot": "1"})
    assert "Pinned “Ferry terminal to close” to Home, slot 1." in answer.content.decode()
    assert selectors.front(None)[0] == article


def test_it_lists_newest_arrival_first_with_what_the_desk_decides_on(client, editor, held, _frozen):
    SectionFactory(name="World", slug="world")
    first = ingest(
        ninjs(
            ninjs_story(
                uri="urn:beta:cafe",
                headline="CafÃ© owners protest harbour rent",
                body_html=f"<p>{LEAD}.</p><p>Beta's own tail.</p>",
                source="Beta Wire",
                keywords=["World", "Harbour"],
            )
        ),
        held,
        "beta.json",
    )
    _frozen.shift(60)
    second = ingest(
        story(headline="Board shuts ferry dock", body=f"<p>{LEAD}.</p><p>Alpha adds.</p>")
    )
    html = page(client)
    assert html.index("Board shuts ferry dock") < html.index("Café owners protest harbour rent")
    row = html[html.index(f'id="story-{first.pk}"') :]
    row = row[: row.index("</article>")]
    assert "In review" in row and "feed: Alpha held" in row and "v1" in row
    assert first.source.name in row and "World" in row and "Harbour" in row
    assert "Text repaired" in row and "mojibake" in row
    assert "1 near-duplicate" in row and "Publish" in row and "Spike" in row
    assert "Beta Wire" in row and "Alpha Wire" in html and 'desk-count">1<' in html
    assert second.status == "published"


def test_it_shows_the_last_day_by_default_and_everything_on_request(client, editor, _frozen):
    ingest(story())
    _frozen.shift(60 * 60 * 25)
    assert "Ferry terminal to close" not in page(client)
    assert "Ferry terminal to close" in page(client, since="all")


def test_it_shows_what_the_wire_changed_in_an_edited_story_and_takes_or_leaves_it(client, editor):
    article = ingest(story(body="<p>The board voted.</p>"))
    for name, value in (("headline", "Ferry dock closes"), ("body", "<p>Board votes no.</p>")):
        setattr(article, name, value)
    EditArticleAction(
        article=article, changed={"headline", "body"}, actor=Actor.editor(editor)
    ).execute()
    ingest(story(2, headline="Ferry terminal closes in spring", body="<p>The board voted 5-2.</p>"))
    html = page(client)
    assert "Wire changed the headline, body: take or leave" in html
    desk = client.get(reverse("admin:wire_desk_story", args=[article.pk])).content.decode()
    assert "<span>Ferry </span><del>dock</del><ins>terminal</ins><span> closes</span>" in desk
    assert "<del>Board votes no</del><ins>The board voted 5-2</ins>" in desk
    assert "Take the wire's" in desk
    changes = {c.field: c for c in WireChange.objects.filter(article=article)}
    post(client, "take", changes["headline"].pk)
    answer = post(client, "leave", changes["body"].pk)
    assert "Left the wire&#x27;s body: the paper&#x27;s stays." in answer.content.decode()
    article.refresh_from_db()
    assert article.headline == "Ferry terminal closes in spring"
    assert article.body == "<p>Board votes no.</p>"
    desk = client.get(reverse("admin:wire_desk_story", args=[article.pk])).content.decode()
    assert "Nothing waiting" in desk and "Headline: taken by erin" in desk


def test_it_gives_a_reporter_no_buttons_and_refuses_a_forged_post(client, django_user_model, held):
    signed_in(client, django_user_model, "rita", "Reporter")
    article = ingest(story(), held)
    html = page(client)
    assert "Ferry terminal to close" in html and "an editor decides" in html
    assert "wire_desk" not in html and "/publish/" not in html and "Spike</button>" not in html
    for name in ("publish", "spike"):
        answer = post(client, name, article.pk)
        assert answer.status_code == 200 and "may not publish" in answer.content.decode()
    assert Article.objects.get(pk=article.pk).status == "review"


def test_it_answers_bad_posts_with_messages_not_errors(client, editor, held):
    article = ingest(story(), held)
    assert "No wire story with that number" in post(client, "publish", 999999).content.decode()
    assert "No such wire change" in post(client, "take", 999999).content.decode()
    bad_pin = post(client, "pin", article.pk, {"front": "nowhere", "slot": "-3"})
    assert "Front: Select a valid choice" in bad_pin.content.decode()
    held_pin = post(client, "pin", article.pk, {"front": "home"})
    assert "cannot lead a front" in held_pin.content.decode()
    twice = post(client, "unspike", article.pk)
    assert "story that is in review cannot be unspiked" in twice.content.decode()
    assert client.get(reverse("admin:wire_desk_publish", args=[article.pk])).status_code == 405
    offsite = client.post(
        reverse("admin:wire_desk_publish", args=[article.pk]), {"next": "https://evil.example/"}
    )
    assert offsite["Location"] == reverse(DESK)
    assert client.get(reverse(DESK), {"p": "x", "source": "y", "show": "z"}).status_code == 200


def test_it_is_on_the_admin_index_as_the_wire_desk(client, editor):
    html = client.get(reverse("admin:index")).content.decode()
    assert "Wire desk" in html and reverse(DESK) in html
