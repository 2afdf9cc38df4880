"""The admin's supplier import: upload, preview (a dry run of the import), confirmation (the import itself).

Both steps are ``suppliers.services.supplier_import``, the writer ``manage.py import_suppliers`` uses, so a rule
of the import holds in both. The admin reads files within ``ADMIN_LIMITS`` (size, size unzipped, rows), checked
before any row is kept; a larger file gets a message pointing to the command.
"""

import secrets
import tempfile
import time
from pathlib import Path

from django import forms
from django.contrib import messages
from django.core import signing
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

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

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["import_file"].help_text = _(
            "CSV (UTF-8) ou XLSX, colonnes décrites dans le README (« Import format ») ; au plus %(mb)s Mo et "
            "%(rows)s lignes ici, la commande « manage.py import_suppliers » au-delà."
        ) % {"mb": ADMIN_LIMITS.max_bytes // 2**20, "rows": ADMIN_LIMITS.max_rows}

    def clean_import_file(self):
        upload = self.cleaned_data["import_file"]
        if not upload.name.lower().endswith(SUFFIXES):
            raise forms.ValidationError(_("Format de fichier non reconnu : utilisez .csv (UTF-8) ou .xlsx."))
        if upload.size > ADMIN_LIMITS.max_bytes:
            raise forms.ValidationError(
                _(
                    "Le fichier dépasse %(max)s Mo : importez-le avec la commande « manage.py import_suppliers »."
                )
                % {"max": ADMIN_LIMITS.max_bytes // 2**20}
            )
        return upload


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


def _rows_within_limits(path: Path) -> None:
    """Read the file once within the admin's bounds (no row kept), so a file beyond them is refused before the
    import starts."""
    for _row in iter_file(path, ADMIN_LIMITS):
        pass


def supplier_import_view(model_admin, request):
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
    form = SupplierImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        token = _store(form.cleaned_data["import_file"])
        path = _stored(token)
        try:
            _rows_within_limits(path)
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
