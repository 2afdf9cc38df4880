"""Rate limits kept where every worker process sees them, and the client address read from a trusted proxy only
when one is configured (django-axes, allauth and the site's own limits alike)."""

import threading

import pytest
from django.core.cache import cache
from django.db import connection, connections
from django.test import RequestFactory
from django.urls import reverse

from accounts.client_ip import client_ip
from accounts.ratelimits import rate_limited
from tests.factories import VerifiedUserFactory

PASSWORD = "motdepasse-solide-2026"
LOGIN = reverse("account_login")


def request_from(remote="10.0.0.1", forwarded=None):
    meta = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        meta["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **meta)


# --- The client's address ---


def test_forwarded_header_is_ignored_without_a_trusted_proxy(settings):
    settings.TRUSTED_PROXY_COUNT = 0
    assert client_ip(request_from("10.0.0.1", "203.0.113.9")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "203.0.113.9", "203.0.113.9"),
        # What the client put in the header itself comes first and is never believed.
        (1, "6.6.6.6, 203.0.113.9", "203.0.113.9"),
        (2, "6.6.6.6, 203.0.113.9, 198.51.100.1", "203.0.113.9"),
        # Shorter than the proxy chain, or not an address: the connection's address.
        (2, "203.0.113.9", "10.0.0.1"),
        (1, "pas-une-adresse", "10.0.0.1"),
        (1, "2001:DB8::1", "2001:db8::1"),
    ],
)
def test_behind_trusted_proxies_the_client_is_counted_from_the_end(settings, count, forwarded, expected):
    settings.TRUSTED_PROXY_COUNT = count
    assert client_ip(request_from("10.0.0.1", forwarded)) == expected


def test_behind_a_proxy_one_persons_bad_passwords_do_not_lock_out_the_others(client, db, settings):
    # Every request reaches the site from the proxy's address; the people behind it are told apart by the header.
    settings.TRUSTED_PROXY_COUNT = 1
    VerifiedUserFactory(email="membre@coop.example")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"login": "membre@coop.example", "password": "mauvais"}, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    locked = client.post(LOGIN, {"login": "membre@coop.example", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1",
                         HTTP_X_FORWARDED_FOR="203.0.113.9")  # fmt: skip
    assert locked.status_code == 429
    response = client.post(
        LOGIN,
        {"login": "membre@coop.example", "password": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    assert response.status_code == 302
    assert "_auth_user_id" in client.session


def sign_up(client, n, address):
    return client.post(
        reverse("account_signup"),
        {"email": f"personne{n}@coop.example", "password1": PASSWORD, "password2": PASSWORD},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR=address,
    )


def test_sign_up_is_limited_per_client_address_not_for_the_whole_site(client, db, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    settings.ACCOUNT_RATE_LIMITS = {**settings.ACCOUNT_RATE_LIMITS, "signup": "3/h/ip"}
    for n in range(3):
        assert sign_up(client, n, "203.0.113.9").status_code == 302
        client.logout()
    assert sign_up(client, 3, "203.0.113.9").status_code == 429
    assert sign_up(client, 4, "198.51.100.7").status_code == 302


def test_sign_up_and_password_reset_are_limited_by_default(settings):
    from allauth.account import app_settings

    limits = app_settings.RATE_LIMITS
    assert limits["signup"].endswith("/h/ip")
    assert "/h/key" in limits["reset_password"] and "/h/ip" in limits["reset_password"]


def test_password_reset_requests_for_one_address_are_limited(client, db):
    VerifiedUserFactory(email="membre@coop.example")
    statuses = [
        client.post(reverse("account_reset_password"), {"email": "membre@coop.example"}).status_code
        for _ in range(4)
    ]
    assert statuses == [302, 302, 302, 429]


# --- Counters every process shares ---


def test_counters_live_in_the_database_that_every_process_shares(db, settings):
    settings.RATE_LIMITS = {"essai": "2/h/ip"}
    request = request_from("203.0.113.9")
    assert [rate_limited(request, "essai") for _ in range(3)] == [False, False, True]
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM directory_cache WHERE cache_key LIKE %s", ["%rl:essai:%"])
        assert cursor.fetchone()[0] == 1


def test_limits_count_per_account_and_per_address(db, settings):
    settings.RATE_LIMITS = {"essai": "2/h/user,3/h/ip"}
    first, second = VerifiedUserFactory(), VerifiedUserFactory()

    def attempt(user, address):
        request = request_from(address)
        request.user = user
        return rate_limited(request, "essai")

    assert [attempt(first, "203.0.113.9") for _ in range(3)] == [False, False, True]
    # Another account from the same address: the address has used its three attempts.
    assert attempt(second, "203.0.113.9") is True
    # That account from another address: its own second attempt, the address's first.
    assert attempt(second, "198.51.100.7") is False


def test_cache_increment_keeps_the_expiry(db):
    cache.set("compteur", 1, timeout=30)
    with connection.cursor() as cursor:
        cursor.execute("SELECT expires FROM directory_cache WHERE cache_key LIKE %s", ["%compteur"])
        before = cursor.fetchone()[0]
        assert cache.incr("compteur") == 2
        cursor.execute("SELECT expires FROM directory_cache WHERE cache_key LIKE %s", ["%compteur"])
        assert cursor.fetchone()[0] == before
    with pytest.raises(ValueError):
        cache.incr("absent")


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_counting_from_several_connections_at_once_loses_no_count():
    cache.set("simultane", 0, timeout=60)
    start = threading.Barrier(4)

    def count():
        start.wait()
        try:
            for _ in range(25):
                cache.incr("simultane")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=count) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert cache.get("simultane") == 100
    cache.clear()


def test_cache_add_replaces_only_an_expired_entry(db):
    assert cache.add("cle", "premier", timeout=60) is True
    assert cache.add("cle", "second", timeout=60) is False
    assert cache.get("cle") == "premier"
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE directory_cache SET expires = now() - interval '1 second' WHERE cache_key LIKE '%cle'"
        )
    assert cache.add("cle", "second", timeout=60) is True
    assert cache.get("cle") == "second"


def test_the_counters_table_is_not_written_to_the_write_ahead_log(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT relpersistence FROM pg_class WHERE relname = 'directory_cache'")
        assert cursor.fetchone() == ("u",)


# --- The open API ---


def test_api_answers_429_past_the_rate_of_an_address(client, db, settings):
    settings.RATE_LIMITS = {**settings.RATE_LIMITS, "api": "3/m/ip"}
    url = reverse("suppliers_api:list")
    assert [client.get(url, REMOTE_ADDR="203.0.113.9").status_code for _ in range(3)] == [200, 200, 200]
    refused = client.get(url, REMOTE_ADDR="203.0.113.9")
    assert refused.status_code == 429
    assert refused["Retry-After"] == "60"
    assert refused["Access-Control-Allow-Origin"] == "*"
    assert "trop souvent" in refused.json()["error"]
    assert client.get(url, REMOTE_ADDR="198.51.100.7").status_code == 200
    # The detail of a supplier counts against the same address.
    assert (
        client.get(
            reverse("suppliers_api:detail", args=["1100000000"]), REMOTE_ADDR="203.0.113.9"
        ).status_code
        == 429
    )


def settings_in_a_process(**environment):
    """The CACHES a worker would get with this environment (settings read in a fresh interpreter)."""
    import json
    import os
    import subprocess
    import sys

    env = {**os.environ, "DATABASE_URL": "postgres://ailleurs/base", **environment}
    code = "import json; from directory import settings; print(json.dumps(settings.CACHES['default']))"
    result = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=False
    )
    return result.returncode, json.loads(result.stdout) if result.returncode == 0 else result.stderr


def test_redis_holds_the_counters_when_cache_url_names_it():
    code, cache_settings = settings_in_a_process(CACHE_URL="redis://cache.interne:6379/1")
    assert code == 0
    assert cache_settings == {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://cache.interne:6379/1",
    }
    code, cache_settings = settings_in_a_process(CACHE_URL="")
    assert cache_settings["BACKEND"] == "accounts.cache.DatabaseCache"


def test_an_unknown_cache_url_stops_the_start():
    code, error = settings_in_a_process(CACHE_URL="memcached://cache:11211")
    assert code != 0 and "CACHE_URL" in error
