"""Pure text helpers shared by the search backends and Related: no Django models here."""

from __future__ import annotations

import html
import re
from collections import Counter

# Private-use characters mark highlights inside the database's snippet output, so that the text
# can be HTML-escaped first and the marks turned into <mark> after: nothing from a story's text
# is ever emitted unescaped.
MARK_START = "\ue000"
MARK_END = "\ue001"

_TAG_RE = re.compile(r"<[^>]+>")
_SPACE_RE = re.compile(r"\s+")
_WORD_RE = re.compile(r"\w+", re.UNICODE)
_QUERY_RE = re.compile(r'"([^"]*)"|(\S+)')
_CONTROL_RE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ue000\ue001]")

MAX_QUERY_TERMS = 12

# Function words a reader types ("mayor and council") but no story needs to contain literally.
QUERY_STOPWORDS = frozenset(
    "a an and are as at be but by for from in into is it of on or the to with".split()
)

STOPWORDS = frozenset(
    """a about above after again against all also am an and any are as at be because been before
    being below between both but by can could did do does doing down during each few for from
    further had has have having he her here hers herself him himself his how i if in into is it
    its itself just me more most my myself no nor not now of off on once only or other our ours
    ourselves out over own said same says she should so some such than that the their theirs them
    themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with would you your yours yourself yourselves
    new one two three year years last first next told mr ms mrs percent per""".split()
)


def plain_text(value: str) -> str:
    """HTML to one line of plain text for indexing (tags dropped, entities decoded)."""
    text = html.unescape(_TAG_RE.sub(" ", value or ""))
    return _SPACE_RE.sub(" ", _CONTROL_RE.sub(" ", text)).strip()


def marks_to_html(text: str) -> str:
    """Escape `text` and turn the snippet marks into <mark> elements."""
    escaped = html.escape(text, quote=False)
    return escaped.replace(MARK_START, "<mark>").replace(MARK_END, "</mark>")


def words(text: str) -> list[str]:
    return [w.lower() for w in _WORD_RE.findall(text or "")]


def parse_query(query: str) -> list[str]:
    """A reader's query as a list of terms; a quoted phrase is one term with spaces in it.

    Everything that is not a word character is dropped, so nothing a reader types can reach the
    search engines' own query syntax (FTS5 and tsquery operators).
    """
    terms: list[str] = []
    for phrase, bare in _QUERY_RE.findall(query or ""):
        if phrase:
            ws = words(phrase)
            if ws:
                terms.append(" ".join(ws))
        else:
            terms.extend(words(bare))
    seen: list[str] = []
    for term in terms:
        if term not in seen:
            seen.append(term)
    meaningful = [t for t in seen if t not in QUERY_STOPWORDS]
    return (meaningful or seen)[:MAX_QUERY_TERMS]


def highlight(text: str, terms: list[str]) -> str:
    """Escape `text` and mark the words that start with one of the query's words.

    Used for headlines and for the summary of walled stories, whose bodies never reach a snippet.
    Prefix matching stands in for the engines' stemming ("harbour" marks "harbours").
    """
    stems = sorted(
        {w[:-1] if len(w) > 4 and w.endswith("s") else w for term in terms for w in term.split()},
        key=len,
        reverse=True,
    )
    if not stems:
        return html.escape(text, quote=False)
    pattern = re.compile(r"\b(" + "|".join(re.escape(s) for s in stems) + r")\w*", re.IGNORECASE)
    out: list[str] = []
    last = 0
    for match in pattern.finditer(text):
        out.append(html.escape(text[last : match.start()], quote=False))
        out.append(f"<mark>{html.escape(match.group(0), quote=False)}</mark>")
        last = match.end()
    out.append(html.escape(text[last:], quote=False))
    return "".join(out)


def term_counts(*weighted_texts: tuple[str, int]) -> Counter[str]:
    """Weighted word counts of a story, for choosing the words that say what it is about.

    Headline and tags count several times over the body: they are written to name the topic,
    while body words are diluted by quotes and background.
    """
    counts: Counter[str] = Counter()
    for text, weight in weighted_texts:
        for word in words(text):
            if len(word) < 3 or word in STOPWORDS or word.isdigit():
                continue
            counts[word] += weight
    return counts


def crude_stem(word: str) -> str:
    """A light suffix-stripper, so "crossings" and "crossing" count as one word in Related.

    Deliberately cruder than the engines' Porter/Snowball stemmers: it only has to make a
    story's own words meet their plural and past forms in another story.
    """
    for suffix in ("ing", "ed", "es", "s"):
        if len(word) > len(suffix) + 3 and word.endswith(suffix):
            return word[: -len(suffix)]
    return word


def stems(text: str) -> set[str]:
    return {crude_stem(w) for w in words(text)}
