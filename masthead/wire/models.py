"""The wire desk's own data: configured feeds, and the ingest log editors read.

Articles themselves live in the newsroom; the wire only remembers where copy comes from, what
each feed delivered (`WireItemVersion`, the fingerprints duplicate detection needs) and what went
wrong (`IngestLog`, the quarantine).
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.urls import reverse
from django.utils import timezone

from masthead.newsroom.models import Article, Section, Source, Tag


class Feed(models.Model):
    """A configured wire feed: a file, a drop folder, an HTTP URL, or a push endpoint."""

    class OnArrival(models.TextChoices):
        PUBLISH = "publish", "Publish on arrival"
        HOLD = "hold", "Hold for the desk"

    name = models.CharField(max_length=120)
    slug = models.SlugField(max_length=120, unique=True, help_text="Used in the push URL.")
    location = models.CharField(
        max_length=1000,
        blank=True,
        help_text="A file, a drop-folder directory or an http(s) URL. Blank for push-only feeds.",
    )
    format = models.CharField(
        max_length=20,
        default="auto",
        help_text="auto (detected from the content), or one of: rss_atom, newsml_g2, nitf, ninjs.",
    )
    source = models.ForeignKey(
        Source,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="feeds",
        help_text="Blank: the source is taken from each item's provider or credit. Required "
        "for a push feed, whose items are all this source's.",
    )
    default_sections = models.ManyToManyField(Section, blank=True, related_name="+")
    default_tags = models.ManyToManyField(Tag, blank=True, related_name="+")
    keyword_rules = models.JSONField(
        default=list,
        blank=True,
        help_text='A list of {"keyword": "harbour", "sections": ["local"], "tags": ["Port"]}; '
        "a keyword found in the headline or summary adds those sections and tags.",
    )
    poll_interval = models.PositiveIntegerField(
        default=300, help_text="Seconds between polls (URL, file and directory feeds)."
    )
    enabled = models.BooleanField(default=True)
    push_secret = models.CharField(
        max_length=200,
        blank=True,
        help_text="Shared secret for HMAC-SHA256 signed pushes; blank refuses pushes. A push "
        "feed needs a fixed source.",
    )
    marks_fiction = models.BooleanField(
        default=False, help_text="Stories from this feed are demo fiction, not news."
    )
    on_arrival = models.CharField(
        max_length=10,
        choices=OnArrival.choices,
        default=OnArrival.PUBLISH,
        help_text="Hold: each new story waits in review on the wire desk until an editor "
        "publishes it. Embargoed and withheld copy is held either way.",
    )
    picture_hosts = models.CharField(
        max_length=1000,
        blank=True,
        help_text="Host names the worker may fetch this feed's pictures from, comma-separated "
        '(e.g. "photos.agency.example"); blank fetches none. Pictures beside the item in a '
        "drop folder need no host.",
    )
    last_polled_at = models.DateTimeField(null=True, blank=True)
    # Set while one worker polls the feed (`claim_poll`), so that workers on several machines
    # never poll it twice at once; a worker killed mid-poll leaves it to expire.
    poll_claimed_until = models.DateTimeField(null=True, blank=True, editable=False)
    last_error = models.TextField(blank=True)
    etag = models.CharField(max_length=300, blank=True)
    last_modified = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        # A push is authenticated by the feed's secret, not by the provider the document
        # names, so without a fixed source a pushing agency could name any other agency and
        # update or kill its stories. The push endpoint refuses such a feed too.
        super().clean()
        if self.push_secret and self.source_id is None:
            raise ValidationError(
                {
                    "source": "A feed with a push secret needs a fixed source: pushed items may "
                    "touch only that source's stories."
                }
            )

    def is_due(self, now: dt.datetime | None = None) -> bool:
        if not self.enabled or not self.location:
            return False
        if self.last_polled_at is None:
            return True
        now = now or timezone.now()
        return self.last_polled_at + dt.timedelta(seconds=self.poll_interval) <= now

    def claim_poll(self, now: dt.datetime | None = None) -> bool:
        """Take this feed's poll for `MASTHEAD_WIRE_POLL_CLAIM_SECONDS`; False if another
        worker holds it. One conditional UPDATE: of two racing workers, the database lets one
        change the row."""
        now = now or timezone.now()
        until = now + dt.timedelta(seconds=settings.MASTHEAD_WIRE_POLL_CLAIM_SECONDS)
        taken = (
            Feed.objects.filter(pk=self.pk)
            .filter(
                models.Q(poll_claimed_until__isnull=True) | models.Q(poll_claimed_until__lt=now)
            )
            .update(poll_claimed_until=until)
        )
        if taken:
            self.poll_claimed_until = until
        return bool(taken)

    def allows_picture_host(self, host: str) -> bool:
        allowed = {h.strip().lower().rstrip(".") for h in self.picture_hosts.split(",")}
        return bool(host) and host.lower().rstrip(".") in allowed - {""}

    def get_push_url(self) -> str:
        return reverse("wire:push", args=[self.slug])


class Outcome(models.TextChoices):
    """What the ingest did with one item (an "action" is a newsroom state change; this is not)."""

    NEW = "new", "New"
    UPDATED = "updated", "Updated"
    KILLED = "killed", "Killed"
    SKIPPED = "skipped", "Skipped"
    ERROR = "error", "Error (quarantined)"
    # A story's picture refused (not an image, too big, a host not allowed...): the story
    # itself went in, so its file is not quarantined for it.
    PICTURE = "picture", "Picture refused"


class IngestLog(models.Model):
    """One line per item that changed something or failed: the wire editor's audit trail.

    Unchanged re-sent items are counted in the run's summary but not logged, so that a feed
    polled every few minutes does not bury the interesting lines.
    """

    created = models.DateTimeField(default=timezone.now, db_index=True)
    feed = models.ForeignKey(Feed, null=True, blank=True, on_delete=models.SET_NULL)
    source = models.ForeignKey(Source, null=True, blank=True, on_delete=models.SET_NULL)
    file = models.CharField(max_length=1000, blank=True)
    guid = models.CharField(max_length=500, blank=True)
    version = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=10, choices=Outcome.choices)
    reason = models.TextField(blank=True)
    repairs = models.JSONField(default=list, blank=True)
    raw_excerpt = models.TextField(blank=True)
    article = models.ForeignKey(
        Article, null=True, blank=True, on_delete=models.SET_NULL, related_name="ingest_logs"
    )

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["action", "created"], name="ingestlog_action_created")]

    def __str__(self) -> str:
        return f"{self.action} {self.guid or self.file}"


class WireItemVersion(models.Model):
    """Each version of a wire item applied to an article, with its text fingerprint.

    The fingerprint (hash of the normalised headline and body text) is how a story re-sent under
    a new guid, or delivered by a second feed, is recognised as the same story.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="wire_versions")
    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    guid = models.CharField(max_length=500)
    version = models.PositiveIntegerField(null=True, blank=True)
    version_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64)
    text_hash = models.CharField(max_length=64, db_index=True)
    headline_hash = models.CharField(max_length=64, blank=True, db_index=True)
    lead_hash = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="Hash of the opening words: the same lead under another headline is a "
        "near-duplicate.",
    )
    received_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-received_at", "-id"]

    def __str__(self) -> str:
        return f"{self.guid} v{self.version}"


class NearDuplicate(models.Model):
    """Two live stories that look like one event told twice (same headline, or the same lead
    paragraph under another headline), found at ingest and linked for editors to judge.

    Exact duplicates (the same text) are merged at ingest instead; these are kept apart because
    two agencies' takes on one event can both be worth running, or one may be an update.
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="near_duplicates")
    other = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    similarity = models.FloatField(help_text="Word-trigram overlap of the two texts (Jaccard).")
    same_headline = models.BooleanField(default=False)
    same_lead = models.BooleanField(default=False)
    detected_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-detected_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "other"], name="nearduplicate_unique_pair"),
        ]
        verbose_name = "near-duplicate"

    def __str__(self) -> str:
        return f"{self.article_id} ≈ {self.other_id} ({self.similarity:.0%})"


class WireStory(Article):
    """The wire desk's view of the newsroom's stories (`masthead.wire.desk`): wire copy only,
    newest arrival first. A proxy, so the desk has its own page in the back office while every
    change still goes through the newsroom's actions."""

    class Meta:
        proxy = True
        verbose_name = "wire desk"
        verbose_name_plural = "wire desk"


class UsedPushSignature(models.Model):
    """A push signature already accepted (`push_signing.first_use`), kept while its timestamp
    could still pass. In the database rather than the cache: every web process must see it,
    and the embedded paper's cache is one per process."""

    digest = models.CharField(max_length=64, unique=True)
    used_at = models.DateTimeField(db_index=True)

    def __str__(self) -> str:
        return f"{self.digest[:12]}… at {self.used_at:%Y-%m-%d %H:%M:%S}"


class PackagePicture(models.Model):
    """A picture a NewsML-G2 package names for its story, by the picture item's guid: the link
    by which a package and its picture items join when they arrive in separate files, in
    either order (`masthead.wire.packages`). Kept while the package stands: a package's update
    replaces its links, and a picture item re-sent is placed again."""

    source = models.ForeignKey(Source, on_delete=models.CASCADE, related_name="+")
    package_guid = models.CharField(max_length=500)
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="+")
    residref = models.CharField(max_length=500, help_text="The picture item's guid.")
    position = models.PositiveSmallIntegerField(help_text="0 leads the story; the rest in body.")

    class Meta:
        ordering = ["article", "position"]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "package_guid", "residref"], name="package_picture_once"
            )
        ]
        indexes = [models.Index(fields=["source", "residref"], name="package_picture_residref")]

    def __str__(self) -> str:
        return f"{self.package_guid} → {self.residref} ({self.position})"
