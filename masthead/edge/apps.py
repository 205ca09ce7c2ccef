from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "masthead.edge"
    label = "edge"
    verbose_name = "Page caches and purges"

    def ready(self) -> None:
        from masthead.edge import receivers

        receivers.connect()
