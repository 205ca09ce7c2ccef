"""The meter stays exact when one reader's reads arrive all at once: twenty stories requested
in parallel over HTTP by one reader (one cookie) get exactly the allowance left, on whichever
store the settings pick (SQLite, PostgreSQL or Redis), through the real server."""

from __future__ import annotations

import threading
import urllib.request

import pytest

from tests.accounts.readers import secret

pytestmark = pytest.mark.django_db(transaction=True)


def fetch(url: str, cookie: str = "") -> tuple[str, str]:
    request = urllib.request.Request(url, headers={"Cookie": cookie} if cookie else {})  # noqa: S310
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310 (the test server)
        cookies = response.headers.get_all("Set-Cookie") or []
        return response.read().decode(), "; ".join(c.split(";", 1)[0] for c in cookies)


def test_twenty_parallel_reads_by_one_reader_get_exactly_the_allowance(
    live_server, make_story, settings
):
    settings.MASTHEAD_METER_FREE_ARTICLES = 6
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 100  # the reader's own budget is tested
    stories = [make_story() for _ in range(21)]
    first, cookie = fetch(live_server.url + stories[0].get_absolute_url())
    assert secret(stories[0]) in first and cookie.startswith("mh_visitor=")
    whole: list[bool] = []
    start = threading.Barrier(20)

    def read(story) -> None:
        start.wait()
        html, _ = fetch(live_server.url + story.get_absolute_url(), cookie)
        whole.append(secret(story) in html)

    threads = [threading.Thread(target=read, args=(story,)) for story in stories[1:]]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(whole) == 20
    assert sum(whole) == 5  # six in all with the first
    # And what was granted stays granted: the whole stories read again are still whole.
    again = [secret(s) in fetch(live_server.url + s.get_absolute_url(), cookie)[0] for s in stories]
    assert sum(again) == 6
