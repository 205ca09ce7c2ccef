"""Crawler verification: published ranges and reverse-then-forward DNS, never the UA alone."""

from __future__ import annotations

import json
import socket

import pytest
from django.core.management import CommandError, call_command

from masthead.accounts import crawlers
from tests.accounts.readers import GOOGLEBOT_IP, GOOGLEBOT_UA

BING_UA = "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)"


class FakeResolver:
    """Stands in for socket's resolver: a PTR table and an A/AAAA table, counting calls."""

    def __init__(self, ptr: dict[str, str], forward: dict[str, list[str]]):
        self.ptr, self.forward, self.calls = ptr, forward, 0

    def gethostbyaddr(self, address):
        self.calls += 1
        if address not in self.ptr:
            raise socket.herror(1, "Unknown host")
        return self.ptr[address], [], [address]

    def getaddrinfo(self, host, port):
        if host not in self.forward:
            raise socket.gaierror(-2, "Name or service not known")
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (a, 0)) for a in self.forward[host]]


@pytest.fixture
def resolver(monkeypatch, settings):
    settings.MASTHEAD_CRAWLER_DNS_CHECK = True
    fake = FakeResolver(
        ptr={
            "192.0.2.10": "crawl-192-0-2-10.googlebot.com.",
            "192.0.2.11": "crawl-192-0-2-11.googlebot.com.evil.example",
            "192.0.2.12": "crawl-spoofed.googlebot.com",
            "192.0.2.13": "msnbot-192-0-2-13.search.msn.com",
        },
        forward={
            "crawl-192-0-2-10.googlebot.com": ["192.0.2.10"],
            "crawl-192-0-2-11.googlebot.com.evil.example": ["192.0.2.11"],
            "crawl-spoofed.googlebot.com": ["192.0.2.99"],
            "msnbot-192-0-2-13.search.msn.com": ["192.0.2.13"],
        },
    )
    monkeypatch.setattr(crawlers.socket, "gethostbyaddr", fake.gethostbyaddr)
    monkeypatch.setattr(crawlers.socket, "getaddrinfo", fake.getaddrinfo)
    return fake


def test_it_verifies_by_published_range():
    assert crawlers.is_verified_crawler(GOOGLEBOT_IP, GOOGLEBOT_UA)
    assert crawlers.is_verified_crawler("2001:4860:4801:10::1", GOOGLEBOT_UA)


def test_it_never_verifies_by_user_agent_alone():
    assert not crawlers.is_verified_crawler("203.0.113.1", GOOGLEBOT_UA)


def test_it_does_not_open_the_wall_to_an_address_that_makes_no_claim():
    assert not crawlers.is_verified_crawler(GOOGLEBOT_IP, "Mozilla/5.0 Firefox/130.0")


def test_it_verifies_by_reverse_then_forward_dns(resolver):
    assert crawlers.is_verified_crawler("192.0.2.10", GOOGLEBOT_UA)
    assert crawlers.is_verified_crawler("192.0.2.13", BING_UA)


@pytest.mark.parametrize("address", ["192.0.2.11", "192.0.2.12", "192.0.2.14"])
def test_it_refuses_spoofed_or_unknown_reverse_names(resolver, address):
    assert not crawlers.is_verified_crawler(address, GOOGLEBOT_UA)


def test_it_caches_dns_answers(resolver):
    for _ in range(3):
        assert crawlers.is_verified_crawler("192.0.2.10", GOOGLEBOT_UA)
        assert not crawlers.is_verified_crawler("192.0.2.14", GOOGLEBOT_UA)
    assert resolver.calls == 2


def test_it_asks_no_dns_when_turned_off(resolver, settings):
    settings.MASTHEAD_CRAWLER_DNS_CHECK = False
    assert not crawlers.is_verified_crawler("192.0.2.10", GOOGLEBOT_UA)
    assert resolver.calls == 0


def test_it_rereads_the_ranges_file_when_it_changes(settings, tmp_path):
    path = tmp_path / "other.json"
    path.write_text(json.dumps({"prefixes": [{"ipv4Prefix": "198.51.100.0/24"}]}))
    settings.MASTHEAD_CRAWLER_RANGES_PATH = path
    assert crawlers.is_verified_crawler("198.51.100.20", GOOGLEBOT_UA)
    assert not crawlers.is_verified_crawler(GOOGLEBOT_IP, GOOGLEBOT_UA)


def test_it_verifies_nobody_by_range_when_the_file_is_missing(settings, tmp_path):
    settings.MASTHEAD_CRAWLER_RANGES_PATH = tmp_path / "missing.json"
    assert not crawlers.is_verified_crawler(GOOGLEBOT_IP, GOOGLEBOT_UA)


@pytest.mark.parametrize(
    "document",
    [
        {},
        {"prefixes": "x"},
        {"prefixes": [{"ipv4Prefix": "not-an-ip"}]},
        {"prefixes": [{"ipv4Prefix": "0.0.0.0/0"}]},
        {"prefixes": [{"other": 1}]},
    ],
)
def test_it_rejects_malformed_range_documents(document):
    with pytest.raises(ValueError):
        crawlers.parse_ranges(document)


def test_the_command_installs_ranges_from_a_file(settings, tmp_path):
    source = tmp_path / "download.json"
    source.write_text(
        json.dumps(
            {
                "creationTime": "2026-11-10T00:00:00",
                "prefixes": [{"ipv4Prefix": "203.0.113.0/24"}, {"ipv6Prefix": "2001:db8::/32"}],
            }
        )
    )
    target = tmp_path / "installed" / "googlebot.json"
    settings.MASTHEAD_CRAWLER_RANGES_PATH = target
    call_command("update_crawler_ranges", str(source))
    assert json.loads(target.read_text())["creationTime"] == "2026-11-10T00:00:00"
    assert crawlers.is_verified_crawler("203.0.113.8", GOOGLEBOT_UA)


def test_the_command_keeps_the_installed_file_when_the_new_one_is_bad(settings, tmp_path):
    before = settings.MASTHEAD_CRAWLER_RANGES_PATH.read_text()
    bad = tmp_path / "bad.json"
    bad.write_text('{"prefixes": []}')
    with pytest.raises(CommandError):
        call_command("update_crawler_ranges", str(bad))
    bad.write_text("<html>not json</html>")
    with pytest.raises(CommandError):
        call_command("update_crawler_ranges", str(bad))
    assert settings.MASTHEAD_CRAWLER_RANGES_PATH.read_text() == before


def test_the_command_refuses_non_https_urls():
    with pytest.raises(CommandError, match="only https"):
        call_command("update_crawler_ranges", "http://example.org/googlebot.json")
