"""Account emails, through Django's email framework (files in the data dir, or SMTP)."""

from __future__ import annotations

from urllib.parse import quote

from django.conf import settings
from django.core import signing
from django.core.mail import send_mail
from django.http import HttpRequest
from django.template.loader import render_to_string
from django.urls import reverse

from masthead.accounts.models import User

VERIFY_SALT = "masthead.accounts.verify-email"


def verification_token(user: User) -> str:
    # The address is part of the token: a link sent to an old address cannot verify a new one.
    return signing.dumps({"u": user.pk, "e": user.email}, salt=VERIFY_SALT, compress=True)


def read_verification_token(token: str) -> tuple[int, str]:
    """(user id, email) from a token; raises signing.BadSignature (or SignatureExpired)."""
    data = signing.loads(
        token, salt=VERIFY_SALT, max_age=settings.MASTHEAD_EMAIL_VERIFICATION_MAX_AGE
    )
    return int(data["u"]), str(data["e"])


def send_verification_email(request: HttpRequest, user: User) -> None:
    if not user.email:
        return
    url = request.build_absolute_uri(
        reverse("accounts:verify_email", args=[verification_token(user)])
    )
    context = {"user": user, "url": url, "paper_name": settings.PAPER_NAME}
    send_mail(
        subject=render_to_string("accounts/email/verify_subject.txt", context).strip(),
        message=render_to_string("accounts/email/verify_body.txt", context),
        from_email=None,
        recipient_list=[user.email],
    )


def send_sign_up_link(request: HttpRequest, *, email: str, token: str) -> None:
    """The link that creates the account (`services.complete_sign_up`)."""
    url = request.build_absolute_uri(reverse("accounts:signup_confirm", args=[token]))
    _send(email, "signup_link", {"url": url})


def send_account_exists(request: HttpRequest, *, email: str, next_url: str) -> None:
    """Someone asked to sign up with an address that has an account: tell its owner, not
    the form (which would tell anyone who asked)."""
    query = f"?next={quote(next_url)}" if next_url else ""
    context = {
        "signin_url": request.build_absolute_uri(reverse("accounts:login") + query),
        "reset_url": request.build_absolute_uri(reverse("accounts:password_reset")),
    }
    _send(email, "account_exists", context)


def _send(email: str, template: str, context: dict[str, str]) -> None:
    context = {**context, "email": email, "paper_name": settings.PAPER_NAME}
    send_mail(
        subject=render_to_string(f"accounts/email/{template}_subject.txt", context).strip(),
        message=render_to_string(f"accounts/email/{template}_body.txt", context),
        from_email=None,
        recipient_list=[email],
    )
