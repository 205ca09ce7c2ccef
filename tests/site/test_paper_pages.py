"""The paper's own pages (About, Contact, Privacy, Terms), the footer that links them, and the
icons: `masthead.site.pages`, `masthead.site.admin`, `masthead/templates/base.html`."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from lxml import html as lxml_html

from masthead.accounts.models import User
from masthead.site.models import PaperPage

pytestmark = pytest.mark.django_db

PAGES = {
    "/about/": "About us",
    "/contact/": "Contact us",
    "/privacy/": "Privacy",
    "/terms/": "Terms of use",
}


@pytest.fixture
def editor() -> User:
    user = User.objects.create_user(
        username="ed", email="ed@example.com", password="an editor's passphrase", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Editor"))
    return user


def test_it_serves_each_page_in_the_papers_frame_as_a_public_page(client):
    for url, title in PAGES.items():
        response = client.get(url)
        assert response.status_code == 200, url
        tree = lxml_html.fromstring(response.content)
        assert tree.xpath("string(//h1)") == title
        assert tree.xpath("string(//title)") == f"{title} · The Pacific Ledger"
        assert tree.xpath('//header[@class="masthead"]//a[@class="paper-name"]'), url
        assert "public" in response["Cache-Control"], url
        assert "pages" in response["xkey"].split(), url


def test_it_starts_with_editable_words_that_say_so(client):
    for url in PAGES:
        assert "Edit this page in the back office" in client.get(url).content.decode(), url


def test_it_says_on_the_privacy_page_what_is_kept_and_for_how_long(client, settings):
    text = lxml_html.fromstring(client.get("/privacy/").content).text_content()
    assert "no advertising, analytics or social-media scripts" in text
    assert f"every {settings.MASTHEAD_METER_WINDOW_DAYS} days" in text
    assert f"deleted {settings.MASTHEAD_METER_WINDOW_DAYS} days after the read" in text
    assert "keyed hash" in text and "delete your account" in text


def test_it_links_the_corrections_page_from_about(client):
    tree = lxml_html.fromstring(client.get("/about/").content)
    assert tree.xpath('//article//a[@href="/corrections/"]')


def test_it_answers_404_for_a_page_that_is_gone(client):
    PaperPage.objects.filter(slug="terms").delete()
    assert client.get("/terms/").status_code == 404


def test_it_does_not_share_a_signed_in_readers_copy(client, editor):
    client.force_login(editor)
    response = client.get("/about/")
    assert response.status_code == 200 and "public" not in response.get("Cache-Control", "")


def test_it_lets_an_editor_edit_a_page_and_sanitises_it(client, editor):
    page = PaperPage.objects.get(slug="about")
    client.force_login(editor)
    url = reverse("admin:site_paperpage_change", args=[page.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "title": "About <b>us</b> &amp; the paper",
            "content": '<p onclick="steal()">We are new.</p><script>alert(1)</script>'
            '<p><a href="javascript:alert(1)">x</a></p>',
        },
    )
    assert response.status_code == 302, response.content.decode()
    page.refresh_from_db()
    assert page.title == "About us & the paper"
    assert "<script" not in page.content and "alert" not in page.content
    assert "onclick" not in page.content and "javascript:" not in page.content
    assert "We are new." in page.content
    shown = Client().get("/about/").content.decode()
    assert "We are new." in shown and "<script" not in shown.split("</head>", 1)[1]
    assert '<h1 id="page-title" class="page-heading">About us &amp; the paper</h1>' in shown


def test_it_keeps_the_set_of_pages_fixed_in_the_admin(client, editor):
    client.force_login(editor)
    assert client.get(reverse("admin:site_paperpage_add")).status_code == 403
    page = PaperPage.objects.get(slug="about")
    assert client.get(reverse("admin:site_paperpage_delete", args=[page.pk])).status_code == 403


def test_it_refuses_a_reporter_the_pages(client):
    reporter = User.objects.create_user(
        username="rep", password="a reporter's words", is_staff=True
    )
    reporter.groups.add(Group.objects.get(name="Reporter"))
    client.force_login(reporter)
    page = PaperPage.objects.get(slug="about")
    assert client.get(reverse("admin:site_paperpage_change", args=[page.pk])).status_code == 403


def test_it_links_all_five_pages_from_the_footer(client):
    tree = lxml_html.fromstring(client.get("/").content)
    links = tree.xpath('//footer[@class="site-footer"]//a/@href')
    assert {"/about/", "/contact/", "/corrections/", "/privacy/", "/terms/"} <= set(links)


def test_it_answers_the_browsers_own_favicon_request(client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/x-icon"
    assert response.content[:4] == b"\x00\x00\x01\x00"  # an ICO's header
    control = response["Cache-Control"]
    assert "public" in control and "max-age=604800" in control


def test_it_links_the_icons_from_every_page(client):
    tree = lxml_html.fromstring(client.get("/about/").content)
    icons = {(link.get("rel"), link.get("href")) for link in tree.xpath("//head/link")}
    assert ("icon", "/static/site/favicon.svg") in icons
    assert ("icon", "/static/site/favicon-32.png") in icons
    assert ("apple-touch-icon", "/static/site/apple-touch-icon.png") in icons
    for _rel, href in icons - {("alternate", h) for _r, h in icons}:
        if href.startswith("/static/site/"):
            assert client.get(href).status_code == 200, href
