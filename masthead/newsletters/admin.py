"""The newsletters' back office: lists, subscribers, editions (preview, test, send, schedule,
progress) and breaking-news alerts. Every button calls a function of `services.py`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import URLPattern, path, reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_sameorigin

from masthead.lib.admin import CheckedAdmin
from masthead.newsletters import charts, digest, sending, services
from masthead.newsletters.models import BreakingAlert, Edition, Newsletter, Subscription
from masthead.newsroom.models import Article, Section


@admin.register(Newsletter)
class NewsletterAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "kind", "cadence", "send_time", "is_public", "readers"]
    prepopulated_fields = {"slug": ["name"]}

    @admin.display(description="Readers")
    def readers(self, obj: Newsletter) -> int:
        return obj.subscriptions.active().count()


@admin.register(Subscription)
class SubscriptionAdmin(CheckedAdmin):
    list_display = ["email", "newsletter", "confirmed_at", "unsubscribed_at", "consent_source"]
    list_filter = ["newsletter", "unsubscribe_reason"]
    search_fields = ["email"]
    raw_id_fields = ["user"]
    filter_horizontal = ["sections"]
    readonly_fields = ["consent_at", "consent_address_hash", "created_at"]


class EditionForm(forms.ModelForm):
    class Meta:
        model = Edition
        fields = ["newsletter", "subject", "intro"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if "subject" in self.fields:  # read-only once the edition has gone out
            self.fields["subject"].required = False
            self.fields["subject"].help_text = "Blank: the list's name, the date and the lead."


@admin.register(Edition)
class EditionAdmin(CheckedAdmin):
    form = EditionForm
    list_display = ["subject", "newsletter", "state", "scheduled_for", "sent_at", "progress"]
    list_filter = ["newsletter", "state"]
    date_hierarchy = "created_at"
    change_form_template = "admin/newsletters/edition/change_form.html"

    @admin.display(description="Sent / failed / remaining")
    def progress(self, obj: Edition) -> str:
        if obj.state in (Edition.State.DRAFT, Edition.State.SCHEDULED):
            return "—"
        p = sending.progress(obj)
        return f"{p['sent']} / {p['failed']} / {p['remaining']}"

    def get_readonly_fields(self, request: HttpRequest, obj: Edition | None = None) -> Any:
        if obj is not None and obj.state not in (Edition.State.DRAFT, Edition.State.SCHEDULED):
            return ["newsletter", "subject", "intro"]
        return ["newsletter"] if obj is not None else []

    def save_model(self, request: HttpRequest, obj: Edition, form: Any, change: bool) -> None:
        if not change:
            obj.created_by = request.user  # type: ignore[assignment]
            obj.content = digest.snapshot(obj.newsletter)
        if not obj.subject:
            obj.subject = digest.default_subject(obj.newsletter, obj.content)
        super().save_model(request, obj, form, change)

    def get_urls(self) -> list[URLPattern]:
        wrap = self.admin_site.admin_view
        return [
            path("<int:pk>/preview/", wrap(self.preview_view), name="newsletters_edition_preview"),
            path("<int:pk>/send/", wrap(self.send_view), name="newsletters_edition_send"),
            path(
                "<int:pk>/progress/", wrap(self.progress_view), name="newsletters_edition_progress"
            ),
            *super().get_urls(),
        ]

    def _edition(self, request: HttpRequest, pk: int) -> Edition:
        edition = get_object_or_404(Edition.objects.select_related("newsletter"), pk=pk)
        if not self.has_view_permission(request, edition):
            raise PermissionDenied
        return edition

    @xframe_options_sameorigin  # shown in the edition's page, in an iframe
    def preview_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The email as a reader following every section gets it."""
        edition = self._edition(request, pk)
        every = frozenset(Section.objects.values_list("pk", flat=True))
        rendered = digest.EditionRenderer(edition).variant(every)
        copy = rendered.for_subscription(None, request.user.email or "editor@localhost")  # type: ignore[union-attr]
        response = HttpResponse(copy.html)
        response["Content-Security-Policy"] = "script-src 'none'"
        return response

    def send_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        """The edition page's buttons: test, send now, schedule, cancel, retry the failed."""
        edition = self._edition(request, pk)
        back = reverse("admin:newsletters_edition_change", args=[pk])
        if request.method != "POST":
            return HttpResponseRedirect(back)
        if not self.has_change_permission(request, edition):
            raise PermissionDenied
        user: Any = request.user
        action = request.POST.get("action", "")
        try:
            if action == "test":
                if not user.email:
                    messages.error(request, "Your account has no email address to send a test to.")
                else:
                    services.send_test(edition, to=user.email)
                    messages.success(request, f"A test copy is on its way to {user.email}.")
            elif action == "send":
                count = services.start_sending(edition, by=user)
                messages.success(request, f"Sending to {count} readers.")
                return HttpResponseRedirect(
                    reverse("admin:newsletters_edition_progress", args=[pk])
                )
            elif action == "schedule":
                when = forms.DateTimeField().clean(request.POST.get("when", ""))
                if timezone.is_naive(when):
                    when = timezone.make_aware(when)
                if when <= timezone.now():
                    messages.error(request, "Choose a time in the future.")
                else:
                    services.schedule(edition, when=when, by=user)
                    messages.success(
                        request, f"Scheduled for {timezone.localtime(when):%b %-d, %-I:%M %p}."
                    )
            elif action == "cancel":
                services.cancel(edition, by=user)
                messages.success(request, "Cancelled.")
            elif action == "retry":
                count = services.retry_failed(edition, by=user)
                messages.success(request, f"Resending {count} failed copies.")
        except (PermissionDenied, forms.ValidationError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return HttpResponseRedirect(back)

    def progress_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        edition = self._edition(request, pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Sending: {edition.subject}",
            "edition": edition,
            "opts": self.model._meta,
            "progress": sending.progress(edition),
            "chart": mark_safe(charts.progress_chart(edition)),  # noqa: S308 - built in charts.py, escaped
            "failures": edition.deliveries.exclude(error="")
            .values_list("error", flat=True)
            .distinct()[:10],
        }
        return TemplateResponse(request, "admin/newsletters/edition/progress.html", context)

    def change_view(
        self,
        request: HttpRequest,
        object_id: str,
        form_url: str = "",
        extra_context: dict | None = None,
    ) -> HttpResponse:
        edition = Edition.objects.filter(pk=object_id).first() if object_id.isdigit() else None
        extra = {**(extra_context or {})}
        if edition is not None:
            extra.update(
                edition=edition,
                progress=sending.progress(edition),
                default_when=(timezone.localtime() + dt.timedelta(hours=1)).strftime(
                    "%Y-%m-%d %H:%M"
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context=extra)


class BreakingAlertForm(forms.ModelForm):
    class Meta:
        model = BreakingAlert
        fields = ["article"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        since = timezone.now() - dt.timedelta(days=2)
        field = self.fields["article"]
        if not isinstance(field, forms.ModelChoiceField):  # declared so above
            raise TypeError(field)
        # What an editor would alert: stories published in the last two days, not yet alerted.
        field.queryset = (
            Article.objects.published()
            .filter(published_at__gte=since)
            .exclude(pk__in=BreakingAlert.objects.values("article_id"))
            .newest_first()
        )
        field.label = "Story"
        field.help_text = "Sent at once to everyone on the breaking-news list; one alert per story."


@admin.register(BreakingAlert)
class BreakingAlertAdmin(CheckedAdmin):
    """ "Send breaking alert": choose a published story; the worker sends it within the minute."""

    form = BreakingAlertForm
    list_display = ["article", "created_at", "created_by", "edition_progress"]
    list_select_related = ["article", "edition", "created_by"]

    @admin.display(description="Sent / failed / remaining")
    def edition_progress(self, obj: BreakingAlert) -> str:
        if obj.edition is None:
            return "—"
        p = sending.progress(obj.edition)
        return f"{p['sent']} / {p['failed']} / {p['remaining']}"

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: BreakingAlert, form: Any, change: bool) -> None:
        alert = services.send_breaking_alert(obj.article, by=request.user)  # type: ignore[arg-type]
        obj.pk = alert.pk
        obj.edition = alert.edition

    def response_add(
        self, request: HttpRequest, obj: BreakingAlert, post_url_continue: Any = None
    ) -> HttpResponse:
        messages.success(request, f"Breaking alert sent for “{obj.article.headline}”.")
        if obj.edition_id:
            return HttpResponseRedirect(
                reverse("admin:newsletters_edition_progress", args=[obj.edition_id])
            )
        return HttpResponseRedirect(reverse("admin:newsletters_breakingalert_changelist"))

    def get_queryset(self, request: HttpRequest) -> QuerySet[BreakingAlert]:
        return super().get_queryset(request).select_related("article")
