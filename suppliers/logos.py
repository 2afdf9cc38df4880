"""A listing's logo: checked, stripped of its metadata, reduced to the size pages show, and stored once.

The enterprise form and the admin both go through ``clean_logo``; every path that gives a listing a logo goes through
``replace_logo``, which deletes the file it replaces, so a listing keeps one file (plus, on the enterprise side, one
proposed in a pending revision).
"""

import hashlib
import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _
from PIL import Image, UnidentifiedImageError

LOGO_MAX_BYTES = 2 * 1024 * 1024
# Larger uploads are refused before their pixels are read (a small file can hold a huge image).
LOGO_MAX_SIDE = 2000
# Pages show a logo at most 160 px wide; twice that for high-density screens, with a margin.
LOGO_STORED_SIDE = 512
# Each accepted format is stored in the same format: a photo stays a JPEG, a drawing with transparency a PNG.
LOGO_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp"}
LOGO_DIR = "logos"
JPEG_QUALITY = 85
WEBP_QUALITY = 85


@dataclass(frozen=True)
class Logo:
    """A checked logo, ready to store: its bytes, its file extension and the name it was uploaded under."""

    content: bytes
    extension: str
    uploaded_name: str = ""

    @property
    def file_name(self) -> str:
        """A name from the content: the same logo uploaded twice is one file."""
        return f"{hashlib.sha256(self.content).hexdigest()[:16]}.{self.extension}"

    def as_file(self) -> ContentFile:
        return ContentFile(self.content, name=self.file_name)


def _unfit(message, code, **params):
    return ValidationError(message, code=code, params=params or None)


def clean_logo(uploaded) -> Logo:
    """Check an uploaded logo and return it re-encoded from its pixels alone; raise ValidationError if unfit."""
    if uploaded.size > LOGO_MAX_BYTES:
        raise _unfit(
            _("Le logo pèse %(size)s ; la limite est de %(limit)s."),
            "logo_too_large",
            size=filesizeformat(uploaded.size),
            limit=filesizeformat(LOGO_MAX_BYTES),
        )
    uploaded.seek(0)
    try:
        # Pillow warns, then refuses, on decompression bombs: both mean the file is not a usable logo.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(uploaded) as image:
                _check_header(image)
                image.load()  # a truncated file fails here
                return Logo(_reencode(image), LOGO_EXTENSIONS[image.format], getattr(uploaded, "name", ""))
    except ValidationError:
        raise
    except (
        UnidentifiedImageError,
        OSError,
        SyntaxError,
        ValueError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
    ) as error:
        raise _unfit(
            _("Ce fichier n'est pas une image lisible : le logo doit être une image JPEG, PNG ou WebP."),
            "logo_not_image",
        ) from error


def _check_header(image):
    if image.format not in LOGO_EXTENSIONS:
        raise _unfit(_("Le logo doit être une image JPEG, PNG ou WebP."), "logo_format")
    width, height = image.size
    if width > LOGO_MAX_SIDE or height > LOGO_MAX_SIDE:
        raise _unfit(
            _(
                "Le logo mesure %(width)s × %(height)s pixels ; il ne doit pas dépasser %(max)s pixels de côté."
            ),
            "logo_dimensions",
            width=width,
            height=height,
            max=LOGO_MAX_SIDE,
        )


def _reencode(image) -> bytes:
    """The pixels in the upload's format, at most LOGO_STORED_SIDE wide and high; EXIF, ICC and text chunks are
    not carried over."""
    image_format = image.format
    resized = max(image.size) > LOGO_STORED_SIDE
    if image_format == "JPEG":
        # A JPEG neither resized nor converted keeps its own quantisation: it never comes out heavier.
        untouched = not resized and image.mode in {"RGB", "L"}
        if image.mode not in {"RGB", "L"}:
            image = image.convert("RGB")
        options = {"quality": "keep" if untouched else JPEG_QUALITY, "optimize": True, "progressive": True}
    elif image_format == "WEBP":
        image = image.convert("RGBA" if image.has_transparency_data else "RGB")
        options = {"quality": WEBP_QUALITY, "method": 6}
    else:
        keep_modes = {"L", "LA", "RGB", "RGBA"} if resized else {"1", "L", "LA", "P", "RGB", "RGBA"}
        if image.mode not in keep_modes:
            image = image.convert("RGBA")
        options = {"optimize": True}
    if resized:
        image.thumbnail((LOGO_STORED_SIDE, LOGO_STORED_SIDE), Image.Resampling.LANCZOS)
    output = io.BytesIO()
    image.save(output, format=image_format, **options)
    return output.getvalue()


def stored_logo(name: str) -> Logo:
    """A logo already checked and stored (a revision's proposed logo), to give to a listing."""
    with default_storage.open(name, "rb") as stored:
        return Logo(stored.read(), name.rsplit(".", 1)[-1])


def _store(name: str, logo: Logo) -> str:
    return name if default_storage.exists(name) else default_storage.save(name, logo.as_file())


PENDING_LOGO_DIR = f"{LOGO_DIR}/revisions"


def store_pending_logo(*, owner: str, logo: Logo) -> str:
    """Store a logo that waits for review, outside the listing's own name; returns its storage name."""
    return _store(f"{PENDING_LOGO_DIR}/{owner}-{logo.file_name}", logo)


def is_pending_logo(name: str) -> bool:
    return (name or "").startswith(PENDING_LOGO_DIR + "/")


def delete_logo_file_on_commit(name: str) -> None:
    """Delete a stored logo once the transaction commits (a rolled-back change keeps the file it still points at)."""
    if name:
        transaction.on_commit(lambda: default_storage.delete(name))


def replace_logo(supplier, logo: Logo | None) -> None:
    """Point the supplier at ``logo`` (saved now) or at none; the file it replaces is deleted on commit.

    The caller saves the supplier (``logo`` is one of the fields it writes).
    """
    old = supplier.logo.name or ""
    new = _store(f"{LOGO_DIR}/{supplier.neq}-{logo.file_name}", logo) if logo is not None else ""
    supplier.logo.name = new
    if old != new:
        delete_logo_file_on_commit(old)
