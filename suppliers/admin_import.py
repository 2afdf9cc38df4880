"""The admin's supplier import: upload, preview (a dry run of the import), confirmation (the import itself).

Both steps are ``suppliers.services.supplier_import``, the writer ``manage.py import_suppliers`` uses, so a rule
of the import holds in both. The admin reads files within ``ADMIN_LIMITS`` (size, size unzipped, rows), checked
while the file is read (its size on upload, its size unzipped before a workbook is opened, its rows as they
stream: the import is all or nothing, so nothing of a file beyond them is written); a larger file gets a message
pointing to the command.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .importing import ADMIN_LIMITS, FileFormatError, iter_file
from .services import supplier_import

UPLOAD_SALT = "suppliers.admin-import"
# An uploaded file waits this long for its confirmation.
UPLOAD_MAX_AGE_SECONDS = 3600
UPLOAD_DIR = Path(tempfile.gettempdir()) / "repertoire-imports"
SUFFIXES = (".csv", ".xlsx")


class SupplierImportForm(forms.Form):
    import_file = forms.FileField(
        label=gettext_lazy("Fichier"), widget=forms.FileInput(attrs={"accept": ".csv,.xlsx"})
    )

    def __init__(self, *args, too_large=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_large = too_large
        self.fields["import_file"].help_text = _(
            "CSV (UTF-8) ou XLSX, colonnes décrites dans le README (« Import format ») ; au plus %(mb)s Mo et "
            "%(rows)s lignes ici, la commande « manage.py import_suppliers » au-delà."
        ) % {"mb": ADMIN_LIMITS.max_bytes // 2**20, "rows": ADMIN_LIMITS.max_rows}

    def clean(self):
        if self.too_large:  # the upload handler dropped the file: say why rather than that it is missing
            self.errors.pop("import_file", None)
            self.add_error(
                "import_file",
                _(
                    "Le fichier dépasse %(max)s Mo : importez-le avec la commande « manage.py import_suppliers »."
                )
                % {"max": ADMIN_LIMITS.max_bytes // 2**20},
            )
        return self.cleaned_data

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Format de fichier non reconnu : utilisez .csv (UTF-8) ou .xlsx."))
        return upload


class _BoundedUpload(FileUploadHandler):
    """Counts an upload's bytes as they arrive: past the admin's bound the file is dropped (the rest of the
    request is read but not kept) and the form says so, so a large file never reaches the disk."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > ADMIN_LIMITS.max_bytes:
            self.request.import_file_too_large = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


def _store(upload) -> str:
    """Keep the uploaded file for its confirmation; returns its signed name. Files left unconfirmed go."""
    UPLOAD_DIR.mkdir(mode=0o700, exist_ok=True)
    for old in UPLOAD_DIR.iterdir():
        if old.stat().st_mtime < time.time() - UPLOAD_MAX_AGE_SECONDS:
            old.unlink(missing_ok=True)
    name = secrets.token_hex(16) + Path(upload.name).suffix.lower()
    with open(UPLOAD_DIR / name, "wb") as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
    return signing.dumps(name, salt=UPLOAD_SALT)


def _stored(token: str) -> Path | None:
    try:
        name = signing.loads(token, salt=UPLOAD_SALT, max_age=UPLOAD_MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    path = UPLOAD_DIR / Path(name).name
    return path if path.exists() else None


@csrf_exempt
def supplier_import_view(model_admin, request):
    """CSRF is checked here, once the bounded upload handler is in place (the middleware would read the upload
    with the default handlers first)."""
    request.upload_handlers.insert(0, _BoundedUpload(request))
    return csrf_protect(lambda request: _import_view(model_admin, request))(request)


def _import_view(model_admin, request):
    if not (model_admin.has_add_permission(request) and model_admin.has_change_permission(request)):
        raise PermissionDenied
    opts = model_admin.model._meta
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": opts,
        "title": _("Importer des fournisseurs"),
    }
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm(model_admin, request, context)
    posted = request.method == "POST"
    form = SupplierImportForm(
        request.POST if posted else None,
        request.FILES if posted else None,
        too_large=getattr(request, "import_file_too_large", False),
    )
    if posted and form.is_valid():
        token = _store(form.cleaned_data["import_file"])
        path = _stored(token)
        try:
            report = supplier_import(
                open_rows=lambda: iter_file(path, ADMIN_LIMITS), user=request.user, dry_run=True
            )
        except FileFormatError as error:
            path.unlink(missing_ok=True)
            form.add_error("import_file", str(error))
        else:
            if not report.ok:
                path.unlink(missing_ok=True)
            context.update(report=report, token=token if report.ok else None)
    context["form"] = form
    return TemplateResponse(request, "admin/suppliers/supplier/import.html", context)


def _confirm(model_admin, request, context):
    path = _stored(request.POST.get("token", ""))
    if path is None:
        messages.error(request, _("Ce fichier n'est plus disponible : téléversez-le de nouveau."))
        return HttpResponseRedirect(reverse("admin:suppliers_supplier_import"))
    try:
        report = supplier_import(
            open_rows=lambda: iter_file(path, ADMIN_LIMITS),
            user=request.user,
            reason=_("Import de fichier (administration)"),
        )
    except FileFormatError as error:
        report = None
        messages.error(request, str(error))
    finally:
        path.unlink(missing_ok=True)
    if report is not None and report.ok:
        messages.success(request, report.summary())
        return HttpResponseRedirect(reverse("admin:suppliers_supplier_changelist"))
    # Something changed since the preview (an enterprise's edit, another import): nothing was written.
    context.update(form=SupplierImportForm(), report=report, token=None)
    return TemplateResponse(request, "admin/suppliers/supplier/import.html", context)
