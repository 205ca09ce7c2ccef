"""Related stories: computed when a story is published or updated, stored, read cheaply.

Two stories are related when they are about the same thing, measured as tf-idf cosine
similarity (`discovery.terms`) in two channels — text (word stems and multiword names) and
meta (tags, and sections weighing less) — combined as

    score = TEXT_SHARE × text cosine + META_SHARE × meta cosine

Every feature is weighed by its rarity across the archive, from document frequencies kept
exact in `TermStat` as stories come and go: everyday news words ("county board approved") and
broad tags ("Port Alder", "Europe") count for little, a name or a tag on three stories for a
lot. Candidates come from the search engine (the story's most telling words) and from the
newest stories sharing its rarest tags; each is scored from its stored features, so scoring
reads a few indexed rows and tokenises nothing but the story itself.

A block shows fewer stories rather than wrong ones: below MIN_SCORE a candidate is not
related, whatever else is missing, and a story with nothing above it gets an empty block.
Newest wins ties. Candidates that are the same story (a duplicate, the same content hash, or a
near-identical headline from another wire) are never stored; kills and embargoes are filtered
again when the block is read.
"""

from masthead.discovery.related.features import (
    features_of,
    headline_words,
    rebuild_features,
    recount_term_stats,
)
from masthead.discovery.related.scoring import MIN_SCORE, SAME_STORY_HEADLINE, score_candidates
from masthead.discovery.related.storage import clear_related, refresh_related, rescore_related

__all__ = [
    "MIN_SCORE",
    "SAME_STORY_HEADLINE",
    "clear_related",
    "features_of",
    "headline_words",
    "rebuild_features",
    "recount_term_stats",
    "refresh_related",
    "rescore_related",
    "score_candidates",
]
