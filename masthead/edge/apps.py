from django.apps import AppConfig


class EdgeConfig(AppConfig):
    name = "masthead.edge"
    label = "edge"
    verbose_name = "Page caches and purges"

    def ready(self) -> None:
        # Here, not at the top: the receivers import models, which are not ready at import.
        from masthead.edge import receivers

        receivers.connect()
