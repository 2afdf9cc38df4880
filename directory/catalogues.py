"""Reading the project's gettext catalogues (.po files), for the catalogue checks and `make messages`."""

import ast
import re
from pathlib import Path


def read_po(path: Path) -> list[dict]:
    """Entries of a .po file written by makemessages (entries separated by blank lines).

    Each entry is a dict with msgid, optional msgctxt and msgid_plural, msgstr (index → text) and flags.
    """
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry, key = {"flags": set(), "msgstr": {}}, None
        for line in block.splitlines():
            line = line.strip()
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif not line or line.startswith("#"):
                continue
            elif line.startswith('"'):
                if isinstance(key, int):
                    entry["msgstr"][key] += ast.literal_eval(line)
                else:
                    entry[key] += ast.literal_eval(line)
            else:
                word, _, rest = line.partition(" ")
                if word.startswith("msgstr"):
                    key = 0 if word == "msgstr" else int(word[len("msgstr[") : -1])
                    entry["msgstr"][key] = ast.literal_eval(rest)
                else:
                    key = word
                    entry[word] = ast.literal_eval(rest)
        if "msgid" in entry:
            entries.append(entry)
    return entries
