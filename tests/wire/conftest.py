"""Fixtures for the wire tests: parse a corpus file; sections the mapping can target."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from masthead.wire.adapters import detect
from masthead.wire.items import IngestError, WireItem

Parsed = tuple[str, list[WireItem], list[IngestError]]


def _parse(path: Path) -> Parsed:
    data = path.read_bytes()
    try:
        adapter = detect(data)
        entries = adapter.parse(data)
    except IngestError as exc:
        return "", [], [exc]
    items = [e for e in entries if isinstance(e, WireItem)]
    errors = [e for e in entries if isinstance(e, IngestError)]
    return adapter.name, items, errors


@pytest.fixture
def parse_file() -> Callable[[Path], Parsed]:
    """(adapter name or "", items, errors) for one file, as the ingest would see it."""
    return _parse


@pytest.fixture
def desk_sections(db):
    from tests.factories import SectionFactory

    return {
        slug: SectionFactory(name=name, slug=slug)
        for slug, name in [
            ("us", "U.S."),
            ("world", "World"),
            ("politics", "Politics"),
            ("business", "Business"),
            ("technology", "Technology"),
            ("health", "Health"),
            ("lifestyle", "Lifestyle"),
            ("sports", "Sports"),
            ("local", "Local"),
        ]
    }
