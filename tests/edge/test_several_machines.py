"""Several machines on the engines a paper runs them on (README, "Several web and worker
machines"): one PostgreSQL and one Redis; two web machines (`masthead serve --no-worker`) and
two worker machines (`masthead wire poll --watch` beside `masthead db_worker`), each with its
own processes and data folder.

Three slow feeds change under them: a first batch, then updates and new stories, then a kill.
One worker machine is killed with SIGKILL while it fetches; the other takes every feed over.
No feed is fetched twice at once, every item version is applied once and nothing is lost, and
the kill and the update reach both web machines' cached pages within a second of their commit.
Runs in the suite's PostgreSQL + Redis pass.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import os
import re
import subprocess
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.edge.machines import (
    PROC_TCP,
    FeedServer,
    Processes,
    free_port,
    get,
    wait_until_answering,
)
from tests.killed_ingest import masthead, masthead_env
from tests.wire_documents import ninjs, ninjs_story, rss, rss_item

pytestmark = pytest.mark.postgres

# Stories are dated before now so that they are out at once; the ones the test follows are the
# newest, so that the home page lists them, and later additions are older.
BASE = dt.datetime.now(dt.UTC).replace(microsecond=0) - dt.timedelta(hours=2)
WITHIN_SECONDS = 1.0  # from a change's commit to both web machines showing it
KILLED = "Lighthouse keeper accused of smuggling"
WORLD_OLD, WORLD_NEW = (
    "Ferry council weighs a new route",
    "Ferry council approves the northern route",
)
MARKETS_OLD, MARKETS_NEW = "Grain prices slip at the port", "Grain prices recover at the port"
SPORT_OLD, SPORT_NEW = "Rowing club loses the final", "Rowing club wins the final on appeal"


def at(minutes: int) -> dt.datetime:
    return BASE + dt.timedelta(minutes=minutes)


def world(*, phase: int) -> bytes:
    """ninjs from Harbour Press: versions, and a kill (`pubstatus: canceled`; RSS has none)."""

    def story(n: int, headline: str, minute: int, **changes: str) -> dict[str, object]:
        first = at(minute).isoformat()
        fields = {"version": "1", "versioncreated": first, **changes}
        return ninjs_story(
            uri=f"urn:machines:world:{n}",
            headline=headline,
            body_html=f"<p>{headline}, the agency reports in story {n}.</p><p>More.</p>",
            source="Harbour Press",
            firstcreated=first,
            **fields,
        )

    later = at(70).isoformat()
    stories = [story(n, f"World report {n} from the strait", n) for n in (0, 3, 4, 5)]
    if phase == 1:
        stories += [story(1, KILLED, 50), story(2, WORLD_OLD, 51)]
    else:
        stories += [
            story(1, KILLED, 50, version="2", versioncreated=later, pubstatus="canceled"),
            story(2, WORLD_NEW, 51, version="2", versioncreated=later),
            *(story(n, f"World report {n} from the strait", n - 40) for n in (6, 7)),
        ]
    return ninjs(stories)


def rss_feed(channel: str, guid: str, label: str, updated: tuple[int, str, str], *, phase: int):
    """RSS: an update is the same guid with a later date (the version's time) and new text."""

    def item(n: int, title: str, minute: int) -> str:
        return rss_item(
            title=title,
            guid=f"urn:machines:{guid}:{n}",
            permalink=False,
            pub_date=email.utils.format_datetime(at(minute), usegmt=True),
            description=f"{title}, story {n} of the {guid} desk.",
        )

    n, old, new = updated
    items = [item(i, f"{label} {i} of the week", i) for i in range(6) if i != n]
    items.append(item(n, old, 52) if phase == 1 else item(n, new, 72))
    if phase == 2:
        items += [item(i, f"{label} {i} of the week", i - 40) for i in (6, 7)]
    return rss(*items, title=channel)


def markets(*, phase: int) -> bytes:
    return rss_feed(
        "Ledger Markets Wire", "markets", "Markets note", (1, MARKETS_OLD, MARKETS_NEW), phase=phase
    )


def sport(*, phase: int) -> bytes:
    return rss_feed(
        "Coast Sports Wire", "sport", "Rowing result", (3, SPORT_OLD, SPORT_NEW), phase=phase
    )


FEEDS = ("world", "markets", "sport")
GUIDS = {f"urn:machines:{feed}:{n}" for feed in FEEDS for n in range(8)}
UPDATED_WORLD = "urn:machines:world:2"
UPDATED = {UPDATED_WORLD, "urn:machines:markets:1", "urn:machines:sport:3"}
KILLED_GUID = "urn:machines:world:1"

SETUP = """
from masthead.newsroom.models import Section
from masthead.wire.models import Feed
feeds = [("world", "World", "free"), ("markets", "Business", ""), ("sport", "Sport", "")]
for position, (slug, name, access) in enumerate(feeds):
    section = Section.objects.create(
        name=name, slug=name.lower(), position=position, on_home=True, default_access=access
    )
    feed = Feed.objects.create(name=name, slug=slug, location=f"{BASE}/{slug}", poll_interval=1)
    feed.default_sections.add(section)
"""


@pytest.fixture
def engines():
    """A fresh database on the suite's PostgreSQL server and a cache prefix of its own on its
    Redis; both removed afterwards."""
    database_url = os.environ.get("DATABASE_URL", "")
    redis_url = os.environ.get("REDIS_URL", "")
    if not database_url.startswith("postgres") or not redis_url:
        pytest.skip("runs in the PostgreSQL and Redis pass (DATABASE_URL and REDIS_URL)")
    if not PROC_TCP.exists():
        pytest.skip("needs Linux's /proc to tell which worker made a fetch")
    import psycopg  # only where PostgreSQL is
    import redis

    name = f"masthead_machines_{uuid.uuid4().hex[:8]}"
    base, _, _ = database_url.rpartition("/")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    try:
        yield {"DATABASE_URL": f"{base}/{name}", "REDIS_URL": redis_url, "prefix": name}
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        client = redis.Redis.from_url(redis_url)
        keys = list(client.scan_iter(match=f"{name}*", count=1000))
        if keys:
            client.delete(*keys)


class Database:
    """Reads of the shared database, as the test sees it from outside every machine."""

    def __init__(self, url: str) -> None:
        import psycopg  # only where PostgreSQL is

        self.conn = psycopg.connect(url, autocommit=True)

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.conn.close()

    def rows(self, sql: str, *params: object) -> list[tuple]:
        return self.conn.execute(sql, params).fetchall()

    def value(self, sql: str, *params: object) -> object:
        found = self.rows(sql, *params)
        return found[0][0] if found else None

    def article(self, guid: str) -> tuple[str, str, str]:
        """(status, headline, slug) of the story with `guid`."""
        row = self.rows(
            "SELECT status, headline, slug FROM newsroom_article WHERE wire_guid = %s", guid
        )
        return row[0] if row else ("", "", "")


@pytest.fixture
def db(engines):
    with Database(engines["DATABASE_URL"]) as database:
        yield database


def ingested(output: str) -> Counter[str]:
    """What a poller reported it did, summed over its per-feed lines."""
    total: Counter[str] = Counter()
    for new, updated, killed in re.findall(
        r"^\w+: ingested (\d+) new, (\d+) updated, (\d+) killed", output, re.M
    ):
        total.update(new=int(new), updated=int(updated), killed=int(killed))
    return total


def wait_for(condition, what: str, *, seconds: float, procs: Processes) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        procs.assert_alive()
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def run(args: list[str], env: dict[str, str]) -> None:
    subprocess.run(masthead(*args), env=env, check=True, timeout=120)  # noqa: S603


def test_two_web_and_two_worker_machines_share_one_database_and_cache(tmp_path, engines, db):
    started = time.monotonic()
    secret = uuid.uuid4().hex * 2

    def machine(name: str) -> dict[str, str]:
        env = masthead_env(
            tmp_path / name,
            DATABASE_URL=engines["DATABASE_URL"],
            REDIS_URL=engines["REDIS_URL"],
            MASTHEAD_CACHE_PREFIX=engines["prefix"],
            SECRET_KEY=secret,
            DEBUG="false",
            ALLOWED_HOSTS="127.0.0.1,localhost",
            MASTHEAD_PAGE_CACHE="true",
            MASTHEAD_EDGE_VARNISH_URLS="",
            MASTHEAD_WIRE_POLL_CLAIM_SECONDS="4",
            MASTHEAD_WIRE_PARSE_PROCESSES="0",
            PYTHONUNBUFFERED="1",  # a killed poller's reports stay in its log
        )
        for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY"):
            env.pop(proxy, None)
        return env

    with FeedServer() as feeds, Processes(tmp_path / "logs") as procs:
        feeds.documents.update(world=world(phase=1), markets=markets(phase=1), sport=sport(phase=1))
        run(["migrate", "-v0"], machine("setup"))
        run(["shell", "--no-imports", "-c", f"BASE = {feeds.url!r}\n" + SETUP], machine("setup"))

        webs = []
        for n in range(2):
            port = free_port()
            procs.start(
                f"web{n}",
                ["serve", "--no-worker", "--workers", "1", "--bind", f"127.0.0.1:{port}"],
                machine(f"web{n}"),
            )
            webs.append(f"http://127.0.0.1:{port}")
        for n, url in enumerate(webs):
            wait_until_answering(url + "/robots.txt", procs, f"web{n}")

        for n in range(2):
            env = machine(f"worker{n}")
            procs.start(f"poller{n}", ["wire", "poll", "--watch", "--interval", "0.2"], env)
            procs.start(f"tasks{n}", ["db_worker", "--interval", "0.2"], env)
        pollers = ["poller0", "poller1"]
        feeds.pollers = {procs.running[name].pid: name for name in pollers}

        # 1. The first batch, fetched by both worker machines.
        wait_for(
            lambda: (
                db.value("SELECT count(*) FROM newsroom_article") == 18
                and all(feeds.count(poller=name) for name in pollers)
                and any(ingested(procs.output(name))["new"] for name in pollers)
            ),
            "the first batch, fetched by both workers",
            seconds=40,
            procs=procs,
        )
        victim = next(name for name in pollers if ingested(procs.output(name))["new"])
        survivor = next(name for name in pollers if name != victim)

        # 2. Updates and new stories on two feeds; the victim dies while it waits for a fetch.
        feeds.documents.update(markets=markets(phase=2), sport=sport(phase=2))
        deadline = time.monotonic() + 30
        while True:
            with feeds.lock:  # no answer to it can begin meanwhile
                killed_fetch = feeds.waiting(victim)
                if killed_fetch is not None:
                    procs.kill(victim)
                    killed_at = time.monotonic()
                    break
            assert time.monotonic() < deadline, f"{victim} never fetched again"
            time.sleep(0.01)
        procs.kill(victim.replace("poller", "tasks"))
        wait_for(
            lambda: (
                db.value("SELECT count(*) FROM newsroom_article") == 22
                and db.article("urn:machines:markets:1")[1] == MARKETS_NEW
                and db.article("urn:machines:sport:3")[1] == SPORT_NEW
            ),
            "the survivor to apply the second batch",
            seconds=30,
            procs=procs,
        )
        # Quiet before the caches fill: every change refreshed, no purge under way.
        wait_for(
            lambda: db.value("SELECT count(*) FROM discovery_stalearticle") == 0,
            "the task worker to refresh the changed stories",
            seconds=20,
            procs=procs,
        )
        time.sleep(0.5)

        # 3. Both web machines' caches hold the home page and the stories about to change.
        killed_page = f"/story/{db.article(KILLED_GUID)[2]}/"
        updated_page = f"/story/{db.article(UPDATED_WORLD)[2]}/"
        for url in webs:
            for path in ("/", killed_page, updated_page):
                get(url + path)
                status, headers, _ = get(url + path)
                assert (status, headers["X-Origin-Cache"]) == (200, "hit"), url + path
            home = get(url + "/")[2]
            assert KILLED in home and WORLD_OLD in home
            assert MARKETS_NEW in home and SPORT_NEW in home  # the survivor's updates
            assert MARKETS_OLD not in home and SPORT_OLD not in home
        assert f'href="{killed_page}"' in get(webs[0] + "/search/?q=smuggling")[2]

        # 4. The kill and an update, applied by the survivor, shown by both web machines.
        feeds.documents["world"] = world(phase=2)
        changed = time.monotonic()

        def committed(condition) -> float:
            with Database(engines["DATABASE_URL"]) as watch:
                while time.monotonic() < changed + 30:
                    if condition(watch):
                        return time.monotonic()
                    time.sleep(0.05)
            raise AssertionError("the survivor never applied the kill and the update")

        def shown(url: str) -> dict[str, float]:
            seen: dict[str, float] = {}
            while time.monotonic() < changed + 32 and len(seen) < 2:
                home = get(url + "/")[2]
                if "kill" not in seen:
                    if get(url + killed_page)[0] == 410 and KILLED not in home:
                        seen["kill"] = time.monotonic()
                if "update" not in seen:
                    page = get(url + updated_page)[2]
                    if WORLD_NEW in home and WORLD_NEW in page and WORLD_OLD not in page:
                        seen["update"] = time.monotonic()
                time.sleep(0.05)
            return seen

        with ThreadPoolExecutor(4) as pool:
            kill_db = pool.submit(committed, lambda w: w.article(KILLED_GUID)[0] == "killed")
            update_db = pool.submit(committed, lambda w: w.article(UPDATED_WORLD)[1] == WORLD_NEW)
            on_webs = [pool.submit(shown, url) for url in webs]
            kill_at, update_at = kill_db.result(), update_db.result()
            seen = [future.result() for future in on_webs]
        for n, times in enumerate(seen):
            assert set(times) == {"kill", "update"}, f"web{n} showed only {times}"
        kill_delays = [times["kill"] - kill_at for times in seen]
        update_delays = [times["update"] - update_at for times in seen]

        # The task queue lost nothing either: the survivor's worker brought search up to date.
        wait_for(
            lambda: db.value("SELECT count(*) FROM discovery_stalearticle") == 0,
            "the task worker to refresh the killed and updated stories",
            seconds=20,
            procs=procs,
        )
        # (Results link the story; their headlines mark the words found.)
        assert f'href="{updated_page}"' in get(webs[1] + "/search/?q=northern+route")[2]
        assert f'href="{killed_page}"' not in get(webs[0] + "/search/?q=smuggling")[2]
        reports = {name: ingested(procs.output(name)) for name in pollers}
        taken_over = {f: feeds.count(poller=survivor, feed=f, since=killed_at) for f in FEEDS}

    print(  # noqa: T201 - the figures are the point
        f"\nseveral machines: the kill reached web0 {kill_delays[0] * 1000:.0f} ms and web1 "
        f"{kill_delays[1] * 1000:.0f} ms after its commit, the update "
        f"{update_delays[0] * 1000:.0f} / {update_delays[1] * 1000:.0f} ms; {victim} killed "
        f"waiting for {killed_fetch.feed}; fetches {dict(Counter(f.poller for f in feeds.fetches))}"
        f"; {time.monotonic() - started:.1f} s in all"
    )
    assert all(delay < WITHIN_SECONDS for delay in kill_delays + update_delays)
    # No feed fetched twice at once; the survivor took every feed over.
    assert feeds.most_at_once == Counter(dict.fromkeys(FEEDS, 1))
    assert all(taken_over.values()), taken_over
    # Every story stored once, nothing lost.
    assert db.rows("SELECT count(*), count(DISTINCT wire_guid) FROM newsroom_article") == [(24, 24)]
    statuses = dict(db.rows("SELECT wire_guid, status FROM newsroom_article"))
    assert set(statuses) == GUIDS
    assert {g: s for g, s in statuses.items() if s != "published"} == {KILLED_GUID: "killed"}
    # Each version applied once: one log line per application, one version row per version
    # stored, one revision per update.
    logged = db.rows("SELECT guid, action, count(*) FROM wire_ingestlog GROUP BY guid, action")
    expected = {(g, "new"): 1 for g in GUIDS}
    expected.update({(g, "updated"): 1 for g in UPDATED})
    expected[(KILLED_GUID, "killed")] = 1
    assert {(g, a): c for g, a, c in logged} == expected
    versions = dict(db.rows("SELECT guid, count(*) FROM wire_wireitemversion GROUP BY guid"))
    assert versions == {g: 2 if g in UPDATED else 1 for g in GUIDS}
    revisions = db.rows(
        "SELECT a.wire_guid, count(*) FROM newsroom_articlerevision r "
        "JOIN newsroom_article a ON a.id = r.article_id "
        "WHERE r.reason LIKE 'wire version %%' GROUP BY a.wire_guid"
    )
    assert dict(revisions) == dict.fromkeys(UPDATED, 1)
    # Both worker machines ingested, and what they reported adds up to one application each.
    assert all(report["new"] for report in reports.values()), reports
    assert sum(reports.values(), Counter()) == Counter(new=24, updated=3, killed=1)
    # The task queue lost no refresh: every story's search entry shows it as it is now.
    indexed = db.rows(
        "SELECT a.wire_guid, a.headline, e.headline FROM newsroom_article a "
        "LEFT JOIN discovery_searchentry e ON e.article_id = a.id"
    )
    assert {g: e for g, h, e in indexed if e != h} == {KILLED_GUID: None}
    # And no task failed on either worker (two refreshing one story once collided).
    failed = db.rows(
        "SELECT task_path, status, traceback FROM django_tasks_database_dbtaskresult "
        "WHERE status = 'FAILED'"
    )
    assert failed == []
