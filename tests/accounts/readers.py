"""What the accounts tests share: a reader's password, a verified crawler, a walled secret."""

from __future__ import annotations

PASSWORD = "correct horse battery staple"
GOOGLEBOT_UA = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
GOOGLEBOT_IP = "66.249.66.1"


def secret(article) -> str:
    return f"SECRET-FULL-TEXT-{article.pk}"
