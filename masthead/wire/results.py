"""What an ingest run reports: one result per item, and their summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.urls import reverse

from masthead.wire.models import Outcome

# (done, total): how far a long run has got, for a progress bar.
Progress = Callable[[int, int], None]


@dataclass
class ItemResult:
    file: str
    guid: str
    version: str
    action: str
    reason: str = ""
    article_id: int | None = None
    slug: str = ""  # of a story readers can reach; its URL is only reversed when asked for

    @property
    def url(self) -> str:
        return reverse("site:article", args=[self.slug]) if self.slug else ""

    def as_dict(self) -> dict[str, str | None]:
        return {
            "file": self.file,
            "guid": self.guid,
            "version": self.version,
            "action": self.action,
            "url": self.url or None,
            "reason": self.reason,
        }


@dataclass
class IngestSummary:
    results: list[ItemResult] = field(default_factory=list)

    def count(self, action: str) -> int:
        return sum(1 for r in self.results if r.action == action)

    @property
    def new(self) -> int:
        return self.count(Outcome.NEW)

    @property
    def updated(self) -> int:
        return self.count(Outcome.UPDATED)

    @property
    def killed(self) -> int:
        return self.count(Outcome.KILLED)

    @property
    def skipped(self) -> int:
        return self.count(Outcome.SKIPPED)

    @property
    def errors(self) -> int:
        return self.count(Outcome.ERROR)

    def extend(self, other: IngestSummary) -> None:
        self.results.extend(other.results)

    def line(self) -> str:
        return (
            f"ingested {self.new} new, {self.updated} updated, {self.killed} killed, "
            f"{self.skipped} skipped, {self.errors} errors"
        )
