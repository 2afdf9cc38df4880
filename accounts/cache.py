"""Django's database cache, with counters that rate limits can trust and that cost two statements."""

import base64
import pickle
from datetime import UTC, datetime

from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.core.cache.backends.db import DatabaseCache as DjangoDatabaseCache
from django.db import connections, router
from django.utils.timezone import now

# Expired entries are swept on every this-many-th ``add`` of a process (Django sweeps only on ``set``).
SWEEP_EVERY = 100


class DatabaseCache(DjangoDatabaseCache):
    """Django's database cache, with ``incr`` and ``add`` fit for rate-limit counters.

    Django's ``incr`` reads then writes, so two processes counting at once lose a count, and it resets the entry's
    expiry to the default timeout; its ``add`` counts the table, selects, then inserts. Here ``incr`` is a
    compare-and-swap that keeps the expiry (as Redis's INCRBY does) and ``add`` is one ``INSERT … ON CONFLICT``.
    """

    _adds = 0

    def _cursor(self):
        return connections[router.db_for_write(self.cache_model_class)].cursor()

    def _table_name(self):
        return connections[router.db_for_write(self.cache_model_class)].ops.quote_name(self._table)

    def _encode(self, value) -> str:
        return base64.b64encode(pickle.dumps(value, self.pickle_protocol)).decode("latin1")

    def incr(self, key, delta=1, version=None):
        key = self.make_and_validate_key(key, version=version)
        table = self._table_name()
        with self._cursor() as cursor:
            while True:
                cursor.execute(
                    f"SELECT value FROM {table} WHERE cache_key = %s AND expires >= %s", [key, now()]
                )
                row = cursor.fetchone()
                if row is None:
                    raise ValueError(f"Key '{key}' not found.")
                value = pickle.loads(base64.b64decode(row[0].encode())) + delta
                cursor.execute(
                    f"UPDATE {table} SET value = %s WHERE cache_key = %s AND value = %s",
                    [self._encode(value), key, row[0]],
                )
                if cursor.rowcount == 1:
                    return value
                # Another process changed it between the two statements: read it again.

    def add(self, key, value, timeout=DEFAULT_TIMEOUT, version=None):
        key = self.make_and_validate_key(key, version=version)
        timeout = self.get_backend_timeout(timeout)
        expires = (
            datetime.max.replace(tzinfo=UTC) if timeout is None else datetime.fromtimestamp(timeout, tz=UTC)
        )
        table = self._table_name()
        with self._cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (cache_key, value, expires) VALUES (%s, %s, %s) "
                f"ON CONFLICT (cache_key) DO UPDATE SET value = EXCLUDED.value, expires = EXCLUDED.expires "
                f"WHERE {table}.expires < %s RETURNING 1",
                [key, self._encode(value), expires.replace(microsecond=0), now()],
            )
            added = cursor.fetchone() is not None
            DatabaseCache._adds += 1
            if DatabaseCache._adds % SWEEP_EVERY == 0:
                cursor.execute(f"DELETE FROM {table} WHERE expires < %s", [now()])
        return added
