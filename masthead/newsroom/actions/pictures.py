"""Giving a story its pictures: the lead (replaced by a newer one) and the body's, in order."""

from __future__ import annotations

from django.db.models import Max

from masthead.newsroom.actions.base import CHANGE, ActionError, checked, notify, require
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, ArticleImage, Image


class SetPicturesAction:
    """`lead` becomes the story's lead picture (None with `clear_lead` takes it off); each of
    `body` is added to the end of the body's pictures once. A killed story takes none: it is
    on no page."""

    def __init__(
        self,
        *,
        article: Article,
        actor: Actor,
        lead: Image | None = None,
        body: list[Image] | None = None,
        clear_lead: bool = False,
    ):
        self.article = article
        self.actor = actor
        self.lead = lead
        self.body = body or []
        self.clear_lead = clear_lead

    def check(self) -> None:
        require(self.actor, CHANGE, self.article)
        if self.article.is_killed:
            raise ActionError("a killed story takes no pictures")

    @checked
    def execute(self) -> Article:
        article = self.article
        if self.lead is not None or self.clear_lead:
            new = self.lead.pk if self.lead is not None else None
            if article.lead_image_id != new:
                article.lead_image = self.lead
                article.save(update_fields=["lead_image", "modified"])
        if self.body:
            placed = set(article.pictures.values_list("image_id", flat=True))
            last = article.pictures.aggregate(m=Max("position"))["m"]
            position = -1 if last is None else last
            for image in self.body:
                if image.pk in placed or image.pk == article.lead_image_id:
                    continue
                position += 1
                ArticleImage.objects.create(article=article, image=image, position=position)
                placed.add(image.pk)
        notify(article, "updated")
        return article
