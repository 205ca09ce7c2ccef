"""Discovery's own tables: the search index's rows, stored Related links, view counts and the
stories whose index entry and Related list wait for the worker.

`SearchEntry` is the text the search backends index (one row per searchable story). On SQLite an
FTS5 table mirrors it through triggers; on PostgreSQL a generated tsvector column with a GIN
index sits on it. Both are created by this app's migration, only on their own database.
"""

from __future__ import annotations

from django.db import models

from masthead.newsroom.models import Article, Source


class SearchEntry(models.Model):
    """What search matches and filters on; present only while its story may be shown."""

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="search_entry"
    )
    headline = models.TextField()
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Plain text of the body.")
    meta = models.TextField(blank=True, help_text="Dateline, byline, tags and sections.")
    published_at = models.DateTimeField(db_index=True)
    embargo_until = models.DateTimeField(null=True, blank=True)
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")

    class Meta:
        verbose_name_plural = "search entries"

    def __str__(self) -> str:
        return self.headline


class RelatedLink(models.Model):
    """One stored Related story, computed when the story was published or updated."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_links")
    related = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="related_from")
    score = models.FloatField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "related"], name="related_unique_pair")
        ]
        indexes = [models.Index(fields=["article", "-score"], name="related_article_score")]

    def __str__(self) -> str:
        return f"{self.article_id} → {self.related_id} ({self.score:.3f})"


class ViewBucket(models.Model):
    """Counted reads of one story in one hour (hour = hours since the Unix epoch, UTC)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="view_buckets")
    hour = models.IntegerField()
    views = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["article", "hour"], name="viewbucket_unique_hour")
        ]
        indexes = [models.Index(fields=["hour", "article"], name="viewbucket_hour_article")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {self.hour}: {self.views}"


class PopularScore(models.Model):
    """A story's time-decayed read count, stored so that ranking needs no arithmetic.

    With half-life h, a count S taken at hour t is worth S·2^-(now-t)/h now. Every story decays
    at the same rate, so ordering by log2(S) + t/h (`rank_key`) orders by the decayed count at
    any moment: Popular is an index scan on one column, and nothing needs re-decaying.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="popular_score"
    )
    rank_key = models.FloatField(db_index=True)

    def __str__(self) -> str:
        return f"{self.article_id}: {self.rank_key:.3f}"


class RelatedTerms(models.Model):
    """A story's Related features (`discovery.terms`), stored so that its document frequencies
    can be taken back out of `TermStat` exactly when the story changes or leaves, and so that
    scoring a candidate reads one row instead of re-tokenising its text.

    A row also says the story has been scored: a story with a row and no links has nothing
    related enough to show, which is not the same as never having been looked at.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="related_terms"
    )
    features = models.JSONField(default=dict)

    class Meta:
        verbose_name_plural = "related terms"

    def __str__(self) -> str:
        return f"{self.article_id}: {len(self.features)} features"


class TermStat(models.Model):
    """How many relatable stories carry each Related feature (the idf's document frequency).

    Kept exact by incrementing and decrementing as stories are scored, changed and withdrawn,
    so that word rarities track the archive without a scan. The row `TOTAL` counts stories.
    """

    TOTAL = "#stories"

    term = models.CharField(max_length=100, primary_key=True)
    df = models.IntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.term}: {self.df}"


class StaleArticle(models.Model):
    """A story changed since its search entry and Related list were last brought up to date.

    Written by `discovery.receivers` in the change's own transaction (one upsert), deleted by
    the drain (`discovery.tasks.refresh_stale`) once it has refreshed that generation: a row
    whose generation moved on while its refresh ran stays for the next pass.
    """

    article = models.OneToOneField(
        Article, primary_key=True, on_delete=models.CASCADE, related_name="+"
    )
    # Bumped by every change. A row starts at a random value rather than 1: a worker that read
    # generation g before another worker deleted the row must not delete the row a later
    # change inserts, and a fresh start of 1 would repeat the g it holds (see tasks.py).
    generation = models.BigIntegerField()

    class Meta:
        verbose_name = "stale story"
        verbose_name_plural = "stale stories"

    def __str__(self) -> str:
        return f"{self.article_id} (generation {self.generation})"
