from django.apps import AppConfig


class SiteConfig(AppConfig):
    name = "masthead.site"
    label = "site"
    verbose_name = "Reader site"

    def ready(self) -> None:
        # Here, not at the top: the receivers import models, which are not ready at import.
        from masthead.site import receivers

        receivers.connect()
