"""Settings for the directory, driven by environment variables.

Local defaults are safe for development: DEBUG on, a generated development secret, console email, and a
project-local PostgreSQL when DATABASE_URL is unset. With DJANGO_DEBUG=0 (production), a missing
DJANGO_SECRET_KEY or DATABASE_URL stops the process at start-up.
"""

import os
from pathlib import Path

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DEBUG = env_bool("DJANGO_DEBUG", True)

SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("DJANGO_SECRET_KEY must be set when DJANGO_DEBUG=0.")
    SECRET_KEY = "dev-only-insecure-secret-key-do-not-use-in-production"

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", "localhost,127.0.0.1,[::1],testserver")
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS")
# The public address every link in the site's own emails starts with (directory/site.py). `make run` sets it to
# the address it serves; in production it must be set, to an https address.
SITE_URL = os.environ.get("SITE_URL", "" if not DEBUG else "http://127.0.0.1:8000").rstrip("/")
if not DEBUG and not SITE_URL.startswith("https://"):
    raise ImproperlyConfigured("SITE_URL must be set to the site's https:// address when DJANGO_DEBUG=0.")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django.contrib.humanize",
    "django.contrib.sites",
    "django_filters",
    "import_export",
    "simple_history",
    "pgtrigger",
    "allauth",
    "allauth.account",
    "axes",
    "procrastinate.contrib.django",
    "accounts",
    "suppliers",
    "buyers",
    "enterprises",
    "directory",
    "privacy",
    "csp",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy on every response (CONTENT_SECURITY_POLICY below).
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # French unless the visitor picked English with the language switch (directory/middleware.py).
    "directory.middleware.FrenchFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "axes.middleware.AxesMiddleware",
    "accounts.ratelimits.ApiRateLimitMiddleware",
    # In local development (DEBUG) a missing page shows the project's 404, not Django's debug page.
    "directory.middleware.ProjectNotFoundPageMiddleware",
]

ROOT_URLCONF = "directory.urls"
WSGI_APPLICATION = "directory.wsgi.application"

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
                "django.template.context_processors.i18n",
            ],
        },
    },
]

# --- Database: PostgreSQL only. ---
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if not DATABASE_URL:
    if not DEBUG:
        raise ImproperlyConfigured("DATABASE_URL must be set when DJANGO_DEBUG=0.")
    from directory.localdb import database_url

    DATABASE_URL = database_url()
DATABASES = {
    "default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DB_CONN_MAX_AGE", 60)))
}
# A Unix-socket URL (?host=/path) lands in OPTIONS; HOST lets dbshell and psql find the socket too.
if not DATABASES["default"]["HOST"] and DATABASES["default"].get("OPTIONS", {}).get("host"):
    DATABASES["default"]["HOST"] = DATABASES["default"]["OPTIONS"].pop("host")
if not DATABASES["default"]["ENGINE"].endswith("postgresql"):
    raise ImproperlyConfigured("The directory runs on PostgreSQL only: DATABASE_URL must be postgres://…")
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Lets several test runs share one server without sharing a test database.
if os.environ.get("TEST_DATABASE_NAME"):
    DATABASES["default"]["TEST"] = {"NAME": os.environ["TEST_DATABASE_NAME"]}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Accounts ---
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SITE_ID = 1
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Emails carry no subject prefix: the sender's name is the site's name in the email's language (directory/site.py).
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https" if not DEBUG else "http"
# Repeated failed log-ins: django-axes locks the account+address pair for an hour after 5 failures.
AXES_FAILURE_LIMIT = int(os.environ.get("AXES_FAILURE_LIMIT", 5))
AXES_COOLOFF_TIME = 1
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "login"
# allauth authenticates with email=…, not login=…: this reads the address from either.
AXES_USERNAME_CALLABLE = "enterprises.lockout.username_from_credentials"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"

# --- Shared cache, rate limits, client addresses and where people land (enterprise side; keep together) ---
# Rate-limit counters (allauth's and the site's own) live in a store every worker process shares: PostgreSQL's
# cache table by default (created by migrate, accounts/0002), Redis when CACHE_URL=redis://… is set.
CACHE_URL = os.environ.get("CACHE_URL", "")
if CACHE_URL.startswith(("redis://", "rediss://")):
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}}
elif CACHE_URL:
    raise ImproperlyConfigured("CACHE_URL must be a redis:// or rediss:// URL (unset: the database cache).")
else:
    CACHES = {
        "default": {
            "BACKEND": "accounts.cache.DatabaseCache",
            "LOCATION": "directory_cache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }
# Behind reverse proxies that each append to X-Forwarded-For, the client is the TRUSTED_PROXY_COUNT-th address from
# the end; with 0 the header is ignored (it could be forged) and REMOTE_ADDR is used. One function serves django-axes,
# allauth and the site's rate limits.
TRUSTED_PROXY_COUNT = int(os.environ.get("TRUSTED_PROXY_COUNT", 0))
AXES_CLIENT_IP_CALLABLE = "accounts.client_ip.client_ip"
ACCOUNT_ADAPTER = "accounts.adapter.AccountAdapter"
# "amount/period/per": period s, m, h or d; per "user" (the account) or "ip" (the client address), or "key" for
# allauth (the address typed). Failures per account are django-axes' job (it shows the lockout page).
ACCOUNT_RATE_LIMITS = {
    "login_failed": "10/m/ip",
    "signup": "10/h/ip",
    "reset_password": "10/h/ip,3/h/key",
}
RATE_LIMITS = {
    "invitation": "10/h/user,20/h/ip",
    "claim": "5/h/user,10/h/ip",
    "listing_create": "5/d/user,10/d/ip",
    "api": os.environ.get("API_RATE_LIMIT", "1200/m/ip"),
}
# Confirming the address in the browser that signed up logs the person in; each kind of user then lands in their
# own space (accounts/spaces.py).
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True

# --- Email: console locally, SMTP when EMAIL_HOST is set. ---
if os.environ.get("EMAIL_HOST"):
    EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    EMAIL_HOST = os.environ["EMAIL_HOST"]
    EMAIL_PORT = int(os.environ.get("EMAIL_PORT", 587))
    EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
    EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", True)
else:
    EMAIL_BACKEND = os.environ.get("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
# The sender's address; the name shown beside it is the site's name in the email's language (directory/site.py).
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "no-reply@localhost")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Staff addresses told when something awaits review; defaults to the Curators group's members.
REVIEW_NOTIFICATION_EMAILS = env_list("REVIEW_NOTIFICATION_EMAILS")

# --- Languages: French first, English second. ---
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
# The language chosen with the switch is remembered for a year (the cookie is named in the privacy policy).
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SECURE = not DEBUG
# Contacts published on the privacy policy (Loi 25) and the accessibility statement; `check --deploy` refuses
# the local placeholders (directory/checks.py).
PRIVACY_OFFICER_NAME = os.environ.get("PRIVACY_OFFICER_NAME", "")
PRIVACY_OFFICER_TITLE = os.environ.get("PRIVACY_OFFICER_TITLE", "")
PRIVACY_OFFICER_EMAIL = os.environ.get("PRIVACY_OFFICER_EMAIL", "confidentialite@localhost")
ACCESSIBILITY_CONTACT_EMAIL = os.environ.get("ACCESSIBILITY_CONTACT_EMAIL", "accessibilite@localhost")
USE_I18N = True
TIME_ZONE = "America/Montreal"
USE_TZ = True

# --- Static and media files ---
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
# Where `collectstatic` writes the hashed files and their manifest, which production needs at start (wsgi.py).
STATIC_ROOT = Path(os.environ.get("DJANGO_STATIC_ROOT", BASE_DIR / "staticfiles"))
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(os.environ.get("MEDIA_ROOT", BASE_DIR / "var" / "media"))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

# --- Security in production (README, "Production") ---
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # Set by the environment so that a first deployment can try HTTPS before browsers are told to insist on it.
    SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
    SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", 0))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
    SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
# Pages load scripts, styles, images and fonts from the site only: no inline code, no third party.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "object-src": [NONE],
        "base-uri": [NONE],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Django's own technical 404 page in development, instead of the project's (directory/middleware.py).
DEBUG_TECHNICAL_404 = env_bool("DJANGO_DEBUG_TECHNICAL_404", False)

WHITENOISE_USE_FINDERS = DEBUG

# --- Background work: Procrastinate, a task queue kept in this PostgreSQL database (tasks in <app>/tasks.py,
# periodic ones declared there with @app.periodic). `manage.py procrastinate worker` runs them. ---
PROCRASTINATE_WORKER_DEFAULTS = {"concurrency": int(os.environ.get("TASK_WORKER_CONCURRENCY", 1))}
# Finished jobs are kept this many hours for inspection, then removed by a periodic task (directory/tasks.py).
TASK_JOBS_RETENTION_HOURS = int(os.environ.get("TASK_JOBS_RETENTION_HOURS", 72))

IMPORT_EXPORT_SKIP_ADMIN_ACTION_EXPORT_UI = False
# Importing needs the "add" permission on suppliers, exporting the "view" permission.
IMPORT_EXPORT_IMPORT_PERMISSION_CODE = "add"
IMPORT_EXPORT_EXPORT_PERMISSION_CODE = "view"
IMPORT_EXPORT_USE_TRANSACTIONS = True
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True
# Reverting from the history page would bypass the status workflow and its reasons.
SIMPLE_HISTORY_REVERT_DISABLED = True

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
