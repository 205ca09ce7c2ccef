"""The story's history in the back office: its versions with a diff between any two and a
one-click restore, and its workflow log (`StatusChange`); the paper-wide log is its own list.

The pages are read off `masthead.newsroom.revisions` and write nothing themselves: a restore
is `RestoreRevisionAction`, which checks the editor as every other edit does. Anyone who may
see a story may read its history (a reporter, any story's); the restore button is shown only
to whom the action would let restore, and the action is asked again on the click.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.contrib.admin.options import ModelAdmin
from django.contrib.admin.utils import quote, unquote
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseNotAllowed,
    HttpResponseRedirect,
)
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.html import format_html

from masthead.lib.admin import CheckedAdmin
from masthead.newsroom import actions, locks
from masthead.newsroom.actions.base import CHANGE, require
from masthead.newsroom.models import Article, StatusChange
from masthead.newsroom.revisions import Version, diff, history, other_changes

TEMPLATES = "admin/newsroom/history"


def urls(model_admin: ModelAdmin[Article]) -> list[URLPattern]:
    """The history pages under the story's admin URL (`ArticleAdmin.get_urls`)."""
    pages = StoryHistory(model_admin)
    wrap = model_admin.admin_site.admin_view  # staff only, CSRF on the restore
    name = f"{model_admin.opts.app_label}_{model_admin.opts.model_name}"
    return [
        path("<path:object_id>/revisions/", wrap(pages.revisions), name=f"{name}_revisions"),
        path(
            "<path:object_id>/revisions/compare/",
            wrap(pages.compare),
            name=f"{name}_revision_diff",
        ),
        path(
            "<path:object_id>/revisions/<int:number>/restore/",
            wrap(pages.restore),
            name=f"{name}_revision_restore",
        ),
        path("<path:object_id>/log/", wrap(pages.log), name=f"{name}_log"),
    ]


class StoryHistory:
    """The four pages, bound to the story's ModelAdmin (its site, its permission checks)."""

    def __init__(self, model_admin: ModelAdmin[Article]):
        self.model_admin = model_admin

    # --- the pages ---

    def revisions(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._story(request, object_id)
        versions = history(article)
        return self._render(
            request,
            article,
            "revisions.html",
            "Revisions",
            versions=[self._row(v) for v in reversed(versions)],
            # Preselected: what the last change did.
            default_a=versions[-2].number if len(versions) > 1 else versions[-1].number,
            default_b=versions[-1].number,
            may_restore=self._may_restore(request, article),
        )

    def compare(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._story(request, object_id)
        versions = history(article)
        chosen = _chosen(request.GET, len(versions))
        if isinstance(chosen, str):
            messages.error(request, chosen)
            return HttpResponseRedirect(self._url("revisions", article))
        old, new = (versions[n - 1] for n in chosen)
        return self._render(
            request,
            article,
            "compare.html",
            f"Version {old.number} and version {new.number}",
            old=self._row(old),
            new=self._row(new),
            fields=diff(old, new),
            others=other_changes(old, new),
            may_restore=self._may_restore(request, article),
            crumb_revisions=self._url("revisions", article),
        )

    def restore(self, request: HttpRequest, object_id: str, number: int) -> HttpResponse:
        if request.method != "POST":
            # A link followed, prefetched or crawled must not change a story.
            return HttpResponseNotAllowed(["POST"])
        article = self._story(request, object_id)
        versions = history(article)
        if not 1 <= number <= len(versions):
            raise Http404(f"This story has no version {number}.")
        version = versions[number - 1]
        back = HttpResponseRedirect(self._url("revisions", article))
        if version.is_current:
            messages.warning(request, f"Version {number} is the story as it is now.")
            return back
        replaced = versions[-1].number
        try:
            actions.RestoreRevisionAction(
                article=article,
                data=version.data,
                number=number,
                actor=actions.Actor.editor(request.user),
            ).execute()
        except actions.ActionError as exc:
            messages.error(request, f"Version {number} was not restored: {exc}.")
            return back
        messages.success(
            request,
            f"Restored version {number}; the version it replaced is kept as version {replaced}.",
        )
        return HttpResponseRedirect(self._url("change", article))

    def log(self, request: HttpRequest, object_id: str) -> HttpResponse:
        article = self._story(request, object_id)
        changes = StatusChange.objects.filter(article=article).select_related("user")
        return self._render(
            request,
            article,
            "log.html",
            "Workflow log",
            changes=changes.order_by("-at", "-id"),
        )

    # --- what they share ---

    def _story(self, request: HttpRequest, object_id: str) -> Article:
        """The story, if this editor may see it (404 for none, as for a bad id)."""
        article = self.model_admin.get_object(request, unquote(object_id))
        if article is None:
            raise Http404("No such story.")
        if not self.model_admin.has_view_permission(request, article):
            raise PermissionDenied
        return article

    def _may_restore(self, request: HttpRequest, article: Article) -> bool:
        """Whether the restore action would let this editor restore (the button's condition):
        the same rule it applies, a restore being an edit."""
        if not self.model_admin.has_change_permission(request, article):
            return False
        try:
            require(actions.Actor.editor(request.user), CHANGE, article)
        except actions.ActionError:
            return False
        return True

    def _row(self, version: Version) -> dict[str, Any]:
        """A version as the pages show it: its time in the paper's time zone."""
        return {
            "number": version.number,
            "at": timezone.localtime(version.at),
            "actor": version.actor or "unknown",
            "reason": version.reason,
            "is_current": version.is_current,
        }

    def _url(self, page: str, article: Article) -> str:
        opts = self.model_admin.opts
        return reverse(
            f"admin:{opts.app_label}_{opts.model_name}_{page}",
            args=[quote(article.pk)],
            current_app=self.model_admin.admin_site.name,
        )

    def _render(
        self, request: HttpRequest, article: Article, template: str, title: str, **extra: Any
    ) -> TemplateResponse:
        context = {
            **self.model_admin.admin_site.each_context(request),
            "opts": self.model_admin.opts,
            "original": article,
            "title": f"{title}: {article.headline}",
            "page_title": title,
            "time_zone": timezone.get_current_timezone_name(),
            "revisions_url": self._url("revisions", article),
            "log_url": self._url("log", article),
            "change_url": self._url("change", article),
            "held_by": _held_by_another(request, article),
            **extra,
        }
        return TemplateResponse(request, f"{TEMPLATES}/{template}", context)


def _held_by_another(request: HttpRequest, article: Article) -> str:
    """Who else has the story open in the editor now ("" for no one): a restore goes ahead
    (their save from the older form is refused, never merged), but they should be told."""
    lock = locks.holder(article)
    if lock is None or lock.user_id == request.user.pk:
        return ""
    return str(lock.user.get_username())


def _chosen(params: Any, count: int) -> tuple[int, int] | str:
    """The two version numbers asked for (`?a=N&b=M`), older first, or why they cannot be."""
    numbers = []
    for key in ("a", "b"):
        raw = params.get(key, "").strip()
        if not raw:
            return "Choose two versions to compare."
        try:
            number = int(raw)
        except ValueError:
            return f"“{raw[:20]}” is not a version number."
        if not 1 <= number <= count:
            return f"This story has versions 1 to {count}; there is no version {raw[:20]}."
        numbers.append(number)
    low, high = sorted(numbers)
    return low, high


# What the paper-wide log's lines show (with the story's headline and the user's name).
_LOG_FIELDS = ("at", "article", "from_status", "to_status", "user", "actor", "note")


@admin.register(StatusChange)
class StatusChangeAdmin(CheckedAdmin):
    """The paper's audit log: every step of every story through the workflow, newest first.

    Read only for everyone, superusers too: the log is written by the actions alone, and a
    log an editor could edit would prove nothing.
    """

    list_display = ("at", "story", "from_label", "to_label", "who", "note")
    list_display_links = None  # a line has nothing to open but its story
    list_filter = ("to_status",)
    date_hierarchy = "at"
    search_fields = ("article__headline",)
    ordering = ("-at", "-id")
    list_per_page = 100

    def get_queryset(self, request: HttpRequest) -> QuerySet[StatusChange]:
        # The headline for the link, not each story's body.
        return (
            super()
            .get_queryset(request)
            .select_related("article", "user")
            .only(*_LOG_FIELDS, "article__headline", "user__username")
        )

    def get_search_results(
        self, request: HttpRequest, queryset: QuerySet[StatusChange], search_term: str
    ) -> tuple[QuerySet[StatusChange], bool]:
        # PostgreSQL refuses a NUL in a text parameter with an error: `?q=%00` would be a 500.
        return super().get_search_results(request, queryset, search_term.replace("\x00", ""))

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    @admin.display(description="Story", ordering="article__headline")
    def story(self, change: StatusChange) -> str:
        url = reverse(
            "admin:newsroom_article_change",
            args=[quote(change.article_id)],
            current_app=self.admin_site.name,
        )
        return format_html('<a href="{}">{}</a>', url, change.article.headline)

    @admin.display(description="From", ordering="from_status")
    def from_label(self, change: StatusChange) -> str:
        return change.get_from_status_display() if change.from_status else "(new)"

    @admin.display(description="To", ordering="to_status")
    def to_label(self, change: StatusChange) -> str:
        return change.get_to_status_display()

    @admin.display(description="Who", ordering="actor")
    def who(self, change: StatusChange) -> str:
        return change.actor or (change.user.get_username() if change.user else "unknown")
