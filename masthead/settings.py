"""Masthead's one settings module: everything comes from the environment.

See the configuration table in README.md. Defaults serve the embedded case (one machine,
SQLite under MASTHEAD_DATA_DIR, local-memory cache); DATABASE_URL and REDIS_URL move a paper
onto PostgreSQL and Redis shared by several web and worker machines.
"""

from __future__ import annotations

import ipaddress
import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from masthead.lib.env import (
    envbool,
    envfloat,
    envint,
    envlist,
    envsecret,
    envstr,
    persistent_secret_key,
)

BASE_DIR = Path(__file__).resolve().parent
ENVIRONMENT = envstr("MASTHEAD_ENV", "development")
PRODUCTION = ENVIRONMENT == "production"
DATA_DIR = Path(envstr("MASTHEAD_DATA_DIR", "./var")).resolve()

DEBUG = envbool("DEBUG", "false")

_secret = envsecret("SECRET_KEY")
if _secret is None:
    if PRODUCTION:
        raise ImproperlyConfigured("SECRET_KEY (or SECRET_KEY_FILE) is required in production.")
    _secret = persistent_secret_key(DATA_DIR)
SECRET_KEY = _secret

ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "" if PRODUCTION else "127.0.0.1,localhost,testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS", "")

# The paper itself.
PAPER_NAME = envstr("MASTHEAD_PAPER_NAME", "The Pacific Ledger")
PAPER_TAGLINE = envstr("MASTHEAD_PAPER_TAGLINE", "News for Port Alder and the coast")
PAPER_LANGUAGE = envstr("MASTHEAD_PAPER_LANGUAGE", "en")
PAPER_URL = envstr("MASTHEAD_PAPER_URL", "http://127.0.0.1:8000")
TIME_ZONE = envstr("MASTHEAD_TIME_ZONE", "America/Los_Angeles")
# --- The newsroom (newsroom) ---
# How long a preview link shared from the back office keeps working.
MASTHEAD_PREVIEW_HOURS = envfloat("MASTHEAD_PREVIEW_HOURS", "72")
# An editor's hold on an open story lapses this long after their page last renewed it.
MASTHEAD_EDIT_LOCK_SECONDS = envint("MASTHEAD_EDIT_LOCK_SECONDS", "120")
MASTHEAD_EDIT_LOCK_RENEW_SECONDS = envint("MASTHEAD_EDIT_LOCK_RENEW_SECONDS", "30")
USE_TZ = True
LANGUAGE_CODE = "en-us"
USE_I18N = False

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    "django.contrib.humanize",
    "django_tasks",
    "django_tasks_db",
    "django_prose_editor",
    "masthead.text",
    "masthead.accounts",
    "masthead.newsroom",
    "masthead.wire",
    "masthead.discovery",
    "masthead.edge",
    "masthead.newsletters",
    "masthead.site",
    "masthead.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # ETag from the content, 304 for a matching If-None-Match or If-Modified-Since; outside the
    # page cache, so a cached page answers conditional GETs too.
    "django.middleware.http.ConditionalGetMiddleware",
    # Before sessions and auth: a page-cache hit needs neither (masthead/edge/middleware.py).
    "masthead.edge.middleware.EdgeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "masthead.urls"
WSGI_APPLICATION = "masthead.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        # The paper's page frame (`base.html`), which every app's pages extend, belongs to the
        # project, not to one app: no app's template reaches into another's.
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "masthead.site.context_processors.paper",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        envstr("DATABASE_URL", f"sqlite:///{DATA_DIR / 'masthead.sqlite3'}"),
        conn_max_age=envint("DATABASE_CONN_MAX_AGE", "60"),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets readers go on while the ingest worker writes; IMMEDIATE transactions make
    # writers queue for the lock instead of failing with "database is locked" mid-transaction.
    # synchronous=NORMAL is durable in WAL mode except for the last commits before a power cut;
    # fewer, larger checkpoints and a 32 MB page cache serve one item per transaction ingest.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA wal_autocheckpoint=10000;"
            " PRAGMA cache_size=-32000; PRAGMA temp_store=MEMORY;"
        ),
    }
    # Tests run on a file, as papers do: Django's default in-memory test database is shared
    # between threads with table locks that fail at once where a file's locks wait.
    DATABASES["default"]["TEST"] = {"NAME": str(DATA_DIR / "test-masthead.sqlite3")}
else:
    # Concurrent test runs (CI and developers) must not share one test database.
    DATABASES["default"]["TEST"] = {"NAME": f"test_masthead_{os.getpid()}"}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = envstr("REDIS_URL", "")
CACHES: dict[str, dict[str, Any]]
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "masthead.edge.rediscache.SharedRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": envstr("MASTHEAD_CACHE_PREFIX", "masthead"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# The origin's page cache (masthead/edge/pagecache.py) must be one for every web process, or a
# purge in one would leave the others serving the old page: Redis where there is one, else
# files in the data folder (one machine's processes share them).
if REDIS_URL:
    CACHES["pages"] = {
        "BACKEND": "masthead.edge.rediscache.SharedRedisCache",
        "LOCATION": REDIS_URL,
        "KEY_PREFIX": envstr("MASTHEAD_CACHE_PREFIX", "masthead") + "-pages",
    }
else:
    CACHES["pages"] = {
        "BACKEND": "masthead.edge.filecache.PageFileCache",
        "LOCATION": str(DATA_DIR / "cache" / "pages"),
        "OPTIONS": {"MAX_ENTRIES": 50_000},
    }
# --- Page caches and the edge (edge) ---
MASTHEAD_PAGE_CACHE = envbool("MASTHEAD_PAGE_CACHE", "true")
# How long the origin and the edges keep a page (purges end it sooner): bounds how stale
# Popular and a story scheduled to appear can be. Browsers keep public pages a minute.
MASTHEAD_PAGE_CACHE_SECONDS = envint("MASTHEAD_PAGE_CACHE_SECONDS", "300")
MASTHEAD_BROWSER_CACHE_SECONDS = envint("MASTHEAD_BROWSER_CACHE_SECONDS", "60")
# How long a web process believes a purge key's version it read (masthead/edge/pagecache.py):
# another process's purge reaches its pages this much later at most.
MASTHEAD_PAGE_CACHE_VERSION_SECONDS = envfloat("MASTHEAD_PAGE_CACHE_VERSION_SECONDS", "0.25")
# Varnish instances to purge by xkey (their HTTP address, e.g. http://127.0.0.1:6081/).
MASTHEAD_EDGE_VARNISH_URLS = envlist("MASTHEAD_EDGE_VARNISH_URLS", "")
MASTHEAD_FASTLY_SERVICE_ID = envstr("MASTHEAD_FASTLY_SERVICE_ID", "")
MASTHEAD_FASTLY_API_TOKEN = envsecret("MASTHEAD_FASTLY_API_TOKEN") or ""
MASTHEAD_FASTLY_API_URL = envstr("MASTHEAD_FASTLY_API_URL", "https://api.fastly.com")
MASTHEAD_CLOUDFLARE_ZONE_ID = envstr("MASTHEAD_CLOUDFLARE_ZONE_ID", "")
MASTHEAD_CLOUDFLARE_API_TOKEN = envsecret("MASTHEAD_CLOUDFLARE_API_TOKEN") or ""
MASTHEAD_CLOUDFLARE_API_URL = envstr(
    "MASTHEAD_CLOUDFLARE_API_URL", "https://api.cloudflare.com/client/v4"
)

TASKS = {
    "default": {"BACKEND": envstr("MASTHEAD_TASKS_BACKEND", "django_tasks_db.DatabaseBackend")}
}

AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "site:home"
LOGOUT_REDIRECT_URL = "site:home"

EMAIL_BACKEND = envstr("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = DATA_DIR / "mail"
EMAIL_HOST = envstr("EMAIL_HOST", "localhost")
EMAIL_PORT = envint("EMAIL_PORT", "25")
EMAIL_HOST_USER = envstr("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = envsecret("EMAIL_HOST_PASSWORD") or ""
EMAIL_USE_TLS = envbool("EMAIL_USE_TLS", "false")
DEFAULT_FROM_EMAIL = envstr("DEFAULT_FROM_EMAIL", "newsroom@localhost")
# A mail provider's HTTP API through django-anymail instead of SMTP: the provider's name as
# anymail spells its backend module ("mailgun", "postmark", "amazon_ses", "sendgrid", "brevo",
# ...); its settings come from ANYMAIL_* variables (ANYMAIL_MAILGUN_API_KEY=...,
# ANYMAIL_WEBHOOK_SECRET=user:password for the bounce and complaint webhook), each also as
# a *_FILE secret. Unset: EMAIL_BACKEND (files in the data folder by default, or SMTP).
MASTHEAD_EMAIL_PROVIDER = envstr("MASTHEAD_EMAIL_PROVIDER", "")
ANYMAIL: dict[str, str] = {}
for _name in sorted(os.environ):
    if _name.startswith("ANYMAIL_"):
        _key = _name.removeprefix("ANYMAIL_").removesuffix("_FILE")
        ANYMAIL[_key] = envsecret(f"ANYMAIL_{_key}") or ""
if MASTHEAD_EMAIL_PROVIDER:
    EMAIL_BACKEND = f"anymail.backends.{MASTHEAD_EMAIL_PROVIDER}.EmailBackend"

# --- Newsletters (newsletters) ---
# The From of every newsletter; the paper's name is shown with it.
MASTHEAD_NEWSLETTER_FROM = envstr("MASTHEAD_NEWSLETTER_FROM", DEFAULT_FROM_EMAIL)
# The mailto: half of List-Unsubscribe (RFC 2369), for mail clients without one-click: whoever
# reads this mailbox acts on "unsubscribe" mails. Empty: only the one-click https address.
MASTHEAD_NEWSLETTER_UNSUBSCRIBE_MAILTO = envstr(
    "MASTHEAD_NEWSLETTER_UNSUBSCRIBE_MAILTO", MASTHEAD_NEWSLETTER_FROM
)
# Emails handed to the mail server per second, on average over a batch: a provider's or an
# ISP's limit (a new sending address is trusted slowly), not this machine's.
MASTHEAD_NEWSLETTER_RATE = envfloat("MASTHEAD_NEWSLETTER_RATE", "20")
# Deliveries claimed (and one SMTP connection used) at a time.
MASTHEAD_NEWSLETTER_BATCH_SIZE = envint("MASTHEAD_NEWSLETTER_BATCH_SIZE", "50")
# A worker's claim on a batch it has not started: after this, a killed worker's batch is taken
# by another. Longer than a batch takes to send.
MASTHEAD_NEWSLETTER_CLAIM_SECONDS = envint("MASTHEAD_NEWSLETTER_CLAIM_SECONDS", "300")
# How long a double opt-in link works (seconds).
MASTHEAD_NEWSLETTER_CONFIRM_MAX_AGE = envint("MASTHEAD_NEWSLETTER_CONFIRM_MAX_AGE", "604800")
# Subscribe-form requests per client address per hour (each sends a confirmation email).
MASTHEAD_NEWSLETTER_SUBSCRIBE_MAX_PER_HOUR = envint(
    "MASTHEAD_NEWSLETTER_SUBSCRIBE_MAX_PER_HOUR", "10"
)
# A scheduled digest missed by more than this (the worker was down) is skipped, not sent late.
MASTHEAD_NEWSLETTER_LATE_MINUTES = envint("MASTHEAD_NEWSLETTER_LATE_MINUTES", "120")

STATIC_URL = "/static/"
STATIC_ROOT = Path(envstr("MASTHEAD_STATIC_ROOT", str(DATA_DIR / "static")))
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        # Hashed, compressed assets; the plain storage keeps tests free of a collectstatic step.
        "BACKEND": envstr(
            "MASTHEAD_STATICFILES_STORAGE",
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if PRODUCTION or envbool("MASTHEAD_COLLECTED_STATIC", "false")
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}
# Until `masthead serve` has collected the hashed files, WhiteNoise serves straight from the apps.
WHITENOISE_USE_FINDERS = not (PRODUCTION or envbool("MASTHEAD_COLLECTED_STATIC", "false"))
WHITENOISE_AUTOREFRESH = WHITENOISE_USE_FINDERS
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "/media/"
# The picture library (originals and renditions) in object storage instead of the media
# folder: "s3" (Amazon S3 or any S3-compatible store, through django-storages). Readers are
# sent to the storage's own URLs (or MASTHEAD_S3_CUSTOM_DOMAIN, a CDN in front), unsigned:
# rendition names are made from their bytes. The bucket must let the public read only
# `renditions/`; the originals (`pictures/originals/`, with their GPS) stay private.
MASTHEAD_MEDIA_STORAGE = envstr("MASTHEAD_MEDIA_STORAGE", "local")
if MASTHEAD_MEDIA_STORAGE == "s3":
    _bucket = envstr("MASTHEAD_S3_BUCKET", "")
    if not _bucket:
        raise ImproperlyConfigured("MASTHEAD_MEDIA_STORAGE=s3 needs MASTHEAD_S3_BUCKET.")
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": _bucket,
            "region_name": envstr("MASTHEAD_S3_REGION", "") or None,
            # Another provider's S3 API (MinIO, Cloudflare R2, DigitalOcean Spaces...).
            "endpoint_url": envstr("MASTHEAD_S3_ENDPOINT_URL", "") or None,
            # Unset: boto3's own chain (AWS_* variables, an instance or task role).
            "access_key": envsecret("MASTHEAD_S3_ACCESS_KEY_ID"),
            "secret_key": envsecret("MASTHEAD_S3_SECRET_ACCESS_KEY"),
            "custom_domain": envstr("MASTHEAD_S3_CUSTOM_DOMAIN", "") or None,
            "querystring_auth": False,  # public, cacheable URLs: a signed one expires
            "default_acl": None,  # the bucket's policy decides (renditions public only)
            # What the rendition view says in the embedded case: a name never changes meaning.
            "object_parameters": {"CacheControl": "public, max-age=31536000, immutable"},
        },
    }
elif MASTHEAD_MEDIA_STORAGE != "local":
    raise ImproperlyConfigured(
        f"MASTHEAD_MEDIA_STORAGE is {MASTHEAD_MEDIA_STORAGE!r}: 'local' or 's3'."
    )

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = envbool("SESSION_COOKIE_SECURE", "true" if PRODUCTION else "false")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
X_FRAME_OPTIONS = "DENY"
if PRODUCTION:
    SECURE_SSL_REDIRECT = envbool("SECURE_SSL_REDIRECT", "true")
    SECURE_HSTS_SECONDS = envint("SECURE_HSTS_SECONDS", "31536000")
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = envbool("SECURE_HSTS_PRELOAD", "false")
    if not SECURE_HSTS_PRELOAD:
        # Preloading is a commitment a paper makes for its whole domain, not a default we can
        # make for it; without it Django's deploy check would warn on every installation.
        SILENCED_SYSTEM_CHECKS = ["security.W021"]
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# --- Reader accounts, sign-in throttle and the metered registration wall (accounts) ---
# Email is the sign-in identifier for readers; staff usernames keep working in the admin.
AUTHENTICATION_BACKENDS = ["masthead.accounts.backends.EmailOrUsernameBackend"]
# Free registration-level articles per rolling window for an anonymous reader. 6 is the low end
# of what Google's flexible-sampling guidance asks of a metered site.
MASTHEAD_METER_FREE_ARTICLES = envint("MASTHEAD_METER_FREE_ARTICLES", "6")
MASTHEAD_METER_WINDOW_DAYS = envint("MASTHEAD_METER_WINDOW_DAYS", "30")
# Every anonymous reader at one client address (an IPv6 /64) shares this budget as well, so
# clearing cookies or changing browser earns nothing past it; an address can be shared (an
# office, a phone carrier's NAT), hence twice one reader's. docs/meter.md has the trade-offs.
MASTHEAD_METER_ADDRESS_FREE_ARTICLES = envint("MASTHEAD_METER_ADDRESS_FREE_ARTICLES", "12")
# The paper's own networks (newsroom, partner libraries), CIDR, comma-separated: their
# addresses carry no address budget (each reader's cookie still does).
MASTHEAD_METER_TRUSTED_NETWORKS = envlist("MASTHEAD_METER_TRUSTED_NETWORKS", "")
for _network in MASTHEAD_METER_TRUSTED_NETWORKS:
    try:
        ipaddress.ip_network(_network, strict=False)
    except ValueError as error:
        raise ImproperlyConfigured(f"MASTHEAD_METER_TRUSTED_NETWORKS: {error}") from None
# The share of a walled story's words its walled face shows (cut at a sentence).
MASTHEAD_WALL_VISIBLE_SHARE = envfloat("MASTHEAD_WALL_VISIBLE_SHARE", "0.25")
if not 0 <= MASTHEAD_WALL_VISIBLE_SHARE < 1:
    raise ImproperlyConfigured("MASTHEAD_WALL_VISIBLE_SHARE must be at least 0 and below 1")
MASTHEAD_METER_COOKIE_NAME = envstr("MASTHEAD_METER_COOKIE_NAME", "mh_visitor")
# Googlebot's published ranges (the JSON Google publishes), updated by
# `masthead update_crawler_ranges`; missing file: crawlers are verified by DNS only.
MASTHEAD_CRAWLER_RANGES_PATH = Path(
    envstr("MASTHEAD_CRAWLER_RANGES_PATH", str(DATA_DIR / "crawlers" / "googlebot.json"))
)
MASTHEAD_CRAWLER_DNS_CHECK = envbool("MASTHEAD_CRAWLER_DNS_CHECK", "true")
# How many reverse proxies in front of the app append to X-Forwarded-For (0: use REMOTE_ADDR).
MASTHEAD_TRUSTED_PROXIES = envint("MASTHEAD_TRUSTED_PROXIES", "0")
# Password guessing (accounts/throttle.py): attempts free per account and per client address,
# then each attempt waits for the previous one's delay, which doubles from DELAY to MAX_DELAY;
# counts are forgotten WINDOW seconds after an account's or address's last attempt.
MASTHEAD_SIGNIN_MAX_FAILURES = envint("MASTHEAD_SIGNIN_MAX_FAILURES", "5")
MASTHEAD_SIGNIN_ADDRESS_MAX_FAILURES = envint("MASTHEAD_SIGNIN_ADDRESS_MAX_FAILURES", "10")
MASTHEAD_SIGNIN_DELAY_SECONDS = envint("MASTHEAD_SIGNIN_DELAY_SECONDS", "30")
MASTHEAD_SIGNIN_MAX_DELAY_SECONDS = envint("MASTHEAD_SIGNIN_MAX_DELAY_SECONDS", "900")
MASTHEAD_SIGNIN_WINDOW_SECONDS = envint("MASTHEAD_SIGNIN_WINDOW_SECONDS", "86400")
MASTHEAD_EMAIL_VERIFICATION_MAX_AGE = envint("MASTHEAD_EMAIL_VERIFICATION_MAX_AGE", "259200")
# Requests that send mail or create rows, per client address per hour (and reset emails per
# address asked for), so a script cannot mass-register or mail-bomb a reader.
MASTHEAD_SIGNUP_MAX_PER_HOUR = envint("MASTHEAD_SIGNUP_MAX_PER_HOUR", "10")
MASTHEAD_RESET_MAX_PER_HOUR = envint("MASTHEAD_RESET_MAX_PER_HOUR", "5")
MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR = envint("MASTHEAD_RESET_MAX_PER_EMAIL_PER_HOUR", "3")
# --- end accounts ---

# Pagination of section and tag fronts.
MASTHEAD_PAGE_SIZE = envint("MASTHEAD_PAGE_SIZE", "20")

# --- Search, Popular, Related and their freshness (discovery) ---
# A day: yesterday's hit weighs half of today's, so Popular turns over with the news cycle.
MASTHEAD_POPULAR_HALF_LIFE_HOURS = envfloat("MASTHEAD_POPULAR_HALF_LIFE_HOURS", "24")
# One count per reader per story per half hour: a reload or a back-button is not a new read.
MASTHEAD_POPULAR_DEDUP_SECONDS = envint("MASTHEAD_POPULAR_DEDUP_SECONDS", "1800")
# How long counts may sit in the buffer: Popular lags reality by at most this much.
MASTHEAD_POPULAR_FLUSH_SECONDS = envint("MASTHEAD_POPULAR_FLUSH_SECONDS", "30")
# Related stories stored per story; the page shows five, the spare ones cover later kills.
MASTHEAD_RELATED_STORED = envint("MASTHEAD_RELATED_STORED", "10")
# Results per search page: ten, the page a reader scans before refining the query.
MASTHEAD_SEARCH_PAGE_SIZE = envint("MASTHEAD_SEARCH_PAGE_SIZE", "10")
# Seconds between a story going stale and the drain that refreshes it becoming runnable: a wire
# burst is refreshed by one drain per delay rather than one task per story; search and Related
# lag the newsroom by about this much plus the worker's polling interval (docs/freshness.md).
MASTHEAD_STALE_DRAIN_DELAY = envfloat("MASTHEAD_STALE_DRAIN_DELAY", "1")

# --- Wire ---
# A wire file, push or fetched document larger than this is refused whole (NewsML-G2 and NITF
# stories are a few hundred KB at most; a bigger one is a mistake or an attack).
MASTHEAD_WIRE_MAX_FILE_BYTES = envint("MASTHEAD_WIRE_MAX_FILE_BYTES", str(20 * 1024 * 1024))
# Seconds a whole HTTP fetch of a feed may take, answer and body; the socket's own timeout is per
# read, so a server trickling a byte at a time would otherwise hold the ingest for as long as it
# likes. Enough for the largest allowed file at a few Mbit/s.
MASTHEAD_WIRE_FETCH_DEADLINE = envfloat("MASTHEAD_WIRE_FETCH_DEADLINE", "60")
# A wire picture may be fetched from a private or loopback address (a picture server on the
# paper's own network); off, a wire item cannot make the worker reach inside the building.
MASTHEAD_WIRE_PRIVATE_PICTURES = envbool("MASTHEAD_WIRE_PRIVATE_PICTURES", "false")
# How long a worker's claim on a feed's poll lasts (`Feed.claim_poll`): longer than a poll takes
# (the fetch deadline plus the ingest), so a worker killed mid-poll delays the next one this long.
MASTHEAD_WIRE_POLL_CLAIM_SECONDS = envint("MASTHEAD_WIRE_POLL_CLAIM_SECONDS", "900")
# Helper processes that parse a big RSS/Atom document while the ingest writes its first stories
# ("auto": one per core beyond the writer's, at most three; 0: parse in the writer).
_parse_processes = envstr("MASTHEAD_WIRE_PARSE_PROCESSES", "auto")
MASTHEAD_WIRE_PARSE_PROCESSES = None if _parse_processes == "auto" else int(_parse_processes)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": envstr("LOG_LEVEL", "WARNING")},
    "loggers": {"masthead": {"level": envstr("MASTHEAD_LOG_LEVEL", "INFO"), "propagate": True}},
}
