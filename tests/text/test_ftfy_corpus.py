"""ftfy's own test cases: we fix at least what plain ftfy fixes, and never one case less.

Our repair keeps curly quotes (house typography) where ftfy's ``fix_text`` straightens them,
so our output is compared after ftfy's own ``uncurl_quotes``. Where ftfy's expected output
gives up on a lost byte with U+FFFD and we restore a real character in its place ("África"
for "�frica"), that counts as a pass: it is the improvement this repair exists for.
Every case plain ftfy passes is a test of its own (a regression there fails by name); the
cases plain ftfy fails too are not tests of their own but are counted in the totals test,
which requires us to pass at least as many cases overall.
"""

from __future__ import annotations

import json
import re
from typing import Any

import ftfy
import pytest
from ftfy.fixes import uncurl_quotes

from masthead.text import repair
from tests.corpora import CORPORA

FTFY_CASES = CORPORA / "mojibake" / "ftfy"


def _load() -> list[dict[str, Any]]:
    cases: list[dict[str, Any]] = []
    for path in sorted(FTFY_CASES.glob("*.json")):
        for case in json.loads(path.read_text(encoding="utf-8")):
            case["file"] = path.name
            cases.append(case)
    return cases


CASES = _load()


def _plain_passes(case: dict[str, Any]) -> bool:
    return ftfy.fix_text(case["original"]) == case["fixed"]


def _ours_passes(case: dict[str, Any]) -> bool:
    ours = uncurl_quotes(repair(case["original"]))
    if ours == case["fixed"]:
        return True
    if "\ufffd" not in case["fixed"] or "\ufffd" in ours:
        return False
    restored = "[^\\ufffd]".join(re.escape(part) for part in case["fixed"].split("\ufffd"))
    return re.fullmatch(restored, ours) is not None


PLAIN_PASSES = [c for c in CASES if _plain_passes(c)]


def test_it_has_the_ftfy_corpus() -> None:
    assert FTFY_CASES.is_dir(), f"ftfy corpus missing at {FTFY_CASES} (set MASTHEAD_CORPORA)"
    assert len(CASES) >= 150
    assert len(PLAIN_PASSES) >= 140


@pytest.mark.parametrize(
    "case", PLAIN_PASSES, ids=[f"{c['file']}:{c['label'][:60]}" for c in PLAIN_PASSES]
)
def test_it_fixes_every_case_plain_ftfy_fixes(case: dict[str, Any]) -> None:
    assert _ours_passes(case), repair(case["original"])


def test_it_passes_at_least_as_many_cases_as_plain_ftfy() -> None:
    plain = sum(_plain_passes(c) for c in CASES)
    ours = sum(_ours_passes(c) for c in CASES)
    expected_failures = [c for c in CASES if c.get("expect") == "fail"]
    print(  # noqa: T201 - the numbers are the point of this test
        f"ftfy corpus: plain ftfy {plain}/{len(CASES)}, masthead {ours}/{len(CASES)}; "
        f"known failures fixed by us: {sum(_ours_passes(c) for c in expected_failures)}"
        f"/{len(expected_failures)}"
    )
    assert ours >= plain
