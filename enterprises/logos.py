"""Checking and re-encoding an uploaded logo before it is stored."""

import io
import warnings

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
LOGO_MAX_SIDE = 2000
LOGO_FORMATS = {"JPEG", "PNG", "WEBP"}


def logo_to_png(uploaded) -> bytes:
    """Return the uploaded image re-encoded as PNG, without its metadata; raise ValidationError if unfit."""
    if uploaded.size > LOGO_MAX_BYTES:
        raise ValidationError(
            _("Le logo pèse %(size)s ; la limite est de %(limit)s."),
            code="logo_too_large",
            params={"size": filesizeformat(uploaded.size), "limit": filesizeformat(LOGO_MAX_BYTES)},
        )
    uploaded.seek(0)
    try:
        # Pillow warns, then refuses, on decompression bombs: both mean the file is not a usable logo.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                image_format = image.format
                width, height = image.size
                if image_format not in LOGO_FORMATS:
                    raise ValidationError(
                        _("Le logo doit être une image JPEG, PNG ou WebP."), code="logo_format"
                    )
                if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
                    raise ValidationError(
                        _(
                            "Le logo mesure %(width)s × %(height)s pixels ; "
                            "il ne doit pas dépasser %(max)s pixels de côté."
                        ),
                        code="logo_dimensions",
                        params={"width": width, "height": height, "max": LOGO_MAX_SIDE},
                    )
                image.load()
                mode = "RGBA" if image.mode in {"RGBA", "LA", "P", "PA"} else "RGB"
                clean = image.convert(mode)
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise ValidationError(
            _("Ce fichier n'est pas une image lisible : le logo doit être une image JPEG, PNG ou WebP."),
            code="logo_not_image",
        ) from error
    output = io.BytesIO()
    # A fresh PNG from pixels only: EXIF, ICC and text chunks of the original are not carried over.
    clean.save(output, format="PNG", optimize=True)
    return output.getvalue()
