"""Write section 1 of locale/fr/LC_MESSAGES/django.po: every plural string of the project, identical to its source.

The source strings are French, so French needs no translation, except for plurals: without an entry gettext falls
back to the English rule (only 1 is singular) and writes « 0 fournisseurs trouvés ». ``make messages`` runs this
after ``makemessages``, taking the plurals from the English catalogue; section 2 (allauth's French in the site's
words) is kept as it is.
"""

from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand

from directory.catalogues import read_po

SECTION_1 = "# --- 1. Plurals of the project's own strings ---\n"
SECTION_2 = "# --- 2."


def _quoted(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


class Command(BaseCommand):
    help = "Copie chaque chaîne au pluriel du catalogue anglais dans le catalogue français, identique à sa source."

    def handle(self, *args, **options):
        locale = Path(settings.LOCALE_PATHS[0])
        plurals = sorted(
            (entry["msgid"], entry["msgid_plural"], "python-format" in entry["flags"])
            for entry in read_po(locale / "en" / "LC_MESSAGES" / "django.po")
            if "msgid_plural" in entry
        )
        entries = "".join(
            ("#, python-format\n" if formatted else "")
            + f"msgid {_quoted(singular)}\nmsgid_plural {_quoted(plural)}\n"
            + f"msgstr[0] {_quoted(singular)}\nmsgstr[1] {_quoted(plural)}\n\n"
            for singular, plural, formatted in plurals
        )
        path = locale / "fr" / "LC_MESSAGES" / "django.po"
        text = path.read_text(encoding="utf-8")
        head, _, rest = text.partition(SECTION_1)
        _, marker, tail = rest.partition(SECTION_2)
        path.write_text(head + SECTION_1 + "\n" + entries + marker + tail, encoding="utf-8")
        self.stdout.write(f"{len(plurals)} pluriel(s) dans {path}")
