"""Giving a story its pictures: the lead (replaced by a newer one) and the body's, in order."""

from __future__ import annotations

from django.db.models import Max

from masthead.newsroom.actions.base import (
    CHANGE,
    LEAD_IMAGE,
    ActionError,
    checked,
    notify,
    require,
    revise,
)
from masthead.newsroom.actors import Actor
from masthead.newsroom.models import Article, ArticleImage, Image


class SetPicturesAction:
    """`lead` becomes the story's lead picture (None with `clear_lead` takes it off); each of
    `body` is added to the end of the body's pictures once. A killed story takes none: it is
    on no page.

    An editor's choice of lead on a wire story is locked (`LEAD_IMAGE` in
    `editor_locked_fields`), and the wire's next picture leaves it alone, as a wire update
    leaves an edited headline. A change keeps the story as it was in a revision ("pictures").
    """

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
        # The row's lock list and lead, locked: an editor's choice saved since this copy was
        # read (the wire's transaction may hold an older one) must be seen, never overwritten.
        locked_fields, remembered, lead_id = (
            Article.objects.select_for_update()
            .filter(pk=article.pk)
            .values_list("editor_locked_fields", "wire_locked_values", "lead_image_id")
            .get()
        )
        locked = set(locked_fields or [])
        article.lead_image_id = lead_id
        wants_lead = self.lead is not None or self.clear_lead
        if wants_lead and self.actor.source is not None and LEAD_IMAGE in locked:
            wants_lead = False  # the editor's picture wins over the wire's
        new_lead = self.lead.pk if self.lead is not None else None
        lead_changes = wants_lead and lead_id != new_lead
        placed = set(article.pictures.values_list("image_id", flat=True))
        kept_lead = new_lead if lead_changes else lead_id
        body = [i for i in dict.fromkeys(self.body) if i.pk not in placed and i.pk != kept_lead]
        if not lead_changes and not body:
            return article
        revise(article, "pictures", self.actor)
        if lead_changes:
            fields = ["lead_image", "modified"]
            if self.actor.user is not None and article.wire_guid and LEAD_IMAGE not in locked:
                # What the wire had sent, as `EditArticleAction` remembers for a locked field.
                article.wire_locked_values = {**(remembered or {}), LEAD_IMAGE: lead_id}
                article.editor_locked_fields = sorted(locked | {LEAD_IMAGE})
                fields += ["editor_locked_fields", "wire_locked_values"]
            article.lead_image = self.lead
            article.save(update_fields=fields)
        if body:
            last = article.pictures.aggregate(m=Max("position"))["m"]
            position = -1 if last is None else last
            for image in body:
                position += 1
                ArticleImage.objects.create(article=article, image=image, position=position)
        notify(article, "updated")
        return article
