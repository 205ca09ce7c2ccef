from django.apps import AppConfig
from django.db.models.signals import post_migrate


class NewsroomConfig(AppConfig):
    name = "masthead.newsroom"
    label = "newsroom"
    verbose_name = "Newsroom"

    def ready(self) -> None:
        from masthead.newsroom import receivers, roles

        post_migrate.connect(roles.after_migrate, dispatch_uid="newsroom.roles")
        receivers.connect()
