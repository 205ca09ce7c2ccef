"""A living demo: its stories dated relative to the moment it was first loaded, and a wire
that keeps delivering.

The content files carry fixed dates (23–28 November 2026). On first load the demo writes
down that moment (the anchor, in the data folder) and writes dated copies of the files, every
date moved by one shift so that the newest story is half an hour old; a re-run uses the same
anchor, so it gives the same site. A few Continental Press stories are held back and released
one every few minutes into a drop folder that the demo's feed polls, each dated as it is
released, so that a newcomer watching the site sees wire copy arrive: on the desk, on the
fronts, in the feeds and in the news sitemap.

Hand-written: the dates sit in three formats (RSS's RFC 822, ninjs's ISO 8601, the local
stories' ISO) that a small rewrite per format covers; nothing generic would.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.conf import settings
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from masthead.newsroom.models import Article

RELEASE_EVERY = dt.timedelta(minutes=4)
HELD_BACK = 8  # the newest single-version Continental Press stories
NEWEST_AGE = dt.timedelta(minutes=30)

_RFC822 = re.compile(r"<(pubDate|lastBuildDate)>([^<]+)</\1>")
NINJS_DATES = ("firstcreated", "versioncreated", "embargoed")


def folder() -> Path:
    return Path(settings.DATA_DIR) / "demo"


def anchor(now: dt.datetime | None = None) -> dt.datetime:
    """When the demo was first loaded here (written on the first call)."""
    path = folder() / "anchor"
    if path.exists():
        found = parse_datetime(path.read_text("utf-8").strip())
        if found is not None:
            return found
    moment = (now or timezone.now()).replace(microsecond=0)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(moment.isoformat(), "utf-8")
    return moment


@dataclass
class Content:
    """The demo's files as this load dates them."""

    harbor_light: list[Path]  # one RSS file per section
    continental: list[Path]  # ninjs files ingested at load, in order
    local: Path  # the staff stories
    outbox: Path  # the held-back stories waiting for their time
    drop: Path  # the folder the live feed polls


def _ninjs_time(value: str) -> dt.datetime:
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(f"not an ISO time in the demo content: {value!r}")
    return parsed


def _iso(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _write(path: Path, text: str) -> None:
    """Whole or not at all: a poller never reads half a file (".part" files wait)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".part")
    partial.write_text(text, "utf-8")
    os.replace(partial, path)


def _copy_pictures(source: Path, target: Path) -> None:
    pictures = source / "pictures"
    if pictures.is_dir():
        shutil.copytree(pictures, target / "pictures", dirs_exist_ok=True)


def _held_back(files: list[Path]) -> list[Path]:
    """The newest stories with a single version (a story's v2 must not arrive before v1)."""
    by_story: dict[str, list[Path]] = {}
    for path in files:
        by_story.setdefault(re.sub(r"-v\d+$", "", path.stem), []).append(path)
    singles = [paths[0] for paths in by_story.values() if len(paths) == 1]
    singles.sort(key=lambda p: json.loads(p.read_text("utf-8"))["versioncreated"])
    return singles[-HELD_BACK:]


def prepare(content: Path, now: dt.datetime | None = None) -> Content:
    """Dated copies of the demo's content under the data folder, and the held-back stories in
    the outbox with their release times; the same files on every run."""
    start = anchor(now)
    cp_files = sorted((content / "continental-press").glob("*.json"))
    held = _held_back(cp_files)
    loaded = [p for p in cp_files if p not in held]
    stories = json.loads((content / "local" / "staff-stories.json").read_text("utf-8"))
    rss = sorted((content / "harbor-light-wire").glob("*.xml"))
    # The newest moment of all that is loaded now (the held-back stories come later).
    newest = max(
        *(_ninjs_time(json.loads(p.read_text("utf-8"))["versioncreated"]) for p in loaded),
        *(_ninjs_time(story["published"]) for story in stories),
        *(
            email.utils.parsedate_to_datetime(m.group(2))
            for p in rss
            for m in _RFC822.finditer(p.read_text("utf-8"))
        ),
    )
    shift = (start - NEWEST_AGE) - newest
    shift = dt.timedelta(minutes=round(shift.total_seconds() / 60))
    out = folder()

    def moved_rfc822(match: re.Match[str]) -> str:
        when = email.utils.parsedate_to_datetime(match.group(2)) + shift
        return f"<{match.group(1)}>{email.utils.format_datetime(when)}</{match.group(1)}>"

    harbor = []
    for path in rss:
        target = out / "harbor-light-wire" / path.name
        _write(target, _RFC822.sub(moved_rfc822, path.read_text("utf-8")))
        harbor.append(target)

    continental = []
    for path in loaded:
        item = json.loads(path.read_text("utf-8"))
        for key in NINJS_DATES:
            if key in item:
                item[key] = _iso(_ninjs_time(item[key]) + shift)
        target = out / "continental-press" / path.name
        _write(target, json.dumps(item, ensure_ascii=False, indent=2))
        continental.append(target)

    for story in stories:
        story["published"] = (_ninjs_time(story["published"]) + shift).isoformat()
    local = out / "local" / "staff-stories.json"
    _write(local, json.dumps(stories, ensure_ascii=False, indent=2))

    outbox, drop = out / "outbox", out / "wire-drop"
    drop.mkdir(parents=True, exist_ok=True)
    # The wire items name their pictures relative to themselves ("pictures/<story>.jpg"):
    # each folder a copy is read from gets the pictures beside it, the live drop folder too.
    _copy_pictures(content / "harbor-light-wire", out / "harbor-light-wire")
    _copy_pictures(content / "continental-press", out / "continental-press")
    _copy_pictures(content / "continental-press", drop)
    _copy_pictures(content / "local", out / "local")
    for n, path in enumerate(held, start=1):
        release = start + n * RELEASE_EVERY
        name = f"{release:%Y%m%dT%H%M%S}-{path.name}"
        text = path.read_text("utf-8")
        # Waiting unless the paper has it: a data folder outlives a database reset.
        if not Article.objects.filter(wire_guid=json.loads(text)["uri"]).exists():
            if not (drop / name).exists():
                _write(outbox / name, text)
    return Content(harbor, continental, local, outbox, drop)


def _release_time(path: Path) -> dt.datetime | None:
    try:
        return dt.datetime.strptime(path.name[:15], "%Y%m%dT%H%M%S").replace(tzinfo=dt.UTC)
    except ValueError:
        return None


def release_due(now: dt.datetime | None = None) -> list[str]:
    """Move the held-back stories whose time has come into the live feed's drop folder, each
    dated as it is released; returns their file names. Safe to run from several places at
    once: a file is moved by one of them (`os.replace` either finds it or not)."""
    now = now or timezone.now()
    outbox, drop = folder() / "outbox", folder() / "wire-drop"
    released = []
    for path in sorted(outbox.glob("*.json")) if outbox.is_dir() else []:
        when = _release_time(path)
        if when is None or when > now:
            continue
        try:
            item: dict[str, Any] = json.loads(path.read_text("utf-8"))
        except FileNotFoundError:  # released by another process meanwhile
            continue
        item["firstcreated"] = item["versioncreated"] = _iso(when)
        _write(drop / path.name, json.dumps(item, ensure_ascii=False, indent=2))
        path.unlink(missing_ok=True)
        released.append(path.name)
    return released


def waiting() -> int:
    outbox = folder() / "outbox"
    return len(list(outbox.glob("*.json"))) if outbox.is_dir() else 0
