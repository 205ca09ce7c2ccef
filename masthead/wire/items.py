"""What every adapter produces: one `WireItem` per story version, or a typed `IngestError`.

Adapters know formats; they do not touch the database. Text here is as the agency sent it
(HTML not yet sanitised); the services run it through `masthead.text` before it is stored.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field


class PubStatus:
    USABLE = "usable"
    CANCELED = "canceled"
    WITHHELD = "withheld"
    EMBARGOED = "embargoed"


@dataclass(frozen=True)
class Subject:
    """An IPTC subject or media topic (`code` like "medtop:04000000"), or a plain keyword."""

    name: str = ""
    code: str = ""

    @property
    def iptc_number(self) -> str:
        """The 8-digit IPTC code ("04000000") when this is a subject/media-topic code."""
        m = re.search(r"(?:medtop|subj|mediatopic|subjectcode|iptc)\D{0,3}(\d{8})", self.code, re.I)
        if m:
            return m.group(1)
        return self.code if self.code.isdigit() and len(self.code) == 8 else ""


@dataclass
class PictureRef:
    """A picture an item carries: where its bytes are (an http(s) URL, or a path relative to
    the delivered file) and what the agency says of it. Fetched and checked when the story is
    applied (`masthead.wire.pictures`), never by an adapter."""

    href: str
    caption: str = ""
    alt: str = ""
    credit: str = ""
    copyright: str = ""
    guid: str = ""
    width: int | None = None
    height: int | None = None


@dataclass
class WireItem:
    guid: str
    content_hash: str
    format: str
    version: int | None = None
    version_at: dt.datetime | None = None
    pubstatus: str = PubStatus.USABLE
    embargo_until: dt.datetime | None = None
    first_created: dt.datetime | None = None
    headline: str = ""
    summary: str = ""
    body_html: str = ""
    dateline: str = ""
    bylines: list[str] = field(default_factory=list)
    subjects: list[Subject] = field(default_factory=list)
    keywords: list[str] = field(default_factory=list)
    provider: str = ""
    credit: str = ""
    copyright: str = ""
    canonical_url: str = ""
    language: str = ""
    ednote: str = ""
    correction: str = ""
    image_url: str = ""
    image_alt: str = ""
    # The story's pictures, the lead first.
    pictures: list[PictureRef] = field(default_factory=list)
    country_code: str = ""
    is_fiction: bool = False
    replaces: str = ""
    notes: list[str] = field(default_factory=list)
    raw_excerpt: str = ""
    # The stored form of the text (`masthead.wire.cleaning.CleanText`) when a parse helper
    # process already cleaned it; not part of what the agency sent.
    cleaned: object | None = field(default=None, compare=False, repr=False)

    @property
    def version_label(self) -> str:
        if self.version is not None:
            return str(self.version)
        return self.version_at.isoformat() if self.version_at else ""


@dataclass
class Unchanged:
    """An item the adapter recognised as already stored, without parsing it further."""

    guid: str
    content_hash: str
    version_label: str = ""


class IngestError(Exception):
    """A file or item that cannot be ingested; it is quarantined with `reason` in the log."""

    code = "invalid"

    def __init__(self, reason: str, *, guid: str = "", version: str = "", excerpt: str = ""):
        super().__init__(reason)
        self.reason = reason
        self.guid = guid
        self.version = version
        self.excerpt = excerpt[:2000]


class MalformedInput(IngestError):
    code = "malformed"


class UnsupportedFormat(IngestError):
    code = "unsupported"


class MissingField(IngestError):
    code = "missing-field"


class UnsafeInput(IngestError):
    code = "unsafe"


class TooLarge(IngestError):
    code = "too-large"


class FetchFailed(IngestError):
    code = "fetch"


ParsedEntry = WireItem | Unchanged | IngestError


class Ignored(IngestError):
    """Not an error: an item of a kind the site does not publish (pictures, concepts,
    packages whose stories arrive on their own). Counted as skipped, with the note."""

    code = "ignored"


class PictureItem(Ignored):
    """A picture item delivered on its own (not beside its package): not a story, but stored
    as a library picture under its guid, for a package sent apart to name
    (`masthead.wire.packages`). `picture` is None when it carries no image rendition."""

    def __init__(
        self,
        reason: str,
        *,
        picture: PictureRef | None = None,
        provider: str = "",
        credit: str = "",
        copyright: str = "",
        **kwargs: str,
    ):
        super().__init__(reason, **kwargs)
        self.picture = picture
        self.provider = provider
        self.credit = credit
        self.copyright = copyright


class PackageItem(Ignored):
    """A package whose story and pictures arrive in other files: `stories` are its text
    itemRefs' guids (the first stored one is the story), `pictures` its picture itemRefs'
    guids, the lead first (`masthead.wire.packages`)."""

    def __init__(
        self,
        reason: str,
        *,
        stories: list[str] | None = None,
        pictures: list[str] | None = None,
        provider: str = "",
        credit: str = "",
        copyright: str = "",
        **kwargs: str,
    ):
        super().__init__(reason, **kwargs)
        self.stories = stories or []
        self.pictures = pictures or []
        self.provider = provider
        self.credit = credit
        self.copyright = copyright
