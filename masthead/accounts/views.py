"""Reader account pages. Django's auth views subclassed, so CSRF, safe `next` handling and
session rotation are Django's; ours add the meter merge, the throttle and the templates."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core import signing
from django.http import HttpRequest, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import resolve_url
from django.urls import reverse, reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.views import View
from django.views.generic import FormView, TemplateView

from masthead.accounts import emails, services, throttle
from masthead.accounts.access import visitor_meter_key
from masthead.accounts.forms import (
    ChangeEmailForm,
    DeleteAccountForm,
    SignInForm,
    SignUpForm,
    ThrottledPasswordChangeForm,
)
from masthead.accounts.models import NEXT_URL_MAX_LENGTH, User

TOO_MANY = "Too many requests from your network. Please try again in an hour."


class AuthenticatedHttpRequest(HttpRequest):
    """The request a view behind LoginRequiredMixin sees: its `user` is a signed-in User,
    never AnonymousUser. For type checking only; Django builds the requests."""

    user: User


def safe_next(request: HttpRequest, candidate: str | None) -> str:
    """`candidate` if it points into this site and is short enough to keep, else "".

    A sign-up stores its `next` until the emailed link is opened; one longer than that column
    is no link of ours, and made the sign-up a 500 on PostgreSQL.
    """
    if (
        candidate
        and len(candidate) <= NEXT_URL_MAX_LENGTH
        and url_has_allowed_host_and_scheme(
            candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
    ):
        return candidate
    return ""


class SignInView(auth_views.LoginView):
    form_class = SignInForm
    template_name = "accounts/login.html"
    redirect_authenticated_user = True

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        visitor_key = visitor_meter_key(self.request)
        response = super().form_valid(form)
        services.merge_visitor_history(user=form.get_user(), visitor_key=visitor_key)
        return response


class SignOutView(auth_views.LogoutView):
    template_name = "accounts/logged_out.html"


class SignUpView(FormView):
    """Sign-up answers the same whether or not the address has an account: "check your email".

    The email says the rest (a link that creates the account, or "you already have one"), so
    the form is no way to learn who reads the paper. Every POST counts against the address's
    hourly allowance, before validation, so probing costs the same as signing up.
    """

    form_class = SignUpForm
    template_name = "accounts/signup.html"

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponseBase:
        if request.user.is_authenticated:
            return HttpResponseRedirect(self.get_next() or resolve_url(settings.LOGIN_REDIRECT_URL))
        return super().dispatch(request, *args, **kwargs)

    def get_next(self) -> str:
        candidate = self.request.POST.get("next") or self.request.GET.get("next")
        return safe_next(self.request, candidate)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(next=self.get_next(), **kwargs)

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if throttle.over_address_rate(
            request, "signup", limit=settings.MASTHEAD_SIGNUP_MAX_PER_HOUR, seconds=3600
        ):
            form = self.get_form()
            form.is_valid()
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: SignUpForm) -> HttpResponse:
        started = services.start_sign_up(
            email=form.cleaned_data["email"],
            password=form.cleaned_data["password"],
            display_name=form.cleaned_data["display_name"],
            visitor_key=visitor_meter_key(self.request),
            next_url=self.get_next(),
            consents=form.consents(),
        )
        # At most a few emails an hour to one address, whoever asks (the same cap as reset
        # links); beyond it the answer is unchanged and nothing is sent.
        if not throttle.over_rate(
            "signup-email",
            started.email,
            limit=settings.MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR,
            seconds=3600,
        ):
            if started.account_exists:
                emails.send_account_exists(
                    self.request, email=started.email, next_url=self.get_next()
                )
            else:
                emails.send_sign_up_link(self.request, email=started.email, token=started.token)
        self.request.session["signup_email"] = started.email
        return HttpResponseRedirect(reverse("accounts:signup_sent"))


class SignUpSentView(TemplateView):
    template_name = "accounts/signup_sent.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(email=self.request.session.get("signup_email", ""))


class SignUpConfirmView(TemplateView):
    """The emailed link. Opening it (GET) only shows a button: mail scanners that fetch every
    link must not create the account or sign themselves in. The POST does both."""

    template_name = "accounts/signup_confirm.html"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        pending = services.pending_sign_up(kwargs["token"])
        if pending is None:
            return self._gone()
        return self.render_to_response(self.get_context_data(email=pending.email))

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user, next_url = services.complete_sign_up(
            token=kwargs["token"], visitor_key=visitor_meter_key(request)
        )
        if user is None:
            return self._gone()
        login(request, user, backend=settings.AUTHENTICATION_BACKENDS[0])
        messages.success(request, f"Welcome to {settings.PAPER_NAME}. Your account is ready.")
        # `next` was checked when the link was made; checked again, as anything stored is.
        return HttpResponseRedirect(
            safe_next(request, next_url) or resolve_url(settings.LOGIN_REDIRECT_URL)
        )

    def _gone(self) -> HttpResponse:
        messages.error(
            self.request,
            "That sign-up link is invalid, used or expired. If you already have an account, "
            "sign in; otherwise sign up again.",
        )
        return HttpResponseRedirect(reverse("accounts:login"))


class AccountView(LoginRequiredMixin, TemplateView):
    template_name = "accounts/account.html"


class ChangeEmailView(LoginRequiredMixin, FormView):
    request: AuthenticatedHttpRequest
    form_class = ChangeEmailForm
    template_name = "accounts/email_change.html"
    success_url = reverse_lazy("accounts:account")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "request": self.request, **super().get_form_kwargs()}

    def form_valid(self, form: ChangeEmailForm) -> HttpResponse:
        user = services.change_email(user=self.request.user, email=form.cleaned_data["email"])
        emails.send_verification_email(self.request, user)
        messages.success(
            self.request, f"Your email address is now {user.email}. We sent a link to confirm it."
        )
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = ThrottledPasswordChangeForm
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:account")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"request": self.request, **super().get_form_kwargs()}

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        messages.success(self.request, "Your password has been changed.")
        return response


class DeleteAccountView(LoginRequiredMixin, FormView):
    request: AuthenticatedHttpRequest
    form_class = DeleteAccountForm
    template_name = "accounts/delete.html"
    success_url = reverse_lazy("site:home")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {"user": self.request.user, "request": self.request, **super().get_form_kwargs()}

    def form_valid(self, form: DeleteAccountForm) -> HttpResponse:
        user = self.request.user
        logout(self.request)
        services.delete_account(user=user)
        messages.success(self.request, "Your account and its reading history have been deleted.")
        return super().form_valid(form)


class VerifyEmailView(View):
    """The link in the verification email: a signed token, so nothing is stored to check it."""

    def get(self, request: HttpRequest, token: str) -> HttpResponse:
        try:
            user_id, email = emails.read_verification_token(token)
        except signing.BadSignature:
            messages.error(request, "That confirmation link is invalid or has expired.")
            return HttpResponseRedirect(reverse("accounts:account"))
        user = User.objects.filter(pk=user_id).first()
        if user is not None and services.mark_email_verified(user=user, email=email):
            messages.success(request, f"Thank you: {email} is confirmed.")
        else:
            messages.error(request, "That link was for an address this account no longer uses.")
        return HttpResponseRedirect(reverse("accounts:account"))


class ResendVerificationView(LoginRequiredMixin, View):
    def post(self, request: AuthenticatedHttpRequest) -> HttpResponse:
        user = request.user
        if not user.email_verified:
            emails.send_verification_email(request, user)
            messages.success(request, f"We sent a new confirmation link to {user.email}.")
        return HttpResponseRedirect(reverse("accounts:account"))


class PasswordResetView(auth_views.PasswordResetView):
    """Django's: the same answer whether or not an account has the address."""

    template_name = "accounts/password_reset_form.html"
    email_template_name = "accounts/email/password_reset_body.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")
    extra_email_context = {"paper_name": settings.PAPER_NAME}

    def form_valid(self, form: Any) -> HttpResponse:
        if throttle.over_address_rate(
            self.request, "reset", limit=settings.MASTHEAD_RESET_MAX_PER_HOUR, seconds=3600
        ):
            form.add_error(None, TOO_MANY)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        if throttle.over_rate(
            "reset-email",
            form.cleaned_data["email"],
            limit=settings.MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR,
            seconds=3600,
        ):
            # Same answer as a sent link: saying "too many for this address" would tell a
            # stranger that the address has an account, and the owner has links already.
            return HttpResponseRedirect(self.get_success_url())
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    success_url = reverse_lazy("accounts:password_reset_complete")

    def form_valid(self, form: Any) -> HttpResponse:
        response = super().form_valid(form)
        # The owner proved control of the mailbox: lift a lockout others' guessing caused.
        for identifier in {form.user.email, form.user.get_username()} - {""}:
            throttle.succeeded(identifier)
        return response


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"
