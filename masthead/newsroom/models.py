"""The newsroom's data: sections, tags, sources, authors, articles, their revisions and
corrections.

Wire copy and local staff stories are the same `Article` model, told apart by `is_local` and by
their `Source` (a wire service, or the paper itself). Reads are chainable `ArticleQuerySet`
methods, so that "what a reader may see" is written once (`published()`), and scheduled
publishing and embargoes fall out of the query rather than out of a cron job.
"""

from __future__ import annotations

import datetime as dt
import functools

from django.conf import settings
from django.db import models
from django.db.models import Prefetch, Q, prefetch_related_objects
from django.urls import get_script_prefix, reverse
from django.utils import timezone

from masthead.lib import surrogates


class Access(models.TextChoices):
    """Who may read an article's full text (the registration wall reads this)."""

    FREE = "free", "Free"
    REGISTRATION = "registration", "Registered readers"
    SUBSCRIBERS = "subscribers", "Subscribers"


class Section(models.Model):
    """A part of the paper (U.S., World, Local...). Order and nav membership are data."""

    name = models.CharField(max_length=80)
    slug = models.SlugField(max_length=80, unique=True)
    description = models.CharField(max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=100, help_text="Lower comes first.")
    in_nav = models.BooleanField("Show in navigation", default=True)
    on_home = models.BooleanField("Block on the home page", default=True)
    default_access = models.CharField(
        max_length=20,
        choices=Access.choices,
        blank=True,
        help_text="Access level for this section's stories when the source sets none.",
    )

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:section", args=[self.slug])


class Tag(models.Model):
    name = models.CharField(max_length=100)
    slug = models.SlugField(max_length=100, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("site:tag", args=[self.slug])


class Source(models.Model):
    """Where a story comes from: a wire service, or the paper's own newsroom."""

    class Kind(models.TextChoices):
        WIRE = "wire", "Wire service"
        STAFF = "staff", "Our newsroom"

    class IndexPolicy(models.TextChoices):
        """What the wire agreement asks of search engines for syndicated copy."""

        INDEX = "index", "Index normally"
        CANONICAL = "canonical", "Canonical to the original's URL"
        NOINDEX = "noindex", "noindex (Google's advice for syndicated copies)"

    name = models.CharField(max_length=120, unique=True)
    slug = models.SlugField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.WIRE)
    credit_line = models.CharField(
        max_length=200, blank=True, help_text='Shown with each story, e.g. "The-CNN-Wire".'
    )
    copyright_template = models.CharField(
        max_length=300,
        blank=True,
        help_text='E.g. "™ & © {year} Cable News Network, Inc."; {year} is the publication year.',
    )
    url = models.URLField(blank=True)
    dateline_agency = models.CharField(
        max_length=60,
        blank=True,
        help_text='In the dateline, as papers print it: "Brussels, Belgium (CNN) —". Blank for '
        "our own reporting; for a wire, blank prints the source's name.",
    )
    default_access = models.CharField(max_length=20, choices=Access.choices, blank=True)
    index_policy = models.CharField(
        max_length=10, choices=IndexPolicy.choices, default=IndexPolicy.INDEX
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def copyright_for(self, year: int) -> str:
        return self.copyright_template.replace("{year}", str(year))

    @property
    def agency(self) -> str:
        """Who the dateline credits: the wire's short name; none for our own stories."""
        if self.kind == self.Kind.STAFF:
            return ""
        return self.dateline_agency or self.name


class Author(models.Model):
    name = models.CharField(max_length=150)
    slug = models.SlugField(max_length=150, unique=True)
    bio = models.TextField(blank=True)
    is_staff_writer = models.BooleanField(default=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="author_profiles",
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


def visible(now: dt.datetime | None = None, *, through: str = "") -> Q:
    """What readers may see: published, due, out of embargo, not a duplicate. The one rule,
    for stories (`published()`) and for rows reached from one (`through="article__"`): as
    join conditions, which a query walking another table's index checks row by row, where
    `article__in=published()` would first list every visible story."""
    now = now or timezone.now()
    return (
        Q(**{f"{through}embargo_until__isnull": True}) | Q(**{f"{through}embargo_until__lte": now})
    ) & Q(
        **{
            f"{through}status": Article.Status.PUBLISHED,
            f"{through}published_at__lte": now,
            f"{through}duplicate_of__isnull": True,
        }
    )


class ArticleQuerySet(models.QuerySet["Article"]):
    def published(self, now: dt.datetime | None = None) -> ArticleQuerySet:
        """What readers may see (`visible`), as of `now`."""
        return self.filter(visible(now))

    def local(self) -> ArticleQuerySet:
        return self.filter(is_local=True)

    def in_section(self, section: Section) -> ArticleQuerySet:
        return self.filter(sections=section)

    def with_tag(self, tag: Tag) -> ArticleQuerySet:
        return self.filter(tags=tag)

    def newest_first(self) -> ArticleQuerySet:
        return self.order_by("-published_at", "-id")

    def for_listing(self) -> ArticleQuerySet:
        """What a teaser or a block's link shows (headline, section, credit, thumbnail), in one
        query: lists show no bylines."""
        return self.select_related("source", "section", "lead_image")

    def for_page(self) -> ArticleQuerySet:
        """What a story's own page and its feed entries show: bylines, tags, sections too."""
        return self.for_listing().prefetch_related(
            Prefetch("authorships", queryset=Authorship.objects.select_related("author")),
            "tags",
            "sections",
            Prefetch(
                "pictures",
                queryset=ArticleImage.objects.select_related("image").order_by("position"),
            ),
        )


_SLUG = "-slug-"


@functools.cache
def _story_url(script_prefix: str) -> str:
    """The story URL pattern under this script prefix, reversed once: a front links dozens of
    stories, and `reverse` for each was a tenth of the page's time. A slug needs no quoting."""
    return reverse("site:article", args=[_SLUG])


class Article(models.Model):
    class Status(models.TextChoices):
        """The workflow: draft -> in review -> scheduled -> published, plus unpublished,
        spiked and killed. Only `PUBLISHED` is ever shown to readers (`visible`); a scheduled
        story is made published by the worker when its time comes
        (`masthead.newsroom.schedule`). Spiked is the wire desk's "not for us": hidden from
        readers and from the desk's default list, kept (later wire versions leave it spiked),
        and brought back to review in one click, where a kill is the withdrawal of a story."""

        DRAFT = "draft", "Draft"
        REVIEW = "review", "In review"
        SCHEDULED = "scheduled", "Scheduled"
        PUBLISHED = "published", "Published"
        UNPUBLISHED = "unpublished", "Unpublished"
        KILLED = "killed", "Killed / withdrawn"
        SPIKED = "spiked", "Spiked"

    headline = models.CharField(max_length=300)
    slug = models.SlugField(max_length=200, unique=True)
    summary = models.TextField(blank=True)
    body = models.TextField(blank=True, help_text="Sanitised HTML.")
    dateline = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.DRAFT)
    published_at = models.DateTimeField(null=True, blank=True, db_index=True)
    unpublish_at = models.DateTimeField(
        null=True, blank=True, help_text="The worker takes the story off the site at this time."
    )
    updated_at = models.DateTimeField(
        null=True, blank=True, help_text="Shown to readers as “Updated” when set."
    )
    embargo_until = models.DateTimeField(null=True, blank=True)
    created = models.DateTimeField(auto_now_add=True)
    # Moved by every save: an editor's form carries the value it was opened with, and a save
    # from a form opened before someone else's save is refused (`EditArticleAction`).
    modified = models.DateTimeField(auto_now=True)
    # Whose story it is: a reporter may edit their own drafts only (`actions.base.require`).
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="articles_created",
    )

    source = models.ForeignKey(Source, on_delete=models.PROTECT, related_name="articles")
    is_local = models.BooleanField("Local staff story", default=False)
    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="primary_articles",
        help_text="The main section; also one of `sections`.",
    )
    sections = models.ManyToManyField(Section, blank=True, related_name="articles")
    tags = models.ManyToManyField(Tag, blank=True, related_name="articles")
    authors: models.ManyToManyField[Author, Authorship] = models.ManyToManyField(
        Author, through="Authorship", blank=True
    )
    byline = models.CharField(
        max_length=300, blank=True, help_text="Free-text byline when the wire gives no authors."
    )

    canonical_url = models.URLField(max_length=500, blank=True)
    # The picture at the top of the story, on its fronts' teasers and its social card; the
    # body's pictures are `body_images`, in order (`masthead.newsroom.pictures`).
    lead_image = models.ForeignKey(
        "Image",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="lead_of",
        help_text="Shown above the story, on the fronts and as its social card.",
    )
    body_images: models.ManyToManyField[Image, ArticleImage] = models.ManyToManyField(
        "Image", through="ArticleImage", blank=True, related_name="body_of"
    )
    image_url = models.URLField(max_length=500, blank=True)
    image_alt = models.CharField(max_length=300, blank=True)
    credit_line = models.CharField(max_length=200, blank=True, help_text="Overrides the source's.")
    copyright_notice = models.CharField(max_length=300, blank=True)
    access = models.CharField(
        max_length=20,
        choices=Access.choices,
        blank=True,
        help_text="Blank: the source's or section's default.",
    )
    language = models.CharField(max_length=20, blank=True)
    is_fiction = models.BooleanField(
        default=False, help_text="Demo content written for Masthead; not news."
    )

    # The latest correction's time (the notes are `corrections`), kept on the row by the
    # action that adds one: `last_modified`, the sitemaps and the feeds read it with the story,
    # and a story never corrected needs no query for its corrections (`corrections_in_order`).
    corrected_at = models.DateTimeField(null=True, blank=True)
    kill_reason = models.TextField(blank=True)
    killed_at = models.DateTimeField(null=True, blank=True)

    # Wire identity and versioning: (source, wire_guid) is the story; versions are ordered.
    wire_guid = models.CharField(max_length=500, blank=True)
    wire_version = models.PositiveIntegerField(null=True, blank=True)
    wire_version_at = models.DateTimeField(null=True, blank=True)
    content_hash = models.CharField(max_length=64, blank=True)
    editor_locked_fields = models.JSONField(
        default=list,
        blank=True,
        help_text="Fields an editor changed; later wire updates leave them alone.",
    )
    # For each locked field, what the wire last sent for it (the story keeps the editor's):
    # a newer version is put to the desk as a `WireChange` only when the wire changed it, not
    # each time it repeats the text the editor already replaced.
    wire_locked_values = models.JSONField(default=dict, blank=True)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )

    objects = ArticleQuerySet.as_manager()

    class Meta:
        ordering = ["-published_at", "-id"]
        permissions = [
            ("publish_article", "Can publish, schedule, unpublish, correct and kill stories"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["source", "wire_guid"],
                condition=~Q(wire_guid=""),
                name="article_unique_wire_identity",
            )
        ]
        indexes = [
            models.Index(fields=["status", "published_at"], name="article_status_pub"),
            models.Index(fields=["is_local", "status", "published_at"], name="article_local_pub"),
            # The Local block, newest first. SQLite cannot look up the bare boolean term
            # Django writes for `is_local=True` in the index above, and walked every story by
            # date to find six local ones (all of them, in an archive with none); a partial
            # index whose condition is that very term it can use.
            models.Index(
                fields=["status", "published_at"],
                condition=models.Q(is_local=True),
                name="article_local_newest",
            ),
            # The wire's lookups by guid: a whole file's guids at once (any source), and one
            # story by (source, guid). The unique constraint above cannot serve them: it is
            # partial (local stories have no guid), and a database only uses a partial index for
            # a query that provably matches its condition, which `wire_guid = %s` does not.
            models.Index(fields=["wire_guid", "source"], name="article_wire_guid"),
        ]

    def __str__(self) -> str:
        return self.headline

    def get_absolute_url(self) -> str:
        # A page that links a story shows it (headline, summary): a change to the story purges
        # the page from every cache (masthead.lib.surrogates).
        surrogates.note(surrogates.article(self.pk))
        return _story_url(get_script_prefix()).replace(_SLUG, self.slug)

    @property
    def is_killed(self) -> bool:
        return self.status == self.Status.KILLED

    @property
    def is_scheduled(self) -> bool:
        """Set to go live later: scheduled, or (wire copy) published with a time to come."""
        if self.status == self.Status.SCHEDULED:
            return True
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at > timezone.now()
        )

    @property
    def status_label(self) -> str:
        """The status as the newsroom's lists show it: scheduled is never shown as published."""
        if self.is_scheduled:
            return str(self.Status.SCHEDULED.label)
        return str(self.get_status_display())

    @property
    def is_staff_copy(self) -> bool:
        """Our own reporting (a byline is required before it goes to review or live)."""
        return self.is_local or (self.source_id is not None and self.source.kind == "staff")

    def is_visible(self, now: dt.datetime | None = None) -> bool:
        """The single-row twin of `ArticleQuerySet.published()`."""
        now = now or timezone.now()
        return (
            self.status == self.Status.PUBLISHED
            and self.published_at is not None
            and self.published_at <= now
            and (self.embargo_until is None or self.embargo_until <= now)
            and self.duplicate_of_id is None
        )

    @property
    def credit(self) -> str:
        return self.credit_line or self.source.credit_line or self.source.name

    @property
    def copyright(self) -> str:
        if self.copyright_notice:
            return self.copyright_notice
        year = (self.published_at or timezone.now()).year
        return self.source.copyright_for(year)

    @property
    def effective_access(self) -> str:
        """Who may read the full text; every reader surface (page, feeds, JSON-LD, search) asks.

        The article's own level (an editor's override), else its source's default, else its
        section's, else registration for wire copy and free for our own reporting: wire stories
        are metered by rule, so a new wire source needs no setting to be walled.
        """
        if self.access:
            return self.access
        if self.source.default_access:
            return self.source.default_access
        if self.section is not None and self.section.default_access:
            return self.section.default_access
        if self.source.kind == Source.Kind.WIRE:
            return Access.REGISTRATION
        return Access.FREE

    @property
    def byline_names(self) -> list[str]:
        names = [a.author.name for a in self.authorships.all()]
        return names or ([self.byline] if self.byline else [])

    @property
    def last_modified(self) -> dt.datetime | None:
        """When readers last saw the story change: published, updated or corrected, whichever
        is latest. The one rule for sitemaps' `lastmod`, feeds' `updated` and JSON-LD's
        `dateModified` (the publish date alone would hide updates from crawlers)."""
        return max(
            (d for d in (self.published_at, self.updated_at, self.corrected_at) if d),
            default=None,
        )

    @property
    def corrections_in_order(self) -> list[Correction]:
        """The story's corrections, oldest first, as its page, JSON-LD and feed entries list
        them: no query for a story never corrected (nearly all), else one, kept on the story
        (the page and its head both read them), or none where a list prefetched them."""
        if self.corrected_at is None:
            return []
        prefetch_related_objects([self], "corrections")  # nothing to do once fetched
        return list(self.corrections.all())

    @property
    def was_updated(self) -> bool:
        return bool(
            self.updated_at
            and self.published_at
            and self.updated_at - self.published_at > dt.timedelta(minutes=1)
        )


class Authorship(models.Model):
    """Ordered bylines: the first name is the lead writer."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="authorships")
    author = models.ForeignKey(Author, on_delete=models.CASCADE, related_name="authorships")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "author"], name="authorship_unique")
        ]

    def __str__(self) -> str:
        return f"{self.author_id} on {self.article_id}"


class ArticleRevision(models.Model):
    """A snapshot of an article as it was before a change, with who made the change, when
    and why: one per change, written by the action that made it (`masthead.newsroom.actions`).
    """

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="revisions")
    created = models.DateTimeField(default=timezone.now)
    # The editor who acted (kept as `actor` too, so the record outlives a deleted account);
    # blank for the wire and the system, which `actor` names ("wire: Reuters", "demo loader").
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_revisions",
    )
    actor = models.CharField(max_length=150, blank=True)
    wire_version = models.PositiveIntegerField(null=True, blank=True)
    reason = models.CharField(max_length=200, blank=True)
    snapshot = models.JSONField()

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["article", "created"], name="revision_article_created")]

    def __str__(self) -> str:
        return f"{self.article_id} @ {timezone.localtime(self.created):%Y-%m-%d %H:%M}"


class CorrectionQuerySet(models.QuerySet["Correction"]):
    def public(self, now: dt.datetime | None = None) -> CorrectionQuerySet:
        """Corrections of stories readers may see now. A killed story's are left out: its
        page says only that it was withdrawn, and a withdrawal (a legal one) may be about the
        very headline a list of corrections would repeat."""
        return self.filter(visible(now, through="article__"))

    def newest_first(self) -> CorrectionQuerySet:
        return self.order_by("-published_at", "-id")

    def for_listing(self) -> CorrectionQuerySet:
        """What a list of corrections shows: each note and date, its story's headline and
        link, in one query (not the stories' bodies)."""
        return self.select_related("article").only(
            "note", "published_at", "article__headline", "article__slug"
        )


class Correction(models.Model):
    """A dated note telling readers what a story got wrong; a story may have several, shown
    oldest first. Written only by the newsroom's actions (`ApplyCorrectionAction`, an editor's
    save), which also move `Article.corrected_at`; never edited afterwards, since readers
    (and feed readers) have already seen it."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="corrections")
    note = models.TextField(help_text="Plain text, shown to readers.")
    published_at = models.DateTimeField(
        db_index=True,  # the corrections page lists the newest first
        help_text="When readers were told (the wire's time for a wire correction).",
    )
    # Who made it, as `ArticleRevision` records an actor: the editor's account (SET_NULL) and
    # the label, which outlives the account and names the wire or the system.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_corrections",
    )
    actor = models.CharField(max_length=150, blank=True)
    created = models.DateTimeField(default=timezone.now)

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = ["published_at", "id"]

    def __str__(self) -> str:
        # The admin's change message names a correction before the action has dated it.
        return f"Correction: {self.note[:60]}"


class StatusChange(models.Model):
    """One step of a story through the workflow (draft -> in review -> scheduled ->
    published, unpublished, killed), with who took it and when: the audit log an editor reads
    per story and across the paper. Written by the actions only, never edited."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="status_changes")
    from_status = models.CharField(max_length=12, choices=Article.Status.choices, blank=True)
    to_status = models.CharField(max_length=12, choices=Article.Status.choices)
    at = models.DateTimeField(default=timezone.now, db_index=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="article_status_changes",
    )
    actor = models.CharField(max_length=150, blank=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["article", "at"], name="statuschange_article_at")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.from_status or 'new'} -> {self.to_status}"


class EditLock(models.Model):
    """Who has a story open in the editor now (`masthead.newsroom.locks`): shown to a second
    editor, who may take it over. A lock not renewed by its holder's page lapses by itself."""

    article = models.OneToOneField(
        Article, on_delete=models.CASCADE, primary_key=True, related_name="edit_lock"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="edit_locks"
    )
    acquired_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now)

    def __str__(self) -> str:
        return f"{self.article_id} held by {self.user_id}"


class FrontPinQuerySet(models.QuerySet["FrontPin"]):
    def on(self, section: Section | None) -> FrontPinQuerySet:
        """The pins of one front: the home page (None) or a section's."""
        return (
            self.filter(section=section)
            if section is not None
            else self.filter(section__isnull=True)
        )

    def live(self, now: dt.datetime | None = None) -> FrontPinQuerySet:
        """Pins in force whose story readers may see now: a pin past its time, or whose story
        was killed, unpublished or is not yet out, takes no place on the front."""
        now = now or timezone.now()
        return self.filter(Q(until__isnull=True) | Q(until__gt=now)).filter(
            visible(now, through="article__")
        )


class FrontPin(models.Model):
    """An editor's choice of what leads a front (the home page, or a section's): slot 1 is
    the lead, the next slots the top stories, in order; the rest of the front fills itself,
    newest first (`masthead.newsroom.selectors.front`). Written only by the front actions
    (`masthead.newsroom.actions.fronts`)."""

    section = models.ForeignKey(
        Section,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="pins",
        help_text="Blank: the home page.",
    )
    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pins")
    slot = models.PositiveSmallIntegerField(help_text="1 is the lead.")
    until = models.DateTimeField(
        null=True, blank=True, help_text="The pin ends by itself at this time."
    )
    pinned_at = models.DateTimeField(default=timezone.now)
    pinned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="front_pins",
    )
    actor = models.CharField(max_length=150, blank=True)

    objects = FrontPinQuerySet.as_manager()

    class Meta:
        ordering = ["section", "slot"]
        constraints = [
            # A story is pinned once per front (a second pin would show it twice).
            models.UniqueConstraint(fields=["section", "article"], name="frontpin_once_per_front"),
            models.UniqueConstraint(
                fields=["article"],
                condition=Q(section__isnull=True),
                name="frontpin_once_on_home",
            ),
        ]

    def __str__(self) -> str:
        where = self.section.name if self.section_id and self.section else "Home"
        return f"{where} #{self.slot}: {self.article_id}"


class WireChange(models.Model):
    """What a newer wire version changed in a field an editor had changed on the story: the
    story keeps the paper's text until an editor takes the wire's (`TakeWireChangeAction`) or
    leaves it (`LeaveWireChangeAction`), so the paper's edits are never overwritten silently.
    Written by `UpdateFromWireAction`; one pending change per field, the newest wire value's."""

    class State(models.TextChoices):
        PENDING = "pending", "Waiting for the desk"
        TAKEN = "taken", "Taken"
        LEFT = "left", "Left"

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="wire_changes")
    wire_version = models.PositiveIntegerField(null=True, blank=True)
    # One of `actions.WIRE_FIELDS`, or "sections", "tags", "bylines".
    field = models.CharField(max_length=40)
    # As JSON (`actions.base.story_value`): text, a time in ISO form, a list of names.
    current_value = models.JSONField(null=True, blank=True, help_text="The paper's, at arrival.")
    wire_value = models.JSONField(null=True, blank=True)
    arrived_at = models.DateTimeField(default=timezone.now)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="wire_changes_decided",
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    actor = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["arrived_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "field"],
                condition=Q(state="pending"),
                name="wirechange_one_pending_per_field",
            )
        ]
        indexes = [models.Index(fields=["article", "state"], name="wirechange_article_state")]

    def __str__(self) -> str:
        return f"{self.article_id}: {self.field} ({self.state})"


def _original_path(instance: Image, filename: str) -> str:
    # Named by content: the same picture twice is one file (and one row, `Image.sha256`).
    suffix = filename.rsplit(".", 1)[-1].lower() if "." in filename else "bin"
    return f"pictures/originals/{instance.sha256[:2]}/{instance.sha256}.{suffix[:5]}"


class Image(models.Model):
    """A picture in the library: the original as delivered or uploaded (never served: it may
    carry the photographer's GPS position), and the renditions made from it without any
    metadata (`masthead.newsroom.pictures`). Credit and copyright live here, not in the files.
    Written by `masthead.newsroom.pictures.store_image` (wire and upload alike)."""

    original = models.FileField(upload_to=_original_path, max_length=300)
    sha256 = models.CharField(
        max_length=64, unique=True, help_text="Of the original's bytes: stored once."
    )
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    alt = models.CharField(
        "Alt text",
        max_length=300,
        blank=True,
        help_text="What the picture shows, for readers who cannot see it. Required to publish "
        "a story with it.",
    )
    caption = models.TextField(blank=True)
    credit = models.CharField(max_length=200, blank=True, help_text='E.g. "Jane Doe / Reuters".')
    copyright = models.CharField(max_length=300, blank=True)
    source = models.CharField(
        max_length=500, blank=True, help_text="Where it came from: a wire item, a URL, an upload."
    )
    focal_x = models.FloatField(default=0.5, help_text="0 (left) to 1 (right): crops keep it.")
    focal_y = models.FloatField(default=0.5, help_text="0 (top) to 1 (bottom).")
    # What the worker made, as [{"kind": "w"|"card", "format": "webp"|"jpeg", "width": ..,
    # "height": .., "name": storage name}]: read with the story (no query of its own), and
    # only renditions listed here are ever linked.
    renditions = models.JSONField(default=list, blank=True, editable=False)
    created = models.DateTimeField(default=timezone.now)
    # A picture delivered as a wire item of its own (a NewsML-G2 picture newsItem): the
    # agency's guid for it, by which a package sent apart names it (`masthead.wire.packages`).
    wire_source = models.ForeignKey(
        "Source", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    wire_guid = models.CharField(max_length=500, blank=True, default="")

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["wire_source", "wire_guid"], name="image_wire_guid")]
        constraints = [
            models.CheckConstraint(
                condition=Q(focal_x__gte=0, focal_x__lte=1, focal_y__gte=0, focal_y__lte=1),
                name="image_focal_point_inside",
            )
        ]

    def __str__(self) -> str:
        return self.alt or self.caption[:60] or f"Picture {self.pk}"

    def widths(self, fmt: str) -> list[dict]:
        """The width renditions in `fmt`, narrowest first."""
        found = [r for r in self.renditions if r["kind"] == "w" and r["format"] == fmt]
        return sorted(found, key=lambda r: r["width"])

    def card(self) -> dict | None:
        """The social card (a 16:9 JPEG crop around the focal point), else the widest JPEG."""
        cards = [r for r in self.renditions if r["kind"] == "card"]
        if cards:
            return cards[0]
        jpegs = self.widths("jpeg")
        return jpegs[-1] if jpegs else None


class ArticleImage(models.Model):
    """A picture in a story's body, in order (shown only to a reader who gets the whole
    body: a walled face never lists them)."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="pictures")
    image = models.ForeignKey(Image, on_delete=models.PROTECT, related_name="placements")
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(fields=["article", "image"], name="articleimage_once")
        ]

    def __str__(self) -> str:
        return f"{self.image_id} in {self.article_id}"
