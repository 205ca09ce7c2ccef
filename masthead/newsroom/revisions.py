"""A story's versions, and a readable diff between any two.

`ArticleRevision` keeps the story as it was *before* each change (the wire and the actions
write it so, and a kill's revision is the text that was withdrawn). The versions an editor
compares are the states *after* each change, which this module reads off that record without
a second copy: version 1 is the first revision's snapshot (the story as first written), version
k+1 is the snapshot the next change replaced, and the last version is the story as it is now.
Version k+1 was made by the actor of revision k, at its time.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import dataclass
from typing import Any

import lxml.html

from masthead.newsroom.actions import snapshot
from masthead.newsroom.models import Article


@dataclass(frozen=True)
class Version:
    number: int
    at: dt.datetime
    actor: str
    reason: str  # what made it: "created", "editor edit", "wire version 3", "kill"...
    data: dict[str, Any]
    is_current: bool


def history(article: Article) -> list[Version]:
    """Every version of the story, oldest first; the last is the story as it is now."""
    revisions = list(article.revisions.order_by("created", "id"))
    states = [r.snapshot for r in revisions] + [snapshot(article)]
    creator = (
        article.created_by.get_username()
        if article.created_by is not None
        else f"wire: {article.source.name}"
        if article.wire_guid
        else article.source.name
    )
    versions = [Version(1, article.created, creator, "created", states[0], len(states) == 1)]
    for number, (revision, state) in enumerate(zip(revisions, states[1:], strict=True), start=2):
        versions.append(
            Version(
                number,
                revision.created,
                revision.actor,
                revision.reason,
                state,
                number == len(states),
            )
        )
    return versions


def body_text(html: str) -> str:
    """A body as plain text, one paragraph per line: what an editor reads in a diff."""
    if not html.strip():
        return ""
    root = lxml.html.fragment_fromstring(html, create_parent="div")
    blocks = [
        " ".join(el.text_content().split())
        for el in root.iter("p", "h2", "h3", "h4", "li", "blockquote", "pre")
        if el.getparent() is root or el.tag == "li"
    ]
    blocks = [b for b in blocks if b]
    return "\n".join(blocks) if blocks else " ".join(root.text_content().split())


# Field, label, how to read it as text.
FIELDS: tuple[tuple[str, str], ...] = (
    ("headline", "Headline"),
    ("summary", "Summary"),
    ("dateline", "Dateline"),
    ("bylines", "Byline"),
    ("body", "Body"),
    ("sections", "Sections"),
    ("tags", "Tags"),
)


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    # ("equal" | "delete" | "insert", text) runs, in order; newlines are paragraph breaks.
    chunks: list[tuple[str, str]]


def _as_text(name: str, data: dict[str, Any]) -> str:
    value = data.get(name)
    if name == "body":
        return body_text(value or "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    return str(value or "")


_TOKENS = re.compile(r"\n|\s+|[^\s]+")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word (whitespace and paragraph breaks kept as tokens), merged into runs."""
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    runs: list[tuple[str, str]] = []

    def add(op: str, text: str) -> None:
        if not text:
            return
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        else:
            runs.append((op, text))

    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", "".join(a[i1:i2]))
            continue
        add("delete", "".join(a[i1:i2]))
        add("insert", "".join(b[j1:j2]))
    return runs


def diff(old: Version, new: Version) -> list[FieldDiff]:
    """What changed from `old` to `new`, field by field (unchanged fields are listed too,
    marked so, for the editor to see the whole story)."""
    result = []
    for name, label in FIELDS:
        before, after = _as_text(name, old.data), _as_text(name, new.data)
        result.append(FieldDiff(name, label, before != after, word_diff(before, after)))
    return result
