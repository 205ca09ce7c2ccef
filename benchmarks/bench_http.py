"""Masthead over HTTP with the production server, beside the Wagtail peer and nginx (the ceiling).

    .venv/bin/python benchmarks/bench_http.py --data DIR --generate 20000   # fill DIR first
    .venv/bin/python benchmarks/bench_http.py --data DIR --feeds /tmp/peer-feeds  # or the peer's
    .venv/bin/python benchmarks/bench_http.py --data DIR [--peer /tmp/peer] [--configs ...]

Fills a data folder through the real wire ingest (`masthead ingest` of RSS files: our own
seeded generator of ten-paragraph stories in six sections with twenty tags, or the Wagtail peer's
corpus written as RSS by its `make_feed.py`, so both sites hold the same stories), then, for each
configuration (the origin's page cache off, on, on with Redis, and behind Varnish with
`masthead serve --edge varnish`), starts `masthead serve` (gunicorn, two workers) and drives it
with wrk (Debian's package, 2 threads, 16 connections, on 127.0.0.1), printing req/s, p50 and
p99 for: the home page, section fronts, a search, and article pages as four readers meet them:

- first read: a reader without cookies, granted the story (the meter records it);
- metered: a reader with the visitor cookie re-reading stories the meter already counted;
- walled: a reader whose free stories are used up;
- signed-in: a registered reader's session (never cached: rendered for them).

The bench's loopback address is one of the paper's own networks
(`MASTHEAD_METER_TRUSTED_NETWORKS`): wrk is one address, where a paper's readers come from many,
and the address budget would wall every first read after a dozen.

Also: SQL queries per page (in the process, page missed and page cached), the web workers'
memory after the run, and a spike (200 connections on one story for 30 s while a kill and an
update of other stories land; errors, and how long the kill and the update take to show on the
story, the home page and its feed). With `--peer` (the folder `../shared/peer` was copied to and
built in), the Wagtail peer and nginx serving a saved Masthead article as a file (keep-alive on
and off) are measured in the same minute as each configuration, and ratios printed.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from email.utils import format_datetime
from pathlib import Path
from xml.sax.saxutils import escape

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
PORT = 8201
BASE = f"http://127.0.0.1:{PORT}"
SECRET = "bench-not-secret-0123456789abcdefghijklmnopqrstuvwxyz-0123456789"  # noqa: S105
SECTIONS = [
    ("U.S.", "us"),
    ("World", "world"),
    ("Business", "business"),
    ("Lifestyle", "lifestyle"),
    ("Local", "local"),
    ("Political", "political"),
]
TAGS = [
    "Economy", "Elections", "Climate", "Health", "Technology", "Education", "Immigration",
    "Courts", "Congress", "Energy", "Housing", "Transportation", "Agriculture", "Public Safety",
    "Science", "Sports", "Arts", "Labor", "Trade", "Water",
]  # fmt: skip
WORDS = (
    "council budget county harbour river school board vote plan city state officials said "
    "tuesday residents report meeting water road bridge rail police court judge election "
    "district hospital workers union market prices growth season farmers weather storm "
    "museum festival library project funding tax homes rent transit airport port ferry"
).split()
CONFIGS = {
    "cache-off": {"MASTHEAD_PAGE_CACHE": "false"},
    "cache-on": {},
    "cache-redis": {"REDIS_URL": "redis://127.0.0.1:6379/5", "MASTHEAD_CACHE_PREFIX": "bench"},
    "varnish": {},
}


# --- the archive --------------------------------------------------------------------------


def generate_feeds(n: int, out: Path, seed: int = 42) -> None:
    """`n` stories as RSS files of 500 items, newest last: ten paragraphs of ~450 characters,
    one section and two to four tags each, published over the last `n` minutes."""
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    now = dt.datetime.now(dt.UTC)

    # Besides the common words, names of places and people, few stories each (as in news),
    # so that a search for one finds a handful of stories and a search for a common word many.
    syllables = ["ka", "lo", "mer", "vin", "sta", "dor", "pel", "ru", "an", "tis", "bro", "el"]
    names = sorted({"".join(rng.choices(syllables, k=3)) for _ in range(3000)})

    def sentence() -> str:
        words = rng.choices(WORDS, k=rng.randint(10, 18))
        words.insert(rng.randrange(len(words)), rng.choice(names).capitalize())
        return " ".join(words).capitalize() + "."

    for part in range(0, n, 500):
        items = []
        for i in range(part, min(part + 500, n)):
            section = SECTIONS[i % len(SECTIONS)][0]
            tags = rng.sample(TAGS, rng.randint(2, 4))
            headline = " ".join(rng.choices(WORDS, k=7)).capitalize() + f" ({i})"
            paragraphs = []
            for _ in range(10):
                text = ""
                while len(text) < 450:
                    text += sentence() + " "
                paragraphs.append(f"<p>{text.strip()}</p>")
            body = "".join(paragraphs)
            cats = "".join(f"<category>{escape(c)}</category>" for c in [section, *tags])
            published = format_datetime(now - dt.timedelta(minutes=n - i))
            items.append(
                f'<item><guid isPermaLink="false">urn:bench:{i + 1}</guid>'
                f"<title>{escape(headline)}</title><pubDate>{published}</pubDate>{cats}"
                f"<description>{escape(paragraphs[0][3:203])}</description>"
                f"<content:encoded>{escape(body)}</content:encoded></item>\n"
            )
        (out / f"bench-{part // 500:03d}.xml").write_text(
            '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" '
            'xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>'
            "<title>Bench Wire</title><link>http://bench.example/</link>"
            "<description>synthetic stories</description>\n"
            + "".join(items)
            + "</channel></rss>\n",
            encoding="utf-8",
        )


def masthead(*args: str) -> list[str]:
    return [sys.executable, "-m", "masthead", *args]


def base_env(data: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL"}}
    env.update(
        MASTHEAD_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="masthead.settings",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DEBUG="false",
        SECRET_KEY=SECRET,
        MASTHEAD_PAPER_URL=BASE,
        MASTHEAD_METER_TRUSTED_NETWORKS="127.0.0.0/8",
    )
    env.update(extra)
    return env


def shell(env: dict[str, str], code: str) -> str:
    done = subprocess.run(  # noqa: S603 (our own CLI, our own code)
        masthead("shell", "--no-imports", "-c", code),
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"masthead shell failed: {done.stderr}")
    return done.stdout.strip()


def load(data: Path, feeds: Path) -> None:
    env = base_env(data)
    subprocess.run(masthead("migrate", "-v0"), env=env, check=True)  # noqa: S603
    # The wire files stories into the sections that exist: the peer's six.
    shell(
        env,
        "from masthead.newsroom.models import Section\n"
        f"for i, (name, slug) in enumerate({SECTIONS!r}):\n"
        "    Section.objects.get_or_create(slug=slug, defaults={'name': name, 'position': i})",
    )
    started = time.monotonic()
    subprocess.run(masthead("ingest", str(feeds)), env=env, check=True)  # noqa: S603
    count = shell(
        env, "from masthead.newsroom.models import Article; print(Article.objects.count())"
    )
    print(f"archive: {count} stories ingested in {time.monotonic() - started:.0f} s")


# --- servers ------------------------------------------------------------------------------


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).read()  # noqa: S310 (loopback)
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.3)


@contextmanager
def serving(data: Path, config: str, log: Path):
    env = base_env(data, **CONFIGS[config])
    if config == "cache-redis":
        subprocess.run(["redis-cli", "-n", "5", "flushdb"], check=True, capture_output=True)  # noqa: S607
    args = ["serve", "--bind", f"127.0.0.1:{PORT}", "--workers", "2"]
    if config == "varnish":
        args += ["--edge", "varnish"]
        env["MASTHEAD_EDGE_VARNISH_URLS"] = f"{BASE}/"  # for the kills this script makes
    shutil.rmtree(data / "cache" / "pages", ignore_errors=True)
    with log.open("w") as out:
        proc = subprocess.Popen(  # noqa: S603
            masthead(*args), env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        try:
            wait_for(f"{BASE}/")
            yield env
        finally:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()


@contextmanager
def peer_servers(peer: Path | None, article_html: bytes):
    """The Wagtail peer (127.0.0.1:8101) and nginx serving `article_html` as a file (8102 with
    keep-alive, 8103 without)."""
    if peer is None:
        yield False
        return
    root = Path(tempfile.mkdtemp(prefix="bench-nginx-"))
    root.chmod(0o755)  # nginx's workers run as another user
    (root / "www").mkdir(mode=0o755)
    (root / "run").mkdir()
    (root / "www" / "article.html").write_bytes(article_html)
    temp = " ".join(
        f"{kind}_temp_path run/{kind};" for kind in ("client_body", "proxy", "fastcgi", "uwsgi")
    )
    (root / "nginx.conf").write_text(
        "worker_processes 2; pid run/nginx.pid; error_log run/error.log warn;\n"
        "events { worker_connections 4096; }\n"
        "http { types { text/html html; } default_type text/html; access_log off; sendfile on;\n"
        f"  scgi_temp_path run/scgi; {temp}\n"
        "  server { listen 127.0.0.1:8102; root www; }\n"
        "  server { listen 127.0.0.1:8103; keepalive_timeout 0; root www; }\n}\n"
    )
    nginx = ["nginx", "-p", str(root), "-c", "nginx.conf", "-e", "run/error.log"]
    subprocess.run(nginx, check=True)  # noqa: S603
    subprocess.run([str(peer / "wagtail" / "serve.sh"), "start"], check=True, capture_output=True)  # noqa: S603
    try:
        yield True
    finally:
        subprocess.run([str(peer / "wagtail" / "serve.sh"), "stop"], capture_output=True)  # noqa: S603
        subprocess.run([*nginx, "-s", "quit"], capture_output=True)  # noqa: S603
        shutil.rmtree(root, ignore_errors=True)


# --- readers and pages --------------------------------------------------------------------


def get(url: str, cookie: str = "") -> tuple[int, dict[str, str], str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
            return response.status, dict(response.headers), response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, dict(error.headers), error.read().decode()


def pages() -> dict[str, list[str]]:
    """Paths of the pages measured, from the site's own fronts."""
    _, _, home = get(f"{BASE}/")
    sections = sorted(set(re.findall(r'href="(/section/[^"/]+/)"', home)))
    stories: list[str] = []
    for path in ["/", *sections]:
        for found in re.findall(r'href="(/story/[^"/]+/)"', get(BASE + path)[2]):
            if found not in stories:
                stories.append(found)
    if len(stories) < 30:
        raise SystemExit(f"only {len(stories)} stories on the fronts: is the archive loaded?")
    return {"sections": sections, "stories": stories[:30]}


def visitor_cookie(paths: list[str]) -> str:
    """A reader's visitor cookie after reading `paths` (each counted by the meter)."""
    cookie = ""
    for path in paths:
        _, headers, _ = get(BASE + path, cookie)
        for name, value in headers.items():
            if name.lower() == "set-cookie" and value.startswith(("mh_visitor=", "mh_edge=")):
                cookie = value.split(";", 1)[0]
    if not cookie:
        raise SystemExit("no visitor cookie was set")
    return cookie


def session_cookie(env: dict[str, str]) -> str:
    code = (
        "from django.test import Client\n"
        "from masthead.accounts.models import User\n"
        "user, _ = User.objects.get_or_create(email='bench-reader@example.org')\n"
        "client = Client()\n"
        "client.force_login(user)\n"
        "print('sessionid=' + client.cookies['sessionid'].value)"
    )
    return shell(env, code).splitlines()[-1]


# --- wrk ----------------------------------------------------------------------------------


def wrk(
    label: str,
    base: str,
    paths: list[str],
    *,
    cookie: str = "",
    duration: int = 15,
    connections: int = 16,
    warmup: int = 3,
) -> dict[str, object]:
    listing = Path(tempfile.mkstemp(prefix="bench-paths-")[1])
    listing.write_text("\n".join(paths) + "\n")
    env = {**os.environ, "WRK_PATHS": str(listing)}
    command = ["wrk", "-t2", f"-c{connections}", "-s", str(HERE / "wrk_paths.lua")]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    if warmup:
        subprocess.run([*command, f"-d{warmup}s", base + "/"], env=env, capture_output=True)  # noqa: S603
    done = subprocess.run(  # noqa: S603
        [*command, f"-d{duration}s", "--latency", base + "/"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    listing.unlink()
    return {"label": label, **parse_wrk(done.stdout)}


def _ms(value: str) -> float:
    number = float(re.sub(r"[a-z]+$", "", value))
    unit = re.sub(r"^[0-9.]+", "", value)
    return number * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]


def parse_wrk(text: str) -> dict[str, object]:
    rps = float(re.search(r"Requests/sec:\s+([0-9.]+)", text).group(1))  # type: ignore[union-attr]
    p50 = _ms(re.search(r"\s50%\s+(\S+)", text).group(1))  # type: ignore[union-attr]
    p99 = _ms(re.search(r"\s99%\s+(\S+)", text).group(1))  # type: ignore[union-attr]
    non2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text
    )
    return {
        "rps": rps,
        "p50": p50,
        "p99": p99,
        "non2xx": int(non2xx.group(1)) if non2xx else 0,
        "socket_errors": sum(int(n) for n in sockets.groups()) if sockets else 0,
    }


def print_row(row: dict[str, object]) -> None:
    print(
        f"  {row['label']:22s} {row['rps']:9.1f} req/s  p50 {row['p50']:7.2f} ms  "
        f"p99 {row['p99']:7.2f} ms  errors {row['non2xx']}+{row['socket_errors']}",
        flush=True,
    )


# --- queries, memory, the spike -----------------------------------------------------------

QUERIES = """
import json
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings
found = {}
with override_settings(ALLOWED_HOSTS=['*']):
    for label, path, cookie in PAGES:
        client = Client(HTTP_HOST='127.0.0.1:8201')
        if cookie:
            name, _, value = cookie.partition('=')
            client.cookies[name] = value
        counts = []
        for _ in range(2):
            with CaptureQueriesContext(connection) as ctx:
                client.get(path)
            counts.append(len(ctx.captured_queries))
        found[label] = counts
print(json.dumps(found))
"""


def count_queries(env: dict[str, str], targets: list[tuple[str, str, str]]) -> dict[str, list[int]]:
    code = QUERIES.replace("PAGES", repr(targets))
    return json.loads(shell(env, code).splitlines()[-1])


def worker_memory() -> list[int]:
    """Resident memory (MiB) of the gunicorn workers serving the bench."""
    done = subprocess.run(["ps", "-eo", "pid,ppid,rss,args"], capture_output=True, text=True)  # noqa: S607
    rows = [line.split(None, 3) for line in done.stdout.splitlines()[1:]]
    binds = (f"127.0.0.1:{PORT} ", f"127.0.0.1:{PORT + 1} ")  # behind Varnish: the next port
    masters = {r[0] for r in rows if "gunicorn" in r[3] and any(b in r[3] + " " for b in binds)}
    return sorted(int(r[2]) // 1024 for r in rows if r[1] in masters and "gunicorn" in r[3])


def spike(env: dict[str, str], base: str, story: str, victims: list[str], seconds: int) -> None:
    """200 connections on `story` for `seconds` while one other story is killed and another
    updated halfway; errors, and how soon each change shows everywhere."""
    killed, updated = victims
    result: dict[str, object] = {}

    def load_it() -> None:
        result.update(wrk("spike", base, [story], duration=seconds, connections=200, warmup=0))

    loader = threading.Thread(target=load_it)
    loader.start()
    time.sleep(seconds / 2)
    code = (
        "from masthead.newsroom import actions\n"
        "from masthead.newsroom.actors import Actor\n"
        "from masthead.newsroom.models import Article\n"
        "import time\n"
        "actor = Actor.system('bench')\n"
        f"victim = Article.objects.get(slug={killed.split('/')[2]!r})\n"
        f"other = Article.objects.get(slug={updated.split('/')[2]!r})\n"
        "other.headline = other.headline + ' (updated)'\n"
        "actions.EditArticleAction(article=other, changed={'headline'}, actor=actor).execute()\n"
        "actions.KillArticleAction(actor=actor, article=victim, reason='Bench').execute()\n"
        "print(time.time(), victim.headline)"
    )
    stamp, _, headline = shell(env, code).splitlines()[-1].partition(" ")
    done_at = float(stamp)
    checks = {
        "killed story answers 410": lambda: get(base + killed)[0] == 410,
        "off the home page": lambda: headline not in get(base + "/")[2],
        "off the RSS feed": lambda: escape(headline) not in get(base + "/feeds/rss/")[2],
        "update on its page": lambda: "(updated)" in get(base + updated)[2],
    }
    # Under the spike every answer waits its turn, so one poll at a time would time the queue.
    # Instead a request of each check is sent every 100 ms, each in its own thread, and the
    # change counts as shown from the first request sent after which every answer showed it.
    answers: dict[str, list[tuple[float, bool]]] = {name: [] for name in checks}

    def ask(name: str, check: Callable[[], bool], sent: float) -> None:
        answers[name].append((sent, check()))

    askers = []
    until = done_at + 5
    while time.time() < until:
        for name, check in checks.items():
            asker = threading.Thread(target=ask, args=(name, check, time.time()))
            asker.start()
            askers.append(asker)
        time.sleep(0.1)
    for asker in askers:
        asker.join()
    loader.join()
    print_row(result)
    for name in checks:
        replies = sorted(answers[name])
        stale = [sent for sent, ok in replies if not ok]
        last_stale = max(stale) if stale else None
        shown = [sent for sent, ok in replies if ok and (last_stale is None or sent > last_stale)]
        if shown:
            print(f"    {name}: shown to every request sent {(shown[0] - done_at) * 1000:.0f} ms "
                  "or more after the commit")  # fmt: skip
        else:
            print(f"    {name}: NOT SHOWN within 5 s")


# --- the run ------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> None:
    data = args.data
    peer: Path | None = args.peer
    out: dict[str, dict[str, float]] = {}
    for config in args.configs:
        print(f"== {config}", flush=True)
        with serving(data, config, Path(tempfile.gettempdir()) / f"bench-{config}.log") as env:
            found = pages()
            stories, sections = found["stories"], found["sections"]
            metered = visitor_cookie(stories[20:23])  # three counted, three left
            walled = visitor_cookie(stories[20:26] + stories[26:27])  # six counted: the wall
            signed_in = session_cookie(env)
            _, _, page = get(BASE + stories[0])
            targets = [
                ("home", ["/"], ""),
                ("section", sections, ""),
                ("search", ["/search/?q=council+budget", "/search/?q=kalomer"], ""),
                ("article first read", stories[:20], ""),
                ("article metered", stories[20:23], metered),
                ("article walled", stories[:20], walled),
                ("article signed-in", stories[:20], signed_in),
            ]
            rows = [
                wrk(label, BASE, paths, cookie=cookie, duration=args.duration)
                for label, paths, cookie in targets
            ]
            for row in rows:
                print_row(row)
            with peer_servers(peer, page.encode()) as have_peer:
                if have_peer and peer is not None:
                    wagtail, files = "http://127.0.0.1:8101", ["/article.html"]
                    peer_targets = [
                        ("wagtail article", wagtail, _peer_paths(peer, "articles")),
                        ("wagtail home", wagtail, ["/"]),
                        ("wagtail section", wagtail, _peer_paths(peer, "sections")),
                        ("nginx file, keep-alive", "http://127.0.0.1:8102", files),
                        ("nginx file, no keep-alive", "http://127.0.0.1:8103", files),
                    ]
                    peer_rows = [
                        wrk(label, base, paths, duration=args.duration)
                        for label, base, paths in peer_targets
                    ]
                    for row in peer_rows:
                        print_row(row)
                    rows += peer_rows
            figures = {str(r["label"]): float(r["rps"]) for r in rows}  # type: ignore[arg-type]
            out[config] = figures
            if have_peer:
                print_ratios(figures)
            print(f"  web workers' memory: {worker_memory()} MiB")
            if config != "cache-off":
                counts = count_queries(
                    env, [(label, paths[0], cookie) for label, paths, cookie in targets]
                )
                print("  SQL queries (first request, again): " + ", ".join(
                    f"{label} {a}/{b}" for label, (a, b) in counts.items()
                ))  # fmt: skip
            if args.spike and config != "cache-off":  # a paper runs with its cache on
                spike(env, BASE, stories[1], [stories[5], stories[6]], args.spike)
    print(json.dumps(out))


def _peer_paths(peer: Path, name: str) -> list[str]:
    lines = (peer / "wagtail" / "urls" / f"{name}.txt").read_text().split()
    return [re.sub(r"^https?://[^/]+", "", line) for line in lines if line]


def print_ratios(figures: dict[str, float]) -> None:
    wagtail = figures["wagtail article"]
    ceiling = figures["nginx file, no keep-alive"]
    print(
        "  ratios: "
        + ", ".join(
            f"{label} {figures[label] / wagtail:.1f}x Wagtail's article"
            for label in ("article first read", "article metered", "article walled")
        )
        + f"; home {figures['home'] / figures['wagtail home']:.1f}x Wagtail's home"
        + f"; section {figures['section'] / figures['wagtail section']:.1f}x Wagtail's section"
        + f"; home {figures['home'] / ceiling:.0%} and section {figures['section'] / ceiling:.0%}"
        + " of nginx's file (no keep-alive)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--data", type=Path, required=True, help="the data folder")
    parser.add_argument("--generate", type=int, help="fill --data with this many stories first")
    parser.add_argument("--feeds", type=Path, help="fill --data from these RSS files first")
    parser.add_argument("--peer", type=Path, help="the built Wagtail peer's folder")
    parser.add_argument("--configs", nargs="+", default=list(CONFIGS), choices=list(CONFIGS))
    parser.add_argument("--duration", type=int, default=15, help="seconds per wrk run")
    parser.add_argument("--spike", type=int, default=30, help="seconds of the spike (0: none)")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (apt-get install wrk)")
    os.chdir(ROOT)
    if args.generate or args.feeds:
        feeds = args.feeds
        if args.generate:
            feeds = Path(tempfile.mkdtemp(prefix="bench-feeds-"))
            generate_feeds(args.generate, feeds)
        load(args.data, feeds)
    run(args)


if __name__ == "__main__":
    main()
