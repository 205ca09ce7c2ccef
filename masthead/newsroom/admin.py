"""The newsroom back office: editors write local stories and edit wire ones.

Editor input goes through the same text pipeline as wire copy (`masthead.text`), and every
field an editor changes on a wire story is recorded in `editor_locked_fields`, so a later wire
update of that story does not undo the edit.

The story editor (`ArticleAdmin`) writes nothing itself: the form goes to the newsroom's
actions, its buttons are the workflow's steps, what it shows follows the actions' rule for the
user's role (`actions.base.require`), and an open form holds the story's edit lock (`locks`).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.options import InlineModelAdmin
from django.contrib.admin.utils import quote, unquote
from django.contrib.admin.widgets import AutocompleteSelectMultiple
from django.core.exceptions import PermissionDenied
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    JsonResponse,
)
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import NoReverseMatch, path, reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django_prose_editor.fields import ProseEditorFormField

from masthead.lib.admin import CheckedAdmin
from masthead.newsroom import actions, admin_history, locks
from masthead.newsroom.actions.base import CHANGE, require
from masthead.newsroom.actions.base import PUBLISH as PUBLISH_PERMISSION
from masthead.newsroom.actions.editorial import stale_message
from masthead.newsroom.models import (
    Article,
    ArticleRevision,
    Author,
    Correction,
    Section,
    Source,
    Tag,
)
from masthead.newsroom.preview import preview_url
from masthead.text import clean_html, clean_label, clean_plain

PLAIN_TEXT_FIELDS = ("headline", "summary", "dateline")
# Django 6 makes https the default scheme of URL form fields; opt in now (no deprecated setting).
URL_FIELDS_HTTPS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def https_formfield(field: models.Field, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class NewsroomAdmin(CheckedAdmin):
    formfield_overrides = URL_FIELDS_HTTPS


@admin.register(Section)
class SectionAdmin(NewsroomAdmin):
    list_display = ("name", "slug", "position", "in_nav", "on_home", "default_access")
    list_editable = ("position", "in_nav", "on_home")
    prepopulated_fields = {"slug": ("name",)}


class TagAdminForm(forms.ModelForm):
    class Meta:
        model = Tag
        fields = ("name", "slug")

    def clean_name(self) -> str:
        # The same pipeline as tags from the wire (`tags_named`): a tag page and the tag's feed
        # show the name as plain text, whoever typed it.
        name = clean_label(self.cleaned_data["name"])
        if not name:
            raise forms.ValidationError("A tag needs a name with some text in it.")
        return name


@admin.register(Tag)
class TagAdmin(NewsroomAdmin):
    form = TagAdminForm
    list_display = ("name", "slug")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Source)
class SourceAdmin(NewsroomAdmin):
    list_display = ("name", "kind", "credit_line", "default_access", "index_policy")
    list_filter = ("kind",)
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Author)
class AuthorAdmin(NewsroomAdmin):
    list_display = ("name", "is_staff_writer")
    search_fields = ("name",)
    prepopulated_fields = {"slug": ("name",)}


class RevisionInline(admin.TabularInline):
    model = ArticleRevision
    extra = 0
    can_delete = False
    fields = ("created", "actor", "wire_version", "reason")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = Correction
        fields = ("note",)

    def clean_note(self) -> str:
        # Readers see it as plain text, like every other field an editor types.
        note = clean_plain(self.cleaned_data["note"])
        if not note.strip():
            raise forms.ValidationError("A correction needs a note for readers.")
        return note


class CorrectionInline(admin.TabularInline):
    """The story's corrections, oldest first; an editor adds one with a note in the empty row.

    Existing corrections are read-only (readers have seen them); a new one is not saved by the
    inline but handed to `EditArticleAction` with the rest of the edit (`save_related`), which
    dates it, names the editor and sends the "corrected" change. Who may add one is who may
    change the story, as the action checks.
    """

    model = Correction
    form = CorrectionForm
    extra = 1
    can_delete = False
    fields = ("published_at", "note", "actor")
    readonly_fields = ("published_at", "actor")

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("newsroom.view_article") or request.user.has_perm(
            "newsroom.change_article"
        )

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # Not on a story being written: a correction corrects what readers have seen.
        return obj is not None and request.user.has_perm("newsroom.change_article")

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


# The rich editor's toolbar: what a news story's body needs, nothing that the site's sanitiser
# (`masthead.text.sanitize_html`) would throw away. No images yet: they need a library first.
BODY_EXTENSIONS: dict[str, Any] = {
    "Heading": {"levels": [2, 3]},
    "Bold": True,
    "Italic": True,
    # No autolink: Tiptap makes a link "inclusive" when it autolinks, so every word typed
    # after a link at the end of a line went into the link. Links come from Ctrl+K, the
    # toolbar, or a URL pasted over the words.
    "Link": {"enableTarget": False, "protocols": ["http", "https", "mailto"], "autolink": False},
    "BulletList": True,
    "OrderedList": True,
    "ListItem": True,
    "Blockquote": True,
    "HardBreak": True,
}
# Tags the editor can hold (b and i are read as strong and em). A body with any other (a wire
# story's table, figure or embed) is edited as HTML instead: ProseMirror drops what its schema
# does not know, so opening such a story in the rich editor and saving would lose it.
EDITOR_TAGS = frozenset(
    {"p", "h2", "h3", "strong", "b", "em", "i", "a", "ul", "ol", "li", "blockquote", "br"}
)
_TAG_NAME = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)")
# Office's conditional blocks, `<!--[if …]>…<![endif]-->` and the "downlevel-revealed"
# `<![if !supportLists]>…<![endif]>`: what is inside is Office's own rendering (the typed
# bullet of a list item, VML, settings XML), never the copy.
_OFFICE_CONDITIONAL = re.compile(
    r"<!(?:--)?\[if\s[^\]]*\](?:--)?>.*?<!(?:--)?\[endif\](?:--)?>", re.DOTALL | re.IGNORECASE
)
_SAME_MARK = {"<b>": "<strong>", "</b>": "</strong>", "<i>": "<em>", "</i>": "</em>"}
_BETWEEN_TAGS = re.compile(r">\s+<")
_EMPTY_BLOCK = re.compile(r"^<(\w+)></\1>$")
# What the editor and a Word paste leave that readers should not get: the link dialog's empty
# title, Word's `<o:p>&nbsp;</o:p>` at a paragraph's end, and its blank-line paragraphs.
_EMPTY_TITLE = re.compile(r'\stitle=""')
_SPACE = r"(?:&nbsp;|&#160;|\u00a0|\s|<br>)"
_TRAILING_SPACE = re.compile(rf"{_SPACE}+</p>")
_BLANK_PARAGRAPH = re.compile(rf"<p>{_SPACE}*</p>")


def without_office_markup(html: str) -> str:
    """The body as pasted from a word processor, less Office's conditional blocks; the rest of
    Word's markup (mso-* styles, classes, <o:p>, spans) is not on the sanitiser's allowlist."""
    return _OFFICE_CONDITIONAL.sub("", html)


def comparable_body(html: str) -> str:
    """A body as the sanitiser leaves it, with the differences the editor's own serialising
    makes (b for strong, whitespace between blocks) and the residue of its dialogs and of a
    Word paste (an empty title, blank paragraphs) ironed out: opening a wire story and saving
    it untouched must not count as an edit, which would lock its body against wire updates."""
    text = _BETWEEN_TAGS.sub("><", clean_html(html or "").strip())
    for old, new in _SAME_MARK.items():
        text = text.replace(old, new)
    text = _BLANK_PARAGRAPH.sub("", _TRAILING_SPACE.sub("</p>", _EMPTY_TITLE.sub("", text)))
    return "" if _EMPTY_BLOCK.match(text) else text


class BodyField(ProseEditorFormField):
    def has_changed(self, initial: Any, data: Any) -> bool:
        return comparable_body(initial or "") != comparable_body(data or "")


class OrderedAutocompleteSelectMultiple(AutocompleteSelectMultiple):
    """Shows the selected authors in byline order (the stock widget lists them by name)."""

    def optgroups(self, name: str, value: Any, attrs: Any = None) -> Any:
        groups = super().optgroups(name, value, attrs)
        order = {str(v): i for i, v in enumerate(value)}
        for _group, options, _index in groups:
            options.sort(key=lambda option: order.get(str(option["value"]), len(order)))
        return groups


class BylineField(forms.ModelMultipleChoiceField):
    """The story's authors in the order chosen; a new order is a change."""

    def has_changed(self, initial: Any, data: Any) -> bool:
        return [str(v) for v in initial or []] != [str(v) for v in data or []]


# The workflow's buttons, by the name their submit button posts.
SUBMIT, PUBLISH, SCHEDULE, UNPUBLISH, TO_DRAFT = (
    "_submit",
    "_publish",
    "_schedule",
    "_unpublish",
    "_return_to_draft",
)
Status = Article.Status


@dataclass(frozen=True)
class Button:
    name: str
    label: str
    statuses: frozenset[str]  # "" is a story not yet saved
    editors: bool | None  # True: editors only; False: reporters only; None: both


BUTTONS = (
    Button(SUBMIT, "Submit for review", frozenset({"", Status.DRAFT}), False),
    Button(
        PUBLISH,
        "Publish now",
        frozenset({"", Status.DRAFT, Status.REVIEW, Status.SCHEDULED, Status.UNPUBLISHED}),
        True,
    ),
    Button(
        SCHEDULE,
        "Schedule",
        frozenset({"", Status.DRAFT, Status.REVIEW, Status.SCHEDULED, Status.UNPUBLISHED}),
        True,
    ),
    Button(UNPUBLISH, "Unpublish", frozenset({Status.PUBLISHED, Status.SCHEDULED}), True),
    Button(TO_DRAFT, "Return to draft", frozenset({Status.REVIEW}), None),
    Button(TO_DRAFT, "Return to draft", frozenset({Status.SCHEDULED}), True),
)


def buttons_for(article: Article | None, publisher: bool) -> list[Button]:
    """The steps that apply to the story's status for this role (the actions check again)."""
    status = article.status if article is not None else ""
    return [
        b for b in BUTTONS if status in b.statuses and (b.editors is None or b.editors == publisher)
    ]


def when(at: dt.datetime) -> str:
    """A time as the newsroom reads it, in the paper's zone: "Fri 4 Dec 09:00"."""
    return date_format(timezone.localtime(at), "D j M H:i")


class ArticleAdminForm(forms.ModelForm):
    """The story editor. It has no status field and no kill reason: the status moves by the
    workflow's buttons, each one action, and a kill is its own page (`ArticleAdmin.kill_view`).

    `opened_at` carries the story's `modified` as it was when the form was opened, for
    `EditArticleAction`, which refuses the save if anyone saved the story since.
    """

    authors = BylineField(
        queryset=Author.objects.all(),
        required=False,
        label="Byline",
        help_text="In the order they appear. Our own stories need one before review.",
        widget=OrderedAutocompleteSelectMultiple(Article._meta.get_field("authors"), admin.site),
    )
    body = BodyField(config={"extensions": BODY_EXTENSIONS}, required=False)
    opened_at = forms.CharField(widget=forms.HiddenInput, required=False)

    # Set by `ArticleAdmin.get_form`: the request, for the refusal of a previous try.
    request: HttpRequest | None = None

    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "summary",
            "body",
            "dateline",
            "byline",
            "published_at",
            "unpublish_at",
            "updated_at",
            "embargo_until",
            "access",
            "is_local",
            "is_fiction",
            "source",
            "section",
            "sections",
            "tags",
            "lead_image",
            "credit_line",
            "copyright_notice",
            "canonical_url",
            "image_url",
            "image_alt",
            "language",
        )
        labels = {
            "section": "Section",
            "sections": "Also in",
            "published_at": "Publish at",
            "unpublish_at": "Unpublish at",
        }
        help_texts = {
            "section": "The main section; the story is always listed in it.",
            "sections": "Other sections that list the story, besides the main one.",
            "published_at": "When the story goes out: the planned time, or the time "
            "“Schedule” uses (leave empty and “Publish now” uses now).",
            "slug": "Made from the headline when left empty.",
        }
        formfield_callback = https_formfield

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        article = self.instance
        if "slug" in self.fields:
            self.fields["slug"].required = False  # the action makes one from the headline
        if article.pk:
            self.initial["authors"] = [
                a.author_id for a in article.authorships.order_by("position", "pk")
            ]
            self.initial["opened_at"] = article.modified.isoformat()
            if "sections" in self.fields and article.section_id is not None:
                # "Also in" lists the others: the main section is always one of the story's
                # sections (the action adds it), and showing it chosen here read as a second
                # listing, and removing it as a way out of the section it leads.
                self.initial["sections"] = [
                    s.pk for s in article.sections.all() if s.pk != article.section_id
                ]
            if "body" in self.fields and not self.rich_editor_can_hold(article.body):
                self.fields["body"] = forms.CharField(
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 20, "class": "vLargeTextField"}),
                    help_text="This body holds markup the rich editor cannot show (a table, "
                    "figure or embed), so it is edited as HTML.",
                )
        elif "source" in self.fields and not self.initial.get("source"):
            self.initial["source"] = Source.objects.filter(kind=Source.Kind.STAFF).first()

    @staticmethod
    def rich_editor_can_hold(body: str) -> bool:
        return {t.lower() for t in _TAG_NAME.findall(body or "")} <= EDITOR_TAGS

    def clean_authors(self) -> list[Author]:
        """The authors in the order posted: the field's queryset forgets it."""
        chosen = {str(a.pk): a for a in self.cleaned_data["authors"]}
        data: Any = self.data  # a QueryDict when bound to a POST
        posted = data.getlist(self.add_prefix("authors"))
        return [chosen[v] for v in dict.fromkeys(posted) if v in chosen]

    def clean_opened_at(self) -> dt.datetime | None:
        value = self.cleaned_data["opened_at"]
        if not value:
            return None
        try:
            return dt.datetime.fromisoformat(value)
        except ValueError as exc:
            raise forms.ValidationError("Open the story again: this form is damaged.") from exc

    def clean_body(self) -> str:
        body = comparable_body(without_office_markup(self.cleaned_data.get("body") or ""))
        return clean_html(body) if body else ""

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean() returns `cleaned_data` (its return is typed optional, for
        # subclasses that return None to keep it).
        super().clean()
        data = self.cleaned_data
        for name in PLAIN_TEXT_FIELDS:
            if data.get(name):
                data[name] = clean_plain(data[name])
        if SCHEDULE in self.data:
            at = data.get("published_at")
            if at is None or at <= timezone.now():
                self.add_error("published_at", "To schedule the story, set a time to come.")
        refusal = getattr(self.request, REFUSAL, None)
        if refusal is not None:
            self.add_error(refusal.field, refusal.message)
        return data


# Where `ArticleAdmin` leaves, on the request, a refusal to show on the form (`Refusal`), and
# the lock of someone else that makes the form read-only for this request.
REFUSAL = "_newsroom_refusal"
LOCKED_BY = "_newsroom_locked_by"


@dataclass(frozen=True)
class Refusal:
    """An action's refusal, and the form field it is about (None: the whole form)."""

    message: str
    field: str | None = None

    @classmethod
    def of(cls, exc: actions.ActionError) -> Refusal:
        message = str(exc)
        field = "authors" if isinstance(exc, actions.MissingByline) else None
        return cls(message[:1].upper() + message[1:], field)


NO_KILL_REASON = "Say why the story is withdrawn; readers see it on the story's page."


class KillForm(forms.Form):
    reason = forms.CharField(
        label="Why is the story withdrawn?",
        error_messages={"required": NO_KILL_REASON},
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
        help_text="Editors see it in the story's log; readers get a “withdrawn” page.",
    )

    def clean_reason(self) -> str:
        reason = clean_plain(self.cleaned_data["reason"]).strip()
        if not reason:
            raise forms.ValidationError(NO_KILL_REASON)
        return reason


MAIN_FIELDS = ("headline", "authors", "slug", "summary", "body", "dateline")
EDITOR_PUBLISHING = ("unpublish_at", "updated_at", "embargo_until", "access")
CREDIT_FIELDS = (
    "byline",
    "credit_line",
    "copyright_notice",
    "canonical_url",
    "image_url",
    "image_alt",
    "language",
    "is_fiction",
)
WIRE_INTERNALS = (
    "wire_guid",
    "wire_version",
    "wire_version_at",
    "content_hash",
    "editor_locked_fields",
    "duplicate_of",
    "created",
    "modified",
)


def has_been_published(article: Article | None) -> bool:
    """Readers have seen it, so a correction means something."""
    if article is None:
        return False
    if article.corrected_at is not None or article.status == Status.UNPUBLISHED:
        return True
    return article.status == Status.PUBLISHED and not article.is_scheduled


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    """The story editor, the list, and the workflow's steps, each one newsroom action.

    Nothing here writes a story: `save_related` hands the form to the actions. When an action
    refuses, the refusal is put on the request and the same POST is shown again (the form then
    carries the refusal as its error), so the editor keeps what they typed and sees why.
    """

    form = ArticleAdminForm
    list_display = ("headline", "status_column", "section", "source", "time_column")
    list_filter = ("status", "section", "source", "is_local")
    search_fields = ("headline", "slug", "wire_guid")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    filter_horizontal = ("sections",)
    autocomplete_fields = ("tags", "lead_image")
    list_select_related = ("source", "section")
    inlines = (CorrectionInline, RevisionInline)
    actions = ("publish_selected", "unpublish_selected", "kill_selected")
    readonly_fields = (
        "status_summary",
        "preview",
        "history",
        "byline_in_order",
        "body_as_read",
        "also_in",
        "corrected_at",
        "kill_reason",
        "killed_at",
        *WIRE_INTERNALS,
    )

    # The list.

    @admin.display(description="Status", ordering="status")
    def status_column(self, obj: Article) -> str:
        if obj.is_scheduled and obj.published_at is not None:
            return f"{obj.status_label} for {when(obj.published_at)}"
        return obj.status_label

    @admin.display(description="Time", ordering="published_at")
    def time_column(self, obj: Article) -> str:
        return when(obj.published_at) if obj.published_at else "–"

    # The form's read-only parts.

    @admin.display(description="Status")
    def status_summary(self, obj: Article) -> str:
        text = self.status_column(obj)
        if obj.status == Status.PUBLISHED and obj.published_at and not obj.is_scheduled:
            text += f" since {when(obj.published_at)}"
        if obj.unpublish_at:
            text += f"; to be unpublished {when(obj.unpublish_at)}"
        return text

    @admin.display(description="Preview")
    def preview(self, obj: Article) -> str:
        if not obj.pk or obj.is_killed:
            return "–"
        try:
            url = preview_url(obj)
        except NoReverseMatch:
            return "The preview page is not available yet."
        return format_html(
            '<a href="{}" target="_blank" rel="noopener">Open the preview</a> '
            '<input type="text" readonly value="{}" size="50" aria-label="Preview link"> '
            '<button type="button" class="button" data-copy="{}">Copy link</button>'
            '<div class="help">Anyone with the link sees the story as readers will, '
            "for {} hours.</div>",
            url,
            url,
            url,
            f"{settings.MASTHEAD_PREVIEW_HOURS:g}",  # 72, not 72.0
        )

    @admin.display(description="History")
    def history(self, obj: Article) -> str:
        links = []
        for name, label in (("revisions", "Versions"), ("log", "Workflow log")):
            try:
                url = reverse(f"admin:newsroom_article_{name}", args=[obj.pk])
            except NoReverseMatch:
                continue
            links.append(format_html('<a href="{}">{}</a>', url, label))
        return format_html_join(" · ", "{}", ((link,) for link in links)) or "–"

    # The read-only page (someone else holds the story, or a reporter's story past draft) shows
    # these in place of the fields: the stock display lists authors by name, not in byline
    # order, the body as its markup, and the main section again under "Also in".

    @admin.display(description="Byline")
    def byline_in_order(self, obj: Article) -> str:
        authorships = obj.authorships.select_related("author").order_by("position", "pk")
        return ", ".join(a.author.name for a in authorships) or "–"

    @admin.display(description="Body")
    def body_as_read(self, obj: Article) -> str:
        # Every write stores the body sanitised; it goes through the sanitiser again all the
        # same, since it is shown as HTML.
        body = mark_safe(clean_html(obj.body or ""))  # noqa: S308 (sanitised just now)
        return format_html('<div class="readonly-body">{}</div>', body) if body else "–"

    @admin.display(description="Also in")
    def also_in(self, obj: Article) -> str:
        others = [s.name for s in obj.sections.all() if s.pk != obj.section_id]
        return ", ".join(others) or "–"

    # Who may do what: the actions' own rule, so the admin never shows a form they refuse.

    def may_change(self, request: HttpRequest, obj: Article | None) -> bool:
        if not super().has_change_permission(request, obj):
            return False
        if obj is None:
            return True
        try:
            require(actions.Actor.editor(request.user), CHANGE, obj)
        except actions.ActionError:
            return False
        return True

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        """Read-only while someone else holds the story (`change_view` notes their lock)."""
        return self.may_change(request, obj) and getattr(request, LOCKED_BY, None) is None

    def has_publish_permission(self, request: HttpRequest) -> bool:
        """For the bulk actions declared with `permissions=["publish"]`."""
        return request.user.has_perm(PUBLISH_PERMISSION)

    def publisher(self, request: HttpRequest) -> bool:
        return actions.may_publish(actions.Actor.editor(request.user))

    # The form, by the story's state and the user's role.

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> Any:
        editable = obj is None or self.has_change_permission(request, obj)
        publisher = self.publisher(request)
        if editable:
            main: tuple[str, ...] = (*MAIN_FIELDS, "opened_at")
            placement: tuple[str, ...] = ("section", "sections", "tags", "lead_image")
        else:
            shown = {"authors": "byline_in_order", "body": "body_as_read"}
            main = tuple(shown.get(name, name) for name in MAIN_FIELDS)
            placement = ("section", "also_in", "tags", "lead_image")
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [(None, {"fields": main})]
        if obj is not None:
            fieldsets.append(("Status", {"fields": ("status_summary", "preview", "history")}))
        fieldsets.append(("Placement", {"fields": placement}))
        timing = ("published_at", *EDITOR_PUBLISHING) if publisher else ("published_at",)
        fieldsets.append(("Timing and access" if publisher else "Timing", {"fields": timing}))
        credit = ("source", "is_local", *CREDIT_FIELDS)
        fieldsets.append(("Source, credit and links", {"classes": ("collapse",), "fields": credit}))
        if has_been_published(obj):
            fieldsets.append(("Corrections", {"fields": ("corrected_at",)}))
        if obj is not None and obj.is_killed:
            fieldsets.append(("Withdrawn", {"fields": ("kill_reason", "killed_at")}))
        if request.user.is_superuser and obj is not None:
            fieldsets.append(("Wire", {"classes": ("collapse",), "fields": WIRE_INTERNALS}))
        return fieldsets

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # Bound to this request: the form shows an action's refusal of this very POST.
        return type(form.__name__, (form,), {"request": request})

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin]]:
        inlines: list[type[InlineModelAdmin]] = []
        if obj is not None:
            if has_been_published(obj) and self.publisher(request):
                inlines.append(CorrectionInline)
            inlines.append(RevisionInline)
        return [*inlines, *ARTICLE_INLINES]

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        found = super().get_actions(request)
        if not request.user.is_superuser:
            # A story leaves by being killed (it answers 410 and keeps why), not deleted.
            found.pop("delete_selected", None)
        return found

    # The pages.

    def get_urls(self) -> list[Any]:
        wrap = self.admin_site.admin_view
        own = [
            path("<path:object_id>/kill/", wrap(self.kill_view), name="newsroom_article_kill"),
            path("<path:object_id>/lock/", wrap(self.lock_view), name="newsroom_article_lock"),
        ]
        return [*own, *admin_history.urls(self), *super().get_urls()]

    def add_view(
        self, request: HttpRequest, form_url: str = "", extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context: dict[str, Any] = {"workflow_buttons": buttons_for(None, self.publisher(request))}
        context["save_label"] = "Save" if self.publisher(request) else "Save draft"
        return super().add_view(request, form_url, {**context, **(extra_context or {})})

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict[str, Any] | None = None,
    ) -> HttpResponse:
        article = self.get_object(request, unquote(object_id))
        context: dict[str, Any] = {}
        if article is not None and self.may_change(request, article):
            context.update(self.lock_context(request, article))
            publisher = self.publisher(request)
            context["workflow_buttons"] = buttons_for(article, publisher)
            context["save_label"] = (
                "Save draft" if not publisher and article.status == Status.DRAFT else "Save"
            )
            if publisher and not article.is_killed:
                context["kill_url"] = reverse("admin:newsroom_article_kill", args=[article.pk])
        return super().change_view(
            request, object_id, form_url, {**context, **(extra_context or {})}
        )

    def lock_context(self, request: HttpRequest, article: Article) -> dict[str, Any]:
        """Opening the story holds it; someone else's hold makes the page read-only."""
        if request.method == "POST":
            lock = locks.holder(article)
        else:
            lock = locks.acquire(article, request.user)
        if lock is not None and lock.user_id != request.user.pk:
            if request.method != "POST":
                setattr(request, LOCKED_BY, lock)
            return {"lock_holder": lock, "lock_url": self.lock_url(article)}
        return {
            "lock_url": self.lock_url(article),
            "lock_renew_seconds": settings.MASTHEAD_EDIT_LOCK_RENEW_SECONDS,
        }

    def lock_url(self, article: Article) -> str:
        return reverse("admin:newsroom_article_lock", args=[article.pk])

    def lock_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """POST only: the open page's heartbeat (JSON), "Take over" (back to the form), or
        "release" (the page's beacon as it closes: the story is free at once, not when the
        lock lapses)."""
        if request.method != "POST":
            return HttpResponseNotAllowed(["POST"])
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.may_change(request, article):
            raise PermissionDenied
        if "release" in request.POST:
            locks.release(article, request.user)
            return HttpResponse(status=204)
        if "take_over" in request.POST:
            previous = locks.held_by_other(article, request.user)
            locks.acquire(article, request.user, take_over=True)
            if previous is not None:
                self.message_user(
                    request,
                    f"You took the story over from {holder_name(previous.user)}; a save from "
                    "their open page will be refused.",
                    messages.WARNING,
                )
            return redirect(reverse("admin:newsroom_article_change", args=[article.pk]))
        lock = locks.renew(article, request.user)
        if lock is None:  # it lapsed and nobody took it: hold it again
            lock = locks.acquire(article, request.user)
        return JsonResponse(
            {
                "mine": lock.user_id == request.user.pk,
                "holder": holder_name(lock.user),
                "since": when(lock.acquired_at),
            }
        )

    def kill_view(self, request: HttpRequest, object_id: str) -> HttpResponse:
        """Kill in one step: the headline, a required reason, `KillArticleAction`."""
        article = self.get_object(request, unquote(object_id))
        if article is None:
            raise Http404
        if not self.has_publish_permission(request):
            raise PermissionDenied
        form = KillForm(request.POST if request.method == "POST" else None)
        if form.is_valid():
            try:
                actions.KillArticleAction(
                    article=article,
                    reason=form.cleaned_data["reason"],
                    actor=actions.Actor.editor(request.user),
                ).execute()
            except actions.ActionError as exc:
                form.add_error(None, Refusal.of(exc).message)
            else:
                self.message_user(request, f"Killed “{article.headline}”.", messages.SUCCESS)
                return redirect(reverse("admin:newsroom_article_change", args=[article.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Kill this story",
            "subtitle": article.headline,
            "opts": self.opts,
            "original": article,
            "form": form,
            "media": self.media + form.media,
        }
        return TemplateResponse(request, "admin/newsroom/article/kill.html", context)

    # Saving: the actions write.

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Nothing is written here: `save_related` hands the story and its relations to the
        actions, so that an edit is one change with one revision, whatever it touches."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        for formset in formsets:
            # Reads what each inline would save (and fills in what the change message lists)
            # without writing: the action does the writing.
            formset.save(commit=False)
        try:
            # One savepoint for the edit and the step: a refused step leaves the edit unsaved.
            with transaction.atomic():
                done = self.write(request, form, formsets, change)
        except actions.ActionError as exc:
            setattr(request, REFUSAL, Refusal.of(exc))
            return
        if done:
            self.message_user(request, done, messages.SUCCESS)

    def write(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> str:
        """Save the form through its action, then take the step its button asks for; returns
        what to tell the editor about the step ("" for a plain save)."""
        article: Article = form.instance
        actor = actions.Actor.editor(request.user)
        data = form.cleaned_data
        relations = actions.Relations(
            sections=list(data["sections"]) if "sections" in data else None,
            tags=list(data["tags"]) if "tags" in data else None,
            authors=data["authors"] if "authors" in form.changed_data else None,
        )
        if change:
            lock = locks.held_by_other(article, request.user)
            if lock is not None:
                raise actions.ActionError(
                    f"{holder_name(lock.user)} took this story over at {when(lock.acquired_at)}, "
                    "so your changes were not saved. Copy what you need from this page, then "
                    "open the story again."
                )
            changed = [f for f in form.changed_data if f not in ("opened_at", "authors")]
            if "authors" in form.changed_data:
                changed.append("bylines")
            corrections = _new_corrections(formsets)
            if changed or corrections:
                article = actions.EditArticleAction(
                    article=article,
                    changed=changed,
                    actor=actor,
                    relations=relations,
                    corrections=corrections,
                    opened_at=data.get("opened_at"),
                ).execute()
            elif data.get("opened_at") is not None:
                # Nothing to save, but a step on a story changed since: the same refusal.
                current = Article.objects.get(pk=article.pk)
                if current.modified != data["opened_at"]:
                    raise actions.StaleEdit(stale_message(current))
        else:
            article = actions.CreateArticleAction(
                article=article, actor=actor, relations=relations
            ).execute()
        return self.step(request, article, actor, data)

    def step(self, request: HttpRequest, article: Article, actor: Any, data: dict[str, Any]) -> str:
        post = request.POST
        if SUBMIT in post:
            actions.SubmitForReviewAction(article=article, actor=actor).execute()
            return "Submitted for review."
        if PUBLISH in post:
            actions.PublishArticleAction(article=article, actor=actor).execute()
            return "Published."
        if SCHEDULE in post:
            at = data["published_at"]
            actions.PublishArticleAction(article=article, actor=actor, at=at).execute()
            return f"Scheduled for {when(at)}."
        if UNPUBLISH in post:
            later = data.get("unpublish_at")
            done = actions.UnpublishArticleAction(article=article, actor=actor, at=later).execute()
            if done.unpublish_at is not None and done.status != Status.UNPUBLISHED:
                return f"To be unpublished at {when(done.unpublish_at)}."
            return "Unpublished: readers no longer see it."
        if TO_DRAFT in post:
            actions.ReturnToDraftAction(article=article, actor=actor).execute()
            return "Returned to draft."
        return ""

    def log_addition(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, REFUSAL, None) is None:
            return super().log_addition(request, obj, message)
        return None

    def log_change(self, request: HttpRequest, obj: Any, message: Any) -> Any:
        if getattr(request, REFUSAL, None) is None:
            return super().log_change(request, obj, message)
        return None

    def response_add(
        self, request: HttpRequest, obj: Any, post_url_continue: str | None = None
    ) -> HttpResponse:
        if getattr(request, REFUSAL, None) is not None:
            return self.add_view(request)  # the same POST again, now with the refusal
        return super().response_add(request, obj, post_url_continue)

    def response_change(self, request: HttpRequest, obj: Any) -> HttpResponse:
        if getattr(request, REFUSAL, None) is not None:
            return self.change_view(request, quote(str(obj.pk)))
        if "_continue" not in request.POST:
            # Saved and gone (to the list, or a step that ends the reporter's part): the
            # story is free for the next editor now, not when the lock lapses.
            locks.release(obj, request.user)
        return super().response_change(request, obj)

    # Bulk steps: each story through its action; refusals listed, not fatal.

    @admin.action(description="Publish selected stories", permissions=["publish"])
    def publish_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self.bulk(request, queryset, "published", actions.PublishArticleAction)

    @admin.action(description="Unpublish selected stories", permissions=["publish"])
    def unpublish_selected(self, request: HttpRequest, queryset: QuerySet[Article]) -> None:
        self.bulk(request, queryset, "unpublished", actions.UnpublishArticleAction)

    @admin.action(description="Kill selected stories…", permissions=["publish"])
    def kill_selected(
        self, request: HttpRequest, queryset: QuerySet[Article]
    ) -> HttpResponse | None:
        """Like Django's delete: a page asking one reason for all, then each killed."""
        form = KillForm(request.POST if "post" in request.POST else None)
        if form.is_valid():
            reason = form.cleaned_data["reason"]

            def kill(*, article: Article, actor: Any) -> Any:
                return actions.KillArticleAction(article=article, actor=actor, reason=reason)

            self.bulk(request, queryset, "killed", kill)
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Kill the selected stories",
            "subtitle": None,
            "queryset": queryset,
            "opts": self.opts,
            "form": form,
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
            "media": self.media,
        }
        request.current_app = self.admin_site.name
        return TemplateResponse(
            request, "admin/newsroom/article/kill_selected_confirmation.html", context
        )

    def bulk(
        self, request: HttpRequest, queryset: QuerySet[Article], done: str, action: Any
    ) -> None:
        actor = actions.Actor.editor(request.user)
        count, refusals = 0, []
        for article in queryset.select_related("source"):
            try:
                action(article=article, actor=actor).execute()
            except actions.ActionError as exc:
                refusals.append(f"“{article.headline}”: {exc}")
            else:
                count += 1
        noun = "story" if count == 1 else "stories"
        self.message_user(request, f"{count} {noun} {done}.", messages.SUCCESS)
        if refusals:
            self.message_user(
                request,
                f"{len(refusals)} not {done}: " + "; ".join(refusals),
                messages.WARNING,
            )


def holder_name(user: Any) -> str:
    return user.get_full_name() or user.get_username()


def _new_corrections(formsets: Any) -> list[str]:
    """The notes of the corrections the inline adds, read without saving (the action does)."""
    formset = next((f for f in formsets if f.model is Correction), None)
    return [c.note for c in formset.new_objects] if formset is not None else []


# Inlines other apps add to the story page (the wire's near-duplicates), through
# `add_article_inline`: the newsroom's admin knows no app above it.
ARTICLE_INLINES: list[type[InlineModelAdmin]] = []


def add_article_inline(inline: type[InlineModelAdmin]) -> None:
    if inline not in ARTICLE_INLINES:
        ARTICLE_INLINES.append(inline)


# The fronts page and the picture library register themselves (modules of their own).
from masthead.newsroom import admin_fronts, admin_images  # noqa: E402, F401
