from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from masthead.wire.models import Feed, IngestLog


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    list_display = ["name", "location", "format", "source", "enabled", "poll_interval",
                    "last_polled_at", "marks_fiction"]
    list_filter = ["enabled", "format", "marks_fiction"]
    search_fields = ["name", "location"]
    prepopulated_fields = {"slug": ["name"]}
    filter_horizontal = ["default_sections", "default_tags"]
    readonly_fields = ["last_polled_at", "last_error", "etag", "last_modified", "push_url"]

    @admin.display(description="Push URL")
    def push_url(self, obj: Feed) -> str:
        return obj.get_push_url() if obj.pk else ""


@admin.register(IngestLog)
class IngestLogAdmin(admin.ModelAdmin):
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
        return format_html('<a href="../../newsroom/article/{}/change/">{}</a>',
                           obj.article_id, obj.article)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
