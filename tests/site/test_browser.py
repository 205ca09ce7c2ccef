"""The reader pages in a real browser: readable with JavaScript off, at phone and desktop widths."""

from __future__ import annotations

import io

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command

from masthead.discovery import selectors
from masthead.newsroom.actions import ApplyCorrectionAction
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article
from tests.browser import ARTIFACTS
from tests.factories import (
    ArticleFactory,
    SectionFactory,
    SourceFactory,
    StaffSourceFactory,
    TagFactory,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# WCAG 2.1 A and AA, and axe's best practices: what every reader page must pass.
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21aa", "best-practice"]


def axe(page):
    return Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})


@pytest.fixture
def site_content():
    world = SectionFactory(name="World", slug="world")
    local = SectionFactory(name="Local", slug="local")
    wire = SourceFactory(name="Harbor Light Wire", slug="hlw", credit_line="Harbor Light Wire")
    tags = [TagFactory(name=n) for n in ("Energy", "Baltics")]
    stories = [
        ArticleFactory(
            source=wire,
            sections=[world],
            tags=tags,
            headline=f"Riga cable talks {'open stall run drag halt end'.split()[i]}",
            body="<p>" + "A long paragraph of fictional wire copy. " * 30 + "</p>",
        )
        for i in range(6)
    ]
    ArticleFactory(
        source=StaffSourceFactory(),
        is_local=True,
        sections=[local],
        headline="Port Alder library opens a new wing",
    )
    # The first story's page lists corrections, and the corrections page has some to list.
    for note in ("The talks are in Riga, not Tallinn.", "The cable is 180 km long, not 80 km."):
        ApplyCorrectionAction(article=stories[0], note=note, actor=Actor.system("tests")).execute()
    return stories


@pytest.mark.parametrize(("name", "width"), [("phone", 390), ("desktop", 1280)])
def test_it_reads_without_javascript_and_without_sideways_scrolling(
    chromium, live_server, site_content, name, width
):
    context = chromium.new_context(
        java_script_enabled=False, viewport={"width": width, "height": 900}
    )
    page = context.new_page()
    external = []
    page.on(
        "request", lambda r: None if r.url.startswith(live_server.url) else external.append(r.url)
    )
    for label, path in (("home", "/"), ("article", site_content[0].get_absolute_url())):
        response = page.goto(live_server.url + path)
        assert response.status == 200
        page.screenshot(path=str(ARTIFACTS / f"site-{label}-{name}.png"), full_page=True)
        assert page.locator("header[role=banner]").count() == 1
        assert page.locator("main#main").count() == 1
        assert page.locator("footer[role=contentinfo]").count() == 1
        assert page.get_by_role("navigation", name="Sections").is_visible()
        assert page.get_by_text("Today:").count() == 1
    assert page.locator("h1").count() == 1
    assert page.get_by_role("heading", name="Related").is_visible()
    assert page.get_by_role("heading", name="Share This").is_visible()
    assert external == []  # no external assets
    context.close()

    # Layout and accessibility checks with scripting on (the pages themselves use none).
    context = chromium.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    for path in ("/", "/section/world/", site_content[0].get_absolute_url(), "/corrections/"):
        page.goto(live_server.url + path)
        scroll_width = page.evaluate("document.documentElement.scrollWidth")
        assert scroll_width <= width, f"{name} {path}: {scroll_width}px wide in {width}px"
        results = axe(page)
        assert results.violations_count == 0, f"{path}: {results.generate_report()}"
    context.close()


def test_it_passes_accessibility_checks_on_search_account_and_wall_pages(
    chromium, live_server, site_content, settings
):
    settings.MASTHEAD_METER_FREE_ARTICLES = 0  # the first wire story meets the wall
    settings.MASTHEAD_METER_ADDRESS_FREE_ARTICLES = 0
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    paths = {
        "search": "/search/?q=interconnector",
        "no-results": "/search/?q=zzzyqx",
        "sign-up": "/accounts/signup/",
        "sign-in": "/accounts/signin/",
        "reset": "/accounts/password/reset/",
        "wall": site_content[0].get_absolute_url(),
    }
    for name, path in paths.items():
        response = page.goto(live_server.url + path)
        assert response.status == 200, name
        results = axe(page)
        assert results.violations_count == 0, f"{name}: {results.generate_report()}"
    assert "Access this article for free." in page.content()
    context.close()


def test_it_shows_related_filler_under_its_own_heading_accessibly(chromium, live_server):
    """Demo stories: a standalone one (all filler) and one with a short topical list."""
    call_command("demo", no_migrate=True, stdout=io.StringIO(), stderr=io.StringIO())
    standalone = Article.objects.get(wire_guid="hlw-2026-11-26-world-hue-mangrove-replanting")
    mixed = next(
        a
        for a in Article.objects.for_page().order_by("pk")
        if 1 <= len(selectors.related_articles(a)) < 4
    )
    for label, story in (("standalone", standalone), ("mixed", mixed)):
        for name, width in (("phone", 390), ("desktop", 1280)):
            context = chromium.new_context(viewport={"width": width, "height": 900})
            page = context.new_page()
            page.goto(live_server.url + story.get_absolute_url())
            related = page.locator("section.block--related")
            heading = related.get_by_role("heading", level=2, name="Related", exact=True)
            assert heading.is_visible()
            more = related.get_by_role("heading", level=3, name=f"More in {story.section.name}")
            assert more.is_visible()
            assert related.locator("li a").count() == 5
            related.screenshot(path=str(ARTIFACTS / f"site-related-{label}-{name}.png"))
            assert page.evaluate("document.documentElement.scrollWidth") <= width
            results = axe(page)
            assert results.violations_count == 0, results.generate_report()
            context.close()
