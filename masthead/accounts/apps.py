from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "masthead.accounts"
    label = "accounts"
    verbose_name = "Reader accounts"

    def ready(self) -> None:
        from masthead.accounts import checks  # noqa: F401 (registers the system check)
