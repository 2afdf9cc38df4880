import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# The registrar's guide names 11, 22 and 33 as the first two digits; 88 also occurs in real data.
NEQ_PREFIXES = ("11", "22", "33", "88")
NEQ_REGEX = r"^(11|22|33|88)[0-9]{8}$"
# Canadian postal code: no D, F, I, O, Q or U anywhere; no W or Z in first position.
POSTAL_CODE_REGEX = r"^[ABCEGHJ-NPRSTVXY][0-9][ABCEGHJ-NPRSTV-Z] [0-9][ABCEGHJ-NPRSTV-Z][0-9]$"


def normalize_neq(value: str) -> str:
    return re.sub(r"[\s-]", "", value or "")


def validate_neq(value: str) -> None:
    if not re.fullmatch(r"[0-9]{10}", value or ""):
        raise ValidationError(
            _("Le NEQ doit compter exactement 10 chiffres (reçu : « %(value)s »)."),
            code="neq_format",
            params={"value": value},
        )
    if value[:2] not in NEQ_PREFIXES:
        raise ValidationError(
            _("Le NEQ doit commencer par 11, 22, 33 ou 88 (reçu : « %(value)s »)."),
            code="neq_prefix",
            params={"value": value},
        )


def normalize_postal_code(value: str) -> str:
    compact = re.sub(r"\s", "", value or "").upper()
    return f"{compact[:3]} {compact[3:]}" if len(compact) == 6 else (value or "").strip().upper()


def validate_postal_code(value: str) -> None:
    if value and not re.fullmatch(POSTAL_CODE_REGEX, value):
        raise ValidationError(
            _("Code postal invalide (« %(value)s ») : le format attendu est A1A 1A1, par exemple G5L 1A1."),
            code="postal_code",
            params={"value": value},
        )
