"""Signals for side effects in other apps (search index, Related, caches, feeds).

`article_changed` is sent after the transaction that changed a story commits
(use `transaction.on_commit`), with arguments:
    sender: the Article class
    article: the Article instance, as saved
    change: one of "published", "updated", "corrected", "killed", "unpublished"
Receivers are connected in their app's `AppConfig.ready()`.
"""

from django.dispatch import Signal

article_changed = Signal()
