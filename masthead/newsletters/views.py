"""The reader's side of newsletters: subscribe (double opt-in), confirm, one-click
unsubscribe, preferences, and the public archive of past editions.

None of these pages is shared-cacheable (no `Cache-Control: public`): forms carry CSRF tokens
and signed links name one reader; the archive and web versions are small and rarely read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.decorators import method_decorator
from django.views import View
from django.views.decorators.csrf import csrf_exempt
from django.views.generic import DetailView, FormView, ListView, TemplateView

from masthead.accounts import throttle
from masthead.accounts.models import User
from masthead.newsletters import digest, services, tokens
from masthead.newsletters.forms import PreferencesForm, SubscribeForm
from masthead.newsletters.models import Edition, Newsletter, Subscription

TOO_MANY = "Too many requests from your network. Please try again in an hour."


class SubscribeView(FormView):
    form_class = SubscribeForm
    template_name = "newsletters/subscribe.html"

    def get_initial(self) -> dict[str, Any]:
        user = self.request.user
        initial: dict[str, Any] = {}
        if isinstance(user, User) and user.email:
            initial["email"] = user.email
        chosen = self.request.GET.get("list")
        if chosen:
            initial["newsletters"] = Newsletter.objects.filter(slug=chosen[:60], is_public=True)
        return initial

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            newsletters=Newsletter.objects.filter(is_public=True), **kwargs
        )

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.over_address_rate(
            request,
            "newsletter-subscribe",
            limit=settings.MASTHEAD_NEWSLETTER_SUBSCRIBE_MAX_PER_HOUR,
            seconds=3600,
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: SubscribeForm) -> HttpResponse:
        email = services.normalize_email(form.cleaned_data["email"])
        newsletters = list(form.cleaned_data["newsletters"])
        done = False
        # A few confirmation emails an hour to one address at most, whoever asks; past that
        # the answer is the same and nothing is sent (no mail-bombing through our form).
        if not throttle.over_rate(
            "newsletter-email",
            email,
            limit=settings.MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR,
            seconds=3600,
        ):
            done = services.request_subscription(
                self.request, email=email, newsletters=newsletters, source="site form"
            )
        self.request.session["newsletter_done"] = done
        return HttpResponseRedirect(reverse("newsletters:sent"))


class SubscribeSentView(TemplateView):
    template_name = "newsletters/subscribe_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        done = bool(self.request.session.get("newsletter_done", False))
        return super().get_context_data(subscribed=done, **kwargs)


class ConfirmView(TemplateView):
    """The double opt-in link. GET only shows a button: mail scanners open every link, and
    must not subscribe anyone. The POST subscribes."""

    template_name = "newsletters/confirm.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        read = tokens.read_confirm_token(kwargs["token"])
        if read is None:
            return self._invalid()
        email, ids, _source = read
        lists = Newsletter.objects.filter(pk__in=ids)
        return self.render_to_response(self.get_context_data(email=email, newsletters=lists))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        subscriptions = services.confirm(
            kwargs["token"], consent_hash=services.address_hash(request)
        )
        if subscriptions is None:
            return self._invalid()
        names = ", ".join(s.newsletter.name for s in subscriptions)
        messages.success(request, f"Thank you: you are subscribed to {names}.")
        email = subscriptions[0].email if subscriptions else ""
        return HttpResponseRedirect(
            reverse("newsletters:preferences_token", args=[tokens.preferences_token(email)])
        )

    def _invalid(self) -> HttpResponse:
        messages.error(
            self.request,
            "That confirmation link is invalid or has expired. Please subscribe again.",
        )
        return HttpResponseRedirect(reverse("newsletters:home"))


@method_decorator(csrf_exempt, name="dispatch")
class UnsubscribeView(View):
    """The link in every email and in its List-Unsubscribe header.

    POST unsubscribes at once, with no page: RFC 8058's one-click (the mail client posts
    `List-Unsubscribe=One-Click`, with no cookie and so no CSRF token; the signed token is the
    authority, and nothing but unsubscribing can be done with it). GET shows a button, so a
    mail scanner opening the link unsubscribes nobody. Both are idempotent.
    """

    def subscription(self, token: str) -> Subscription:
        pk = tokens.read_unsubscribe_token(token)
        subscription = (
            Subscription.objects.filter(pk=pk).select_related("newsletter").first()
            if pk is not None
            else None
        )
        if subscription is None:
            raise Http404("Unknown unsubscribe link")
        return subscription

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        subscription = self.subscription(token)
        return TemplateResponse(
            request,
            "newsletters/unsubscribe.html",
            {
                "subscription": subscription,
                "done": subscription.unsubscribed_at is not None,
                "preferences_url": reverse(
                    "newsletters:preferences_token",
                    args=[tokens.preferences_token(subscription.email)],
                ),
            },
        )

    def post(self, request: HttpRequest, token: str) -> HttpResponse:
        subscription = self.subscription(token)
        one_click = request.POST.get("List-Unsubscribe") == "One-Click"
        services.unsubscribe(subscription, reason="one-click" if one_click else "link")
        if one_click:
            return HttpResponse("Unsubscribed.\n", content_type="text/plain; charset=utf-8")
        subscription.refresh_from_db()
        return self.get(request, token)


class PreferencesView(FormView):
    """Which lists, and which sections in the digest: for a signed-in reader's address, or for
    the address a signed link from an email names."""

    form_class = PreferencesForm
    template_name = "newsletters/preferences.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        token = kwargs.get("token")
        user = request.user if isinstance(request.user, User) else None
        self.user = user
        if token is not None:
            email = tokens.read_preferences_token(token)
            if email is None:
                raise Http404("Unknown preferences link")
            self.email = email
        elif user is not None and user.email:
            self.email = user.email
        else:
            return HttpResponseRedirect(
                reverse("accounts:login") + "?next=" + reverse("newsletters:preferences")
            )
        self.subscriptions = list(
            Subscription.objects.of_address(self.email).prefetch_related("sections")
        )
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {
            **super().get_form_kwargs(),
            "subscribed_ids": {s.newsletter_id for s in self.subscriptions},
        }

    def get_initial(self) -> dict[str, Any]:
        active = [s for s in self.subscriptions if s.is_active]
        sections = {sec.pk for s in active for sec in s.sections.all()}
        return {"newsletters": [s.newsletter_id for s in active], "sections": list(sections)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(email=self.email, **kwargs)

    def form_valid(self, form: PreferencesForm) -> HttpResponse:
        services.update_preferences(
            email=self.email,
            newsletter_ids={n.pk for n in form.cleaned_data["newsletters"]},
            section_ids={s.pk for s in form.cleaned_data["sections"]},
            user=self.user if self.user is not None and self.user.email == self.email else None,
            consent_hash=services.address_hash(self.request),
        )
        messages.success(self.request, "Your newsletter choices are saved.")
        return HttpResponseRedirect(self.request.path)


class ArchiveView(ListView):
    template_name = "newsletters/archive.html"
    paginate_by = 30
    context_object_name = "editions"

    def get_queryset(self) -> Any:
        self.newsletter = get_object_or_404(Newsletter, slug=self.kwargs["slug"], is_public=True)
        return Edition.objects.filter(
            newsletter=self.newsletter, state=Edition.State.SENT
        ).order_by("-sent_at", "-id")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(newsletter=self.newsletter, **kwargs)


class EditionView(DetailView):
    """An edition's web version: what the email showed (teasers only), for anyone."""

    template_name = "newsletters/edition.html"
    context_object_name = "edition"

    def get_queryset(self) -> Any:
        return Edition.objects.filter(
            newsletter__slug=self.kwargs["slug"],
            newsletter__is_public=True,
            state=Edition.State.SENT,
        ).select_related("newsletter")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        renderer = digest.EditionRenderer(self.object)
        return super().get_context_data(**renderer.context(frozenset()), **kwargs)
