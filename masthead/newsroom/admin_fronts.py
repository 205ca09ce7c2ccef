"""The fronts in the back office: for the home page and each section, the stories an editor
has pinned, dragged into order, each optionally until a time, beside the front as readers will
see it (the pins, then the newest stories that fill the rest).

One page (the FrontPin changelist) rather than Django's stock list: ordering by drag and "what
will the front look like" are what an editor comes for. Every change goes through
`masthead.newsroom.actions.fronts`, which checks that the editor may publish.
"""

from __future__ import annotations

import json
from typing import Any, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.widgets import AdminSplitDateTime, AutocompleteSelect
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_POST

from masthead.newsroom import selectors
from masthead.newsroom.actions import ActionError, Actor, fronts, may_publish
from masthead.newsroom.models import Article, FrontPin, Section

SHOWN = 8  # how much of the front the page previews: the lead and the top stories


def _front(request: HttpRequest) -> Section | None:
    slug = request.GET.get("front") or request.POST.get("front") or ""
    if not slug or slug == "home":
        return None
    return get_object_or_404(Section, slug=slug)


def _front_url(section: Section | None) -> str:
    query = urlencode({"front": section.slug if section is not None else "home"})
    return reverse("admin:newsroom_frontpin_changelist") + "?" + query


class PinForm(forms.Form):
    article = forms.ModelChoiceField(
        queryset=Article.objects.filter(
            status__in=[Article.Status.PUBLISHED, Article.Status.SCHEDULED]
        ),
        label="Story",
    )
    slot = forms.IntegerField(
        min_value=1, required=False, help_text="1 is the lead; blank: after the others."
    )
    until = forms.SplitDateTimeField(
        required=False,
        widget=AdminSplitDateTime,
        help_text="Optional: the pin ends by itself then.",
    )

    def __init__(self, *args: Any, admin_site: admin.AdminSite, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        story = cast(forms.ModelChoiceField, self.fields["article"])
        story.widget = AutocompleteSelect(FrontPin._meta.get_field("article"), admin_site)
        story.widget.choices = story.choices  # as the field does for the widget it made


@admin.register(FrontPin)
class FrontPinAdmin(admin.ModelAdmin):
    """The fronts page. Permissions follow the stories': anyone who may view stories sees
    the fronts; only an editor (publish_article) changes them."""

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.has_perm("newsroom.view_article")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return self.has_view_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False  # pinned from the fronts page, through the action

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("pin/", wrap(require_POST(self.pin_view)), name="newsroom_frontpin_pin"),
            path("unpin/", wrap(require_POST(self.unpin_view)), name="newsroom_frontpin_unpin"),
            path(
                "reorder/",
                wrap(require_POST(self.reorder_view)),
                name="newsroom_frontpin_reorder",
            ),
            *super().get_urls(),
        ]

    def changelist_view(
        self, request: HttpRequest, extra_context: dict[str, Any] | None = None
    ) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponseRedirect(reverse("admin:index"))
        section = _front(request)
        pins = list(
            FrontPin.objects.on(section)
            .select_related("article__source", "pinned_by")
            .order_by("slot")
        )
        actor = Actor.editor(request.user)
        ids = [p.article_id for p in pins]
        for i, p in enumerate(pins):
            # The order a "move up" / "move down" button sends (the drag's, without script).
            up, down = list(ids), list(ids)
            if i > 0:
                up[i - 1], up[i] = up[i], up[i - 1]
            if i < len(ids) - 1:
                down[i + 1], down[i] = down[i], down[i + 1]
            p.up_order = json.dumps(up) if i > 0 else ""  # type: ignore[attr-defined]
            p.down_order = json.dumps(down) if i < len(ids) - 1 else ""  # type: ignore[attr-defined]
        context = {
            **self.admin_site.each_context(request),
            "title": f"Front: {fronts.front_name(section)}",
            "opts": self.model._meta,
            "fronts": [("home", "Home"), *Section.objects.values_list("slug", "name")],
            "current": section.slug if section is not None else "home",
            "section": section,
            "pins": pins,
            "shown": selectors.front(section, limit=SHOWN),
            "pinned_ids": {p.article_id for p in pins},
            "may_change": may_publish(actor),
            "form": PinForm(admin_site=self.admin_site),
            **(extra_context or {}),
        }
        return TemplateResponse(request, "admin/newsroom/fronts/front.html", context)

    def _act(self, request: HttpRequest, run: Any, done: str) -> HttpResponse:
        section = _front(request)
        try:
            run(section, Actor.editor(request.user))
        except ActionError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, done)
        return HttpResponseRedirect(_front_url(section))

    def pin_view(self, request: HttpRequest) -> HttpResponse:
        form = PinForm(request.POST, admin_site=self.admin_site)
        if not form.is_valid():
            for name, errors in form.errors.items():
                label = form[name].label if name in form.fields else ""
                for error in errors:
                    messages.error(request, f"{label}: {error}" if label else str(error))
            return HttpResponseRedirect(_front_url(_front(request)))
        data = form.cleaned_data
        return self._act(
            request,
            lambda section, actor: fronts.pin(
                article=data["article"],
                actor=actor,
                section=section,
                slot=data["slot"],
                until=data["until"],
            ),
            f"Pinned “{data['article'].headline}”.",
        )

    def unpin_view(self, request: HttpRequest) -> HttpResponse:
        article = get_object_or_404(Article, pk=request.POST.get("article") or 0)
        return self._act(
            request,
            lambda section, actor: fronts.unpin(article=article, actor=actor, section=section),
            f"Unpinned “{article.headline}”; it stays on the front only if it is among the newest.",
        )

    def reorder_view(self, request: HttpRequest) -> HttpResponse:
        """A new order (a JSON list of story ids): the drag and drop's, answered in JSON, or
        a move button's (a plain form), answered by the page again with a message."""
        section = _front(request)
        by_script = request.POST.get("by") == "script"
        try:
            ids = [int(pk) for pk in json.loads(request.POST.get("order") or "[]")]
        except (ValueError, TypeError) as exc:
            error = f"not a list of story ids: {exc}"
            if by_script:
                return JsonResponse({"error": error}, status=400)
            messages.error(request, error)
            return HttpResponseRedirect(_front_url(section))
        if not by_script:
            return self._act(
                request,
                lambda section, actor: fronts.reorder(
                    section=section, article_ids=ids, actor=actor
                ),
                "Order saved.",
            )
        try:
            fronts.reorder(section=section, article_ids=ids, actor=Actor.editor(request.user))
        except ActionError as exc:
            return JsonResponse({"error": str(exc)}, status=403)
        return JsonResponse({"ok": True, "order": ids})
