from __future__ import annotations

from typing import Any, cast

from django.contrib import admin
from django.db.models import QuerySet
from django.forms.formsets import INITIAL_FORM_COUNT, TOTAL_FORM_COUNT
from django.forms.models import BaseInlineFormSet
from django.http import HttpRequest, QueryDict
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from masthead.lib.admin import CheckedAdmin
from masthead.newsroom.admin import add_article_inline
from masthead.wire import desk  # noqa: F401 - registers the wire desk's pages
from masthead.wire.charts import activity_chart
from masthead.wire.models import Feed, IngestLog, NearDuplicate


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = [
        "name",
        "location",
        "format",
        "source",
        "enabled",
        "poll_interval",
        "on_arrival",
        "last_polled_at",
        "marks_fiction",
    ]
    list_filter = ["enabled", "on_arrival", "format", "marks_fiction"]
    search_fields = ["name", "location"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["default_sections", "default_tags"]
    readonly_fields = ["last_polled_at", "last_error", "etag", "last_modified", "push_url"]

    @admin.display(description="Push URL")
    def push_url(self, obj: Feed) -> str:
        return obj.get_push_url() if obj.pk else ""


@admin.register(IngestLog)
class IngestLogAdmin(CheckedAdmin):
    """Read-only: the log is what happened; editors read it, nobody edits it."""

    list_display = ["created", "action", "guid", "version", "short_reason", "feed", "story"]
    list_filter = ["action", "feed", "source"]
    search_fields = ["guid", "file", "reason"]
    date_hierarchy = "created"
    list_select_related = ["feed", "article"]

    @admin.display(description="Reason")
    def short_reason(self, obj: IngestLog) -> str:
        return obj.reason[:120]

    @admin.display(description="Story")
    def story(self, obj: IngestLog) -> str:
        if obj.article_id is None:
            return ""
        return format_html(
            '<a href="../../newsroom/article/{}/change/">{}</a>', obj.article_id, obj.article
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def changelist_view(self, request: HttpRequest, extra_context: dict | None = None) -> Any:
        """The log under a picture of the last two days: a quiet or failing feed shows at once."""
        activity = activity_chart(hours=48)
        context = {
            **(extra_context or {}),
            "activity": activity,
            "activity_svg": mark_safe(activity["svg"]),  # noqa: S308 - built in charts.py, escaped
        }
        return super().changelist_view(request, extra_context=context)


def _story_link(article_id: int, label: object) -> str:
    return format_html(
        '<a href="{}">{}</a>', reverse("admin:newsroom_article_change", args=[article_id]), label
    )


class _ReadOnly:
    """Found by the ingest, not entered by hand: editors read these, and follow the links."""

    def has_add_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False


class _NothingToSaveFormSet(BaseInlineFormSet):
    """The inline is read-only, so it has nothing to save: a POST of the Article form that
    doesn't carry its management form (a script, a form built before the wire added it) must
    still save the article rather than fail on "ManagementForm data is missing"."""

    def __init__(self, data: Any = None, *args: Any, **kwargs: Any) -> None:
        super().__init__(data, *args, **kwargs)
        total = f"{self.prefix}-{TOTAL_FORM_COUNT}"
        if self.is_bound and total not in self.data:
            # The POST's QueryDict (the stubs type `data` as a read-only Mapping).
            data = cast(QueryDict, self.data).copy()
            data.update({total: "0", f"{self.prefix}-{INITIAL_FORM_COUNT}": "0"})
            self.data = data


class NearDuplicateInline(_ReadOnly, admin.TabularInline):
    """On an article's admin page: the stories that look like the same event told twice."""

    model = NearDuplicate
    formset = _NothingToSaveFormSet
    fk_name = "article"
    readonly_fields = ["other_story", "similarity_pct", "same_headline", "same_lead", "detected_at"]
    fields = [*readonly_fields]
    extra = 0
    verbose_name_plural = "possible near-duplicates (linked at ingest for editors to judge)"

    @admin.display(description="Other story")
    def other_story(self, obj: NearDuplicate) -> str:
        return _story_link(obj.other_id, obj.other)

    @admin.display(description="Text overlap")
    def similarity_pct(self, obj: NearDuplicate) -> str:
        return f"{obj.similarity:.0%}"

    def get_queryset(self, request: HttpRequest) -> QuerySet[NearDuplicate]:
        return super().get_queryset(request).select_related("other")


@admin.register(NearDuplicate)
class NearDuplicateAdmin(_ReadOnly, CheckedAdmin):
    list_display = [
        "detected_at",
        "story",
        "other_story",
        "similarity",
        "same_headline",
        "same_lead",
    ]
    list_filter = ["same_headline", "same_lead"]
    list_select_related = ["article", "other"]
    date_hierarchy = "detected_at"

    @admin.display(description="Story")
    def story(self, obj: NearDuplicate) -> str:
        return _story_link(obj.article_id, obj.article)

    @admin.display(description="Looks like")
    def other_story(self, obj: NearDuplicate) -> str:
        return _story_link(obj.other_id, obj.other)


add_article_inline(NearDuplicateInline)
