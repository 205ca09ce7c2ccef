"""A story's features for Related, and the tf-idf arithmetic over them: pure, no Django models.

A story becomes a bag of weighted features, in two channels:

- text: word stems ("w:crossing") and capitalised multiword names ("n:amber strait cable"),
  counted with the headline and summary weighing more than the body, names more than words;
- meta: its tags ("t:<id>") and sections ("s:<id>"), sections weighing less (they are broad).

Every feature is then weighed by its rarity in the archive (idf), so "county", "board" and a
tag on a third of the stories say little, while "Kalvenia" or a tag on three stories say a lot.
Document frequencies come from a stored table kept up to date as stories come and go
(`related/features.py`), not from a scan, so weighing a story costs one indexed lookup per feature.
"""

from __future__ import annotations

import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from masthead.discovery.search.text import STOPWORDS, crude_stem, words

# Headline and summary are written to say what the story is about; body words are diluted by
# quotes and background.
HEADLINE_WEIGHT = 3.0
SUMMARY_WEIGHT = 2.0
BODY_WEIGHT = 1.0
# A multiword name ("Bank of Norland", "Sawtooth Ridge Fire") pins a story to one event far
# better than any of its words alone, and its words are counted as words as well.
NAME_WEIGHT = 2.0
TAG_WEIGHT = 1.0
SECTION_WEIGHT = 0.5

TEXT_PREFIXES = ("w:", "n:")
META_PREFIXES = ("t:", "s:")
COMMON_FLOOR = 100
# The engine ranks every story carrying a word it is asked for: past this many, a word slows
# every refresh and still cannot single out a neighbour among thousands.
COMMON_CAP = 1000
MAX_FEATURE = 100  # the stored key's length; longer "names" are run-on capitals, not names

# Tokens for name spotting: words (with inner apostrophes and hyphens) and single punctuation
# marks, which end a name ("Port Alder, Ore." is the name "Port Alder").
_TOKEN_RE = re.compile(r"[^\W_][\w'’\-]*|[^\w\s]")
# Lower-case words allowed inside a name: "Bank of Norland", "Isle of Man".
_NAME_JOINERS = frozenset({"of", "de", "del", "la", "van", "von", "and"})
_POSSESSIVE_RE = re.compile(r"['’]s$")


def _names(text: str) -> list[str]:
    """Runs of two or more capitalised words, lower-cased, leading function words dropped.

    Crude on purpose (no tagger): a false "name" such as a headline's "Teal Scarves" is only a
    rare feature, which costs nothing unless another story shares it.
    """
    found: list[str] = []
    run: list[str] = []

    def close() -> None:
        while run and run[-1].lower() in _NAME_JOINERS:
            run.pop()
        while run and run[0].lower() in STOPWORDS:
            run.pop(0)
        if len(run) >= 2:
            name = " ".join(_POSSESSIVE_RE.sub("", w).lower() for w in run)
            if len(name) <= MAX_FEATURE - 2:
                found.append(name)
        run.clear()

    for token in _TOKEN_RE.findall(text or ""):
        if token[0].isupper():
            run.append(token)
        elif run and token in _NAME_JOINERS:
            run.append(token)
        else:
            close()
    close()
    return found


def _word_stems(text: str) -> Iterable[str]:
    for word in words(text):
        if len(word) < 3 or word in STOPWORDS or word.isdigit() or len(word) > MAX_FEATURE - 2:
            continue
        yield crude_stem(word)


def story_features(
    *,
    headline: str,
    summary: str,
    body: str,
    tag_ids: Iterable[int] = (),
    section_ids: Iterable[int] = (),
) -> dict[str, float]:
    """A story's features with their in-story weights (before idf); plain text expected."""
    # Float weights: a `Counter` is typed (and meant) for integer counts.
    counts: defaultdict[str, float] = defaultdict(float)
    for text, weight in (
        (headline, HEADLINE_WEIGHT),
        (summary, SUMMARY_WEIGHT),
        (body, BODY_WEIGHT),
    ):
        for stem in _word_stems(text):
            counts["w:" + stem] += weight
        for name in _names(text):
            counts["n:" + name] += weight * NAME_WEIGHT
    for tag_id in set(tag_ids):
        counts[f"t:{tag_id}"] = TAG_WEIGHT
    for section_id in set(section_ids):
        counts[f"s:{section_id}"] = SECTION_WEIGHT
    return {feature: round(weight, 3) for feature, weight in counts.items()}


def idf(df: int, total: int) -> float:
    """BM25's idf: positive for any df, near zero for a feature on half the archive."""
    df = max(df, 1)
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


def weigh(
    features: Mapping[str, float],
    dfs: Mapping[str, int],
    total: int,
    prefixes: tuple[str, ...],
) -> dict[str, float]:
    """One channel's tf-idf vector: sublinear in-story weight × rarity in the archive.

    A feature only this story has (df ≤ 1) cannot lead to another story, so it is left out;
    keeping it would only shrink every similarity by the story's own idiosyncrasies.
    """
    vector: dict[str, float] = {}
    for feature, weight in features.items():
        if not feature.startswith(prefixes):
            continue
        df = dfs.get(feature, 0)
        if df <= 1:
            continue
        vector[feature] = (1 + math.log(weight) if weight > 1 else weight) * idf(df, total)
    return vector


def cosine(a: Mapping[str, float], b: Mapping[str, float]) -> float:
    if not a or not b:
        return 0.0
    if len(a) > len(b):
        a, b = b, a
    dot = sum(w * b[f] for f, w in a.items() if f in b)
    if not dot:
        return 0.0
    return dot / (norm(a) * norm(b))


def norm(vector: Mapping[str, float]) -> float:
    return math.sqrt(sum(w * w for w in vector.values()))


def key_terms(
    features: Mapping[str, float], dfs: Mapping[str, int], total: int, *, limit: int
) -> list[str]:
    """The story's most telling words, to ask the search engine for candidates with.

    Words on more than a tenth of a large archive (or on COMMON_CAP stories) are skipped: they
    cannot tell a neighbour from the rest, and they make the engine rank a long list of
    matches. (In a small archive every shared word is asked for: the engine's work is small
    and candidates are few.)
    """
    vector = weigh(features, dfs, total, ("w:",))
    common = min(max(COMMON_FLOOR, total // 10), COMMON_CAP)
    telling = [f for f in vector if dfs.get(f, 0) <= common]
    best = sorted(telling, key=lambda f: (-vector[f], f))[:limit]
    return [f[2:] for f in best]
