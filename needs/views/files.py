"""Serving a private document (a need's attachment, an answer's document) once the view has checked access."""

from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

from ..files import safe_download_name


def serve_private_file(field_file, name: str, content_type: str) -> FileResponse:
    try:
        handle = field_file.open("rb")
    except (FileNotFoundError, ValueError) as error:
        raise Http404 from error
    response = FileResponse(
        handle, as_attachment=True, filename=safe_download_name(name, content_type), content_type=content_type
    )
    # Never kept by a shared cache: the document is for the people allowed to see the need.
    patch_cache_control(response, private=True, no_store=True)
    return response
