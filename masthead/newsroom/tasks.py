"""The newsroom's background work, run by the django-tasks worker."""

from __future__ import annotations

from django_tasks import task

from masthead.newsroom import pictures
from masthead.newsroom.models import Image


@task()
def make_renditions(image_id: int) -> str:
    """A new picture's renditions (or a moved focal point's new card). Saving the image
    purges the pages that show it (`masthead.edge.receivers`): they link only renditions
    that exist, so they gain the picture now."""
    image = Image.objects.filter(pk=image_id).first()
    if image is None:
        return "gone"
    try:
        made = pictures.make_renditions(image)
    except pictures.PictureRefused as exc:
        return f"refused: {exc.reason}"
    return f"{len(made)} renditions"


@task()
def forget_killed_pictures(article_id: int) -> str:
    """A killed story's pictures, out of storage unless another story shows them
    (`masthead.newsroom.receivers`)."""
    gone = pictures.forget_killed(article_id)
    return f"{len(gone)} pictures deleted"
