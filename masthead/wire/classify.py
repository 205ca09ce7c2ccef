"""Where a wire story goes: sections and tags from IPTC codes, feed defaults and keyword rules;
and the dateline lifted out of a body that carries it in its first paragraph."""

from __future__ import annotations

import re
from collections.abc import Iterable

from masthead.newsroom.models import Section
from masthead.wire.items import WireItem

# IPTC subject / media-topic top levels (the first two digits of the 8-digit code) to section
# slugs, in order of preference; only sections that exist are used.
IPTC_SECTIONS: dict[str, tuple[str, ...]] = {
    "01": ("lifestyle", "arts", "culture", "entertainment"),  # arts, culture, entertainment
    "02": ("world",),  # crime, law and justice
    "03": ("world",),  # disaster, accident
    "04": ("business",),  # economy, business and finance
    "05": ("education", "lifestyle"),
    "06": ("environment", "science", "world"),
    "07": ("health",),
    "08": ("lifestyle",),  # human interest
    "09": ("business",),  # labour
    "10": ("lifestyle",),  # lifestyle and leisure
    "11": ("politics",),
    "12": ("lifestyle",),  # religion
    "13": ("technology", "science"),
    "14": ("world",),  # society
    "15": ("sports", "sport"),
    "16": ("world",),  # conflict, war and peace
    "17": ("weather", "world"),
}
# Codes whose desk depends on where the story happened.
GEOGRAPHIC = {"02", "03", "14", "16"}
US_SLUGS = ("us", "u-s", "nation", "national")


_DESK = re.compile(r"/desks?/([\w-]+)/?$")


def desk_slug(code: str) -> str:
    """The section a subject like ".../desk/world" names (an agency's own desk codes)."""
    m = _DESK.search(code or "")
    return m.group(1).lower() if m else ""


def section_slugs_for(item: WireItem) -> list[str]:
    slugs: list[str] = [d for d in (desk_slug(s.code) for s in item.subjects) if d]
    # A desk subject says where the story goes better than a broad society/politics code.
    overridden = {"11", "14", "16", "02", "03"} if slugs else set()
    for subject in item.subjects:
        number = subject.iptc_number
        if not number or number[:2] not in IPTC_SECTIONS or number[:2] in overridden:
            continue
        top = number[:2]
        if top in GEOGRAPHIC and item.country_code == "US":
            candidates: tuple[str, ...] = US_SLUGS
        else:
            candidates = IPTC_SECTIONS[top]
        slugs.append("|".join(candidates))
    return slugs


def resolve_sections(
    item: WireItem,
    *,
    existing: dict[str, Section],
    defaults: Iterable[Section] = (),
    rules: Iterable[dict] = (),
    also_names: Iterable[str] = (),
) -> tuple[list[Section], list[str]]:
    """(sections, extra tag names). Feed defaults first, then IPTC codes, then keyword rules,
    then keywords naming an existing section; never a section that does not exist."""
    chosen: list[Section] = list(defaults)
    tags: list[str] = []

    def add(slug: str) -> None:
        section = existing.get(slug)
        if section is not None and section not in chosen:
            chosen.append(section)

    for alternatives in section_slugs_for(item):
        for slug in alternatives.split("|"):
            if slug in existing:
                add(slug)
                break
    haystack = f" {item.headline} {item.summary} ".lower()
    for rule in rules:
        if not isinstance(rule, dict):
            continue
        keyword = str(rule.get("keyword", "")).strip().lower()
        if keyword and re.search(rf"\b{re.escape(keyword)}\b", haystack):
            for slug in rule.get("sections") or []:
                add(str(slug))
            tags += [str(t) for t in rule.get("tags") or []]
    by_name = {s.name.lower(): s.slug for s in existing.values()}
    for name in also_names:
        named = by_name.get(name.strip().lower())
        if named:
            add(named)
    return chosen, tags


def tag_names_for(item: WireItem) -> list[str]:
    names = list(item.keywords)
    names += [
        s.name for s in item.subjects if s.name and not s.iptc_number and not desk_slug(s.code)
    ]
    seen: set[str] = set()
    out = []
    for name in names:
        key = name.strip().lower()
        if key and key not in seen and len(key) <= 100:
            seen.add(key)
            out.append(name.strip())
    return out
