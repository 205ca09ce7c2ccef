"""One newsletter email: HTML with its plain-text part, and the list headers mail providers
require of bulk senders (RFC 2369 List-Unsubscribe, RFC 8058 one-click, RFC 2919 List-Id)."""

from __future__ import annotations

from email.utils import formataddr
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives

from masthead.newsletters.digest import Rendered, unsubscribe_url
from masthead.newsletters.models import Newsletter, Subscription


def from_address(newsletter: Newsletter) -> str:
    return formataddr((settings.PAPER_NAME, settings.MASTHEAD_NEWSLETTER_FROM))


def list_headers(newsletter: Newsletter, subscription: Subscription | None) -> dict[str, str]:
    host = urlsplit(settings.PAPER_URL).hostname or "localhost"
    headers = {"List-Id": f"{newsletter.name} <{newsletter.slug}.{host}>"}
    if subscription is not None and subscription.pk:
        links = [f"<{unsubscribe_url(subscription.pk)}>"]
        if settings.MASTHEAD_NEWSLETTER_UNSUBSCRIBE_MAILTO:
            mailto = settings.MASTHEAD_NEWSLETTER_UNSUBSCRIBE_MAILTO
            links.append(f"<mailto:{mailto}?subject=unsubscribe%20{newsletter.slug}>")
        headers["List-Unsubscribe"] = ", ".join(links)
        # RFC 8058: a POST of this body to the https link unsubscribes, with no page between.
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    return headers


def build(
    rendered: Rendered, *, newsletter: Newsletter, to: str, subscription: Subscription | None
) -> EmailMultiAlternatives:
    message = EmailMultiAlternatives(
        subject=rendered.subject,
        body=rendered.text,
        from_email=from_address(newsletter),
        to=[to],
        headers=list_headers(newsletter, subscription),
    )
    message.attach_alternative(rendered.html, "text/html")
    return message
