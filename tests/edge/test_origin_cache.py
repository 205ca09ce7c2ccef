"""The origin's page cache and the headers every edge reads: keys, lifetimes, exact purges."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access
from tests.factories import ArticleFactory, SectionFactory, TagFactory

pytestmark = pytest.mark.django_db

SYSTEM = Actor.system("tests")


def queries(client: Client, url: str, **extra):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, **extra)
    return response, len(ctx.captured_queries)


def beyond_the_meter(client: Client, url: str) -> tuple:
    """The response and the SQL it ran other than the meter's (its rows and transaction)."""
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    meter = ("accounts_meterread", "BEGIN", "COMMIT", "SAVEPOINT", "RELEASE", "pg_advisory")
    other = [q["sql"] for q in ctx.captured_queries if not any(m in q["sql"] for m in meter)]
    return response, other


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world", on_home=True, in_nav=True)


@pytest.fixture
def free_story(world):
    return ArticleFactory(
        headline="Harbour reopens after storm",
        body="<p>The harbour reopened on Tuesday.</p>",
        access=Access.FREE,
        section=world,
        sections=[world],
        tags=[TagFactory(name="Weather")],
    )


def keys(response) -> set[str]:
    return set(response["xkey"].split())


def test_public_pages_carry_their_purge_keys_and_lifetimes(client, free_story, world, settings):
    tag = free_story.tags.get()
    home = client.get("/")
    assert {"top", "nav", f"a{free_story.pk}", f"s{world.pk}"} <= keys(home)
    assert home["Surrogate-Key"] == home["xkey"]
    assert home["Surrogate-Control"] == f"max-age={settings.MASTHEAD_PAGE_CACHE_SECONDS}"
    control = home["Cache-Control"]
    assert "public" in control and f"max-age={settings.MASTHEAD_BROWSER_CACHE_SECONDS}" in control
    assert f"s{world.pk}" in keys(client.get(world.get_absolute_url()))
    assert f"t{tag.pk}" in keys(client.get(tag.get_absolute_url()))
    assert f"a{free_story.pk}" in keys(client.get(free_story.get_absolute_url()))
    assert "top" in keys(client.get("/feeds/rss/"))
    assert keys(client.get("/sitemap-articles.xml")) == {"top"}


def test_it_serves_a_public_page_again_without_the_database(client, free_story):
    first, _ = queries(client, "/")
    assert first["X-Origin-Cache"] == "miss"
    again, count = queries(Client(), "/")
    assert again["X-Origin-Cache"] == "hit" and count == 0
    assert again.content == first.content
    story, _ = queries(Client(), free_story.get_absolute_url())
    story_again, count = queries(Client(), free_story.get_absolute_url())
    assert story_again["X-Origin-Cache"] == "hit" and count == 0


def test_a_kill_takes_the_story_off_every_cached_page_at_once(
    client, free_story, world, django_capture_on_commit_callbacks
):
    pages = ["/", world.get_absolute_url(), "/feeds/rss/", free_story.get_absolute_url()]
    for url in pages:
        assert free_story.headline in client.get(url).content.decode()
        assert client.get(url)["X-Origin-Cache"] == "hit"
    with django_capture_on_commit_callbacks(execute=True):
        actions.KillArticleAction(actor=SYSTEM, article=free_story, reason="Legal").execute()
    assert client.get(free_story.get_absolute_url()).status_code == 410
    for url in pages[:3]:
        response = client.get(url)
        assert free_story.headline not in response.content.decode(), url


def test_an_update_shows_at_once_and_leaves_other_pages_cached(
    client, free_story, world, django_capture_on_commit_callbacks
):
    other_section = SectionFactory(name="Sport", slug="sport")
    other = ArticleFactory(
        headline="Cup final tonight", section=other_section, sections=[other_section]
    )
    client.get(free_story.get_absolute_url())
    client.get(other.get_absolute_url())
    client.get(other_section.get_absolute_url())
    free_story.headline = "Harbour reopens after the storm, pilots say"
    with django_capture_on_commit_callbacks(execute=True):
        actions.EditArticleAction(article=free_story, changed={"headline"}, actor=SYSTEM).execute()
    page = client.get(free_story.get_absolute_url())
    assert "pilots say" in page.content.decode() and page["X-Origin-Cache"] == "miss"
    # A page that shows nothing of the story stays cached: no purge empties the cache.
    assert client.get(other_section.get_absolute_url())["X-Origin-Cache"] == "hit"


def test_a_new_story_appears_on_its_lists(client, world, django_capture_on_commit_callbacks):
    ArticleFactory(headline="Older story", section=world, sections=[world])
    client.get("/")
    client.get(world.get_absolute_url())
    with django_capture_on_commit_callbacks(execute=True):
        ArticleFactory(headline="Ferry strike called off", section=world, sections=[world])
    for url in ("/", world.get_absolute_url(), "/feeds/rss/"):
        assert "Ferry strike called off" in client.get(url).content.decode(), url


def test_it_never_stores_or_serves_a_signed_in_readers_page(client, free_story, django_user_model):
    reader = django_user_model.objects.create_user("r", "r@example.org", "pw-tests-only-1")
    Client().get("/")  # stored for anonymous readers
    client.force_login(reader)
    mine = client.get("/")
    assert "X-Origin-Cache" not in mine
    assert "public" not in mine.get("Cache-Control", "") and "xkey" not in mine
    assert "Sign Out" in mine.content.decode()
    assert "Sign Out" not in Client().get("/").content.decode()


def test_it_ignores_query_strings_it_does_not_know(client, free_story):
    client.get("/?utm=1")
    assert "X-Origin-Cache" not in client.get("/?utm=2")


def test_conditional_gets_answer_304(client, free_story):
    first = client.get(free_story.get_absolute_url())
    assert first.has_header("ETag")
    again = Client().get(free_story.get_absolute_url(), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_a_metered_story_has_two_faces_cached_never_mixed(settings, world):
    """Every anonymous reader given the whole story shares one cached page, every walled
    reader the other; each response stays private, and the meter still counts each read."""
    settings.MASTHEAD_METER_FREE_ARTICLES = 1
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 100
    story = ArticleFactory(
        headline="Council budget vote",
        body="<p>Lead sentence of the budget story here.</p>" + "<p>Hidden detail.</p>" * 8,
        section=world,
        sections=[world],
    )
    first_read = ArticleFactory(section=world, sections=[world])
    whole, _ = queries(Client(), story.get_absolute_url())
    assert "Hidden detail." in whole.content.decode()
    second, other_whole = beyond_the_meter(Client(), story.get_absolute_url())
    assert second["X-Origin-Cache"] == "hit" and "Hidden detail." in second.content.decode()
    assert "private" in second["Cache-Control"] and "xkey" not in second
    walled_reader = Client()
    walled_reader.get(first_read.get_absolute_url())  # its one free story
    walled, _ = queries(walled_reader, story.get_absolute_url())
    assert "Hidden detail." not in walled.content.decode()
    walled_again, other_walled = beyond_the_meter(walled_reader, story.get_absolute_url())
    assert walled_again["X-Origin-Cache"] == "hit"
    assert "Hidden detail." not in walled_again.content.decode()
    assert "private" in walled_again["Cache-Control"]
    # A hit costs the meter's reads and writes (none in the database where Redis keeps the
    # meter), and nothing else: the story itself comes from the cache too.
    assert other_whole == [] and other_walled == []


def test_a_cached_story_follows_its_edits(world, django_capture_on_commit_callbacks):
    story = ArticleFactory(headline="Ferry timetable", section=world, sections=[world])
    reader = Client()
    assert "Ferry timetable" in reader.get(story.get_absolute_url()).content.decode()
    story.headline = "Ferry timetable changes"
    with django_capture_on_commit_callbacks(execute=True):
        actions.EditArticleAction(article=story, changed={"headline"}, actor=SYSTEM).execute()
    assert "Ferry timetable changes" in Client().get(story.get_absolute_url()).content.decode()


def test_a_cached_story_follows_its_sources_settings(world, django_capture_on_commit_callbacks):
    """The source's default access decides the wall: changing it purges its stories' pages."""
    story = ArticleFactory(headline="Ferry timetable", section=world, sections=[world])
    walled = Client().get(story.get_absolute_url())
    assert "private" in walled["Cache-Control"]
    with django_capture_on_commit_callbacks(execute=True):
        story.source.default_access = Access.FREE
        story.source.save()
    free = Client().get(story.get_absolute_url())
    assert "public" in free["Cache-Control"]
    assert "mh_visitor" not in free.cookies


def test_a_correction_purges_its_story_and_the_corrections_page(
    client, free_story, world, django_capture_on_commit_callbacks
):
    sport = SectionFactory(name="Sport", slug="sport")
    other = ArticleFactory(headline="Cup final tonight", section=sport, sections=[sport])
    # Before the pages are stored (its commit's purge is not run: nothing is cached yet).
    actions.ApplyCorrectionAction(actor=SYSTEM, article=other, note="Kick-off is 8pm.").execute()
    pages = ["/corrections/", free_story.get_absolute_url(), "/feeds/atom/"]
    for url in [*pages, sport.get_absolute_url()]:
        client.get(url)
        assert client.get(url)["X-Origin-Cache"] == "hit", url
    assert "corrections" in keys(client.get("/corrections/"))
    with django_capture_on_commit_callbacks(execute=True):
        actions.ApplyCorrectionAction(
            actor=SYSTEM, article=free_story, note="The harbour reopened on Wednesday."
        ).execute()
    for url in pages:
        response = client.get(url)
        assert response["X-Origin-Cache"] == "miss", url
        assert "reopened on Wednesday" in response.content.decode(), url
    listed = client.get("/corrections/").content.decode()
    assert listed.index("reopened on Wednesday") < listed.index("Kick-off is 8pm.")
    # Only what shows the story or the corrections: a page showing neither stays cached.
    assert client.get(sport.get_absolute_url())["X-Origin-Cache"] == "hit"
