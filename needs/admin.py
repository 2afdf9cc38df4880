"""Staff validation of needs in the admin: a queue of submitted needs (oldest first), and for each a review page
with a checklist, the recipients (count, add, remove, recompute, narrow the targeting) and the decision
(publish, request changes, reject)."""

import re

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from enterprises.admin import PendingFirstFilter
from suppliers.models import Supplier

from . import services
from .business_days import add_business_days
from .forms import AddRecipientForm, NarrowForm, StaffDecisionForm
from .models import (
    MAX_RECIPIENTS,
    MIN_INVITEES,
    MIN_RESPONSE_BUSINESS_DAYS,
    DeliveryStatus,
    Holiday,
    Need,
    NeedStatus,
    Notification,
    Recipient,
)

EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
PHONE_RE = re.compile(r"(\+?1[\s.-]?)?\(?\d{3}\)?[\s.-]?\d{3}[\s.-]?\d{4}")
RECIPIENTS_SHOWN = 300


class QueueFirstFilter(PendingFirstFilter):
    """Status filter that opens on the queue: needs waiting for validation."""

    def lookups(self, request, model_admin):
        return [*NeedStatus.choices, (self.ALL, _("Tous les statuts"))]

    def value(self):
        return admin.SimpleListFilter.value(self) or NeedStatus.SUBMITTED


def personal_data_hints(need: Need) -> list[str]:
    """Email addresses and phone numbers found in what suppliers will read (staff judge the rest)."""
    texts = [need.title_fr, need.title_en, need.description_fr, need.description_en, *need.questions]
    found = []
    for text in texts:
        found += [match.group(0) for match in EMAIL_RE.finditer(text)]
        found += [match.group(0) for match in PHONE_RE.finditer(text)]
    return found


def checklist(need: Need, recipient_count: int) -> list[dict]:
    """The points staff check before publishing: each with ``ok`` and what was found."""
    today = timezone.localdate()
    earliest = add_business_days(today, MIN_RESPONSE_BUSINESS_DAYS)
    hints = personal_data_hints(need)
    categories = list(need.categories.all())
    regions = list(need.regions.all())
    attachments = list(need.attachments.all())
    items = [
        {
            "label": gettext("Catégories indiquées"),
            "ok": bool(categories),
            "detail": ", ".join(c.name_fr for c in categories) or gettext("aucune"),
        },
        {
            "label": gettext("Régions indiquées"),
            "ok": need.all_quebec or bool(regions),
            "detail": gettext("Tout le Québec") if need.all_quebec else ", ".join(str(r) for r in regions),
        },
        {
            "label": gettext("Date limite assez éloignée (%(days)s jours ouvrables)")
            % {"days": MIN_RESPONSE_BUSINESS_DAYS},
            "ok": need.response_deadline >= earliest,
            "detail": gettext(
                "Le %(deadline)s ; au plus tôt le %(earliest)s pour une publication aujourd'hui."
            )
            % {"deadline": need.response_deadline.isoformat(), "earliest": earliest.isoformat()},
        },
        {
            "label": gettext("Aucun renseignement personnel dans le texte"),
            "ok": not hints,
            "detail": (gettext("À vérifier : %(found)s") % {"found": ", ".join(hints)})
            if hints
            else gettext("Aucun courriel ni numéro de téléphone repéré ; lisez tout de même le texte."),
        },
        {
            "label": gettext("Pièces jointes acceptables"),
            "ok": True,
            "detail": ", ".join(f"{a.name} ({a.size // 1024} Ko)" for a in attachments) or gettext("aucune"),
            "attachments": attachments,
        },
        {
            "label": gettext("Nombre de destinataires (%(max)s au plus)") % {"max": MAX_RECIPIENTS},
            "ok": 0 < recipient_count <= MAX_RECIPIENTS,
            "detail": str(recipient_count),
        },
        {
            "label": gettext("Auteur : acheteur actif"),
            "ok": need.author.is_active,
            "detail": f"{need.author.user.email} — {need.organisation}",
        },
    ]
    if need.is_invitation:
        items.append(
            {
                "label": gettext("Au moins %(min)s entreprises invitées (recommandé)")
                % {"min": MIN_INVITEES},
                "ok": recipient_count >= MIN_INVITEES,
                "detail": gettext("Avertissement seulement : l'acheteur choisit ses invités."),
            }
        )
    return items


@admin.register(Need)
class NeedAdmin(SimpleHistoryAdmin):
    review_template = "admin/needs/need/review.html"
    list_display = [
        "reference",
        "title_fr",
        "organisation",
        "kind",
        "status",
        "submitted_at",
        "recipient_count",
    ]
    list_filter = [QueueFirstFilter, "kind", "organisation__kind"]
    list_select_related = ["organisation"]
    search_fields = ["reference", "title_fr", "organisation__name"]
    # The queue: oldest submission first.
    ordering = ["submitted_at", "pk"]
    list_per_page = 50

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(active_recipients=Count("recipients", filter=Q(recipients__excluded=False)))
        )

    @admin.display(description=_("destinataires"), ordering="active_recipients")
    def recipient_count(self, obj):
        return obj.active_recipients

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def change_view(self, request, object_id, form_url="", extra_context=None):
        need = self.get_object(request, object_id)
        if need is None:
            raise Http404
        if not self.has_view_or_change_permission(request, need):
            raise PermissionDenied
        can_change = self.has_change_permission(request, need)
        forms = {
            "decision": StaffDecisionForm(),
            "add": AddRecipientForm(),
            "narrow": NarrowForm(need=need),
        }
        if request.method == "POST":
            if not can_change:
                raise PermissionDenied
            done = self._handle_post(request, need, forms)
            if done:
                return HttpResponseRedirect(request.get_full_path())
        active = need.recipients.active()
        recipient_count = active.count()
        recipients = active.select_related("supplier", "supplier__head_office_region").in_rotation_order(
            need.seed
        )[:RECIPIENTS_SHOWN]
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "original": need,
            "title": str(need),
            "need": need,
            "checklist": checklist(need, recipient_count),
            "recipients": recipients,
            "recipient_count": recipient_count,
            "recipients_shown": RECIPIENTS_SHOWN,
            "excluded": need.recipients.filter(excluded=True).select_related("supplier"),
            "history": need.status_changes.select_related("changed_by"),
            "deliveries": need.notifications.values("kind", "status")
            .annotate(count=Count("pk"))
            .order_by("kind"),
            "forms": forms,
            "can_change": can_change,
            "can_decide": can_change and need.status == NeedStatus.SUBMITTED,
            "matching_open": can_change and need.matching_is_open,
            "too_many": recipient_count > MAX_RECIPIENTS,
            "max_recipients": MAX_RECIPIENTS,
            "has_view_permission": True,
            "has_change_permission": can_change,
            **(extra_context or {}),
        }
        return TemplateResponse(request, self.review_template, context)

    def _handle_post(self, request, need, forms) -> bool:
        """Apply the button pressed; True when done (redirect), False to show the forms with their errors."""
        post = request.POST
        try:
            if "_publish" in post or "_request_changes" in post or "_reject" in post:
                form = forms["decision"] = StaffDecisionForm(post)
                if not form.is_valid():
                    return False
                message = form.cleaned_data["message"]
                if "_publish" in post:
                    services.need_publish(need=need, by=request.user)
                    self.message_user(
                        request, gettext("Besoin publié : les destinataires sont avisés."), messages.SUCCESS
                    )
                elif "_request_changes" in post:
                    services.need_request_changes(need=need, by=request.user, message=message)
                    self.message_user(
                        request, gettext("Modifications demandées à l'acheteur."), messages.SUCCESS
                    )
                else:
                    services.need_reject(need=need, by=request.user, reason=message)
                    self.message_user(
                        request, gettext("Besoin refusé : l'acheteur en est avisé."), messages.SUCCESS
                    )
                return True
            if "_recompute" in post:
                count = services.need_match(need=need)
                self.message_user(
                    request, gettext("Destinataires recalculés : %(count)s.") % {"count": count}
                )
                return True
            if "_remove" in post:
                recipient = Recipient.objects.filter(need=need, pk=post.get("_remove")).first()
                if recipient is None:
                    raise Http404
                services.recipient_remove(need=need, recipient=recipient, by=request.user)
                self.message_user(
                    request, gettext("Destinataire retiré : %(name)s.") % {"name": recipient.supplier.name}
                )
                return True
            if "_add" in post:
                form = forms["add"] = AddRecipientForm(post)
                if not form.is_valid():
                    return False
                supplier = Supplier.objects.filter(neq=form.cleaned_data["neq"]).first()
                if supplier is None:
                    form.add_error("neq", gettext("Aucun fournisseur n'a ce NEQ."))
                    return False
                services.recipient_add(need=need, supplier=supplier, by=request.user)
                self.message_user(
                    request, gettext("Destinataire ajouté : %(name)s.") % {"name": supplier.name}
                )
                return True
            if "_narrow" in post:
                form = forms["narrow"] = NarrowForm(post, need=need)
                if not form.is_valid():
                    return False
                count = services.need_narrow(
                    need=need,
                    by=request.user,
                    regions=form.cleaned_data["regions"],
                    categories=form.cleaned_data["categories"],
                    include_all_quebec_suppliers=form.cleaned_data["include_all_quebec_suppliers"],
                )
                self.message_user(
                    request, gettext("Ciblage resserré : %(count)s destinataires.") % {"count": count}
                )
                return True
        except ValidationError as error:
            for message in error.messages:
                self.message_user(request, message, messages.ERROR)
            return True
        raise PermissionDenied


@admin.register(Notification)
class NotificationAdmin(admin.ModelAdmin):
    """The outbox. A row left "sending" was interrupted mid-send: it may have gone out, so it is never sent again
    by itself; staff check the mail server's log and, if it did not go out, send it again."""

    list_display = ["need", "kind", "recipient", "status", "attempts", "claimed_at", "sent_at", "last_error"]
    list_filter = ["status", "kind"]
    list_select_related = ["need", "recipient__supplier"]
    search_fields = ["need__reference"]
    readonly_fields = [f.name for f in Notification._meta.fields]
    actions = ["send_again"]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.action(
        description=_("Envoyer de nouveau (courriels interrompus ou en échec)"), permissions=["change"]
    )
    def send_again(self, request, queryset):
        from . import notifications

        count = queryset.filter(status__in=[DeliveryStatus.SENDING, DeliveryStatus.FAILED]).update(
            status=DeliveryStatus.PENDING, next_attempt_at=timezone.now(), attempts=0
        )
        notifications.defer_sending()
        self.message_user(request, gettext("%(count)s courriels remis à envoyer.") % {"count": count})


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name_fr", "name_en"]
    date_hierarchy = "date"
