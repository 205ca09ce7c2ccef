"""The newsroom back office: editors write local stories and edit wire ones.

Editor input goes through the same text pipeline as wire copy (`masthead.text`), and every
field an editor changes on a wire story is recorded in `editor_locked_fields`, so a later wire
update of that story does not undo the edit.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models, transaction
from django.http import HttpRequest
from django.utils import timezone

from masthead.newsroom import actions
from masthead.newsroom.models import (
    Article,
    ArticleRevision,
    Author,
    Authorship,
    Section,
    Source,
    Tag,
)
from masthead.newsroom.signals import article_changed

PLAIN_TEXT_FIELDS = ("headline", "summary", "dateline", "correction_note", "kill_reason")
# Django 6 makes https the default scheme of URL form fields; opt in now (no deprecated setting).
URL_FIELDS_HTTPS: dict[type[models.Field[Any, Any]], dict[str, Any]] = {
    models.URLField: {"assume_scheme": "https"}
}


def https_formfield(field: models.Field, **kwargs: Any) -> Any:
    if isinstance(field, models.URLField):
        kwargs.setdefault("assume_scheme", "https")
    return field.formfield(**kwargs)


class NewsroomAdmin(admin.ModelAdmin):
    formfield_overrides = URL_FIELDS_HTTPS


@admin.register(Section)
class SectionAdmin(NewsroomAdmin):
    list_display = ("name", "slug", "position", "in_nav", "on_home", "default_access")
    list_editable = ("position", "in_nav", "on_home")
    prepopulated_fields = {"slug": ("name",)}


@admin.register(Tag)
class TagAdmin(NewsroomAdmin):
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
    fields = ("created", "wire_version", "reason")
    readonly_fields = fields
    show_change_link = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
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
            "correction_note",
            "corrected_at",
            "kill_reason",
        )
        formfield_callback = https_formfield

    def clean(self) -> dict[str, Any]:
        from masthead.text import clean_html, clean_plain

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
    inlines = (AuthorshipInline, RevisionInline)
    readonly_fields = (
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
            "Corrections and withdrawal",
            {
                "fields": (
                    "correction_note",
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

    def save_model(self, request: HttpRequest, obj: Article, form: Any, change: bool) -> None:
        """Save an editor's edit, routing kills and corrections through the newsroom's actions.

        The admin, the wire desk and code then withdraw or correct a story the same way
        (revision, times, `article_changed` after commit).
        """
        previous = Article.objects.get(pk=obj.pk) if change else None
        killing = obj.status == Article.Status.KILLED and not (previous and previous.is_killed)
        correcting = "correction_note" in form.changed_data and bool(obj.correction_note)
        kill_reason, note = obj.kill_reason, obj.correction_note
        if killing:
            obj.status = previous.status if previous else Article.Status.DRAFT
        if correcting:
            obj.correction_note = previous.correction_note if previous else ""
        if change and obj.wire_guid:
            locked = set(obj.editor_locked_fields or [])
            # An editor's change to a field the wire also sets survives later wire updates.
            locked.update(
                f
                for f in form.changed_data
                if f in actions.WIRE_FIELDS or f in actions.LOCKABLE_RELATIONS
            )
            if "section" in form.changed_data:
                locked.add("sections")
            obj.editor_locked_fields = sorted(locked)
        if previous is not None:
            ArticleRevision.objects.create(
                article=obj,
                wire_version=previous.wire_version,
                reason="editor edit",
                snapshot=actions.snapshot(previous),
            )
        super().save_model(request, obj, form, change)
        if correcting:
            actions.ApplyCorrectionAction(article=obj, note=note).execute()
        if killing:
            actions.KillArticleAction(article=obj, reason=kill_reason).execute()
        elif not correcting:
            was_published = previous is not None and previous.status == Article.Status.PUBLISHED
            change_kind = (
                "unpublished"
                if obj.status != Article.Status.PUBLISHED
                else "updated"
                if was_published
                else "published"
            )
            transaction.on_commit(
                lambda: article_changed.send(sender=Article, article=obj, change=change_kind)
            )
