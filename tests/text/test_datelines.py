"""Datelines inline, as papers print them."""

from __future__ import annotations

from masthead.text.datelines import begins_with, inline, printed


def test_it_prints_city_region_agency_and_a_dash():
    assert printed("Brussels, Belgium", "CNN") == "Brussels, Belgium (CNN) —"
    assert printed("PORT ALDER, Ore.") == "PORT ALDER, Ore. —"


def test_it_title_cases_a_dateline_all_in_capitals_but_keeps_initials():
    assert printed("DENVER, UNITED STATES", "AP") == "Denver, United States (AP) —"
    assert printed("WASHINGTON, U.S.") == "Washington, U.S. —"
    assert printed("HUẾ, VIETNAM") == "Huế, Vietnam —"


def test_it_puts_the_dateline_at_the_head_of_the_first_paragraph():
    body = "<p>European mediators proposed a plan.</p><p>More.</p>"
    assert inline(body, "Brussels, Belgium", "CNN") == (
        '<p><span class="dateline">Brussels, Belgium (CNN) —</span> European mediators'
        " proposed a plan.</p><p>More.</p>"
    )


def test_it_leaves_a_body_that_already_opens_with_its_dateline():
    body = "<p>PORT ALDER, Ore. — Two fire engines rolled back into town.</p>"
    assert begins_with(body, "PORT ALDER, Ore.")
    assert inline(body, "Port Alder, Ore.", "") == (
        '<p><span class="dateline">PORT ALDER, Ore. —</span> Two fire engines rolled back'
        " into town.</p>"
    )  # marked like a printed one, not printed twice
    assert begins_with("<p>Huế, Vietnam — Wading</p>", "HUE, Vietnam")


def test_it_escapes_the_dateline_and_handles_bodies_without_a_first_paragraph():
    assert inline("<h2>Live</h2><p>x</p>", "A<b>, B", "") == (
        '<p class="dateline">A&lt;b&gt;, B —</p><h2>Live</h2><p>x</p>'
    )
    assert inline("<p>x</p>", "", "AP") == "<p>x</p>"
