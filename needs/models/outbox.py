"""The outbox: one ``Notification`` row per email about a need (sent by ``needs.notifications``)."""

from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class NotificationKind(models.TextChoices):
    # To a recipient (supplier):
    PUBLICATION = "publication", _("Nouveau besoin")
    UPDATE = "update", _("Besoin modifié")
    CLARIFICATION = "clarification", _("Réponse à une question")
    REMINDER = "reminder", _("Rappel automatique")
    BUYER_REMINDER = "buyer_reminder", _("Relance de l'acheteur")
    WITHDRAWN = "withdrawn", _("Besoin retiré")
    CLOSED = "closed", _("Besoin conclu")
    # To the author (buyer):
    SUBMITTED = "submitted", _("Besoin à valider (personnel)")
    DECISION = "decision", _("Décision du personnel")
    DIGEST = "digest", _("Résumé quotidien des réponses")
    OUTCOME_REQUEST = "outcome_request", _("Demande de résultat")


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("À envoyer")
    SENDING = "sending", _("Envoi en cours ou interrompu")
    SENT = "sent", _("Envoyé")
    FAILED = "failed", _("Échec")


class NotificationQuerySet(models.QuerySet):
    def due(self, now=None):
        return self.filter(status=DeliveryStatus.PENDING, next_attempt_at__lte=now or timezone.now())


class Notification(models.Model):
    """One email to send (the outbox): claimed, sent, then marked sent, so it is never sent twice.

    A row left in ``sending`` means a send was interrupted: it may or may not have gone out, so it is never sent
    again automatically; staff see it in the admin and decide.
    """

    need = models.ForeignKey("needs.Need", on_delete=models.CASCADE, related_name="notifications")
    recipient = models.ForeignKey(
        "needs.Recipient", on_delete=models.CASCADE, null=True, blank=True, related_name="notifications"
    )
    kind = models.CharField(_("type"), max_length=20, choices=NotificationKind.choices)
    # Tells apart two emails of the same kind to the same person (the edition, the question, the day…).
    key = models.CharField(_("clé"), max_length=40, blank=True)
    context = models.JSONField(default=dict, blank=True)
    status = models.CharField(
        _("état"), max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    next_attempt_at = models.DateTimeField(_("prochaine tentative"), default=timezone.now)
    claimed_at = models.DateTimeField(_("pris en charge le"), null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    last_error = models.TextField(_("dernière erreur"), blank=True)
    created_at = models.DateTimeField(_("créé le"), auto_now_add=True)

    objects = NotificationQuerySet.as_manager()

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("courriel")
        verbose_name_plural = _("courriels")
        constraints = [
            models.UniqueConstraint(
                fields=["need", "recipient", "kind", "key"],
                name="notification_unique_per_event",
                nulls_distinct=False,
            ),
            models.CheckConstraint(
                condition=Q(kind__in=NotificationKind.values), name="notification_kind_valid"
            ),
            models.CheckConstraint(
                condition=Q(status__in=DeliveryStatus.values), name="notification_status_valid"
            ),
            models.CheckConstraint(
                condition=~Q(status=DeliveryStatus.SENT) | Q(sent_at__isnull=False),
                name="notification_sent_at",
            ),
        ]
        indexes = [
            models.Index(
                fields=["next_attempt_at", "id"],
                name="notification_due",
                condition=Q(status="pending"),
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} — {self.need_id}"
