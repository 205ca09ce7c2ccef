"""Popular: the beacon, counting without per-view writes, bots, dedup, decay, the chart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from masthead.discovery import popular, selectors
from masthead.discovery.models import PopularScore, ViewBucket
from masthead.newsroom.models import Article

pytestmark = pytest.mark.django_db

BROWSER = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36"


def read(client, article: Article, *, ip: str = "203.0.113.7", agent: str = BROWSER, **extra):
    return client.get(f"/b/{article.pk}.gif", REMOTE_ADDR=ip, HTTP_USER_AGENT=agent, **extra)


def test_it_serves_an_uncacheable_pixel_without_touching_the_database(client, make_story, frozen):
    story = make_story()
    with CaptureQueriesContext(connection) as queries:
        response = read(client, story)
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response.content.startswith(b"GIF89a")
    assert "no-store" in response["Cache-Control"]
    assert len(queries) == 0
    assert not ViewBucket.objects.exists()  # buffered, not written


def test_it_puts_the_beacon_on_the_article_page_as_a_plain_image(client, make_story, frozen):
    story = make_story()
    html = client.get(story.get_absolute_url()).content.decode()
    assert f'<img class="beacon" src="/b/{story.pk}.gif"' in html
    assert "<script" not in html.split('class="beacon"')[1].split(">")[0]


def test_it_counts_once_per_reader_per_window(client, make_story, frozen, settings):
    settings.MASTHEAD_POPULAR_DEDUP_SECONDS = 1800
    story = make_story()
    for _ in range(3):
        read(client, story)
    read(client, story, ip="198.51.100.1")
    popular.flush()
    assert ViewBucket.objects.get(article=story).views == 2


def test_it_ignores_bots_and_prefetches(client, make_story, frozen):
    story = make_story()
    for agent in [
        "Googlebot/2.1 (+http://www.google.com/bot.html)",
        "curl/8.0",
        "",
        "facebookexternalhit/1.1",
        "Mozilla/5.0 HeadlessChrome/120",
    ]:
        read(client, story, agent=agent)
    read(client, story, HTTP_SEC_PURPOSE="prefetch")
    assert popular.flush() == 0


def test_it_ranks_by_decayed_reads_so_today_beats_yesterday(make_story, frozen):
    yesterday_hit = make_story(headline="Yesterday's hit")
    todays = make_story(headline="Today's story")
    quiet = make_story(headline="Quiet story")
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    # 100 reads 48 hours ago (two half-lives: worth 25 now) against 40 reads this hour.
    frozen.shift(dt.timedelta(hours=-48))
    popular.write_counts({(yesterday_hit.pk, now_hour - 48): 100})
    frozen.shift(dt.timedelta(hours=48))
    popular.write_counts({(todays.pk, now_hour): 40, (quiet.pk, now_hour): 1})
    ranked = selectors.popular_articles(limit=3)
    assert [a.pk for a in ranked] == [todays.pk, yesterday_hit.pk, quiet.pk]
    key = PopularScore.objects.get(article=yesterday_hit).rank_key
    assert popular.decayed(key, now_hour, 24) == pytest.approx(25, rel=0.05)


def test_it_honours_a_configured_half_life(make_story, frozen, settings):
    settings.MASTHEAD_POPULAR_HALF_LIFE_HOURS = 6
    old, new = make_story(), make_story()
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    frozen.shift(dt.timedelta(hours=-12))
    popular.write_counts({(old.pk, now_hour - 12): 100})  # worth 25 after two 6 h half-lives
    frozen.shift(dt.timedelta(hours=12))
    popular.write_counts({(new.pk, now_hour): 30})
    assert [a.pk for a in selectors.popular_articles(limit=2)] == [new.pk, old.pk]


def test_it_shows_only_read_stories_never_the_newest_nor_killed_ones(make_story, frozen):
    assert selectors.popular_articles(limit=3) == []  # nothing read yet: the page says so
    read_story = make_story(published_at=frozen_hours_ago(30))
    killed = make_story(published_at=frozen_hours_ago(20))
    make_story(published_at=frozen_hours_ago(1))  # the newest, unread
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    popular.write_counts({(read_story.pk, now_hour): 5, (killed.pk, now_hour): 50})
    Article.objects.filter(pk=killed.pk).update(status=Article.Status.KILLED)
    ranked = selectors.popular_articles(limit=3)
    assert [a.pk for a in ranked] == [read_story.pk]


def test_it_leaves_out_what_the_page_already_shows(make_story, frozen):
    first, second, third = make_story(), make_story(), make_story()
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    popular.write_counts(
        {(first.pk, now_hour): 9, (second.pk, now_hour): 5, (third.pk, now_hour): 2}
    )
    shown = selectors.popular_articles(limit=2, exclude_ids={first.pk})
    assert [a.pk for a in shown] == [second.pk, third.pk]


def test_it_reads_popular_in_a_constant_number_of_queries(make_story, frozen):
    stories = [make_story() for _ in range(8)]
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    with CaptureQueriesContext(connection) as before:
        selectors.popular_articles(limit=5, exclude_ids={stories[0].pk})
    popular.write_counts({(s.pk, now_hour): n + 1 for n, s in enumerate(stories)})
    with CaptureQueriesContext(connection) as after:
        selectors.popular_articles(limit=5, exclude_ids={stories[0].pk})
    assert (len(before), len(after)) == (1, 2)  # the ranking; then the stories too


def test_it_keeps_counts_when_the_database_write_fails(client, make_story, frozen, monkeypatch):
    story = make_story()
    read(client, story)

    def broken(counts):
        raise RuntimeError("database is locked")

    monkeypatch.setattr(popular, "write_counts", broken)
    with pytest.raises(RuntimeError):
        popular.flush()
    monkeypatch.undo()
    assert popular.flush() == 1


def test_it_shows_editors_a_chart_of_views_per_story(admin_client, make_story, frozen):
    story = make_story(headline="Chart <b>me</b>")
    now_hour = popular.hour_of(dt.datetime.now(dt.UTC).timestamp())
    popular.write_counts({(story.pk, now_hour - 3): 7, (story.pk, now_hour - 1): 2})
    response = admin_client.get("/admin/discovery/viewbucket/")
    html = response.content.decode()
    assert response.status_code == 200
    assert "<svg" in html and "<polyline" in html
    assert "Chart &lt;b&gt;me&lt;/b&gt; — 9 reads" in html


def test_it_refuses_the_chart_to_readers(client, db):
    assert client.get("/admin/discovery/viewbucket/").status_code == 302


def frozen_hours_ago(hours: float) -> dt.datetime:
    from django.utils import timezone

    return timezone.now() - dt.timedelta(hours=hours)
