"""Real Varnish (Debian's varnishd with varnish-modules' xkey) in front of the test server,
with the shipped VCL: shared pages held, faces never mixed, signed-in pages passed, purges
within a second."""

from __future__ import annotations

import http.cookiejar
import shutil
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from masthead.edge import varnish
from masthead.newsroom import actions
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Access
from tests.edge.machines import free_port
from tests.edge.varnishd import varnishd_or_skip
from tests.factories import ArticleFactory, SectionFactory

pytestmark = [pytest.mark.edge, pytest.mark.django_db(transaction=True)]

SYSTEM = Actor.system("tests")


@pytest.fixture
def edge(live_server, settings):
    binary = varnishd_or_skip()
    host, port = live_server.url.removeprefix("http://").split(":")
    # Run as root, varnishd reads its VCL as its own unprivileged user: a readable folder.
    tmp_path = Path(tempfile.mkdtemp(prefix="masthead-varnish-"))
    tmp_path.chmod(0o755)
    vcl = tmp_path / "masthead.vcl"
    vcl.write_text(varnish.vcl_for(host, int(port)))
    listen = f"127.0.0.1:{free_port()}"
    proc = subprocess.Popen(  # noqa: S603
        varnish.command(
            binary=binary, vcl_path=vcl, listen=listen, workdir=tmp_path / "v", memory="64m"
        ),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    url = f"http://{listen}"
    deadline = time.monotonic() + 20
    while True:
        try:
            urllib.request.urlopen(url + "/robots.txt", timeout=2).read()  # noqa: S310
            break
        except OSError:
            if proc.poll() is not None or time.monotonic() > deadline:
                proc.kill()
                raise RuntimeError(f"varnishd did not start: {proc.stderr.read()!r}") from None
            time.sleep(0.2)
    settings.MASTHEAD_EDGE_VARNISH_URLS = [url + "/"]
    settings.MASTHEAD_TRUSTED_PROXIES = 1  # the client address Varnish forwards
    yield url
    proc.terminate()
    proc.wait(timeout=10)
    shutil.rmtree(tmp_path, ignore_errors=True)


class Reader:
    """A browser-like client through the edge: keeps its cookies, loads the beacon."""

    def __init__(self, base: str) -> None:
        self.base = base
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str, **headers: str):
        request = urllib.request.Request(self.base + path, headers=headers)  # noqa: S310
        try:
            response = self.opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        body = response.read().decode(errors="replace")  # the beacon is a GIF
        return response.status, response.headers, body

    def read(self, story) -> tuple[str, str]:
        status, headers, body = self.get(story.get_absolute_url())
        assert status == 200, status
        self.get(f"/b/{story.pk}.gif")  # the page's beacon, which hands out the meter cookie
        return headers.get("X-Cache", ""), body


@pytest.fixture
def world():
    return SectionFactory(name="World", slug="world", on_home=True, in_nav=True)


def story(world, n: int, **kwargs):
    return ArticleFactory(
        headline=f"Harbour report number {n}",
        body=f"<p>Lead of report {n} in one sentence.</p>"
        + f"<p>Secret detail {n} of the report.</p>" * 6,
        section=world,
        sections=[world],
        **kwargs,
    )


def test_it_holds_public_pages_whole(edge, world):
    free = story(world, 1, access=Access.FREE)
    reader = Reader(edge)
    for path in ("/", world.get_absolute_url(), free.get_absolute_url(), "/feeds/rss/"):
        assert reader.get(path)[1]["X-Cache"] == "MISS", path
        status, headers, _ = Reader(edge).get(path)
        assert status == 200 and headers["X-Cache"] == "HIT", path
        assert "xkey" not in headers  # keys are the edge's business


def test_it_never_mixes_the_whole_and_walled_faces(edge, world, settings):
    settings.MASTHEAD_METER_FREE_ARTICLES = 2
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 50
    stories = [story(world, n) for n in range(4)]
    target = stories[3]
    early = Reader(edge)
    hit, body = early.read(target)  # a new reader: the whole story
    assert "Secret detail 3" in body
    late = Reader(edge)
    for s in stories[:2]:
        late.read(s)
    hit, body = late.read(target)  # past the meter: the shell from the edge, walled face
    assert hit == "HIT"
    assert "Secret detail 3" not in body and "Access this article for free." in body
    assert "Lead of report 3" in body
    # And the early reader, still within the meter, still gets it whole from the same shell.
    hit, body = early.read(target)
    assert hit == "HIT" and "Secret detail 3" in body


def test_clearing_cookies_at_the_edge_earns_no_extra_reads(edge, world, settings):
    settings.MASTHEAD_METER_FREE_ARTICLES = 2
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 3
    stories = [story(world, n) for n in range(5)]
    whole = [f"Secret detail {n}" in Reader(edge).read(s)[1] for n, s in enumerate(stories)]
    assert whole == [True, True, True, False, False]


def test_it_passes_a_signed_in_readers_pages(edge, world, client, django_user_model):
    reader = django_user_model.objects.create_user("r", "r@example.org", "pw-tests-only-1")
    client.force_login(reader)
    session = client.cookies["sessionid"].value
    target = story(world, 7)
    signed_in = Reader(edge)
    for _ in range(2):
        status, headers, body = signed_in.get(
            target.get_absolute_url(), Cookie=f"sessionid={session}"
        )
        assert headers["X-Cache"] == "MISS" and "Sign Out" in body and "Secret detail 7" in body
    assert "Sign Out" not in Reader(edge).get(target.get_absolute_url())[2]


def test_a_kill_and_an_update_reach_the_edge_within_a_second(edge, world):
    free = story(world, 8, access=Access.FREE)
    other = story(world, 9, access=Access.FREE)
    reader = Reader(edge)
    for path in ("/", world.get_absolute_url(), free.get_absolute_url(), other.get_absolute_url()):
        reader.get(path)
        assert reader.get(path)[1]["X-Cache"] == "HIT"
    actions.KillArticleAction(actor=SYSTEM, article=free, reason="Legal").execute()
    killed_at = time.monotonic()
    other.headline = "Harbour report number 9, corrected"
    actions.EditArticleAction(article=other, changed={"headline"}, actor=SYSTEM).execute()
    assert reader.get(free.get_absolute_url())[0] == 410
    for path in ("/", world.get_absolute_url()):
        body = reader.get(path)[2]
        assert "Harbour report number 8" not in body, path
        assert "number 9, corrected" in body, path
    assert "number 9, corrected" in reader.get(other.get_absolute_url())[2]
    assert time.monotonic() - killed_at < 1.0
