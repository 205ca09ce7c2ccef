"""The meter's notice: an anonymous reader is told how many free stories are left before the wall.

The story's face is shared by every reader given it (tests/edge/test_meter_notice_cache.py has
the origin's cache); the notice is put in per read, so each reader sees their own count.
"""

from __future__ import annotations

import hashlib

import pytest
from django.http import HttpResponse, JsonResponse, StreamingHttpResponse
from django.template import engines
from django.template.response import SimpleTemplateResponse
from django.test import Client

from masthead.accounts import meter_notice
from masthead.accounts.access import ArticleAccess, Visitor
from masthead.accounts.meter import AccessDecision, Level, Reader, Reason
from masthead.newsroom.models import Access
from tests.accounts.readers import GOOGLEBOT_IP, GOOGLEBOT_UA, PASSWORD, secret

pytestmark = pytest.mark.django_db

PLACEHOLDER = meter_notice.PLACEHOLDER
ESI = {"HTTP_SURROGATE_CAPABILITY": 'varnish="ESI/1.0"'}


def read(client, article, **extra):
    return client.get(article.get_absolute_url(), **extra)


def notice(response) -> str:
    """The notice's text, "" without one; the placeholder never reaches a reader."""
    html = response.content.decode()
    assert PLACEHOLDER not in html
    start = html.find('<aside class="meter-notice"')
    if start < 0:
        return ""
    body = html[start : html.index("</aside>", start)]
    text = body[body.index("<p") :]
    while "<" in text:
        before, _, rest = text.partition("<")
        text = before + rest.partition(">")[2]
    return " ".join(text.split())


def test_it_counts_down_the_free_stories_then_shows_the_wall(client, make_story):
    """Allowance 3 (tests/accounts/conftest.py): 2 left, 1 left, the last one, the wall."""
    stories = [make_story() for _ in range(4)]
    seen = [notice(read(client, story)) for story in stories[:3]]
    assert seen == [
        "You have 2 free stories left this month. Sign up free to keep reading.",
        "You have 1 free story left this month. Sign up free to keep reading.",
        "This is your last free story this month. Sign up free to keep reading.",
    ]
    walled = read(client, stories[3])
    assert secret(stories[3]) not in walled.content.decode()
    assert notice(walled) == ""  # the wall says it
    assert "Access this article for free." in walled.content.decode()


def test_it_links_the_notice_to_sign_up_and_back(client, make_story):
    story = make_story()
    html = read(client, story).content.decode()
    assert f'href="/accounts/signup/?next={story.get_absolute_url()}">Sign up free</a>' in html


def test_it_puts_the_notice_above_the_story(client, make_story):
    story = make_story()
    html = read(client, story).content.decode()
    assert html.index('class="meter-notice"') < html.index(secret(story))


def test_it_counts_what_the_address_has_left_when_that_is_less(make_story, settings):
    """Address budget 5: a cookieless client is told what its address has left, not 3."""
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 2
    stories = [make_story() for _ in range(2)]
    assert notice(read(Client(), stories[0])).startswith("You have 1 free story left")
    assert notice(read(Client(), stories[1])).startswith("This is your last free story")


def test_it_keeps_each_readers_own_count(make_story):
    stories = [make_story() for _ in range(3)]
    ahead, behind = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.2.2.2")
    read(ahead, stories[0])
    read(ahead, stories[1])
    assert notice(read(ahead, stories[2])).startswith("This is your last free story")
    assert notice(read(behind, stories[2])).startswith("You have 2 free stories left")


def test_it_shows_no_notice_to_a_signed_in_reader(client, make_story, reader):
    client.login(username=reader.email, password=PASSWORD)
    story = make_story()
    response = read(client, story)
    assert secret(story) in response.content.decode()
    assert notice(response) == ""


def test_it_shows_no_notice_on_a_free_story(client, make_story):
    story = make_story(access=Access.FREE)
    response = read(client, story)
    assert secret(story) in response.content.decode() and notice(response) == ""
    assert "public" in response["Cache-Control"]


def test_it_shows_no_notice_to_a_verified_crawler(make_story):
    story = make_story()
    response = read(Client(HTTP_USER_AGENT=GOOGLEBOT_UA, REMOTE_ADDR=GOOGLEBOT_IP), story)
    assert secret(story) in response.content.decode() and notice(response) == ""


def test_it_charges_nothing_and_says_nothing_on_a_second_read(client, make_story):
    story = make_story()
    assert notice(read(client, story)) != ""
    assert notice(read(client, story)) == ""  # already read: nothing counted
    assert notice(read(client, make_story())).startswith("You have 1 free story left")


def test_it_fills_the_esi_fragment(client, make_story):
    """Behind an ESI edge the shell every reader shares has no notice; the face the edge asks
    for on each read has this reader's."""
    story = make_story()
    shell = read(client, story, **ESI)
    assert notice(shell) == "" and f"{story.get_absolute_url()}face/" in shell.content.decode()
    face = client.get(f"{story.get_absolute_url()}face/", **ESI)
    assert secret(story) in face.content.decode()
    assert notice(face).startswith("You have 2 free stories left this month.")
    assert "private" in face["Cache-Control"]
    again = client.get(f"{make_story().get_absolute_url()}face/", **ESI)
    assert notice(again).startswith("You have 1 free story left this month.")


@pytest.mark.parametrize(
    ("days", "words"),
    [
        (30, "this month"),
        (31, "this month"),
        (7, "this week"),
        (1, "today"),
        (14, "in this 14-day period"),
        (90, "in this 90-day period"),
    ],
)
def test_it_words_the_window_as_the_meter_keeps_it(client, make_story, settings, days, words):
    settings.MASTHEAD_METER_WINDOW_DAYS = days
    response = read(client, make_story())
    assert notice(response).startswith(f"You have 2 free stories left {words}. ")


def test_it_hashes_the_etag_of_the_bytes_each_reader_got(make_story):
    """ConditionalGetMiddleware hashes the body after the notice is in: another reader's ETag
    never earns a 304 for a body with a different count."""
    story, other = make_story(), make_story()
    first_reader, second_reader = Client(REMOTE_ADDR="10.1.1.1"), Client(REMOTE_ADDR="10.2.2.2")
    read(second_reader, other)
    first = read(first_reader, story)
    second = read(second_reader, story, HTTP_IF_NONE_MATCH=first["ETag"])
    assert second.status_code == 200
    assert notice(second).startswith("You have 1 free story left")
    for response in (first, second):
        assert response["ETag"] == f'"{hashlib.md5(response.content).hexdigest()}"'  # noqa: S324
        if response.has_header("Content-Length"):
            assert int(response["Content-Length"]) == len(response.content)


def test_it_reads_a_grammatical_sign_up_line_on_the_wall(client, make_story, settings):
    settings.PAPER_NAME = "The Pacific Ledger"
    stories = [make_story() for _ in range(4)]
    for story in stories[:3]:
        read(client, story)
    html = read(client, stories[3]).content.decode()
    assert (
        "Create a free account with The Pacific Ledger to keep reading this story and every"
        " other one." in html
    )
    assert "a free The" not in html


def access_for(reason: Reason, *, remaining: int | None, reader: Reader = Reader.ANONYMOUS):
    decision = AccessDecision(
        True,
        Level.REGISTRATION,
        reason,
        reader,
        record=True,
        personal=True,
        allowance=3,
        remaining=remaining,
    )
    return ArticleAccess(decision, article=None, visitor=Visitor(reader), next_url="/story/x/")  # type: ignore[arg-type]


def test_it_leaves_streaming_and_non_html_responses_alone():
    access = access_for(Reason.METERED, remaining=2)
    streaming = StreamingHttpResponse([PLACEHOLDER.encode()], content_type="text/html")
    meter_notice.fill(streaming, access)
    assert b"".join(streaming.streaming_content) == PLACEHOLDER.encode()
    data = JsonResponse({"html": PLACEHOLDER}, json_dumps_params={"ensure_ascii": False})
    before = data.content
    meter_notice.fill(data, access)
    assert data.content == before


def test_it_keeps_the_content_length_true():
    access = access_for(Reason.METERED, remaining=2)
    response = HttpResponse(f"<main>{PLACEHOLDER}<p>Body</p></main>")
    response["Content-Length"] = str(len(response.content))
    response["ETag"] = '"stale"'
    meter_notice.fill(response, access)
    assert b"You have 2 free stories left" in response.content
    assert int(response["Content-Length"]) == len(response.content)
    assert not response.has_header("ETag")


def test_it_fills_a_template_response_once_it_is_rendered():
    template = engines["django"].from_string(f"<main>{PLACEHOLDER}<p>Body</p></main>")
    response = SimpleTemplateResponse(template)
    meter_notice.fill(response, access_for(Reason.METERED, remaining=0))
    response.render()
    assert b"This is your last free story" in response.content
    assert PLACEHOLDER.encode() not in response.content


@pytest.mark.parametrize(
    ("reason", "reader", "remaining"),
    [
        (Reason.REGISTERED, Reader.REGISTERED, None),
        (Reason.ALREADY_READ, Reader.ANONYMOUS, None),
        (Reason.CRAWLER, Reader.CRAWLER, None),
        (Reason.SUBSCRIBER, Reader.SUBSCRIBER, None),
    ],
)
def test_it_removes_the_placeholder_where_no_count_applies(reason, reader, remaining):
    response = HttpResponse(f"<main>{PLACEHOLDER}<p>Body</p></main>")
    meter_notice.fill(response, access_for(reason, remaining=remaining, reader=reader))
    assert response.content == b"<main><p>Body</p></main>"
