"""Who makes a change to a story: an editor, a wire source, or the system.

Every action takes an `Actor`, checks it before it writes, and names it in the revision it
keeps, so "who killed this story, and when" has an answer whichever door the change came in by
(the admin, the wire, the command line, a task).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from masthead.newsroom.models import Article, Source


class NotAllowed(Exception):
    """The actor may not make this change."""


# What each permission lets one do, in the words a refusal uses.
DOING = {
    "newsroom.publish_article": "publish, schedule, unpublish, correct, pin or kill stories",
    "newsroom.change_article": "change stories",
    "newsroom.add_article": "write stories",
    "newsroom.view_article": "see the newsroom's stories",
}


@dataclass(frozen=True)
class Actor:
    """One of three kinds: `user` set (an editor), `source` set (a wire), or neither (the
    system: a command, the demo loader), always with a `label` for the record."""

    label: str
    user: Any = None  # the auth user model (typed loosely: accounts sits beside the newsroom)
    source: Source | None = None

    @classmethod
    def editor(cls, user: Any) -> Actor:
        return cls(label=(user.get_username() or f"user {user.pk}")[:150], user=user)

    @classmethod
    def wire(cls, source: Source) -> Actor:
        return cls(label=f"wire: {source.name}"[:150], source=source)

    @classmethod
    def system(cls, name: str) -> Actor:
        return cls(label=name[:150])

    def __str__(self) -> str:
        return self.label

    def require(self, permission: str, article: Article | None = None) -> None:
        """Raise `NotAllowed` unless this actor may act on `article` with `permission`.

        An editor needs the Django permission; a wire may touch only its own source's stories
        (a feed cannot rewrite another agency's copy); the system is trusted.
        """
        if self.user is not None:
            if not (self.user.is_active and self.user.has_perm(permission)):
                doing = DOING.get(permission, f"do that (it needs {permission})")
                raise NotAllowed(f"{self.label} may not {doing}: an editor's role can")
        elif self.source is not None and article is not None and article.source_id:
            if article.source_id != self.source.pk:
                raise NotAllowed(f"{self.label} may change only its own source's stories")
