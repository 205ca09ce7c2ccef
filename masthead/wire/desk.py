"""The wire desk: incoming wire copy, newest arrival first, with what an editor decides it on
(source, version, status, categories, the text repairs the ingest made, near-duplicates, what
a newer version changed in a story the paper had edited), and the desk's decisions: publish,
spike or bring back, pin to a front, take or leave a wire change.

One page in the back office (the changelist of the `WireStory` proxy, so the index shows
"Wire desk" beside the feeds and the log) and one page per story for its wire changes. Every
decision is a POST through the newsroom's actions, which check that the editor may publish:
a reporter sees the desk but gets no buttons, and a forged POST is refused with a message.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.views.decorators.http import require_POST

from masthead.newsroom import actions
from masthead.newsroom.actions import ActionError, Actor, fronts, may_publish
from masthead.newsroom.actions.base import LOCKABLE_RELATIONS, WIRE_FIELDS, story_value
from masthead.newsroom.actions.desk import label
from masthead.newsroom.models import Article, Section, Source, WireChange
from masthead.newsroom.revisions import body_text, word_diff
from masthead.wire.models import Feed, IngestLog, NearDuplicate, Outcome, WireStory

PER_PAGE = 40
FIELD_ORDER = [*WIRE_FIELDS, *LOCKABLE_RELATIONS]  # as the story editor lists them
RECENT = dt.timedelta(hours=24)  # "arrived today": what a desk shift works through
REPAIRS_SHOWN = 3

Status = Article.Status
SHOW = {
    "": "All but spiked",
    "held": "Held for the desk",
    "changed": "Wire changed an edit",
    "spiked": "Spiked",
}


def desk_url(**query: str) -> str:
    url = reverse("admin:wire_wirestory_changelist")
    wanted = {k: v for k, v in query.items() if v}
    return url + ("?" + urlencode(wanted) if wanted else "")


class PinForm(forms.Form):
    front = forms.ChoiceField(label="Front")
    slot = forms.IntegerField(min_value=1, max_value=99, required=False, label="Slot")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sections = {s.slug: s for s in Section.objects.all()}
        choices = [("home", "Home"), *((s.slug, s.name) for s in self.sections.values())]
        self.fields["front"].choices = choices  # type: ignore[attr-defined]

    def section(self) -> Section | None:
        slug = self.cleaned_data["front"]
        return None if slug == "home" else self.sections[slug]


@dataclass
class Row:
    """One story as the desk lists it, with what was read for it in the page's few queries."""

    story: Article
    feed: str = ""
    repairs: list[str] = field(default_factory=list)
    more_repairs: int = 0
    near: int = 0
    changes: list[str] = field(default_factory=list)  # labels of fields with a pending change

    @property
    def changes_text(self) -> str:
        return "Wire changed the " + ", ".join(c.lower() for c in self.changes)


@dataclass
class Diff:
    change: WireChange
    label: str
    chunks: list[tuple[str, str]]


def wire_stories() -> QuerySet[Article]:
    return Article.objects.exclude(wire_guid="")


def _as_text(name: str, value: Any) -> str:
    if name == "body":
        return body_text(value or "")
    if isinstance(value, list):
        return ", ".join(str(v) for v in value if v)
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return "" if value is None else str(value)


@admin.register(WireStory)
class WireDeskAdmin(admin.ModelAdmin):
    """The desk. Anyone who may see the newsroom's stories sees it; its decisions are the
    actions', which only an editor may take."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("newsroom.view_article")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view

        def post(view: Callable[..., HttpResponse], route: str, name: str) -> URLPattern:
            return path(route, wrap(require_POST(view)), name=f"wire_desk_{name}")

        return [
            path("", wrap(self.changelist_view), name="wire_wirestory_changelist"),
            path("<int:pk>/", wrap(self.story_view), name="wire_desk_story"),
            post(self.publish_view, "<int:pk>/publish/", "publish"),
            post(self.spike_view, "<int:pk>/spike/", "spike"),
            post(self.unspike_view, "<int:pk>/unspike/", "unspike"),
            post(self.pin_view, "<int:pk>/pin/", "pin"),
            post(self.take_view, "changes/<int:pk>/take/", "take"),
            post(self.leave_view, "changes/<int:pk>/leave/", "leave"),
        ]

    # The pages.

    def _context(self, request: HttpRequest, title: str) -> dict[str, Any]:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return {
            **self.admin_site.each_context(request),
            "title": title,
            "opts": self.model._meta,
            "may_decide": may_publish(Actor.editor(request.user)),
            "pin_form": PinForm(),
            "next": request.get_full_path(),
        }

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        context = self._context(request, "Wire desk")
        show = request.GET.get("show", "")
        show = show if show in SHOW else ""
        since = "all" if request.GET.get("since") == "all" else ""
        stories = wire_stories()
        if not since:
            stories = stories.filter(created__gte=timezone.now() - RECENT)
        counted = stories
        if show == "held":
            stories = stories.filter(status=Status.REVIEW)
        elif show == "spiked":
            stories = stories.filter(status=Status.SPIKED)
        else:
            stories = stories.exclude(status=Status.SPIKED)
            if show == "changed":
                pending = WireChange.objects.filter(
                    article=OuterRef("pk"), state=WireChange.State.PENDING
                )
                stories = stories.filter(Exists(pending))
        sources = list(Source.objects.filter(kind=Source.Kind.WIRE).order_by("name"))
        feeds = list(Feed.objects.order_by("name"))
        source = _pick(request.GET.get("source"), {str(s.pk): s for s in sources})
        feed = _pick(request.GET.get("feed"), {str(f.pk): f for f in feeds})
        if source is not None:
            stories = stories.filter(source=source)
        if feed is not None:
            stories = stories.filter(
                Exists(IngestLog.objects.filter(article=OuterRef("pk"), feed=feed))
            )
        stories = (
            stories.select_related("source", "section")
            .prefetch_related("sections", "tags")
            .order_by("-created", "-id")
        )
        page = Paginator(stories, PER_PAGE).get_page(request.GET.get("p"))
        query = {
            "show": show,
            "since": since,
            "source": str(source.pk) if source else "",
            "feed": str(feed.pk) if feed else "",
        }
        context.update(
            {
                "rows": _rows(list(page.object_list)),
                "page": page,
                "show": show,
                "since": since,
                "shows": [
                    (key, name, desk_url(**{**query, "show": key, "p": ""}))
                    for key, name in SHOW.items()
                ],
                "held_count": counted.filter(status=Status.REVIEW).count(),
                "sinces": [
                    ("", "Last 24 hours", desk_url(**{**query, "since": ""})),
                    ("all", "All", desk_url(**{**query, "since": "all"})),
                ],
                "sources": sources,
                "feeds": feeds,
                "source": source,
                "feed": feed,
                "query": query,
                "page_url": desk_url(**query) + ("&" if any(query.values()) else "?") + "p=",
                "may_see_duplicates": request.user.has_perm("wire.view_nearduplicate"),
                **(extra_context or {}),
            }
        )
        return TemplateResponse(request, "admin/wire/desk/desk.html", context)

    def story_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        story = wire_stories().select_related("source", "section").filter(pk=pk).first()
        if story is None:
            messages.error(request, "No wire story with that number.")
            return HttpResponseRedirect(desk_url())
        context = self._context(request, f"Wire desk: {story.headline}")
        pending = sorted(
            story.wire_changes.filter(state=WireChange.State.PENDING),
            key=lambda c: FIELD_ORDER.index(c.field),
        )
        diffs = []
        for change in pending:
            now = _as_text(change.field, story_value(story, change.field))
            wire = _as_text(change.field, change.wire_value)
            diffs.append(Diff(change, label(change.field), word_diff(now, wire)))
        decided = story.wire_changes.exclude(state=WireChange.State.PENDING).order_by(
            "-decided_at", "-id"
        )[:20]
        context.update(
            {
                "row": _rows([story])[0],
                "story": story,
                "diffs": diffs,
                "decided": [(c, label(c.field)) for c in decided],
                "next": reverse("admin:wire_desk_story", args=[story.pk]),
                "may_see_duplicates": request.user.has_perm("wire.view_nearduplicate"),
            }
        )
        return TemplateResponse(request, "admin/wire/desk/story.html", context)

    # The decisions.

    def _story(self, request: HttpRequest, pk: int) -> Article | None:
        story = wire_stories().select_related("source").filter(pk=pk).first()
        if story is None:
            messages.error(request, "No wire story with that number: nothing was done.")
        return story

    def _act(self, request: HttpRequest, run: Callable[[Actor], Any], done: str) -> HttpResponse:
        try:
            run(Actor.editor(request.user))
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return self._back(request)

    def _back(self, request: HttpRequest) -> HttpResponse:
        wanted = request.POST.get("next", "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return HttpResponseRedirect(wanted)
        return HttpResponseRedirect(desk_url())

    def publish_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        story = self._story(request, pk)
        if story is None:
            return self._back(request)
        return self._act(
            request,
            lambda actor: actions.PublishArticleAction(article=story, actor=actor).execute(),
            f"Published “{story.headline}”.",
        )

    def spike_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        story = self._story(request, pk)
        if story is None:
            return self._back(request)
        return self._act(
            request,
            lambda actor: actions.SpikeArticleAction(article=story, actor=actor).execute(),
            f"Spiked “{story.headline}”: readers never see it; “Spiked” on the desk lists it.",
        )

    def unspike_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        story = self._story(request, pk)
        if story is None:
            return self._back(request)
        return self._act(
            request,
            lambda actor: actions.UnspikeArticleAction(article=story, actor=actor).execute(),
            f"“{story.headline}” is back on the desk, in review.",
        )

    def pin_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        story = self._story(request, pk)
        if story is None:
            return self._back(request)
        form = PinForm(request.POST)
        if not form.is_valid():
            for name, errors in form.errors.items():
                for error in errors:
                    messages.error(request, f"{form.fields[name].label}: {error}")
            return self._back(request)
        section, slot = form.section(), form.cleaned_data["slot"]
        where = fronts.front_name(section)
        return self._act(
            request,
            lambda actor: fronts.pin(article=story, actor=actor, section=section, slot=slot),
            f"Pinned “{story.headline}” to {where}" + (f", slot {slot}." if slot else "."),
        )

    def _change(self, request: HttpRequest, pk: int) -> WireChange | None:
        change = WireChange.objects.select_related("article").filter(pk=pk).first()
        if change is None:
            messages.error(request, "No such wire change: nothing was done.")
        return change

    def take_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        change = self._change(request, pk)
        if change is None:
            return self._back(request)
        what = label(change.field).lower()
        return self._act(
            request,
            lambda actor: actions.TakeWireChangeAction(change=change, actor=actor).execute(),
            f"Took the wire's {what}; later wire versions update it again.",
        )

    def leave_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        change = self._change(request, pk)
        if change is None:
            return self._back(request)
        what = label(change.field).lower()
        return self._act(
            request,
            lambda actor: actions.LeaveWireChangeAction(change=change, actor=actor).execute(),
            f"Left the wire's {what}: the paper's stays.",
        )


def _pick(value: str | None, choices: dict[str, Any]) -> Any:
    return choices.get(value or "")


def _rows(stories: list[Article]) -> list[Row]:
    """The page's stories with their feed, repairs, near-duplicates and pending changes: three
    queries for the page, whatever its length."""
    ids = [s.pk for s in stories]
    rows = {s.pk: Row(s) for s in stories}
    logs = (
        IngestLog.objects.filter(article_id__in=ids, action__in=[Outcome.NEW, Outcome.UPDATED])
        .order_by("article_id", "-created", "-id")
        .values_list("article_id", "feed__name", "repairs")
    )
    seen: set[int] = set()
    for article_id, feed_name, repairs in logs:
        if article_id in seen:
            continue  # the latest line is the version the story shows
        seen.add(article_id)
        row = rows[article_id]
        row.feed = feed_name or ""
        listed = [str(r) for r in repairs or []]
        row.repairs = [r if len(r) <= 90 else r[:89] + "…" for r in listed[:REPAIRS_SHOWN]]
        row.more_repairs = max(0, len(listed) - REPAIRS_SHOWN)
    near = (
        NearDuplicate.objects.filter(article_id__in=ids)
        .values("article_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for item in near:
        rows[item["article_id"]].near = item["n"]
    pending: dict[int, list[str]] = defaultdict(list)
    for article_id, name in WireChange.objects.filter(
        article_id__in=ids, state=WireChange.State.PENDING
    ).values_list("article_id", "field"):
        pending[article_id].append(name)
    for article_id, names in pending.items():
        rows[article_id].changes = [label(n) for n in sorted(names, key=FIELD_ORDER.index)]
    return [rows[pk] for pk in ids]
