"""The reader site: fronts, section and tag pages, article pages.

Server-rendered HTML that reads with JavaScript off. Blocks come from
`masthead.newsroom.selectors` and `masthead.discovery.selectors`, never from queries in templates.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView

from masthead.accounts import meter_notice
from masthead.accounts.access import (
    ArticleAccess,
    Visitor,
    check_article_access,
    effective_level,
    finish_response,
)
from masthead.accounts.meter import AccessDecision, Level, Reader, Reason
from masthead.discovery import selectors as discovery
from masthead.edge import blocks, pagecache
from masthead.edge import middleware as edge_middleware
from masthead.lib import surrogates
from masthead.newsroom import preview, selectors
from masthead.newsroom.models import Article, Correction, Section, Tag

if TYPE_CHECKING:
    # A stub-only protocol: what ListView paginates (a QuerySet here, a list elsewhere).
    from django.core.paginator import Page, Paginator, _SupportsPagination


# The section the Local block already covers (the home page and story pages show no second
# block of it); the demo and most papers call it so.
LOCAL_SECTION = "local"
# Blocks every story page shares are kept this deep, so that each can still show five after
# leaving out the stories already in the column above it.
SHARED_DEPTH = 15


class PublicPage:
    """Pages every reader gets alike: shared caches may keep them (purged on change)."""

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        response = super().dispatch(request, *args, **kwargs)  # type: ignore[misc]
        # A signed-in reader's page has their name and a sign-out form: never shared.
        if response.status_code == 200 and not request.user.is_authenticated:
            patch_cache_control(response, public=True)
        return response


class HomeView(PublicPage, TemplateView):
    template_name = "site/home.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        """The front: the editor's pins lead, then the newest; every block below leaves out
        what is already on the page, so no story appears twice."""
        context = super().get_context_data(**kwargs)
        top = selectors.front(None, limit=5)
        shown = {a.pk for a in top}
        popular = discovery.popular_articles(limit=5, exclude_ids=shown)
        shown.update(a.pk for a in popular)
        local = selectors.local_stories(limit=5, exclude_ids=shown)
        shown.update(a.pk for a in local)
        home_sections = list(Section.objects.filter(on_home=True).exclude(slug=LOCAL_SECTION))
        context.update(
            lead=top[0] if top else None,
            top_stories=top[1:],
            section_blocks=[
                b for b in selectors.section_blocks(home_sections, exclude=shown) if b[1]
            ],
            local_stories=local,
            popular_stories=popular,
        )
        return context


class ArchiveListView(PublicPage, ListView):
    """A paginated, newest-first list of visible stories (sections and tags)."""

    template_name = "site/article_list.html"
    context_object_name = "articles"
    # Fronts page back this far (1,000 stories at 20 a page); older ones are found through
    # search. Counting every story of a big section for the page links grows with the archive;
    # counting at most this many pages' worth does not.
    max_pages = 50

    def get_paginate_by(self, queryset: QuerySet[Article]) -> int:
        return settings.MASTHEAD_PAGE_SIZE

    def paginate_queryset(
        self, queryset: _SupportsPagination[Article], page_size: int
    ) -> tuple[Paginator[Article], Page[Article], _SupportsPagination[Article], bool]:
        return super().paginate_queryset(queryset[: page_size * self.max_pages], page_size)


class SectionView(ArchiveListView):
    """A section's front: its lead and top stories (the editor's pins, then the newest), and
    below them the rest of the section, newest first, in pages."""

    template_name = "site/section.html"
    front_size = 5

    def get_queryset(self) -> QuerySet[Article]:
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        surrogates.note(surrogates.section_list(self.section.pk))
        self.front = selectors.front(self.section, limit=self.front_size)
        return (
            Article.objects.published()
            .in_section(self.section)
            .exclude(pk__in=[a.pk for a in self.front])
            .newest_first()
            .for_listing()
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(
            heading=self.section.name,
            section=self.section,
            description=self.section.description,
            **kwargs,
        )
        first_page = context["page_obj"] is None or context["page_obj"].number == 1
        front = self.front if first_page else []
        context.update(lead=front[0] if front else None, top_stories=front[1:])
        return context


class TagView(ArchiveListView):
    def get_queryset(self) -> QuerySet[Article]:
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        surrogates.note(surrogates.tag_list(self.tag.pk))
        return Article.objects.published().with_tag(self.tag).newest_first().for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(heading=self.tag.name, tag=self.tag, **kwargs)


class CorrectionsView(PublicPage, ListView):
    """The paper's corrections, newest first: each dated, with its story's headline and note.

    Paged like a section (and as far back, `ArchiveListView.max_pages`). The page notes
    `corrections`, which every new correction purges, and each story it links (`a<id>`), so a
    story killed, unpublished or renamed leaves it or changes on it at once.
    """

    template_name = "site/corrections.html"
    context_object_name = "corrections"

    def get_paginate_by(self, queryset: QuerySet[Correction]) -> int:
        return settings.MASTHEAD_PAGE_SIZE

    def get_queryset(self) -> QuerySet[Correction]:
        surrogates.note(surrogates.CORRECTIONS)
        shown = settings.MASTHEAD_PAGE_SIZE * ArchiveListView.max_pages
        return Correction.objects.public().newest_first().for_listing()[:shown]


class ArticleView(DetailView):
    template_name = "site/article.html"
    context_object_name = "article"
    access: ArticleAccess | None = None
    # What the origin's cache calls this view's faces (the page, or the ESI fragment).
    face_name = "face"
    # The part of the page the meter decides (its own response behind an ESI edge).
    face_template = "site/includes/story_face.html"

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.for_page()

    def get_object(self, queryset: QuerySet[Article] | None = None) -> Article:
        """The story with what its page shows of it (source, sections, tags, authors), from the
        origin's cache while none of its keys is purged: a read whose face is cached then
        touches no database but for the meter. Only a story readers may see now is kept (it
        stays visible until a change, which purges it); a scheduled or embargoed one is looked
        up each time, so it appears on the minute."""
        if not settings.MASTHEAD_PAGE_CACHE or queryset is not None:
            return super().get_object(queryset)
        name = f"story:{self.kwargs[self.slug_url_kwarg]}"
        entry = pagecache.get(name)
        if entry is not None and isinstance(entry.value, Article):
            surrogates.note(*entry.versions)
            return entry.value
        started = time.time()
        article: Article = super().get_object()
        if article.is_visible():
            # Its tags' and sections' names are shown (a rename purges `nav` or `t<id>`).
            keys = {
                surrogates.article(article.pk),
                surrogates.NAV,
                surrogates.source(article.source_id),
            }
            keys.update(surrogates.tag_list(tag.pk) for tag in article.tags.all())
            value = pagecache.Entry(status=200, content=b"", value=article)
            pagecache.put(name, value, keys, rendered_since=started)
        return article

    def story(self, request: HttpRequest) -> Article | HttpResponse:
        """The story, or the answer when it cannot be shown (withdrawn, merged, not yet out)."""
        article = self.get_object()
        if article.is_killed:
            # 410 tells readers, caches and search engines that the story was withdrawn.
            surrogates.note(surrogates.article(article.pk))
            gone = render(request, "site/gone.html", {"article": article}, status=410)
            patch_cache_control(gone, public=True)
            gone["X-Robots-Tag"] = "noindex"
            return gone
        if article.duplicate_of_id is not None and article.duplicate_of is not None:
            return HttpResponsePermanentRedirect(article.duplicate_of.get_absolute_url())
        if not article.is_visible():
            raise Http404("No such story.")
        return article

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = self.story(request)
        if isinstance(found, HttpResponse):
            return found
        article = self.object = found
        if (
            effective_level(article) is not Level.FREE
            and edge_middleware.renders_esi(request)
            and edge_middleware.anonymous(request)
        ):
            return self.shell(article)
        # The wall: decided (and the read metered) before rendering, so the template only ever
        # receives what this reader may see; the response is made private when it depends on
        # the reader, so that no shared cache serves it to someone else.
        self.access = check_article_access(request, article)
        response = self.render_face(
            request, article, lambda: self.render_to_response(self.get_context_data())
        )
        finish_response(request, response, self.access)
        return response

    def shell(self, article: Article) -> HttpResponse:
        """A metered story for an edge that renders ESI: the page every reader shares, with an
        include of the face, which the edge fetches from the origin on every read. The shell
        holds none of the body, so the edge may keep it for everyone."""
        self.access = None
        response = self.render_to_response(
            self.get_context_data(esi_face_url=reverse("site:article-face", args=[article.slug]))
        )
        patch_cache_control(response, public=True)
        response["Surrogate-Control"] = 'content="ESI/1.0"'
        return response

    def render_face(
        self, request: HttpRequest, article: Article, render_page: Callable[[], HttpResponse]
    ) -> HttpResponse:
        """`render_page()`, from the origin's cache where every anonymous reader given this
        face (whole or walled) gets the same bytes: a metered story has two, shared by all,
        though each reader's response stays private (the meter chose the face for them)."""
        if self.access is None:
            raise RuntimeError("render_face needs the reader's access decided first")
        shared = self.access.decision.personal and edge_middleware.anonymous(request)
        face = "whole" if self.access.full else "walled"
        name = f"{self.face_name}:{request.get_host()}:{article.pk}:{face}"
        if shared and settings.MASTHEAD_PAGE_CACHE:
            entry = pagecache.get(name)
            if entry is not None:
                return edge_middleware.from_entry(entry)
        started = time.time()
        with surrogates.collecting() as keys:
            response = render_page()
            if isinstance(response, TemplateResponse):
                response.render()
        surrogates.note(*keys)
        if shared and settings.MASTHEAD_PAGE_CACHE:
            pagecache.put(name, edge_middleware.to_entry(response), keys, rendered_since=started)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        article: Article = self.object
        # The credit and the wall follow the source's settings.
        surrogates.note(surrogates.source(article.source_id))
        section = article.section
        # Shared blocks come deeper than shown (SHARED_DEPTH), so that this story and the
        # ones already in the column can be left out of lists every story's page shares.
        section_block = (
            _without(
                blocks.cached(
                    f"section:{section.pk}",
                    lambda: selectors.section_stories(section, limit=SHARED_DEPTH),
                    stories=_ids,
                ),
                article,
                limit=SHARED_DEPTH,
            )
            if section
            else []
        )
        # Related's filler prefers what the section block would show without it.
        related = self.related_block(article, section_block[:5])
        popular = blocks.cached(
            "popular",
            _popular,
            stories=_ids,
            timeout=settings.MASTHEAD_POPULAR_FLUSH_SECONDS,  # counts move at each flush
        )
        local = blocks.cached(
            "local", lambda: selectors.local_stories(limit=SHARED_DEPTH), stories=_ids
        )
        # Each story once in the column, in the order the blocks stand: Related, Popular,
        # Local, the section. The Local section's block would repeat the Local block.
        shown = {article.pk, *(a.pk for a in [*related.topical, *related.more])}
        popular_stories = _unseen(popular, shown)
        local_stories = _unseen(local, shown)
        if section is not None and section.slug == LOCAL_SECTION:
            section_block = []
        context.update(
            related=related,
            popular_stories=popular_stories,
            local_stories=local_stories,
            section_block=_unseen(section_block, shown, limit=4),
            share_url=self.request.build_absolute_uri(article.get_absolute_url()),
            access=self.access,
        )
        return context

    def related_block(
        self, article: Article, section_block: list[Article]
    ) -> discovery.RelatedBlock:
        """The story's Related block, kept in the origin's cache under the story's id."""
        return blocks.cached(
            f"related:{article.pk}",
            # Filler prefers stories the section block below does not already list.
            lambda: discovery.related_block(article, avoid=section_block),
            stories=lambda b: _ids([*b.topical, *b.more]),
        )


def _ids(stories: list[Article]) -> list[int]:
    return [a.pk for a in stories]


def _without(stories: list[Article], article: Article, limit: int = 5) -> list[Article]:
    return [a for a in stories if a.pk != article.pk][:limit]


def _unseen(stories: list[Article], shown: set[int], limit: int = 5) -> list[Article]:
    """The first `limit` of `stories` not yet on the page; those taken count as shown."""
    kept = [a for a in stories if a.pk not in shown][:limit]
    shown.update(a.pk for a in kept)
    return kept


def _popular() -> list[Article]:
    return discovery.popular_articles(limit=SHARED_DEPTH)


class ArticleFaceView(ArticleView):
    """The meter's decision for one read, as the fragment an ESI edge puts in the shell:
    private, never stored by the edge (the shipped VCL passes it)."""

    face_name = "fragment"

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        found = self.story(request)
        if isinstance(found, HttpResponse):
            # Withdrawn or moved: an empty fragment (the shell itself is purged with the story).
            return HttpResponse(status=found.status_code if found.status_code == 410 else 404)
        article = self.object = found
        self.access = check_article_access(request, article)
        response = self.render_face(
            request,
            article,
            lambda: render(
                request, self.face_template, {"article": article, "access": self.access}
            ),
        )
        finish_response(request, response, self.access)
        response["X-Robots-Tag"] = "noindex"
        return response


@dataclass(frozen=True)
class PreviewBanner:
    """What the preview's banner says: where the story stands, and when the link stops working."""

    live: bool
    status: str
    # When a story set to go live will (its time, or its embargo's end if later).
    scheduled_for: dt.datetime | None
    expires_at: dt.datetime | None


def preview_banner(article: Article, token: str) -> PreviewBanner:
    expires_at = preview.expires_at(token)
    if article.is_visible():
        return PreviewBanner(True, "Published", None, expires_at)
    goes_live = max(
        (t for t in (article.published_at, article.embargo_until) if t is not None),
        default=None,
    )
    if article.status in (Article.Status.SCHEDULED, Article.Status.PUBLISHED) and (
        goes_live is not None and goes_live > timezone.now()
    ):
        return PreviewBanner(False, "Scheduled", goes_live, expires_at)
    if article.status == Article.Status.PUBLISHED:
        # Published but not shown: a duplicate, whose page sends readers to the original.
        return PreviewBanner(False, "Merged into another story", None, expires_at)
    status = "Killed" if article.is_killed else str(article.get_status_display())
    return PreviewBanner(False, status, None, expires_at)


class PreviewView(ArticleView):
    """A story as readers will see it, for whoever holds its signed link (`newsroom.preview`):
    a draft for a lawyer, a quote for its source, before it is out.

    The article page's own template and blocks, with the whole body whatever the wall says
    (the link is the editor's permission), and a banner saying it is a preview. It must stay
    between the people given the link, so it is never stored by any cache (`private,
    no-store`: the edge middleware and the shipped VCL pass it, without purge keys), never
    indexed, and sends no Referer carrying the token to the sites it links. It counts no read:
    no meter history, no meter cookie, no Popular beacon. A forged, altered or expired link,
    or a deleted story, is the site's ordinary 404.
    """

    template_name = "site/preview.html"

    def get_object(self, queryset: QuerySet[Article] | None = None) -> Article:
        article = preview.article_for(self.kwargs["token"])
        if article is None:
            raise Http404("No such preview.")
        return article

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        article = self.object = self.get_object()
        self.access = previewer_access(article)
        response = self.render_to_response(
            self.get_context_data(banner=preview_banner(article, self.kwargs["token"]))
        )
        meter_notice.fill(response, self.access)  # the previewer is counted nothing: none
        patch_cache_control(response, private=True, no_store=True)
        response["X-Robots-Tag"] = "noindex, nofollow"
        response["Referrer-Policy"] = "no-referrer"
        return response

    def related_block(
        self, article: Article, section_block: list[Article]
    ) -> discovery.RelatedBlock:
        """Computed for this request only: the shared cache holds the block of the story as it
        is live, and an unpublished one's must not stand in for it once it goes out."""
        return discovery.related_block(article, avoid=section_block)


def previewer_access(article: Article) -> ArticleAccess:
    """The whole story, granted by the link as it is to staff: recorded nowhere, no cookie."""
    decision = AccessDecision(
        full=True,
        level=effective_level(article),
        reason=Reason.STAFF,
        reader=Reader.STAFF,
        record=False,
        personal=True,
    )
    return ArticleAccess(
        decision, article, Visitor(Reader.STAFF), next_url=article.get_absolute_url()
    )
