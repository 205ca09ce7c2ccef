"""Which purge keys a change to a story touches (the keys pages note: masthead.lib.surrogates)."""

from __future__ import annotations

from masthead.lib import surrogates
from masthead.newsroom.models import Article


def for_article_id(article_id: int) -> list[str]:
    """The story's pages, every page that links it, and every list it is on.

    `TOP` always: the home page, the main feeds and the sitemaps list the newest stories, and a
    kill or unpublish must take the story off them as a publish puts it on. A section or tag the
    story just left still purges through `a<id>`, which every page linking it carries (and the
    m2m receiver adds the lists it left).
    """
    wanted = {surrogates.article(article_id), surrogates.TOP}
    row = (
        Article.objects.filter(pk=article_id)
        .values("section_id", "is_local", "duplicate_of_id")
        .first()
    )
    if row is None:
        return sorted(wanted)
    if row["section_id"]:
        wanted.add(surrogates.section_list(row["section_id"]))
    if row["is_local"]:
        wanted.add(surrogates.LOCAL)
    if row["duplicate_of_id"]:
        wanted.add(surrogates.article(row["duplicate_of_id"]))
    sections = Article.sections.through.objects.filter(article_id=article_id)
    wanted.update(
        surrogates.section_list(pk) for pk in sections.values_list("section_id", flat=True)
    )
    tags = Article.tags.through.objects.filter(article_id=article_id)
    wanted.update(surrogates.tag_list(pk) for pk in tags.values_list("tag_id", flat=True))
    return sorted(wanted)
