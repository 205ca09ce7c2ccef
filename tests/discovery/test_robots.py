"""robots.txt points crawlers at the sitemaps and away from search and the beacon."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


def test_it_points_at_the_sitemaps(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Sitemap: http://testserver/news-sitemap.xml" in lines
    assert lines[0] == "User-agent: *"


def test_it_keeps_crawlers_out_of_search_admin_and_the_beacon(client):
    lines = client.get("/robots.txt").content.decode().splitlines()
    for path in ("/search/", "/admin/", "/b/", "/accounts/"):
        assert f"Disallow: {path}" in lines
    assert "Disallow: /" not in lines


def test_it_follows_the_request_scheme_and_host(client, settings):
    settings.ALLOWED_HOSTS = ["news.example"]
    body = client.get("/robots.txt", HTTP_HOST="news.example", secure=True).content.decode()
    assert "Sitemap: https://news.example/sitemap.xml" in body
