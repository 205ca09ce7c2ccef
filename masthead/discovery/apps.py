from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "masthead.discovery"
    label = "discovery"
    verbose_name = "Discovery"

    def ready(self) -> None:
        # Side effects of newsroom changes (search index, stored Related) live here, wired to
        # the newsroom's signal and to the model signals for code paths that don't send it.
        # Django's idiom: receivers connect once the app registry is ready (models loaded).
        from masthead.discovery import receivers

        receivers.connect()
