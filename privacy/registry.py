"""Who holds which personal data: each app registers, in ``<app>/personal_data.py``, the sections of a person's
data it keeps, how to export them and how to clean them up when the person deletes their account.

    from privacy.registry import register

    register(
        "memberships",
        label=_("Fiches que vous gérez"),
        export=lambda user: [{"fiche": m.supplier.name, ...} for m in user.memberships.all()],
        erase=memberships_erase,  # optional: what to do before the account row is deleted
    )

The export (JSON or CSV) and the account deletion (privacy/services.py) go through every section in the order
the apps are installed, so a new app's data is in both as soon as it registers.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ImproperlyConfigured

Record = dict[str, object]


@dataclass(frozen=True)
class DataSection:
    key: str
    label: object  # a lazy translated string
    export: Callable[[object], list[Record]]
    erase: Callable[[object], None] | None = None


_sections: dict[str, DataSection] = {}


def register(key: str, *, label, export, erase=None) -> DataSection:
    if key in _sections:
        raise ImproperlyConfigured(f"The personal data section {key!r} is registered twice.")
    section = DataSection(key=key, label=label, export=export, erase=erase)
    _sections[key] = section
    return section


def unregister(key: str) -> None:
    _sections.pop(key, None)


def sections() -> list[DataSection]:
    return list(_sections.values())
