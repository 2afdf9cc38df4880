from django.conf import settings
from django.core.cache.backends.db import BaseDatabaseCache
from django.core.management import call_command
from django.db import migrations
from django.utils.module_loading import import_string


def create_cache_table(apps, schema_editor):
    """The rate-limit counters' table (settings.CACHES); nothing to do when the cache is Redis or the table exists.

    Unlogged: counters need no crash safety, and a request that only bumps a counter then waits for no WAL flush.
    """
    call_command("createcachetable", database=schema_editor.connection.alias, verbosity=0)
    for cache in settings.CACHES.values():
        if issubclass(import_string(cache["BACKEND"]), BaseDatabaseCache):
            table = schema_editor.connection.ops.quote_name(cache["LOCATION"])
            schema_editor.execute(f"ALTER TABLE {table} SET UNLOGGED")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_cache_table, migrations.RunPython.noop, elidable=False)]
