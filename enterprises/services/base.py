"""What every enterprise-side service checks first: a confirmed address, a row locked before it changes."""

from allauth.account.models import EmailAddress
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _

from suppliers.models import Supplier

from ..models import DecisionStatus


def email_is_verified(user) -> bool:
    return EmailAddress.objects.filter(user=user, verified=True).exists()


def require_verified_email(user, message):
    if not email_is_verified(user):
        raise PermissionDenied(message)


class ListingNotEditable(ValidationError):
    pass


def locked(supplier: Supplier) -> Supplier:
    return Supplier.objects.select_for_update().get(pk=supplier.pk)


def locked_pending(model, pk):
    obj = model.objects.select_for_update().get(pk=pk)
    if obj.status != DecisionStatus.PENDING:
        raise ValidationError(_("Cette demande a déjà été traitée."), code="already_decided")
    return obj
