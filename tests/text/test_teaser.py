"""The walled face: a share of the words, cut at a sentence, whatever the paragraphs look like."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from masthead.text.teaser import visible_share, visible_text, word_count

words = st.text(alphabet="abcdefghij", min_size=1, max_size=8)
sentences = st.lists(words, min_size=1, max_size=30).map(lambda ws: " ".join(ws) + ".")
paragraphs = st.lists(sentences, min_size=1, max_size=8).map(" ".join)
bodies = st.lists(paragraphs, min_size=1, max_size=12)


@given(bodies, st.sampled_from([0.1, 0.25, 0.5]), st.booleans())
def test_it_never_shows_more_than_the_share_whatever_the_paragraphs(paras, share, one_block):
    body = f"<pre>{' '.join(paras)}</pre>" if one_block else "".join(f"<p>{p}</p>" for p in paras)
    shown = visible_text(body, share)
    total = word_count(body)
    # The ellipsis of a sentence cut at a word is the only word not from the story.
    assert len(shown.split()) <= int(total * share)
    if shown and not shown.endswith("…"):
        assert shown.endswith(".")  # whole sentences
        assert (" ".join(paras)).startswith(shown)


def test_it_cuts_a_one_paragraph_story_at_a_sentence():
    body = "<p>" + " ".join(f"Sentence number {n} has six words." for n in range(1, 9)) + "</p>"
    assert visible_share(body, 0.25) == (
        "<p>Sentence number 1 has six words. Sentence number 2 has six words.</p>"
    )


def test_it_cuts_a_long_first_sentence_at_a_word():
    body = "<p>" + " ".join(["word"] * 40) + ".</p>"
    assert visible_share(body, 0.25) == "<p>" + " ".join(["word"] * 10) + "…</p>"


def test_it_sends_text_only():
    body = (
        '<p>A <a href="/x" title="hidden">link</a>. B.</p><p>Two words. Then four more words.</p>'
    )
    assert visible_share(body, 0.5) == "<p>A link. B.</p>"  # 3 of 9 words; "Two words." is 5
    assert visible_share("<p>&lt;img onerror=x&gt; is text. More text here too.</p>", 0.5) == (
        "<p>&lt;img onerror=x&gt; is text.</p>"
    )


@pytest.mark.parametrize("body", ["", "   ", "<p></p>", "<p>One.</p>"])
def test_it_shows_nothing_of_a_story_too_short_to_share(body):
    assert visible_share(body, 0.25) == ""
