"""The reader site: fronts, section and tag pages, article pages.

Server-rendered HTML that reads with JavaScript off. Blocks come from
`masthead.newsroom.selectors` and `masthead.discovery.selectors`, never from queries in templates.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse, HttpResponsePermanentRedirect
from django.shortcuts import get_object_or_404, render
from django.template.response import TemplateResponse
from django.utils.cache import patch_cache_control
from django.views.generic import DetailView, ListView, TemplateView

from masthead.accounts.access import check_article_access, finish_response
from masthead.discovery import selectors as discovery
from masthead.edge import middleware as edge_middleware
from masthead.edge import pagecache
from masthead.lib import surrogates
from masthead.newsroom import selectors
from masthead.newsroom.models import Article, Section, Tag

if TYPE_CHECKING:
    # A stub-only protocol: what ListView paginates (a QuerySet here, a list elsewhere).
    from django.core.paginator import Page, Paginator, _SupportsPagination


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
        context = super().get_context_data(**kwargs)
        top = selectors.top_stories(limit=5)
        home_sections = list(Section.objects.filter(on_home=True).exclude(slug="local"))
        context.update(
            lead=top[0] if top else None,
            top_stories=top[1:],
            section_blocks=[b for b in selectors.section_blocks(home_sections) if b[1]],
            local_stories=selectors.local_stories(limit=5),
            popular_stories=discovery.popular_articles(limit=5),
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
    def get_queryset(self) -> QuerySet[Article]:
        self.section = get_object_or_404(Section, slug=self.kwargs["slug"])
        surrogates.note(surrogates.section_list(self.section.pk))
        return Article.objects.published().in_section(self.section).newest_first().for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            heading=self.section.name,
            section=self.section,
            description=self.section.description,
            **kwargs,
        )


class TagView(ArchiveListView):
    def get_queryset(self) -> QuerySet[Article]:
        self.tag = get_object_or_404(Tag, slug=self.kwargs["slug"])
        surrogates.note(surrogates.tag_list(self.tag.pk))
        return Article.objects.published().with_tag(self.tag).newest_first().for_listing()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(heading=self.tag.name, tag=self.tag, **kwargs)


class ArticleView(DetailView):
    template_name = "site/article.html"
    context_object_name = "article"

    def get_queryset(self) -> QuerySet[Article]:
        return Article.objects.for_page()

    def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        article = self.get_object()
        if article.is_killed:
            # 410 tells readers, caches and search engines that the story was withdrawn.
            surrogates.note(surrogates.article(article.pk))
            gone = render(request, "site/gone.html", {"article": article}, status=410)
            patch_cache_control(gone, public=True)
            return gone
        if article.duplicate_of_id is not None:
            return HttpResponsePermanentRedirect(article.duplicate_of.get_absolute_url())
        if not article.is_visible():
            raise Http404("No such story.")
        self.object = article
        # The wall: decided (and the read metered) before rendering, so the template only ever
        # receives what this reader may see; the response is made private when it depends on
        # the reader, so that no shared cache serves it to someone else.
        self.access = check_article_access(request, article)
        response = self.render_face(request, article)
        finish_response(request, response, self.access)
        return response

    def render_face(self, request: HttpRequest, article: Article) -> HttpResponse:
        """The page, from the origin's cache where every anonymous reader given this face
        (whole or walled) gets the same page: a metered story has two, shared by all, though
        each reader's response stays private (the meter chose the face for them)."""
        shared = self.access.decision.personal and edge_middleware.anonymous(request)
        name = f"face:{request.get_host()}:{article.pk}:{'whole' if self.access.full else 'walled'}"
        if shared and settings.MASTHEAD_PAGE_CACHE:
            entry = pagecache.get(name)
            if entry is not None:
                return edge_middleware.from_entry(entry)
        started = time.time()
        with surrogates.collecting() as keys:
            response = self.render_to_response(self.get_context_data(object=article))
            if isinstance(response, TemplateResponse):
                response.render()
        surrogates.note(*keys)
        if shared and settings.MASTHEAD_PAGE_CACHE:
            pagecache.put(name, edge_middleware.to_entry(response), keys, rendered_since=started)
        return response

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        article: Article = self.object
        section_block = (
            selectors.section_stories(article.section, limit=5, exclude=article)
            if article.section
            else []
        )
        context.update(
            # Filler prefers stories the section block below does not already list.
            related=discovery.related_block(article, avoid=section_block),
            popular_stories=discovery.popular_articles(limit=5, exclude=article),
            local_stories=selectors.local_stories(limit=5, exclude=article),
            section_block=section_block,
            share_url=self.request.build_absolute_uri(article.get_absolute_url()),
            access=self.access,
        )
        return context
