"""Purge keys: which stories and lists a response shows, noted while it is made.

Every cache in front of the site (the origin's page cache, Varnish, a CDN) holds a page until a
change to something it shows purges one of its keys, so keys must name exactly what a page
shows. They are noted where that is known: `Article.get_absolute_url` notes the story (a page
that links a story shows it), and each selector that lists "the newest of X" notes the list, so
that a new story in X purges the pages showing that list. The edge app collects the keys of
each request (`collecting`) and sends them as the `Surrogate-Key` and `xkey` headers.

Hand-written (a context variable and a set): Django's cache framework has no notion of tags,
and django-cacheops and the like tag querysets, not what a rendered page shows.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar


class _Keys(set[str]):
    """One response's keys; `frozen` once a view has said exactly which keys it has."""

    frozen = False


_keys: ContextVar[_Keys | None] = ContextVar("masthead_surrogate_keys", default=None)

# Lists every reader page shares.
TOP = "top"  # the newest stories of the paper: home's top stories, the main feeds, news sitemap
LOCAL = "local"  # the Local block
NAV = "nav"  # the page frame: sections in the navigation, the paper's name
CORRECTIONS = "corrections"  # the paper's corrections page: the newest corrections
PAGES = "pages"  # the paper's own pages: About, Contact, Privacy, Terms


def article(article_id: int) -> str:
    return f"a{article_id}"


def section_list(section_id: int) -> str:
    """The newest stories of one section (its page, its block, its feeds and sitemap)."""
    return f"s{section_id}"


def front(section_id: int | None) -> str:
    """An editor's pins on a front: the home page's (None) or a section's."""
    return "fhome" if section_id is None else f"f{section_id}"


def tag_list(tag_id: int) -> str:
    return f"t{tag_id}"


def source(source_id: int) -> str:
    """A source's settings as its stories' pages show them (credit line, default access)."""
    return f"src{source_id}"


def note(*keys: str) -> None:
    """Record keys for the response being made (nothing outside `collecting`)."""
    found = _keys.get()
    if found is not None and not found.frozen:
        found.update(keys)


def note_only(*keys: str) -> None:
    """The response's keys are exactly these, whatever else is noted while it is made: for a
    page listing thousands of stories (a sitemap), whose list keys cover them all (every
    change to a story purges `TOP` and its section's list)."""
    found = _keys.get()
    if found is not None:
        found.clear()
        found.update(keys)
        found.frozen = True


@contextmanager
def collecting() -> Iterator[set[str]]:
    """Collect the keys noted inside the block (one request's)."""
    found = _Keys()
    token = _keys.set(found)
    try:
        yield found
    finally:
        _keys.reset(token)
