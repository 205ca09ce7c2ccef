"""Account emails, through Django's email framework (files in the data dir, or SMTP)."""

from __future__ import annotations

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
