"""The account page: what the site keeps about the person, its download, and deleting the account."""

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from directory.spreadsheets import csv_response, dated_filename

from . import services
from .forms import AccountDeleteForm


def _render_account(request, form, status=200):
    data = services.personal_data_export(user=request.user)
    summary = [(section["label"], len(section["records"])) for section in data["sections"].values()]
    return render(
        request,
        "privacy/account.html",
        {"summary": summary, "form": form, "can_delete": not request.user.is_staff},
        status=status,
    )


@login_required
@require_GET
def account(request):
    return _render_account(request, AccountDeleteForm(user=request.user))


@login_required
@require_GET
def account_data(request, format):
    if format == "json":
        response = HttpResponse(
            services.personal_data_json(user=request.user), content_type="application/json"
        )
        response["Content-Disposition"] = f'attachment; filename="{dated_filename("mes-donnees", "json")}"'
        return response
    return csv_response(
        filename=dated_filename("mes-donnees", "csv"),
        header=services.CSV_HEADER,
        rows=services.personal_data_rows(user=request.user),
    )


@login_required
@require_http_methods(["POST"])
def account_delete(request):
    form = AccountDeleteForm(request.POST, user=request.user)
    if not form.is_valid():
        return _render_account(request, form, status=400)
    try:
        services.account_delete(user=request.user)
    except PermissionDenied as refusal:
        form.add_error(None, str(refusal))
        return _render_account(request, form, status=403)
    logout(request)
    messages.success(request, _("Votre compte et les renseignements qui s'y rattachent ont été supprimés."))
    return redirect("home")
