"""RSS 2.0 and Atom feeds for the whole paper, each section and each tag.

Django's syndication `Feed` configured by attributes. Every story carries its summary, as
text; free stories (effective access free) also carry their full, already-sanitised body, as
HTML content; a walled story's body never appears. Killed, embargoed, scheduled and duplicate
stories never appear (`published()`).

Headlines, summaries, bylines and tags are plain text: the text pipeline decoded their
entities, so a summary may spell out `<img …>` as characters the reader should see. Django's
generators send the description as HTML (Atom `summary type="html"`, RSS's entity-encoded
HTML `description`), which a feed reader would render as live markup; the generators below
send it as text instead, and keep HTML for the sanitised body alone.

A corrected story's entry is `updated` at its latest correction (`Article.last_modified`), and
its summary, and a free story's body, end with its dated correction notes, oldest first: a
feed reader that showed the story before shows it again with what was wrong. A walled story's
entry gains the notes only, never its body.
"""

from __future__ import annotations

import contextvars
import datetime as dt
import html
import re
from typing import Any

from django.conf import settings
from django.contrib.syndication.views import Feed
from django.db.models import prefetch_related_objects
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import dateformat, timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed, SyndicationFeed
from django.utils.html import format_html
from django.utils.xmlutils import SimplerXMLGenerator

from masthead.lib import surrogates
from masthead.newsroom.models import Access, Article, ArticleQuerySet, Correction, Section, Tag
from masthead.newsroom.pictures import url as rendition_url

# Characters XML 1.0 forbids; one stray control character would make the whole feed unreadable.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"  # RSS 1.0's content module
MEDIA_NS = "http://search.yahoo.com/mrss/"  # Media RSS: the lead picture of each entry
CORRECTION_DATE = "F j, Y, g:i A T"  # as the story's page dates them, in the paper's time zone


_feed_request: contextvars.ContextVar[HttpRequest | None] = contextvars.ContextVar(
    "feed_request", default=None
)


def _xml_safe(text: str) -> str:
    return _XML_INVALID.sub("", text or "")


def _dated(correction: Correction) -> str:
    return dateformat.format(timezone.localtime(correction.published_at), CORRECTION_DATE)


def corrections_text(article: Article) -> str:
    """The story's correction notes as plain text, one paragraph each ("" if none)."""
    return "\n\n".join(
        f"Correction ({_dated(c)}): {_xml_safe(c.note)}" for c in article.corrections_in_order
    )


def corrections_html(article: Article) -> str:
    """The same notes as HTML, to end a body with (the notes escaped: they are text)."""
    return "".join(
        format_html(
            '<p class="correction"><strong>Correction</strong> (<time datetime="{}">{}</time>): '
            "{}</p>",
            c.published_at.isoformat(),
            _dated(c),
            _xml_safe(c.note),
        )
        for c in article.corrections_in_order
    )


def add_media(handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
    """The entry's lead picture as Media RSS `media:content`, with its credit and caption."""
    media = item.get("media")
    if not media:
        return
    # A plain dict, as Django's own generators pass (the stubs ask for sax's AttributesImpl).
    attrs: Any = {
        "url": media["url"],
        "type": "image/jpeg",
        "medium": "image",
        "width": str(media["width"]),
        "height": str(media["height"]),
    }
    handler.startElement("media:content", attrs)
    if media["credit"]:
        handler.addQuickElement("media:credit", media["credit"])
    if media["description"]:
        handler.addQuickElement("media:description", media["description"], {"type": "plain"})
    handler.endElement("media:content")


def _summary_text(item: dict[str, Any]) -> str:
    """An item's text summary: the story's summary, then its correction notes."""
    return "\n\n".join(t for t in (item["description"], item.get("corrections_text")) if t)


class TextSummaryRssFeed(Rss201rev2Feed):
    """RSS 2.0 whose description is the plain-text summary and whose `content:encoded` is the
    body (free stories only).

    RSS's description is entity-encoded HTML, so the text is HTML-escaped once more: a reader
    decodes the XML, then renders `&lt;img …&gt;` as the characters. A free story without a
    summary (wire copy often has none) sends its body as the description instead, once, so a
    reader that ignores `content:encoded` still has the story. Titles, `dc:creator` and
    categories stay plain text, as the RSS Advisory Board reads the spec (no HTML outside the
    description).
    """

    def rss_attributes(self) -> dict[str, str]:
        return {**super().rss_attributes(), "xmlns:content": CONTENT_NS, "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        body = item.get("content_html")  # ends with the correction notes, if any
        if not item["description"] and body:
            super().add_item_elements(handler, {**item, "description": body})
            return
        text = _summary_text(item)
        description = html.escape(text, quote=False) if text else None
        super().add_item_elements(handler, {**item, "description": description})
        if body:
            handler.addQuickElement("content:encoded", body)
        add_media(handler, item)


class TextSummaryAtomFeed(Atom1Feed):
    """Atom whose summary is `type="text"` and whose content (free stories only) is the body.

    Django writes every summary as `type="html"`; the description is handed to it as None and
    written here instead. Atom's title, author name, category term and rights are text by
    default, as Django writes them.
    """

    def root_attributes(self) -> dict[str, str]:
        return {**super().root_attributes(), "xmlns:media": MEDIA_NS}

    def add_item_elements(self, handler: SimplerXMLGenerator, item: dict[str, Any]) -> None:
        super().add_item_elements(handler, {**item, "description": None})
        text = _summary_text(item)
        if text:
            handler.addQuickElement("summary", text, {"type": "text"})
        if item.get("content_html"):
            handler.addQuickElement("content", item["content_html"], {"type": "html"})
        add_media(handler, item)


class _StoriesFeed(Feed):
    """What every feed shares: its items and how each is written.

    Each concrete feed names its own title, description and link: the whole paper's take no
    object, a section's or tag's take the one `get_object` found, so they cannot share one
    signature (a subclass narrowing it would break substitutability).
    """

    feed_type: type[SyndicationFeed] = TextSummaryRssFeed
    limit = 50  # feed readers poll; 50 covers a busy day between polls without a heavy page

    def __init__(self) -> None:
        super().__init__()
        self.language = settings.PAPER_LANGUAGE

    def base_queryset(self, obj: Any) -> ArticleQuerySet:
        raise NotImplementedError

    def get_feed(self, obj: Any, request: HttpRequest) -> SyndicationFeed:
        # Pictures' URLs are made absolute as the links are, from the request; the feed
        # object is shared by every thread, so the request goes in a context variable.
        token = _feed_request.set(request)
        try:
            return super().get_feed(obj, request)
        finally:
            _feed_request.reset(token)

    def _absolute(self, url: str) -> str:
        request = _feed_request.get()
        if request is not None:
            return request.build_absolute_uri(url)
        return settings.PAPER_URL.rstrip("/") + url

    def items(self, obj: Any = None) -> list[Article]:
        stories = list(self.base_queryset(obj).newest_first().for_page()[: self.limit])
        # Only corrected stories have corrections to read: one query for them all, and none
        # for a feed of stories never corrected (`Article.corrections_in_order`).
        prefetch_related_objects([a for a in stories if a.corrected_at], "corrections")
        return stories

    # -- each item ------------------------------------------------------------------------
    def item_title(self, item: Article) -> str:
        return _xml_safe(item.headline)

    def item_description(self, item: Article) -> str:
        """The summary, as plain text: the feed type decides how text is written."""
        return _xml_safe(item.summary)

    def item_extra_kwargs(self, item: Article) -> dict[str, Any]:
        """A free story's full body, the one HTML an item carries, and the story's correction
        notes (which the generators put after the summary, and the body ends with).

        The body is the stored one, sanitised at ingest and on editor input (`clean_html`), the
        same HTML the article page sends.
        """
        extra: dict[str, Any] = {"corrections_text": corrections_text(item)}
        image = item.lead_image
        widest = image.widths("jpeg")[-1:] if image is not None else []
        if image is not None and widest:
            extra["media"] = {
                "url": self._absolute(rendition_url(widest[0]["name"])),
                "width": widest[0]["width"],
                "height": widest[0]["height"],
                "credit": _xml_safe(image.credit),
                "description": _xml_safe(image.caption or image.alt),
            }
        if item.effective_access == Access.FREE and item.body:
            extra["content_html"] = _xml_safe(item.body) + corrections_html(item)
        return extra

    def item_link(self, item: Article) -> str:
        return item.get_absolute_url()

    # No item_guid: the syndication framework then uses the absolute link, a permalink.

    def item_pubdate(self, item: Article) -> dt.datetime | None:
        return item.published_at

    def item_updateddate(self, item: Article) -> dt.datetime | None:
        return item.last_modified

    def item_author_name(self, item: Article) -> str | None:
        names = item.byline_names
        return _xml_safe(", ".join(names)) if names else None

    def item_categories(self, item: Article) -> list[str]:
        return [_xml_safe(t.name) for t in item.tags.all()]

    def item_copyright(self, item: Article) -> str:
        return _xml_safe(item.copyright)


class LatestStoriesFeed(_StoriesFeed):
    # `obj` is always None here (no `get_object`), but Django passes it to a method taking one.
    def title(self, obj: None = None) -> str:
        return settings.PAPER_NAME

    def description(self, obj: None = None) -> str:
        return settings.PAPER_TAGLINE

    def link(self, obj: None = None) -> str:
        return reverse("site:home")

    def base_queryset(self, obj: None) -> ArticleQuerySet:
        surrogates.note(surrogates.TOP)
        return Article.objects.published()


class LatestStoriesAtomFeed(LatestStoriesFeed):
    feed_type = TextSummaryAtomFeed
    subtitle = LatestStoriesFeed.description


class SectionFeed(_StoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Section:
        return get_object_or_404(Section, slug=slug)

    def title(self, obj: Section) -> str:
        return f"{obj.name} · {settings.PAPER_NAME}"

    def description(self, obj: Section) -> str:
        return obj.description or f"{obj.name} from {settings.PAPER_NAME}"

    def link(self, obj: Section) -> str:
        return obj.get_absolute_url()

    def base_queryset(self, obj: Section) -> ArticleQuerySet:
        surrogates.note(surrogates.section_list(obj.pk))
        return Article.objects.published().in_section(obj)


class SectionAtomFeed(SectionFeed):
    feed_type = TextSummaryAtomFeed
    subtitle = SectionFeed.description


class TagFeed(_StoriesFeed):
    def get_object(self, request: HttpRequest, slug: str) -> Tag:
        return get_object_or_404(Tag, slug=slug)

    def title(self, obj: Tag) -> str:
        return f"{obj.name} · {settings.PAPER_NAME}"

    def description(self, obj: Tag) -> str:
        return f"Stories tagged {obj.name} in {settings.PAPER_NAME}"

    def link(self, obj: Tag) -> str:
        return obj.get_absolute_url()

    def base_queryset(self, obj: Tag) -> ArticleQuerySet:
        surrogates.note(surrogates.tag_list(obj.pk))
        return Article.objects.published().with_tag(obj)


class TagAtomFeed(TagFeed):
    feed_type = TextSummaryAtomFeed
    subtitle = TagFeed.description
