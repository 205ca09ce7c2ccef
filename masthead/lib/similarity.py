"""Set similarity, shared by near-duplicate detection (wire) and Related (discovery)."""

from __future__ import annotations

from collections.abc import Set
from typing import Any


def jaccard(a: Set[Any], b: Set[Any]) -> float:
    """|a ∩ b| / |a ∪ b|; two empty sets are not similar (0.0), not identical."""
    return len(a & b) / len(a | b) if a or b else 0.0
