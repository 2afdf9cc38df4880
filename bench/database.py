"""The benchmark's own databases, kept apart from the development and test databases.

Call :func:`use_database` before Django is set up: it points ``DATABASE_URL`` at the bench database
(created on the project-local server, or on the server named by an existing ``DATABASE_URL``) so that every
later step — Django in this process, ``manage.py`` and gunicorn in child processes — uses the same database.
"""

import os
import secrets
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import sql


def bench_database_name(size: int) -> str:
    return f"bench_{size}"


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def _conninfo(url: str) -> str:
    """A libpq connection string from a postgres:// URL (libpq reads URLs, but not the postgis:// scheme)."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(scheme="postgresql"))


def database_url_for(name: str) -> str:
    """URL of the database ``name``, creating it when missing.

    With DATABASE_URL set, the bench database lives on that server beside the configured database;
    otherwise on the project-local server (directory/localdb.py), which starts if needed.
    """
    base = os.environ.get("DATABASE_URL", "")
    if not base:
        from directory import localdb

        base = localdb.database_url()
    url = _with_database(base, name)
    with psycopg.connect(_conninfo(base), autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if not exists:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    return url


def drop_database(url: str) -> None:
    name = urlsplit(url).path.lstrip("/")
    maintenance = _with_database(url, "postgres")
    with psycopg.connect(_conninfo(maintenance), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def use_database(name: str, *, production: bool = True) -> str:
    """Point this process (and its children) at the bench database ``name``; return its URL.

    ``production`` runs Django as in production (DEBUG off, a throwaway secret key), so the figures include
    neither debug overhead nor development-only middleware behaviour.
    """
    url = database_url_for(name)
    os.environ["DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
    if production:
        os.environ["DJANGO_DEBUG"] = "0"
        os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_urlsafe(50))
        # Production settings need the site's public address; the bench sends no email.
        os.environ.setdefault("SITE_URL", "https://bench.invalid")
    return url


def setup_django(*, migrate: bool = True) -> None:
    import django
    from django.core.management import call_command

    django.setup()
    if migrate:
        call_command("migrate", interactive=False, verbosity=0)
