"""Repair the names of tags made before tag names passed through the text pipeline.

Such a tag still reads "CafÃ© Society" or "<b>Port</b> Alder", and its slug was made from the
damaged text, so an ingest that now names "Café Society" makes a second, clean tag beside it.
Each damaged tag is merged into the tag its cleaned name finds (its articles and the wire
feeds that add it by default move there), or else renamed in place; a tag with nothing left
after cleaning is dropped, as `tags_named` would never have made it.

Old tag URLs (/tag/<old slug>/ and its feeds) answer 404 after a merge or a new slug: the
project has no redirect table. Search entries and Related features still carry the old names
and ids until `masthead search reindex --related`.
"""

from django.db import migrations
from django.utils.text import slugify

# The public, Django-free cleaning step that `newsroom.services.tags_named` applies; importing it
# keeps the repair identical to what ingest does now. Its private `_slug` helper is not imported
# (it exists for a run's cache); the rule it caches is copied below.
from masthead.text import clean_label

NAME_LENGTH = 100  # Tag.name's max_length; tags_named cuts the cleaned name to it
SLUG_LENGTH = 100  # Tag.slug's max_length


def tag_slug(name):
    """The slug `tags_named` gives a cleaned name (`services._slug(name, 100, cache)`)."""
    return slugify(name)[:SLUG_LENGTH]


def move_links(through, owner_field, from_tag, to_tag):
    """Point `from_tag`'s rows in an M2M table at `to_tag`, skipping owners already on it."""
    have = set(through.objects.filter(tag_id=to_tag).values_list(owner_field, flat=True))
    moving = through.objects.filter(tag_id=from_tag).values_list(owner_field, flat=True)
    through.objects.bulk_create(
        through(**{owner_field: owner, "tag_id": to_tag}) for owner in moving if owner not in have
    )


def repair_tag_names(apps, schema_editor):
    Tag = apps.get_model("newsroom", "Tag")
    Article = apps.get_model("newsroom", "Article")
    Feed = apps.get_model("wire", "Feed")
    links = [(Article.tags.through, "article_id"), (Feed.default_tags.through, "feed_id")]

    damaged = []
    for pk, name in Tag.objects.order_by("pk").values_list("pk", "name").iterator():
        cleaned = clean_label(name)[:NAME_LENGTH]
        if cleaned != name:
            damaged.append((pk, cleaned))

    # One tag at a time, against the table as the earlier repairs left it: two damaged tags
    # that clean to the same name end as one tag (the first is renamed, the second merged).
    for pk, cleaned in damaged:
        if not cleaned:
            # Deleting the tag deletes its rows in both M2M tables.
            Tag.objects.filter(pk=pk).delete()
            continue
        slug = tag_slug(cleaned)
        others = Tag.objects.exclude(pk=pk)
        # The slug first: it is what `tags_named` looks a name up by, so it is the tag new
        # ingests already use. A name differing only in case is the same tag to a reader.
        target = others.filter(slug=slug).first() if slug else None
        if target is None:
            target = others.filter(name__iexact=cleaned).order_by("pk").first()
        if target is not None:
            for through, owner_field in links:
                move_links(through, owner_field, pk, target.pk)
            Tag.objects.filter(pk=pk).delete()
            continue
        changes = {"name": cleaned}
        # No other tag holds `slug` (it would have been the target); an empty one (a name
        # with no Latin letters or digits) is no slug, so the old one stays.
        if slug:
            changes["slug"] = slug
        Tag.objects.filter(pk=pk).update(**changes)


class Migration(migrations.Migration):
    dependencies = [
        ("newsroom", "0003_revision_actor"),
        # wire.Feed.default_tags points at tags: deleting a tag must see that table too.
        ("wire", "0004_push_feeds"),
    ]

    operations = [
        migrations.RunPython(repair_tag_names, migrations.RunPython.noop, elidable=True),
    ]
