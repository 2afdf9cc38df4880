"""Where needs' attachments and suppliers' answer files are kept: outside MEDIA_ROOT, so no URL serves them.

They are read only through the views that check who may see the need (``needs.views``). The folder is the
``PRIVATE_MEDIA_ROOT`` setting (from the environment variable, by default ``var/private`` of the project).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage


def private_root() -> Path:
    return Path(settings.PRIVATE_MEDIA_ROOT)


class PrivateStorage(FileSystemStorage):
    """File-system storage without a base URL, rooted where ``private_root()`` says at each use."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(private_root())

    @property
    def location(self):
        return os.path.abspath(self.base_location)


_storage = PrivateStorage()


def private_storage():
    # A callable, so that migrations refer to it instead of serialising a storage object.
    return _storage
