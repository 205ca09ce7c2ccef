"""The code pages ftfy lacks: ≥ 95 % of damaged cases fixed exactly, every clean one untouched."""

from __future__ import annotations

import json
from typing import Any

import pytest

from masthead.text import repair
from tests.corpora import CORPORA

CASES_FILE = CORPORA / "mojibake" / "codepage_cases.json"
CASES: list[dict[str, Any]] = (
    json.loads(CASES_FILE.read_text(encoding="utf-8")) if CASES_FILE.is_file() else []
)
POSITIVE = [c for c in CASES if c["original"] != c["expected"]]
NEGATIVE = [c for c in CASES if c["original"] == c["expected"]]


def test_it_has_the_codepage_corpus() -> None:
    assert CASES_FILE.is_file(), f"missing {CASES_FILE} (set MASTHEAD_CORPORA)"
    assert len(POSITIVE) >= 50 and len(NEGATIVE) >= 10


def test_it_fixes_at_least_95_percent_of_damaged_cases() -> None:
    fixed = [c for c in POSITIVE if repair(c["original"]) == c["expected"]]
    missed = [c["label"] for c in POSITIVE if c not in fixed]
    print(f"code pages: {len(fixed)}/{len(POSITIVE)} damaged cases fixed")  # noqa: T201
    assert len(fixed) >= 0.95 * len(POSITIVE), missed


@pytest.mark.parametrize("case", NEGATIVE, ids=[c["label"] for c in NEGATIVE])
def test_it_leaves_clean_text_unchanged(case: dict[str, Any]) -> None:
    assert repair(case["original"]) == case["original"]


@pytest.mark.parametrize("case", POSITIVE, ids=[c["label"] for c in POSITIVE])
def test_it_is_idempotent_on_damaged_cases(case: dict[str, Any]) -> None:
    once = repair(case["original"])
    assert repair(once) == once
