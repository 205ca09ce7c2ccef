"""Deeply nested markup is flattened before the sanitiser, so no body holds a worker."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from masthead.text import clean_html
from masthead.text.nesting import MAX_DEPTH, flatten_deep_nesting
from masthead.text.sanitize import sanitize_html


def test_it_sanitises_100000_nested_elements_within_a_budget():
    # 1.1 MB of nesting took 42 s before the flattening; a generous budget for a shared machine.
    hostile = "<div>" * 100_000 + "<p>still here</p>" + "</div>" * 100_000
    started = time.process_time()
    cleaned = clean_html(hostile)
    assert time.process_time() - started < 5
    assert cleaned == "still here"  # the paragraph opened past the limit: flattened to text


def test_it_keeps_the_text_and_the_first_levels_of_deep_quotes():
    html = "<blockquote>" * 3000 + "words" + "</blockquote>" * 3000
    cleaned = sanitize_html(html)
    assert "words" in cleaned
    assert cleaned.count("<blockquote>") == MAX_DEPTH
    assert cleaned.count("</blockquote>") == MAX_DEPTH


@given(st.text(alphabet="<>/pab emi", max_size=300))
def test_it_leaves_markup_that_is_not_deep_untouched(html):
    if html.count("<") <= MAX_DEPTH:
        assert flatten_deep_nesting(html) == html


def test_it_leaves_a_long_but_flat_story_as_it_is():
    story = "".join(f"<p>Paragraph {i} with <em>emphasis</em>.</p><br>" for i in range(2000))
    assert len(story) > 16_384
    assert flatten_deep_nesting(story) == story
