"""Settings for Impact Alliances, read from environment variables (see README, "Configuration")."""

from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import environ
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# A local .env file is optional; real environment variables take precedence.
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=False)

SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured(
            "DJANGO_SECRET_KEY est obligatoire hors mode debug "
            "(définissez-la, ou DJANGO_DEBUG=true pour travailler en local)."
        )
    SECRET_KEY = "insecure-local-development-key-only-for-debug"

ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=[])
if DEBUG and not ALLOWED_HOSTS:
    ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
if not ALLOWED_HOSTS:
    raise ImproperlyConfigured(
        "DJANGO_ALLOWED_HOSTS est obligatoire hors mode debug "
        "(liste de noms d'hôte séparés par des virgules, par exemple alliances.example.org)."
    )
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django.contrib.flatpages",
    "django.contrib.postgres",
    "django.contrib.sitemaps",
    "django_filters",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "corsheaders",
    "import_export",
    "csp",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "core",
    "territoires",
    "catalogue",
    "opendata",
    "reperes",
    "pages",
    "contributions",
    "benchmarks",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Before CommonMiddleware: its redirects carry the CORS headers too.
    "corsheaders.middleware.CorsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "impact_alliances.middleware.RefuseControlCharactersMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    # Last, so that it turns a login refused by django-axes into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "impact_alliances.urls"
WSGI_APPLICATION = "impact_alliances.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "impact_alliances.context_processors.site",
            ],
        },
    },
]

DEFAULT_SQLITE_URL = f"sqlite:///{BASE_DIR / 'var' / 'impact_alliances.sqlite3'}"
DATABASE_URL_HELP = (
    "Exemples : sqlite:///var/impact_alliances.sqlite3 ou "
    "postgres://utilisateur:motdepasse@127.0.0.1:5432/impact_alliances"
)
DATABASE_URL = env.str("DATABASE_URL", default="") or DEFAULT_SQLITE_URL
if urlsplit(DATABASE_URL).scheme not in {"sqlite", "postgres", "postgresql", "pgsql"}:
    raise ImproperlyConfigured(
        f"DATABASE_URL doit désigner SQLite (sqlite:///…) ou PostgreSQL (postgres://…). "
        f"{DATABASE_URL_HELP}"
    )
DATABASES = {"default": env.db_url_config(DATABASE_URL)}
if not DATABASES["default"].get("NAME"):
    raise ImproperlyConfigured(f"DATABASE_URL ne nomme pas de base de données. {DATABASE_URL_HELP}")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("DATABASE_CONN_MAX_AGE", default=60))
# A connection kept between requests is tested before reuse: a restarted PostgreSQL costs
# one reconnection, not one failed request per worker.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default holds a small team's concurrent writes: readers never wait for
    # the writer (WAL), a writer waits for the lock instead of failing at once (timeout, in
    # seconds), and a transaction takes the write lock when it begins (IMMEDIATE), because
    # two transactions that read and then both try to write cannot wait for each other:
    # SQLite answers "database is locked" at once, whatever the timeout.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "init_command": "PRAGMA journal_mode=WAL",
            "timeout": env.int("SQLITE_BUSY_TIMEOUT", default=20),
            "transaction_mode": "IMMEDIATE",
        }
    )
# A PostgreSQL read replica (streaming replication of DATABASE_URL), optional: anonymous
# public pages read it, everything else reads and writes the primary
# (core/replica.py, docs/scaling.md). In tests it is a mirror: it reads the test
# database that the primary replicates to it.
DATABASE_REPLICA_URL = env.str("DATABASE_REPLICA_URL", default="")
POSTGRESQL = "django.db.backends.postgresql"
DATABASE_ROUTERS = []
# The apps whose public pages may read the replica; any other (auth, sessions, admin, axes,
# tasks, contributions, core's public version…) reads the primary.
DATABASE_REPLICA_APPS = {"catalogue", "territoires", "reperes", "opendata"}
if DATABASE_REPLICA_URL:
    DATABASES["replica"] = env.db_url_config(DATABASE_REPLICA_URL)
    if {DATABASES["default"]["ENGINE"], DATABASES["replica"]["ENGINE"]} != {POSTGRESQL}:
        raise ImproperlyConfigured(
            "DATABASE_REPLICA_URL (postgres://…) demande une base PostgreSQL principale "
            "(DATABASE_URL) dont elle est la réplique."
        )
    DATABASES["replica"].update(
        CONN_MAX_AGE=DATABASES["default"]["CONN_MAX_AGE"],
        CONN_HEALTH_CHECKS=True,
        TEST={"MIRROR": "default"},
    )
    DATABASE_ROUTERS = ["core.replica.ReplicaRouter"]
    # Once the visitor is known (anonymous or not): only anonymous GETs read the replica.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.contrib.auth.middleware.AuthenticationMiddleware") + 1,
        "core.replica.ReplicaReadsMiddleware",
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# django-axes first: it refuses a locked-out login before any password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Production serves hashed, compressed files made by collectstatic; debug and tests, the sources.
STATIC_MANIFEST = env.bool("DJANGO_STATIC_MANIFEST", default=not DEBUG)
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if STATIC_MANIFEST
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
    # Files the task worker writes for visitors (large exports): shared by the web servers
    # and the worker, so on one machine a folder, beyond it a shared or object storage.
    "exports": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": env.path("EXPORT_FILES_DIR", default=BASE_DIR / "var" / "exports")},
    },
}
WHITENOISE_USE_FINDERS = not STATIC_MANIFEST


def http_header_key(name: str) -> str:
    """The request.META key of an HTTP header: X-Forwarded-Proto → HTTP_X_FORWARDED_PROTO."""
    return "HTTP_" + name.strip().upper().replace("-", "_")


# HTTPS: production is served over HTTPS only, behind a reverse proxy that says which
# scheme the visitor used (see docs/deployment.md). Trust that header only behind a proxy
# that always sets it; an empty DJANGO_PROXY_SSL_HEADER trusts none.
PROXY_SSL_HEADER = env.str("DJANGO_PROXY_SSL_HEADER", default="X-Forwarded-Proto")
SECURE_PROXY_SSL_HEADER = (http_header_key(PROXY_SSL_HEADER), "https") if PROXY_SSL_HEADER else None
SECURE_SSL_REDIRECT = env.bool("DJANGO_SSL_REDIRECT", default=not DEBUG)
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=0 if DEBUG else 365 * 24 * 3600)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("DJANGO_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("DJANGO_HSTS_PRELOAD", default=False)
if not SECURE_HSTS_PRELOAD:
    # Joining the browsers' preload list is the domain owner's decision, hard to undo; it
    # is one variable away (DJANGO_HSTS_PRELOAD=true), not a default.
    SILENCED_SYSTEM_CHECKS = ["security.W021"]
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env.bool("DJANGO_SECURE_COOKIES", default=not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"

# Content-Security-Policy (django-csp): scripts, styles, images and fonts from this site
# only, no inline script or style (objective colours are classes in site.css).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "object-src": [NONE],
    },
}

# Where a login lands when its `next` is missing or points off-site (Django's default,
# /accounts/profile/, does not exist here).
LOGIN_REDIRECT_URL = "admin:index"
# Admin login throttling (django-axes): 5 failures for one username from one address lock
# that pair for 15 minutes, and 20 failures from one address, whatever the usernames, lock
# the address (each failure costs a password hash); the lockout answers 429 with
# Retry-After, in French, before any password is hashed.
LOGIN_FAILURE_LIMIT = env.int("LOGIN_FAILURE_LIMIT", default=5)
LOGIN_ADDRESS_FAILURE_LIMIT = env.int("LOGIN_ADDRESS_FAILURE_LIMIT", default=20)
AXES_FAILURE_LIMIT = "core.throttling.login_failure_limit"
AXES_COOLOFF_TIME = timedelta(minutes=env.int("LOGIN_LOCKOUT_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["ip_address", ["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "core.throttling.login_lockout_response"
AXES_CLIENT_IP_CALLABLE = "core.security.client_ip"
# Failures and lockouts are still logged (warnings); no banner at every start.
AXES_VERBOSE = False
# Behind a reverse proxy every request comes from the proxy: name the header in which it
# passes the visitor's address (nginx: proxy_set_header X-Real-IP $remote_addr).
CLIENT_IP_HEADER = env.str("DJANGO_CLIENT_IP_HEADER", default="")
CLIENT_IP_META_KEY = http_header_key(CLIENT_IP_HEADER) if CLIENT_IP_HEADER else ""

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "timed": {
            "format": "%(asctime)s %(levelname)s %(name)s %(message)s",
            "datefmt": "%Y-%m-%dT%H:%M:%S%z",
        }
    },
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "timed"}},
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
}

# Catalogue limits (see docs/import-export.md).
IMPORT_MAX_FILE_SIZE = env.int("IMPORT_MAX_FILE_SIZE", default=10 * 1024 * 1024)
IMPORT_MAX_ROWS = env.int("IMPORT_MAX_ROWS", default=20_000)
# Confirming a longer file is queued for the task worker (catalogue.import_jobs).
IMPORT_BACKGROUND_ROWS = env.int("IMPORT_BACKGROUND_ROWS", default=1_000)
# Limits on what reading a file costs, checked before the file is parsed in full.
IMPORT_MAX_COLUMNS = env.int("IMPORT_MAX_COLUMNS", default=100)
IMPORT_MAX_CELLS = env.int("IMPORT_MAX_CELLS", default=1_000_000)  # rows × columns
# Unpacked size of an XLSX or ODS, read from the ZIP directory: per member and in total.
IMPORT_MAX_UNPACKED_SIZE = env.int("IMPORT_MAX_UNPACKED_SIZE", default=200 * 1024 * 1024)
IMPORT_MAX_ZIP_MEMBERS = env.int("IMPORT_MAX_ZIP_MEMBERS", default=1000)
IMPORT_MAX_CELL_LENGTH = env.int("IMPORT_MAX_CELL_LENGTH", default=100_000)  # characters
# Local memory by default (one cache per process); CACHE_URL=redis://… shares one between
# processes and machines. Public pages are keyed by the public version, so the timeout
# only bounds memory, not staleness.
CACHES = {"default": env.cache_url("CACHE_URL", default="locmemcache://")}
PUBLIC_PAGE_CACHE_SECONDS = env.int("PUBLIC_PAGE_CACHE_SECONDS", default=300)
EXPORT_MAX_ROWS_SPREADSHEET = env.int("EXPORT_MAX_ROWS_SPREADSHEET", default=20_000)
# Long work runs in a task worker (`manage.py db_worker`, started by `make run`), queued in
# the database by django-tasks, the backport of Django 6's tasks framework: no extra
# service on the SQLite default, the same on PostgreSQL (docs/reliability.md).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
# XLSX and ODS lists longer than this are written by the worker, then offered for download.
EXPORT_BACKGROUND_ROWS = env.int("EXPORT_BACKGROUND_ROWS", default=2_000)
EXPORT_FILES_HOURS = env.int("EXPORT_FILES_HOURS", default=24)  # how long a file is kept
# Per client (address): exports per window, and at most so many at once; for the site (per
# process without a shared cache): CSV lists longer than EXPORT_BACKGROUND_ROWS streamed at
# once, exports queued.
EXPORT_RATE_LIMIT = env.int("EXPORT_RATE_LIMIT", default=30)
EXPORT_RATE_WINDOW = env.int("EXPORT_RATE_WINDOW", default=600)  # seconds
EXPORT_CONCURRENT_PER_CLIENT = env.int("EXPORT_CONCURRENT_PER_CLIENT", default=2)
EXPORT_CONCURRENT_STREAMS = env.int("EXPORT_CONCURRENT_STREAMS", default=2)  # of 5 workers
EXPORT_QUEUE_MAX = env.int("EXPORT_QUEUE_MAX", default=20)
# Exports one client may have waiting or running in the queue at once (429 beyond).
EXPORT_QUEUED_PER_CLIENT = env.int("EXPORT_QUEUED_PER_CLIENT", default=3)
# A place among the exports at once is held this long and renewed while the export runs:
# a killed web worker's place comes back within it.
EXPORT_SLOT_SECONDS = env.int("EXPORT_SLOT_SECONDS", default=60)
# A running job renews its lease every JOB_HEARTBEAT_SECONDS; one without a beat for
# JOB_LEASE_SECONDS has lost its worker and is failed (catalogue.tasks, fail_stale_jobs).
# The lease outlasts a SQLite write lock held by a long import (a 20,000-row confirmation).
JOB_HEARTBEAT_SECONDS = env.int("JOB_HEARTBEAT_SECONDS", default=15)
JOB_LEASE_SECONDS = env.int("JOB_LEASE_SECONDS", default=120)
EXAMPLES_PER_PAGE = env.int("EXAMPLES_PER_PAGE", default=25)
# The public address written in every export and link sent away: a default would put a
# development address in production files.
SITE_URL = env.str("SITE_URL", default="")
if not SITE_URL:
    if not DEBUG:
        raise ImproperlyConfigured(
            "SITE_URL est obligatoire hors mode debug : l'adresse publique du site, écrite "
            "dans les exports (par exemple https://alliances.example.org)."
        )
    SITE_URL = "http://127.0.0.1:8000"
if urlsplit(SITE_URL).scheme not in {"http", "https"} or not urlsplit(SITE_URL).netloc:
    raise ImproperlyConfigured(
        f"SITE_URL doit être une adresse complète (https://alliances.example.org), "
        f"pas « {SITE_URL} »."
    )
DATA_LICENCE = env.str("DATA_LICENCE", default="Licence Ouverte / Open Licence 2.0 (Etalab)")
FIXTURE_DIRS = [BASE_DIR / "fixtures"]
DATA_LICENCE_URL = env.str(
    "DATA_LICENCE_URL", default="https://www.etalab.gouv.fr/licence-ouverte-open-licence/"
)
# Open data (docs/open-data.md): where `export_open_data` writes the dump /donnees/ serves.
OPEN_DATA_DIR = Path(env.str("OPEN_DATA_DIR", default=str(BASE_DIR / "var" / "donnees")))
FEED_SIZE = env.int("FEED_SIZE", default=30)
EMBED_SIZE = env.int("EMBED_SIZE", default=10)
# The sites that may show /integrer/ in a frame ("*": any); every other page refuses frames.
EMBED_FRAME_ANCESTORS = env.list("EMBED_FRAME_ANCESTORS", default=["*"])
# Suggestions as a visitor types (/exemples/suggestions/): requests per client address and
# per window (seconds); a search box asks once per pause in typing.
SUGGESTION_RATE_LIMIT = env.int("SUGGESTION_RATE_LIMIT", default=120)
SUGGESTION_RATE_WINDOW = env.int("SUGGESTION_RATE_WINDOW", default=60)
# Requests per anonymous client address to /api/ (DRF notation: 120/min, 5000/hour).
API_ANON_RATE = env.str("API_ANON_RATE", default="120/min")

# The read-only API: JSON only (no browsable HTML: a cached answer is the same for every
# client), anonymous (no session, no CSRF), paginated, throttled per client address.
REST_FRAMEWORK = {
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": [],
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_THROTTLE_CLASSES": ["opendata.rest.AnonymousClientThrottle"],
    "DEFAULT_PAGINATION_CLASS": "opendata.rest.Pagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "UNAUTHENTICATED_USER": None,
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Impact Alliances — API des données ouvertes",
    "DESCRIPTION": (
        "Lecture seule. Les exemples publiés, leurs acteurs, territoires, domaines et "
        "objectifs ; la liste des exemples prend les paramètres de /exemples/."
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    # Swagger UI served from this site (drf-spectacular-sidecar): the CSP allows no CDN.
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}
# CORS (django-cors-headers): any site may read the API from a browser; nothing else.
CORS_URLS_REGEX = r"^/api/.*$"
CORS_ALLOW_ALL_ORIGINS = True
CORS_ALLOW_METHODS = ["GET", "HEAD", "OPTIONS"]
# The pages a public site owes (/a-propos/, /mentions-legales/…) are flat pages that
# curators edit in the admin; one site.
SITE_ID = 1
# "Proposer un exemple" (/proposer/): proposals per address and window (seconds), and sizes.
PROPOSAL_RATE_LIMIT = env.int("PROPOSAL_RATE_LIMIT", default=1)
PROPOSAL_RATE_WINDOW = env.int("PROPOSAL_RATE_WINDOW", default=600)
PROPOSAL_MAX_SUMMARY = 1_000  # characters
PROPOSAL_MAX_DESCRIPTION = 10_000
PROPOSAL_MAX_PARTNERS = 8
# E-mail (the proposer's acknowledgement): printed on the console in debug, sent through
# the SMTP server named by EMAIL_URL otherwise (smtp+tls://user:password@host:587).
EMAIL_CONFIG = env.email_url(
    "EMAIL_URL", default="consolemail://" if DEBUG else "smtp://127.0.0.1:25"
)
vars().update(EMAIL_CONFIG)
# The acknowledgement is sent during the proposal's request: a mail server that does not
# answer costs the visitor (and a worker) this many seconds, not the worker's whole timeout.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=10)
DEFAULT_FROM_EMAIL = env.str(
    "DEFAULT_FROM_EMAIL", default="Impact Alliances <ne-pas-repondre@localhost>"
)
# The address visitors write to, shown on /contact/ and in the footer (none when empty).
CONTACT_EMAIL = env.str("CONTACT_EMAIL", default="")
