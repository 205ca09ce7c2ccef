"""State changes to an Article, each a small action with `check()` and `execute()`.

Modelled on Wagtail's `PublishRevisionAction`: the wire ingest, the newsroom admin and code
all change a story through these, so a kill from the admin and a kill from the wire do the same
thing (status, reason, time, revision, signal). Every action takes the `Actor` who acts and
checks it first (an editor's permission, a wire's own source), runs in one transaction, keeps one
snapshot of the story as it was in `ArticleRevision` naming the actor, and sends
`masthead.newsroom.signals.article_changed` only after the transaction commits, so search,
caches and feeds never react to a change that was rolled back. Nothing else writes a story.
"""

from masthead.newsroom.actions import fronts
from masthead.newsroom.actions.base import (
    LOCKABLE_RELATIONS,
    WIRE_FIELDS,
    ActionError,
    StaleEdit,
    may_publish,
    snapshot,
)
from masthead.newsroom.actions.desk import (
    LeaveWireChangeAction,
    SpikeArticleAction,
    TakeWireChangeAction,
    UnspikeArticleAction,
)
from masthead.newsroom.actions.editorial import (
    ApplyCorrectionAction,
    CreateArticleAction,
    EditArticleAction,
    EmbargoArticleAction,
    KillArticleAction,
    MissingByline,
    PublishLocalStoryAction,
    Relations,
)
from masthead.newsroom.actions.pictures import SetPicturesAction
from masthead.newsroom.actions.wire import (
    CreateFromWireAction,
    UpdateFromWireAction,
    WireContent,
    create_killed_placeholder,
)
from masthead.newsroom.actions.workflow import (
    PublishArticleAction,
    RestoreRevisionAction,
    ReturnToDraftAction,
    SubmitForReviewAction,
    UnpublishArticleAction,
)
from masthead.newsroom.actors import Actor

__all__ = [
    "LOCKABLE_RELATIONS",
    "WIRE_FIELDS",
    "ActionError",
    "Actor",
    "ApplyCorrectionAction",
    "CreateArticleAction",
    "CreateFromWireAction",
    "EditArticleAction",
    "EmbargoArticleAction",
    "KillArticleAction",
    "LeaveWireChangeAction",
    "MissingByline",
    "PublishArticleAction",
    "PublishLocalStoryAction",
    "Relations",
    "RestoreRevisionAction",
    "SetPicturesAction",
    "ReturnToDraftAction",
    "StaleEdit",
    "SpikeArticleAction",
    "SubmitForReviewAction",
    "TakeWireChangeAction",
    "UnpublishArticleAction",
    "UnspikeArticleAction",
    "UpdateFromWireAction",
    "WireContent",
    "create_killed_placeholder",
    "fronts",
    "may_publish",
    "snapshot",
]
