"""Wanlixing settings: one module, configured only through environment variables.

See .env.example for every variable. A malformed value stops start-up with a
message naming the variable.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from wanlixing.lib.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    env_url,
    fail,
    secret_key,
)

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("WANLIXING_VAR_DIR", str(BASE_DIR / "var"))).resolve()

DEBUG = env_bool("DEBUG", False)
SECRET_KEY = secret_key(VAR_DIR)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_url("SITE_URL", "http://127.0.0.1:8000", schemes=("http", "https"))

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "channels",
    "django_tasks",
    "django_tasks_db",
    "wanlixing.core",
    "wanlixing.accounts",
    "wanlixing.content",
    "wanlixing.learning",
    "wanlixing.rewards",
    "wanlixing.antifraud",
    "wanlixing.advisor",
    "wanlixing.livequiz",
    "wanlixing.outreach",
    "wanlixing.surveys",
    "wanlixing.insights",
    "wanlixing.helpdesk",
    "wanlixing.alerts",
]

# Each area of the platform, in navigation order: (app label, URL prefix).
PLATFORM_AREAS = [
    ("content", "library/"),
    ("learning", "learn/"),
    ("rewards", "rewards/"),
    ("antifraud", "antifraud/"),
    ("advisor", "advisor/"),
    ("livequiz", "live/"),
    ("outreach", "events/"),
    ("surveys", "surveys/"),
    ("insights", "insights/"),
    ("helpdesk", "help/"),
    ("alerts", "alerts/"),
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wanlixing.core.middleware.ContentSecurityPolicyMiddleware",
    "wanlixing.core.middleware.DatabaseBusyMiddleware",
]

ROOT_URLCONF = "wanlixing.urls"
ASGI_APPLICATION = "wanlixing.asgi.application"
WSGI_APPLICATION = None

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
                "wanlixing.core.context_processors.shell",
            ],
        },
    },
]

# Database: SQLite under var/ by default, PostgreSQL for production.
_default_db = f"sqlite:///{VAR_DIR / 'wanlixing.sqlite3'}"
DATABASE_URL = env_url("DATABASE_URL", _default_db, schemes=("sqlite", "postgres", "postgresql"))
try:
    _db = dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("DB_CONN_MAX_AGE", 0, minimum=0))
except ValueError as exc:
    raise fail(
        "DATABASE_URL", DATABASE_URL, "sqlite:///路径 或 postgresql://用户@主机/库名"
    ) from exc
if _db["ENGINE"] == "django.db.backends.sqlite3":
    if _db["NAME"] and _db["NAME"] != ":memory:":
        Path(_db["NAME"]).parent.mkdir(parents=True, exist_ok=True)
    _db["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
    }
    # A file, not memory: browser tests serve the ASGI app from another thread,
    # which must see the same test database.
    _db["TEST"] = {"NAME": str(VAR_DIR / f"test-wanlixing-{os.getpid()}.sqlite3")}
_db.setdefault("TEST", {})
DATABASES = {"default": _db}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Redis: cache and channel layer when configured; in-memory otherwise.
REDIS_URL = env_url("REDIS_URL", "", schemes=("redis", "rediss", "unix"))
# Parallel test workers (pytest-xdist) share one Redis database: each gets its own key space.
KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "wlx") + os.environ.get("PYTEST_XDIST_WORKER", "")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": KEY_PREFIX,
        }
    }
    CHANNEL_LAYERS = {
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {
                "hosts": [REDIS_URL],
                "prefix": KEY_PREFIX + ":asgi",
                "capacity": 1000,
                "expiry": 30,
            },
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}

# Background jobs: the Django tasks API (django-tasks backport), database backend.
TASKS = {
    "default": {
        "BACKEND": env_choice(
            "TASKS_BACKEND",
            "django_tasks_db.DatabaseBackend",
            ("django_tasks_db.DatabaseBackend", "django_tasks.backends.immediate.ImmediateBackend"),
        ),
        "QUEUES": ["default", "reports", "notifications", "training"],
    }
}

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = ["wanlixing.accounts.backends.UsernameOrPhoneBackend"]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "wanlixing" / "locale"]
TIME_ZONE = env_str("TIME_ZONE", "Asia/Shanghai")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

# Request limits: oversize bodies are refused before a view runs.
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2 * 1024 * 1024, minimum=1024)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 24 * 30
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0, minimum=0)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    USE_X_FORWARDED_HOST = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

EMAIL_BACKEND = env_choice(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend",
    (
        "django.core.mail.backends.console.EmailBackend",
        "django.core.mail.backends.smtp.EmailBackend",
        "django.core.mail.backends.locmem.EmailBackend",
    ),
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25, minimum=1, maximum=65535)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "wanlixing@localhost")

PRIVACY_NOTICE_VERSION = env_str("PRIVACY_NOTICE_VERSION", "2026-11")
ADMIN_USERNAME = env_str("ADMIN_USERNAME", "admin")
API_TOKEN_TTL_DAYS = env_int("API_TOKEN_TTL_DAYS", 90, minimum=1)

LOG_LEVEL = env_choice("LOG_LEVEL", "INFO", ("DEBUG", "INFO", "WARNING", "ERROR"))
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY 不能使用 django-insecure 开头的开发密钥。")

# --- Knowledge library (content) ---------------------------------------------------------
# Largest uploaded video, in MB; items show at most this many search results per page.
CONTENT_VIDEO_MAX_MB = env_int("CONTENT_VIDEO_MAX_MB", 200, minimum=1, maximum=4096)
CONTENT_PAGE_SIZE = env_int("CONTENT_PAGE_SIZE", 12, minimum=1, maximum=100)

# --- Help desk and notifications (apps helpdesk, alerts) --------------------------------
# Ticket handling limits in calendar days. Complaints follow the 15-day first limit of the
# 银行业保险业消费投诉处理管理办法 (extendable to 30, at most 60); consultations are shorter.
HELPDESK_COMPLAINT_SLA_DAYS = env_int("HELPDESK_COMPLAINT_SLA_DAYS", 15, minimum=1, maximum=60)
HELPDESK_CONSULTATION_SLA_DAYS = env_int("HELPDESK_CONSULTATION_SLA_DAYS", 3, minimum=1, maximum=60)
HELPDESK_REMIND_HOURS = env_int("HELPDESK_REMIND_HOURS", 48, minimum=1, maximum=24 * 30)
HELPDESK_AUTO_CLOSE_DAYS = env_int("HELPDESK_AUTO_CLOSE_DAYS", 7, minimum=1)
HELPDESK_ATTACHMENT_MAX_BYTES = env_int(
    "HELPDESK_ATTACHMENT_MAX_BYTES", 5 * 1024 * 1024, minimum=1024, maximum=50 * 1024 * 1024
)
HELPDESK_ATTACHMENTS_PER_TICKET = env_int("HELPDESK_ATTACHMENTS_PER_TICKET", 5, minimum=1)

NOTIFY_EMAIL_ENABLED = env_bool("NOTIFY_EMAIL_ENABLED", True)
NOTIFY_SMS_BACKEND = env_choice("NOTIFY_SMS_BACKEND", "console", ("console", "http", "off"))
SMS_GATEWAY_URL = env_url("SMS_GATEWAY_URL", "", schemes=("http", "https"))
SMS_GATEWAY_TOKEN = env_str("SMS_GATEWAY_TOKEN", "")
SMS_SIGNATURE = env_str("SMS_SIGNATURE", "【万里行】")
if NOTIFY_SMS_BACKEND == "http" and not SMS_GATEWAY_URL:
    raise fail("SMS_GATEWAY_URL", "", "短信网关地址（NOTIFY_SMS_BACKEND=http 时必填）")
NOTIFY_WECHAT_BACKEND = env_choice("NOTIFY_WECHAT_BACKEND", "console", ("console", "api", "off"))
WECHAT_API_BASE = env_url(
    "WECHAT_API_BASE", "https://api.weixin.qq.com", schemes=("http", "https")
).rstrip("/")
WECHAT_APP_ID = env_str("WECHAT_APP_ID", "")
WECHAT_APP_SECRET = env_str("WECHAT_APP_SECRET", "")
WECHAT_TEMPLATE_ID = env_str("WECHAT_TEMPLATE_ID", "")
if NOTIFY_WECHAT_BACKEND == "api":
    for _name in ("WECHAT_APP_ID", "WECHAT_APP_SECRET", "WECHAT_TEMPLATE_ID"):
        if not globals()[_name]:
            raise fail(_name, "", "非空值（NOTIFY_WECHAT_BACKEND=api 时必填）")
# Template fields: which template keyword carries the title and which the body.
_wechat_fields = env_list("WECHAT_TEMPLATE_FIELDS", ["title:thing1", "body:thing2"])
try:
    WECHAT_TEMPLATE_FIELDS = dict(item.split(":", 1) for item in _wechat_fields)
except ValueError:
    raise fail(
        "WECHAT_TEMPLATE_FIELDS", ",".join(_wechat_fields), "title:字段名,body:字段名"
    ) from None
if not set(WECHAT_TEMPLATE_FIELDS) <= {"title", "body"} or not WECHAT_TEMPLATE_FIELDS:
    raise fail("WECHAT_TEMPLATE_FIELDS", ",".join(_wechat_fields), "title:字段名,body:字段名")
WECHAT_TEMPLATE_VALUE_MAX = env_int("WECHAT_TEMPLATE_VALUE_MAX", 20, minimum=1)
NOTIFY_HTTP_TIMEOUT = env_int("NOTIFY_HTTP_TIMEOUT", 10, minimum=1, maximum=120)
NOTIFY_MAX_ATTEMPTS = env_int("NOTIFY_MAX_ATTEMPTS", 5, minimum=1, maximum=20)
NOTIFY_RETRY_BASE_SECONDS = env_int("NOTIFY_RETRY_BASE_SECONDS", 60, minimum=1)
NOTIFY_BATCH_SIZE = env_int("NOTIFY_BATCH_SIZE", 500, minimum=1, maximum=10000)

# --- Advisor (智能顾问) -------------------------------------------------------------------
from wanlixing.lib.env import env_float  # noqa: E402

# Calibrated probability below which the advisor says it is not sure and offers 转人工.
ADVISOR_CONFIDENCE_THRESHOLD = env_float("ADVISOR_CONFIDENCE_THRESHOLD", 0.45, minimum=0.0)
if ADVISOR_CONFIDENCE_THRESHOLD > 1:
    raise fail("ADVISOR_CONFIDENCE_THRESHOLD", str(ADVISOR_CONFIDENCE_THRESHOLD), "0 到 1 之间的数")
# Answers this much above the threshold are not logged for the content-gap report.
ADVISOR_GAP_MARGIN = env_float("ADVISOR_GAP_MARGIN", 0.15, minimum=0.0)
ADVISOR_GAP_RETENTION_DAYS = env_int("ADVISOR_GAP_RETENTION_DAYS", 180, minimum=1)
ADVISOR_MAX_QUESTION_CHARS = env_int("ADVISOR_MAX_QUESTION_CHARS", 300, minimum=20, maximum=2000)
ADVISOR_QUESTIONS_PER_MINUTE = env_int("ADVISOR_QUESTIONS_PER_MINUTE", 30, minimum=1)
# Optional wording by a language model (OpenAI-compatible); off unless both are set.
LLM_BASE_URL = env_url("LLM_BASE_URL", "", schemes=("http", "https"))
LLM_MODEL = env_str("LLM_MODEL", "")
LLM_API_KEY = env_str("LLM_API_KEY", "")
LLM_TIMEOUT_SECONDS = env_float("LLM_TIMEOUT_SECONDS", 8.0, minimum=0.5)

# --- Live quiz (直播答题) -------------------------------------------------------------------
# Redis keys of live games start with this (the store lives in REDIS_URL's database).
LIVEQUIZ_KEY_PREFIX = env_str("CACHE_KEY_PREFIX", "wlx")
# New players one address may add per minute across all games (0 = no limit).
LIVEQUIZ_JOINS_PER_ADDRESS = env_int("LIVEQUIZ_JOINS_PER_ADDRESS", 30, minimum=0)
LIVEQUIZ_MAX_PLAYERS = env_int("LIVEQUIZ_MAX_PLAYERS", 20000, minimum=1)
# Seconds between background flushes of stored answers into the database (0 = only when
# a question closes or the game ends, and by the periodic job).
LIVEQUIZ_FLUSH_SECONDS = env_int("LIVEQUIZ_FLUSH_SECONDS", 3, minimum=0, maximum=600)
# How often hosts and screens get the live answer count, in milliseconds.
LIVEQUIZ_COUNTS_EVERY_MS = env_int("LIVEQUIZ_COUNTS_EVERY_MS", 300, minimum=100, maximum=5000)
# Hours a finished game stays in the live store (rejoin shows the final results).
LIVEQUIZ_KEEP_HOURS = env_int("LIVEQUIZ_KEEP_HOURS", 6, minimum=1, maximum=168)
