"""What an edition holds and how one copy of it looks.

An edition's stories are fixed when it is built (`snapshot`): the curated home front (the
editor's pins, then the newest: `selectors.front`), and a few stories of every section for the
readers who follow it. Each copy shows the front's stories and the sections its reader follows.

Never a story's body: a digest shows what a front shows (headline, summary, picture) and links
to the site, where the wall decides who reads the rest (`Article.effective_access`). A walled
story says so beside its link.

Rendering is per *variant* (the set of sections followed), not per reader: the template runs
and the CSS is inlined once per variant, and each reader's copy differs from it only by the
signed links substituted in (`Rendered.for_subscription`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import css_inline
from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from masthead.newsletters import tokens
from masthead.newsletters.models import Edition, Newsletter, Subscription
from masthead.newsroom import selectors
from masthead.newsroom.models import Access, Article, Section

# Stand-ins for the links that differ per reader: letters only, so neither the template engine
# nor the CSS inliner changes them.
UNSUBSCRIBE_MARK = "mhunsubscribeurlmark"
PREFERENCES_MARK = "mhpreferencesurlmark"

_INLINER = css_inline.CSSInliner(keep_style_tags=True, load_remote_stylesheets=False)


def absolute(path: str) -> str:
    return settings.PAPER_URL.rstrip("/") + path


def snapshot(newsletter: Newsletter) -> dict[str, Any]:
    """The stories of a new digest edition, as ids."""
    home = selectors.front(None, limit=max(newsletter.stories, 1))
    shown = {a.pk for a in home}
    sections: dict[str, list[int]] = {}
    for section in Section.objects.all():
        picked = selectors.front(section, limit=newsletter.per_section, exclude=shown)
        if picked:
            sections[str(section.pk)] = [a.pk for a in picked]
    return {
        "lead": home[0].pk if home else None,
        "top": [a.pk for a in home[1:]],
        "sections": sections,
    }


def default_subject(newsletter: Newsletter, content: dict[str, Any]) -> str:
    today = timezone.localdate()
    lead = Article.objects.filter(pk=content.get("lead") or 0).first()
    subject = f"{newsletter.name}, {today:%B} {today.day}"
    return f"{subject}: {lead.headline}"[:200] if lead else subject


@dataclass(frozen=True)
class Teaser:
    headline: str
    summary: str
    url: str
    image_url: str
    image_alt: str
    section: str
    walled: bool


def picture(article: Article) -> tuple[str, str]:
    """(absolute URL, alt) of the picture a front shows for the story, or ("", "").

    The stored lead picture's JPEG card where the story has one (mail clients show JPEG, not
    always WebP), else the wire's picture address.
    """
    # Read defensively: stories without stored pictures, and archives from before them.
    image = getattr(article, "lead_image", None)
    card = image.card() if image is not None else None
    if image is not None and card:
        address = default_storage.url(card["name"])
        if address.startswith("/"):
            address = absolute(address)
        return address, image.alt or article.headline
    return article.image_url, article.image_alt or article.headline


def teaser(article: Article) -> Teaser:
    image_url, image_alt = picture(article)
    return Teaser(
        headline=article.headline,
        # The summary a front shows, never text from the body: a walled story's body stays
        # behind the wall, and even a free one is read on the site.
        summary=article.summary,
        url=absolute(article.get_absolute_url()),
        image_url=image_url,
        image_alt=image_alt,
        section=article.section.name if article.section_id and article.section else "",
        walled=article.effective_access != Access.FREE,
    )


@dataclass
class Rendered:
    subject: str
    html: str
    text: str

    def for_subscription(self, subscription: Subscription | None, email: str) -> Rendered:
        """This copy with `subscription`'s links (a test send has none: its links are dead)."""
        if subscription is not None and subscription.pk:
            unsubscribe = unsubscribe_url(subscription.pk)
        else:
            unsubscribe = absolute(reverse("newsletters:home"))
        preferences = absolute(
            reverse("newsletters:preferences_token", args=[tokens.preferences_token(email)])
        )
        return Rendered(
            subject=self.subject,
            html=self.html.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(
                PREFERENCES_MARK, preferences
            ),
            text=self.text.replace(UNSUBSCRIBE_MARK, unsubscribe).replace(
                PREFERENCES_MARK, preferences
            ),
        )


def unsubscribe_url(subscription_id: int) -> str:
    return absolute(
        reverse("newsletters:unsubscribe", args=[tokens.unsubscribe_token(subscription_id)])
    )


@dataclass
class EditionRenderer:
    """Renders an edition's copies, once per set of sections followed."""

    edition: Edition
    _articles: dict[int, Article] = field(default_factory=dict)
    _variants: dict[frozenset[int], Rendered] = field(default_factory=dict)

    def __post_init__(self) -> None:
        ids = self.edition.story_ids()
        now = timezone.now()
        # A story killed or taken down since the edition was built drops out of every copy.
        found = Article.objects.published(now).filter(pk__in=ids).for_listing().in_bulk()
        self._articles = {pk: found[pk] for pk in ids if pk in found}

    def _pick(self, ids: list[int]) -> list[Article]:
        return [self._articles[int(i)] for i in ids if int(i) in self._articles]

    def context(self, sections_followed: frozenset[int]) -> dict[str, Any]:
        content = self.edition.content or {}
        front = self._pick(
            ([content["lead"]] if content.get("lead") else []) + content.get("top", [])
        )
        shown = {a.pk for a in front}
        blocks = []
        wanted = content.get("sections") or {}
        for section in Section.objects.filter(pk__in=sections_followed):
            stories = [a for a in self._pick(wanted.get(str(section.pk), [])) if a.pk not in shown]
            shown.update(a.pk for a in stories)
            if stories:
                blocks.append({"section": section, "stories": [teaser(a) for a in stories]})
        newsletter = self.edition.newsletter
        return {
            "paper_name": settings.PAPER_NAME,
            "paper_tagline": settings.PAPER_TAGLINE,
            "paper_url": settings.PAPER_URL.rstrip("/") + "/",
            "newsletter": newsletter,
            "edition": self.edition,
            "breaking": newsletter.kind == Newsletter.Kind.BREAKING,
            "lead": teaser(front[0]) if front else None,
            "top": [teaser(a) for a in front[1:]],
            "blocks": blocks,
            "web_url": absolute(self.edition.get_absolute_url()) if self.edition.pk else "",
            "unsubscribe_url": UNSUBSCRIBE_MARK,
            "preferences_url": PREFERENCES_MARK,
            "date": self.edition.scheduled_for or self.edition.started_at or timezone.now(),
        }

    def variant(self, sections_followed: frozenset[int]) -> Rendered:
        rendered = self._variants.get(sections_followed)
        if rendered is None:
            context = self.context(sections_followed)
            html = render_to_string("newsletters/email/edition.html", context)
            rendered = Rendered(
                subject=self.edition.subject,
                html=_INLINER.inline(html),
                text=render_to_string("newsletters/email/edition.txt", context),
            )
            self._variants[sections_followed] = rendered
        return rendered

    def copy_for(self, subscription: Subscription) -> Rendered:
        followed = frozenset(s.pk for s in subscription.sections.all())
        return self.variant(followed).for_subscription(subscription, subscription.email)
