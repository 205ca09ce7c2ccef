from django.apps import AppConfig


class NewslettersConfig(AppConfig):
    name = "masthead.newsletters"
    label = "newsletters"
    verbose_name = "Newsletters"

    def ready(self) -> None:
        # Connected here, not at import: accounts' sign-up hooks and anymail's tracking signal
        # (a bounce or complaint unsubscribes the address).
        from masthead.newsletters import receivers

        receivers.connect()
