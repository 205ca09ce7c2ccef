import pytest

from tests.newsletters.smtp import SMTPServer


@pytest.fixture
def smtp_server(settings):
    """Django's SMTP backend pointed at a real SMTP server in this process."""
    with SMTPServer() as server:
        settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
        settings.EMAIL_HOST = "127.0.0.1"
        settings.EMAIL_PORT = server.port
        settings.EMAIL_USE_TLS = False
        settings.EMAIL_HOST_USER = ""
        settings.EMAIL_HOST_PASSWORD = ""
        yield server


@pytest.fixture(autouse=True)
def _newsletter_settings(settings):
    settings.MASTHEAD_NEWSLETTER_RATE = 0  # no pacing in tests, unless a test asks
    settings.PAPER_URL = "https://news.example.org"
    settings.MASTHEAD_NEWSLETTER_UNSUBSCRIBE_MAILTO = "unsubscribe@news.example.org"


@pytest.fixture(autouse=True)
def _seeded_lists(request):
    """The seeded lists, wherever a test uses the database: a transactional test elsewhere in
    the run flushes every table, the migration's rows with them."""
    if request.node.get_closest_marker("django_db") is None:
        yield
        return
    from tests.newsletters.builders import seeded

    yield seeded()
