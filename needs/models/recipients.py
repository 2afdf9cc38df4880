"""Who is told about a need (one ``Recipient`` per supplier) and what they answer; suppliers' questions; the
buyer's reminders."""

import secrets

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import connection, models
from django.db.models import Exists, OuterRef, Q
from django.db.models.functions import MD5, Cast, Concat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from suppliers.models import Supplier

from ..storage import private_storage
from .need import Need
from .outbox import DeliveryStatus, Notification, NotificationKind


class RecipientOrigin(models.TextChoices):
    MATCHED = "matched", _("Trouvé par l'appariement")
    INVITED = "invited", _("Invité par l'acheteur")
    STAFF = "staff", _("Ajouté par le personnel")


class Answer(models.TextChoices):
    INTERESTED = "interested", _("Intéressé")
    NOT_INTERESTED = "not_interested", _("Pas intéressé")


class DeclineReason(models.TextChoices):
    NOT_OUR_FIELD = "not_our_field", _("Ce n'est pas notre domaine")
    REGION_NOT_SERVED = "region_not_served", _("Région non desservie")
    CAPACITY = "capacity", _("Capacité insuffisante")
    TIMING = "timing", _("Échéancier impossible")
    AMOUNT_TOO_SMALL = "amount_too_small", _("Montant trop petit")
    AMOUNT_TOO_LARGE = "amount_too_large", _("Montant trop important")
    OTHER = "other", _("Autre raison")


class RandomToken(models.Func):
    """64 hexadecimal characters from PostgreSQL's strong random source (two version-4 UUIDs: 244 random bits),
    so that the database itself gives each recipient row its secret, however the row is inserted."""

    template = "replace(gen_random_uuid()::text || gen_random_uuid()::text, '-', '')"
    arity = 0
    output_field = models.CharField()


def answer_upload_to(instance, filename):
    return f"answers/{secrets.token_hex(16)}"


class RecipientQuerySet(models.QuerySet):
    def active(self):
        """Recipients that are told (staff may exclude a matched supplier before publication)."""
        return self.filter(excluded=False)

    def in_rotation_order(self, seed: int):
        """A random order fixed by the need's seed: the same need always lists its suppliers the same way, and
        two needs list them differently (rotation, never popularity)."""
        return self.order_by(
            MD5(Concat(models.Value(f"{seed}-"), Cast("supplier_id", models.CharField()))), "pk"
        )

    def for_member(self, user):
        if not user.is_authenticated:
            return self.none()
        return self.filter(supplier__memberships__user=user)

    def visible_to_supplier(self):
        return self.active().filter(need__status__in=Need.SUPPLIER_VISIBLE_STATUSES)

    def notified(self):
        """Recipients whose first email went out (or may have: a send that was interrupted)."""
        sent = Notification.objects.filter(
            recipient_id=OuterRef("pk"),
            kind=NotificationKind.PUBLICATION,
            status__in=[DeliveryStatus.SENT, DeliveryStatus.SENDING],
        )
        return self.filter(Exists(sent))

    def insert_missing(self, *, need, suppliers, origin) -> int:
        """Make a recipient of ``need`` of each supplier of ``suppliers`` (a queryset of supplier ids) that is not
        one yet, in one INSERT … SELECT: thousands of matches never travel to Python and back. The rows have no
        token until the need is published (``give_tokens``).

        The caller holds the need's lock (``services.base.locked``), as every writer of its recipients does: the
        suppliers already recipients are left out by the SELECT rather than by ``ON CONFLICT``, whose speculative
        insertion costs each row a second write. The rows go in supplier order, the order of the (need, supplier)
        index they are added to."""
        sql, params = suppliers.query.sql_with_params()
        table = Recipient._meta.db_table
        with connection.cursor() as cursor:
            cursor.execute(
                f"INSERT INTO {table} (need_id, supplier_id, origin, excluded, token, answer, "
                "answers, answer_file, answer_file_name, answer_file_type, decline_reason, comment, created_at) "
                f"SELECT %s, matched.supplier_id, %s, false, NULL, '', '{{}}', '', '', '', '', '', now() "
                f"FROM ({sql}) AS matched (supplier_id) "
                f"WHERE NOT EXISTS (SELECT 1 FROM {table} present "
                "WHERE present.need_id = %s AND present.supplier_id = matched.supplier_id) "
                "ORDER BY matched.supplier_id",
                [need.pk, origin, *params, need.pk],
            )
            return cursor.rowcount

    def give_tokens(self) -> int:
        """Give each recipient without one its personal link's secret (from the database's random source)."""
        return self.filter(token__isnull=True).update(token=RandomToken())

    def interested(self):
        return self.filter(answer=Answer.INTERESTED)

    def unanswered(self):
        return self.filter(answer="")


class Recipient(models.Model):
    """A supplier told about a need (one row per need and supplier), with its answer."""

    # No index of its own: the unique (need, supplier) constraint's index serves lookups by need.
    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="recipients", verbose_name=_("besoin"), db_index=False
    )
    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="need_recipients", verbose_name=_("fournisseur")
    )
    origin = models.CharField(_("origine"), max_length=10, choices=RecipientOrigin.choices)
    excluded = models.BooleanField(_("retiré par le personnel"), default=False)
    # The personal link's secret (opens the need and the answer form without an account); purged after retention.
    # NULL once purged: unique among the tokens that exist, and no empty string that would match a request.
    # Matched rows get theirs at publication (give_tokens): a recipient never told needs none.
    token = models.CharField(max_length=64, null=True, db_default=RandomToken(), editable=False)  # noqa: DJ001
    viewed_at = models.DateTimeField(_("consulté le"), null=True, blank=True)
    answer = models.CharField(_("réponse"), max_length=20, choices=Answer.choices, blank=True)
    answered_at = models.DateTimeField(_("répondu le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    answers = ArrayField(
        models.TextField(max_length=2000), verbose_name=_("réponses aux questions"), default=list, blank=True
    )
    price = models.DecimalField(_("prix proposé ($)"), max_digits=12, decimal_places=2, null=True, blank=True)
    answer_file = models.FileField(
        _("pièce jointe"), storage=private_storage, upload_to=answer_upload_to, max_length=200, blank=True
    )
    answer_file_name = models.CharField(_("nom de la pièce jointe"), max_length=200, blank=True)
    answer_file_type = models.CharField(max_length=100, blank=True)
    decline_reason = models.CharField(_("raison"), max_length=20, choices=DeclineReason.choices, blank=True)
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    hidden_at = models.DateTimeField(_("masqué le"), null=True, blank=True)
    retained = models.BooleanField(_("retenu"), null=True, blank=True)
    created_at = models.DateTimeField(_("ajouté le"), auto_now_add=True)

    objects = RecipientQuerySet.as_manager()

    class Meta:
        ordering = ["need", "pk"]
        verbose_name = _("destinataire")
        verbose_name_plural = _("destinataires")
        constraints = [
            models.UniqueConstraint(fields=["need", "supplier"], name="recipient_unique_need_supplier"),
            models.UniqueConstraint(
                fields=["token"], condition=Q(token__isnull=False), name="recipient_unique_token"
            ),
            models.CheckConstraint(
                condition=Q(origin__in=RecipientOrigin.values), name="recipient_origin_valid"
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answer__in=Answer.values), name="recipient_answer_valid"
            ),
            models.CheckConstraint(
                condition=Q(decline_reason="") | Q(decline_reason__in=DeclineReason.values),
                name="recipient_decline_reason_valid",
            ),
            models.CheckConstraint(
                condition=~Q(answer=Answer.NOT_INTERESTED) | ~Q(decline_reason=""),
                name="recipient_decline_has_reason",
            ),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answered_at__isnull=False), name="recipient_answer_has_date"
            ),
        ]

    def __str__(self):
        return f"{self.need_id} → {self.supplier_id}"

    @property
    def is_interested(self):
        return self.answer == Answer.INTERESTED

    def questions_and_answers(self):
        answers = list(self.answers) + [""] * len(self.need.questions)
        return list(zip(self.need.questions, answers, strict=False))


class Clarification(models.Model):
    """A question a supplier asks about a need; the buyer's answer goes to every recipient (equal information)."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="clarifications", verbose_name=_("besoin")
    )
    asked_by = models.ForeignKey(
        Recipient, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("posée par")
    )
    question = models.TextField(_("question"), max_length=1000)
    asked_at = models.DateTimeField(_("posée le"), auto_now_add=True)
    answer = models.TextField(_("réponse"), max_length=2000, blank=True)
    answered_at = models.DateTimeField(_("répondue le"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["asked_at", "pk"]
        verbose_name = _("question d'un fournisseur")
        verbose_name_plural = _("questions des fournisseurs")
        constraints = [
            models.CheckConstraint(condition=~Q(question=""), name="clarification_question_required"),
            models.CheckConstraint(
                condition=Q(answer="") | Q(answered_at__isnull=False), name="clarification_answer_has_date"
            ),
        ]

    def __str__(self):
        return self.question[:80]


class BuyerReminder(models.Model):
    """A reminder the author sent to the recipients who have not answered (at most two, 24 hours apart)."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="buyer_reminders")
    sent_at = models.DateTimeField(default=timezone.now)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )

    class Meta:
        ordering = ["sent_at"]
        verbose_name = _("relance de l'acheteur")
        verbose_name_plural = _("relances de l'acheteur")

    def __str__(self):
        return f"{self.need_id} @ {self.sent_at:%Y-%m-%d %H:%M}"
