from django.contrib.postgres.operations import TrigramExtension, UnaccentExtension
from django.db import migrations

# Stemmed French and English search that ignores accents: "deneigement" finds "Déneigement".
CREATE_CONFIGS = """
CREATE TEXT SEARCH CONFIGURATION fr_unaccent (COPY = pg_catalog.french);
ALTER TEXT SEARCH CONFIGURATION fr_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
CREATE TEXT SEARCH CONFIGURATION en_unaccent (COPY = pg_catalog.english);
ALTER TEXT SEARCH CONFIGURATION en_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, english_stem;
"""
DROP_CONFIGS = """
DROP TEXT SEARCH CONFIGURATION IF EXISTS fr_unaccent;
DROP TEXT SEARCH CONFIGURATION IF EXISTS en_unaccent;
"""


class Migration(migrations.Migration):
    initial = True
    dependencies = []

    operations = [
        UnaccentExtension(),
        TrigramExtension(),
        migrations.RunSQL(CREATE_CONFIGS, DROP_CONFIGS),
    ]
