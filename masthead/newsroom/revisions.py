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
from html import unescape
from typing import Any

import lxml.html
from lxml import etree

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
    creator, made = _creation(article)
    versions = [Version(1, article.created, creator, made, states[0], len(states) == 1)]
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


def _creation(article: Article) -> tuple[str, str]:
    """Who wrote version 1, and how: the audit log's first line says it (the editor, the
    wire with its version, the demo loader); the creation itself keeps no revision. A story
    with no such line (made before the log, or by hand) falls back on what the row says."""
    first = article.status_changes.filter(from_status="").order_by("at", "id").first()
    if first is not None and first.actor:
        return first.actor, first.note or "created"
    if article.created_by is not None:
        return article.created_by.get_username(), "created"
    if article.wire_guid:
        return f"wire: {article.source.name}", "from the wire"
    return article.source.name, "created"


# Elements that end a line of the text an editor compares: paragraphs and everything shown
# as a block (sanitize.ALLOWED_TAGS, plus what older or hand-made bodies may hold).
_BLOCKS = frozenset(
    {
        "p", "div", "section", "article", "header", "footer", "aside",
        "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "ul", "ol", "li", "dl", "dt",
        "dd", "figure", "figcaption", "table", "caption", "thead", "tbody", "tfoot", "tr", "hr",
        "br",
    }
)  # fmt: skip
_CELLS = frozenset({"td", "th"})
_TAG = re.compile(r"<[^>]*>")


def body_text(html: str) -> str:
    """A body as plain text, one paragraph per line: what an editor reads in a diff.

    Every block counts, however deep (a figure's caption, a table's rows, a quoted list, an
    item of a nested list once), and text between blocks too: a change an editor made must
    not be shown as "unchanged" because of where in the markup it sits.
    """
    if not html.strip():
        return ""
    try:
        root = lxml.html.fragment_fromstring(html, create_parent="div")
    except (etree.ParserError, ValueError):
        # Not parseable as HTML (a control character, an XML declaration): its words still.
        return " ".join(unescape(_TAG.sub(" ", html)).split())
    lines: list[str] = []
    line: list[str] = []

    def end_line() -> None:
        text = " ".join("".join(line).split())
        if text:
            lines.append(text)
        line.clear()

    # A comment is not copy, but the text after it is (the walk below would skip both).
    etree.strip_tags(root, etree.Comment, etree.ProcessingInstruction)
    # Walked, not recursed: a body nested deep must not reach Python's recursion limit.
    for event, el in etree.iterwalk(root, events=("start", "end")):
        tag = str(el.tag)
        if el is root:
            if event == "start":
                line.append(root.text or "")
        elif event == "start":
            if tag in _BLOCKS:
                end_line()
            elif tag in _CELLS and "".join(line).strip():
                line.append(" | ")
            line.append(el.text or "")
        else:
            if tag in _BLOCKS:
                end_line()
            line.append(el.tail or "")
    end_line()
    return "\n".join(lines)


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
# Kept in each version but not compared word by word: named when they differ, since a restore
# puts back all but the status (which the workflow's own steps move).
OTHER_FIELDS: tuple[tuple[str, str], ...] = (
    ("status", "Status (a restore leaves it as it is)"),
    ("byline", "Free-text byline"),
    ("lead_image", "Lead picture"),
    ("image_url", "Image"),
    ("image_alt", "Image description"),
    ("credit_line", "Credit line"),
    ("copyright_notice", "Copyright notice"),
    ("canonical_url", "Canonical URL"),
    ("language", "Language"),
    ("is_fiction", "Fiction"),
)
# Lists whose order means nothing (the snapshot lists them in the model's order, which moves
# when a section is renumbered): compared sorted. Bylines keep theirs: the first is the lead.
_UNORDERED = frozenset({"sections", "tags"})


@dataclass(frozen=True)
class FieldDiff:
    name: str
    label: str
    changed: bool
    # ("equal" | "delete" | "insert", text) runs, in order; newlines are paragraph breaks.
    chunks: list[tuple[str, str]]
    # Why a field whose text reads the same is still marked changed (a body's links, images
    # or emphasis): without it the editor would be told "unchanged" about a real change.
    note: str = ""


def _as_text(name: str, data: dict[str, Any]) -> str:
    value = data.get(name)
    if name == "body":
        return body_text(value or "")
    if isinstance(value, list):
        items = [str(v) for v in value]
        return ", ".join(sorted(items) if name in _UNORDERED else items)
    return str(value or "")


# A paragraph break, a run of other whitespace, a word (with its inner apostrophes and
# hyphens), or one mark of punctuation: "plan." -> "plans." shows the word changed, not the
# full stop. The newline is its own token, and never part of a run of spaces, so paragraphs
# line up.
_TOKENS = re.compile(r"\n|[^\S\n]+|\w+(?:['’-]\w+)*|[^\w\s]")


def word_diff(old: str, new: str) -> list[tuple[str, str]]:
    """Word by word (whitespace and paragraph breaks kept as tokens), merged into runs.

    A space left between two changed words is taken into the change, so a rewritten phrase
    reads as one deletion and one insertion rather than alternating word by word; a
    paragraph break never is.
    """
    a, b = _TOKENS.findall(old), _TOKENS.findall(new)
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    # (old text, new text, equal?) per opcode, before the spaces are taken in.
    pieces = [
        ("".join(a[i1:i2]), "".join(b[j1:j2]), tag == "equal")
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
    ]
    runs: list[tuple[str, str]] = []
    pending_delete, pending_insert = "", ""

    def add(op: str, text: str) -> None:
        if not text:
            return
        if runs and runs[-1][0] == op:
            runs[-1] = (op, runs[-1][1] + text)
        else:
            runs.append((op, text))

    def flush() -> None:
        nonlocal pending_delete, pending_insert
        add("delete", pending_delete)
        add("insert", pending_insert)
        pending_delete, pending_insert = "", ""

    for index, (before, after, equal) in enumerate(pieces):
        between_changes = (
            0 < index < len(pieces) - 1 and not pieces[index - 1][2] and not pieces[index + 1][2]
        )
        if equal and between_changes and before.isspace() and "\n" not in before:
            pending_delete += before
            pending_insert += after
        elif equal:
            flush()
            add("equal", before)
        else:
            pending_delete += before
            pending_insert += after
    flush()
    return runs


def diff(old: Version, new: Version) -> list[FieldDiff]:
    """What changed from `old` to `new`, field by field (unchanged fields are listed too,
    marked so, for the editor to see the whole story)."""
    result = []
    for name, label in FIELDS:
        before, after = _as_text(name, old.data), _as_text(name, new.data)
        note = ""
        if before == after and name == "body" and old.data.get(name) != new.data.get(name):
            note = "The words are the same; links, images or formatting changed."
        result.append(
            FieldDiff(name, label, before != after or bool(note), word_diff(before, after), note)
        )
    return result


def other_changes(old: Version, new: Version) -> list[str]:
    """The labels of the fields outside the word-by-word diff that differ between the two."""
    return [
        label
        for name, label in OTHER_FIELDS
        if (old.data.get(name) or None) != (new.data.get(name) or None)
    ]
