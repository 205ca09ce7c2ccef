"""The newsroom back office: editors write local stories and edit wire ones.

Editor input goes through the same text pipeline as wire copy (`masthead.text`), and every
field an editor changes on a wire story is recorded in `editor_locked_fields`, so a later wire
update of that story does not undo the edit.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.contrib.admin.options import InlineModelAdmin
from django.core.exceptions import PermissionDenied
from django.db import models
from django.http import HttpRequest
from django.utils import timezone

from masthead.lib.admin import CheckedAdmin
from masthead.newsroom import actions, admin_history
from masthead.newsroom.models import (
    Article,
    ArticleRevision,
    Author,
    Authorship,
    Correction,
    Section,
    Source,
    Tag,
)
from masthead.text import clean_html, clean_label, clean_plain

PLAIN_TEXT_FIELDS = ("headline", "summary", "dateline", "kill_reason")
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


class AuthorshipInline(admin.TabularInline):
    model = Authorship
    extra = 1
    autocomplete_fields = ("author",)


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


class ArticleAdminForm(forms.ModelForm):
    class Meta:
        model = Article
        fields = (
            "headline",
            "slug",
            "summary",
            "body",
            "dateline",
            "byline",
            "status",
            "published_at",
            "updated_at",
            "embargo_until",
            "access",
            "is_local",
            "is_fiction",
            "source",
            "section",
            "sections",
            "tags",
            "credit_line",
            "copyright_notice",
            "canonical_url",
            "image_url",
            "image_alt",
            "language",
            "kill_reason",
        )
        formfield_callback = https_formfield

    def clean(self) -> dict[str, Any]:
        # ModelForm.clean() returns `cleaned_data` (its return is typed optional, for
        # subclasses that return None to keep it).
        super().clean()
        data = self.cleaned_data
        for name in PLAIN_TEXT_FIELDS:
            if data.get(name):
                data[name] = clean_plain(data[name])
        if data.get("body"):
            data["body"] = clean_html(data["body"])
        if data.get("status") == Article.Status.KILLED and not data.get("kill_reason"):
            self.add_error("kill_reason", "Say why the story is withdrawn; editors will see it.")
        if data.get("status") == Article.Status.PUBLISHED and not data.get("published_at"):
            # Publishing without a time means now; a future time schedules the story.
            data["published_at"] = timezone.now()
        return data


@admin.register(Article)
class ArticleAdmin(NewsroomAdmin):
    form = ArticleAdminForm
    list_display = ("headline", "source", "status", "published_at", "is_local", "section")
    list_filter = ("status", "is_local", "source", "section", "is_fiction")
    search_fields = ("headline", "slug", "wire_guid")
    date_hierarchy = "published_at"
    prepopulated_fields = {"slug": ("headline",)}
    filter_horizontal = ("sections",)
    autocomplete_fields = ("tags",)
    list_select_related = ("source", "section")
    inlines = (AuthorshipInline, CorrectionInline, RevisionInline)
    readonly_fields = (
        "corrected_at",
        "wire_guid",
        "wire_version",
        "wire_version_at",
        "content_hash",
        "editor_locked_fields",
        "duplicate_of",
        "killed_at",
        "created",
        "modified",
    )
    fieldsets = (
        (None, {"fields": ("headline", "slug", "summary", "body", "dateline", "byline")}),
        (
            "Publishing",
            {
                "fields": (
                    "status",
                    "published_at",
                    "updated_at",
                    "embargo_until",
                    "access",
                    "is_local",
                    "is_fiction",
                )
            },
        ),
        ("Placement", {"fields": ("source", "section", "sections", "tags")}),
        (
            "Credit and links",
            {
                "fields": (
                    "credit_line",
                    "copyright_notice",
                    "canonical_url",
                    "image_url",
                    "image_alt",
                    "language",
                )
            },
        ),
        (
            # The corrections themselves are the inline below the story.
            "Corrections and withdrawal",
            {
                "fields": (
                    "corrected_at",
                    "kill_reason",
                    "killed_at",
                )
            },
        ),
        (
            "Wire",
            {
                "classes": ("collapse",),
                "fields": (
                    "wire_guid",
                    "wire_version",
                    "wire_version_at",
                    "content_hash",
                    "editor_locked_fields",
                    "duplicate_of",
                    "created",
                    "modified",
                ),
            },
        ),
    )

    def get_urls(self) -> list[Any]:
        return [*admin_history.urls(self), *super().get_urls()]

    def get_inlines(self, request: HttpRequest, obj: Any) -> list[type[InlineModelAdmin]]:
        return [*super().get_inlines(request, obj), *ARTICLE_INLINES]

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Nothing is written here: `save_related` hands the story and its relations to one
        action, so that an edit is one change with one revision, whatever it touches."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        article: Article = form.instance
        for formset in formsets:
            # Reads what each inline would save (and fills in what the change message lists)
            # without writing: the action does the writing.
            formset.save(commit=False)
        data = form.cleaned_data
        relations = actions.Relations(
            sections=list(data["sections"]) if "sections" in data else None,
            tags=list(data["tags"]) if "tags" in data else None,
            authors=_authors_after(article, formsets),
        )
        actor = actions.Actor.editor(request.user)
        try:
            if change:
                changed = list(form.changed_data)
                if any(f.model is Authorship and f.has_changed() for f in formsets):
                    changed.append("bylines")
                actions.EditArticleAction(
                    article=article,
                    changed=changed,
                    actor=actor,
                    relations=relations,
                    corrections=_new_corrections(formsets),
                ).execute()
            else:
                actions.CreateArticleAction(
                    article=article, actor=actor, relations=relations
                ).execute()
        except actions.ActionError as exc:
            raise PermissionDenied(str(exc)) from exc


def _new_corrections(formsets: Any) -> list[str]:
    """The notes of the corrections the inline adds, read without saving (the action does)."""
    formset = next((f for f in formsets if f.model is Correction), None)
    return [c.note for c in formset.new_objects] if formset is not None else []


def _authors_after(article: Article, formsets: Any) -> list[Author] | None:
    """The bylines the authorship inline leaves, in order; None when it changed nothing.

    Read from the formset without saving it (the action writes them): the stored bylines the
    formset did not show stay, the ones it deleted go, new and edited ones take their place.
    """
    formset = next((f for f in formsets if f.model is Authorship), None)
    if formset is None or not formset.has_changed():
        return None
    kept = {a.pk: a for a in Authorship.objects.filter(article=article.pk)} if article.pk else {}
    for obj in [*formset.new_objects, *(obj for obj, _ in formset.changed_objects)]:
        kept[obj.pk or -id(obj)] = obj
    for obj in formset.deleted_objects:
        kept.pop(obj.pk, None)
    ordered = sorted(kept.values(), key=lambda a: (a.position, a.pk or 0))
    return [a.author for a in ordered]


# Inlines other apps add to the story page (the wire's near-duplicates), through
# `add_article_inline`: the newsroom's admin knows no app above it.
ARTICLE_INLINES: list[type[InlineModelAdmin]] = []


def add_article_inline(inline: type[InlineModelAdmin]) -> None:
    if inline not in ARTICLE_INLINES:
        ARTICLE_INLINES.append(inline)
