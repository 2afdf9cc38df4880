"""Demo activity for `make run` (``manage.py load_demo_activity``): buyers' needs in every status of their life,
anonymised search events over 24 months with their roll-ups, and 12 months of coverage snapshots.

Needs go through the project's own services (``needs.services``) and the need's status method, in real time, so
that every rule holds; each step is then dated in the past (dates only, by queryset ``update()``): the need's own
timestamps, its status changes, its history, its recipients' views and answers, and its emails (those older than
``SENT_AFTER`` are marked sent at that time, the others stay queued for the task worker, which prints them on the
console in development).

Everything is deterministic (fixed seeds) and idempotent: a part whose data already exist is left as it is.
"""

import random
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from allauth.account.models import EmailAddress
from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone

from buyers.management.commands.load_demo_buyers import DEMO_BUYER_EMAIL
from buyers.models import Buyer, BuyerOrganisation, BuyerStatus
from enterprises.management.commands.create_demo_member import DEMO_EMAIL as DEMO_MEMBER_EMAIL
from suppliers.management.commands.create_demo_staff import DEMO_EMAIL as DEMO_STAFF_EMAIL
from suppliers.models import Category, Region, Supplier

from . import services
from .business_days import add_business_days
from .models import (
    Answer,
    DeclineReason,
    DeliveryStatus,
    Need,
    NeedKind,
    NeedReferenceCounter,
    NeedStatus,
    NeedStatusChange,
    Notification,
    OutcomeMode,
    Recipient,
    deadline_instant,
)

SEED = 2026
# Emails about a step older than this were sent at the time; newer ones wait for the task worker.
SENT_AFTER = timedelta(hours=12)
# Other buyers, created as load_demo_buyers creates the demo buyer (no password: they only write needs).
OTHER_BUYERS = [
    ("achats.rouyn@demo.quebec", "Marc", "Bélanger", "Ville de Rouyn-Noranda", "Agent d'approvisionnement"),
    (
        "approvisionnement.phares@demo.quebec",
        "Nadia",
        "Tremblay",
        "Centre de services scolaire des Phares",
        "Conseillère en approvisionnement",
    ),
]
MAX_RECIPIENTS = 5
# Fates of needs that never reach publication: their deadline stays the one the buyer chose when writing.
NEVER_PUBLISHED = ("draft", "submitted", "changes_requested", "rejected", "withdrawn_draft")
MIN_RECIPIENTS = 3
SEAO_URL = "https://seao.gouv.qc.ca/avis-resultat-recherche/avis-reference?ItemId=demo-{reference}"


@dataclass
class Spec:
    """One demo need: what it asks and how far its life went (``days_ago``: its creation)."""

    author: str
    title: str
    description: str
    categories: list
    regions: list
    delivery_place: str
    days_ago: int
    fate: str  # draft, submitted, changes_requested, rejected, withdrawn_draft, published, withdrawn, closed,
    # awarded, not_awarded
    kind: str = NeedKind.MARKET_SOUNDING
    amount: int | None = None
    show_amount: bool = False
    questions: list = field(default_factory=list)
    answers: list = field(default_factory=list)  # one list of answers per interested recipient
    declines: list = field(default_factory=list)  # (reason, comment) per recipient not interested
    views: int = 0  # recipients who opened it without answering
    include_member: bool = False
    message: str = ""
    outcome_mode: str = ""
    outcome_other: str = ""
    accreditations: list = field(default_factory=list)


CISSS = DEMO_BUYER_EMAIL
ROUYN = OTHER_BUYERS[0][0]
PHARES = OTHER_BUYERS[1][0]

SPECS = [
    Spec(
        CISSS,
        "Déneigement des stationnements des CLSC d'Amos et de La Sarre",
        "Déneigement et déglaçage des stationnements et des entrées de deux CLSC (environ 4 500 m² au total), "
        "de novembre à avril, avec intervention avant 6 h les jours de semaine.",
        ["entretien.deneigement"],
        ["08"],
        "Amos et La Sarre",
        330,
        "awarded",
        amount=38_000,
        show_amount=True,
        questions=[
            "Disposez-vous de votre propre machinerie ?",
            "Quel délai d'intervention garantissez-vous ?",
        ],
        answers=[
            [
                "Oui : deux tracteurs et une chargeuse.",
                "Intervention avant 6 h, 2 h après la fin des chutes.",
            ],
            ["Nous louons une chargeuse pour l'hiver.", "Dans les 4 heures."],
        ],
        declines=[(DeclineReason.REGION_NOT_SERVED, "")],
        views=1,
        outcome_mode=OutcomeMode.MUTUAL_AGREEMENT,
    ),
    Spec(
        ROUYN,
        "Déneigement des trottoirs du centre-ville",
        "Déneigement manuel et mécanique des trottoirs et des escaliers publics du centre-ville, saison "
        "2025-2026, avec épandage d'abrasifs.",
        ["entretien.deneigement"],
        ["08"],
        "Rouyn-Noranda",
        300,
        "not_awarded",
        kind=NeedKind.PRICE_REQUEST,
        amount=60_000,
        questions=["Combien de personnes pouvez-vous affecter à chaque sortie ?"],
        answers=[["Une équipe de six personnes, dont deux en insertion."]],
        declines=[(DeclineReason.CAPACITY, "Nos équipes sont complètes pour l'hiver.")],
    ),
    Spec(
        PHARES,
        "Service de cafétéria à l'école secondaire Paul-Hubert",
        "Exploitation de la cafétéria (dîners pour environ 600 élèves) pour l'année scolaire, avec menus "
        "conformes à la politique alimentaire et produits locaux.",
        ["alimentation.cafeteria", "alimentation.repas"],
        ["01"],
        "Rimouski",
        270,
        "awarded",
        amount=95_000,
        questions=["Avez-vous déjà exploité une cafétéria scolaire ?"],
        answers=[["Oui, deux écoles primaires depuis 2019."], ["Oui, celle du cégep depuis cinq ans."]],
        declines=[(DeclineReason.AMOUNT_TOO_LARGE, "")],
        outcome_mode=OutcomeMode.INVITATION,
    ),
    Spec(
        CISSS,
        "Impression des dépliants de la campagne de vaccination",
        "Impression de 20 000 dépliants trois volets, couleur, papier recyclé, livrés en six lots aux CLSC de "
        "la région.",
        ["impression.imprimerie"],
        ["08"],
        "Rouyn-Noranda, Amos, Val-d'Or, La Sarre, Ville-Marie et Senneterre",
        240,
        "not_awarded",
        kind=NeedKind.PRICE_REQUEST,
        amount=9_500,
        show_amount=True,
        questions=["Pouvez-vous imprimer sur papier 100 % recyclé ?"],
        answers=[["Oui, papier certifié FSC recyclé."]],
        declines=[(DeclineReason.TIMING, "Nos presses sont réservées jusqu'en novembre.")],
        views=1,
    ),
    Spec(
        CISSS,
        "Repas livrés pour le service de répit de Val-d'Or",
        "Livraison de repas chauds (environ 40 par jour, cinq jours par semaine) au centre de répit, avec menus "
        "adaptés (textures modifiées, sans allergènes).",
        ["alimentation.repas"],
        ["08"],
        "Val-d'Or",
        210,
        "awarded",
        kind=NeedKind.INVITATION,
        amount=22_000,
        questions=["Pouvez-vous offrir des textures modifiées ?"],
        answers=[["Oui, purée et haché, préparés par notre nutritionniste."]],
        outcome_mode=OutcomeMode.MUTUAL_AGREEMENT,
    ),
    Spec(
        ROUYN,
        "Aménagement paysager du parc de la Paix",
        "Plantation, entretien des plates-bandes et tonte du parc, de mai à octobre.",
        ["entretien.paysager"],
        ["08"],
        "Rouyn-Noranda",
        180,
        "withdrawn",
        amount=18_000,
        message="Le projet est reporté à l'an prochain : merci de votre intérêt.",
    ),
    Spec(
        PHARES,
        "Déménagement du mobilier de deux écoles primaires",
        "Déménagement du mobilier et du matériel de deux écoles primaires pendant les travaux de l'été.",
        ["transport.demenagement"],
        ["01"],
        "Rimouski",
        150,
        "rejected",
        amount=140_000,
        message="Ce montant dépasse le seuil d'appel d'offres public : publiez un avis au SEAO et signalez-le "
        "ici comme « Avis publié au SEAO ».",
    ),
    Spec(
        CISSS,
        "Reconditionnement et disposition de 150 ordinateurs",
        "Récupération, effacement sécuritaire des données (certificat) et reconditionnement ou recyclage de "
        "150 postes et 60 écrans des installations de la région.",
        ["recuperation.electronique", "informatique.reconditionnement"],
        ["08"],
        "Rouyn-Noranda",
        120,
        "awarded",
        kind=NeedKind.SEAO_NOTICE,
        amount=30_000,
        questions=["Fournissez-vous un certificat d'effacement des données ?"],
        answers=[["Oui, un certificat par appareil (norme NIST 800-88)."]],
        declines=[(DeclineReason.NOT_OUR_FIELD, "")],
        outcome_mode=OutcomeMode.PUBLIC_TENDER,
    ),
    Spec(
        ROUYN,
        "Traiteur pour la soirée des bénévoles",
        "Buffet pour 150 personnes (options végétariennes et sans gluten), service et vaisselle réutilisable.",
        ["alimentation.traiteur"],
        ["08"],
        "Rouyn-Noranda",
        85,
        "not_awarded",
        kind=NeedKind.PRICE_REQUEST,
        amount=7_500,
        questions=["Fournissez-vous la vaisselle réutilisable ?"],
        declines=[(DeclineReason.AMOUNT_TOO_SMALL, ""), (DeclineReason.OTHER, "Nous fermons en décembre.")],
    ),
    Spec(
        CISSS,
        "Entretien ménager des bureaux administratifs de Rouyn-Noranda",
        "Entretien ménager quotidien de 2 800 m² de bureaux (soir, cinq jours par semaine), produits certifiés "
        "écologiques, pour un contrat d'un an renouvelable.",
        ["entretien.menager"],
        ["08"],
        "Rouyn-Noranda",
        32,
        "closed",
        amount=85_000,
        questions=["Combien de personnes affecteriez-vous au contrat ?", "Vos produits sont-ils certifiés ?"],
        answers=[
            ["Trois personnes, dont une chef d'équipe.", "Oui, ÉcoLogo."],
            ["Deux personnes à temps plein.", "Oui, pour la plupart."],
        ],
        declines=[(DeclineReason.CAPACITY, "")],
        views=1,
    ),
    Spec(
        CISSS,
        "Service de traiteur pour la journée régionale des gestionnaires",
        "Déjeuner, dîner et deux pauses pour 80 personnes à Rouyn-Noranda, produits régionaux souhaités.",
        ["alimentation.traiteur"],
        ["08"],
        "Rouyn-Noranda",
        6,
        "published",
        kind=NeedKind.PRICE_REQUEST,
        amount=6_000,
        show_amount=True,
        questions=["Pouvez-vous offrir des produits régionaux ?"],
        answers=[["Oui : fromages, viandes et légumes de producteurs de l'Abitibi."]],
        declines=[(DeclineReason.TIMING, "")],
        include_member=True,
    ),
    Spec(
        ROUYN,
        "Collecte et recyclage de matériel informatique municipal",
        "Collecte trimestrielle du matériel informatique désuet des édifices municipaux, avec rapport de "
        "traçabilité.",
        ["recuperation.electronique"],
        ["08"],
        "Rouyn-Noranda",
        1,
        "published_now",
        amount=12_000,
        questions=["Remettez-vous un rapport de traçabilité ?"],
        include_member=False,
    ),
    Spec(
        CISSS,
        "Assemblage de mobilier de bureau pour le CHSLD de Val-d'Or",
        "Réception, assemblage et installation d'environ 120 postes de travail et 200 chaises dans le nouveau "
        "pavillon.",
        ["fabrication.assemblage", "fabrication.mobilier"],
        ["08"],
        "Val-d'Or",
        3,
        "submitted",
        amount=24_000,
        accreditations=[],
    ),
    Spec(
        CISSS,
        "Traduction anglaise de documents d'information aux usagers",
        "Traduction vers l'anglais d'environ 30 000 mots (dépliants et pages web).",
        ["impression.traduction"],
        ["08"],
        "Rouyn-Noranda",
        9,
        "changes_requested",
        amount=5_000,
        message="Précisez les délais attendus et si une révision par une deuxième personne est exigée.",
    ),
    Spec(
        CISSS,
        "Lavage des uniformes du personnel de cuisine",
        "Lavage, séchage et pliage hebdomadaires d'environ 300 uniformes, collecte et livraison comprises.",
        ["entretien.buanderie"],
        ["08"],
        "Amos",
        1,
        "draft",
        amount=14_000,
    ),
]


def at(moment: datetime, days: float, hour: int, *, back: bool = False) -> datetime:
    """``days`` after ``moment``'s local day, at ``hour``, on a weekday (the Monday after a weekend, or the Friday
    before with ``back``)."""
    day = timezone.localtime(moment).date() + timedelta(days=int(days))
    while day.weekday() >= 5:
        day += timedelta(days=-1 if back else 1)
    return timezone.make_aware(datetime.combine(day, time(hour, 0)))


class Timeline:
    """Runs services on one need in real time, then dates what each step wrote at its planned moment."""

    def __init__(self, need: Need, now: datetime):
        self.need = need
        self.now = now
        self.history = Need.history.model

    def _marks(self):
        return (
            NeedStatusChange.objects.filter(need=self.need).aggregate(m=Max("pk"))["m"] or 0,
            Notification.objects.filter(need=self.need).aggregate(m=Max("pk"))["m"] or 0,
            self.history.objects.filter(id=self.need.pk).aggregate(m=Max("history_id"))["m"] or 0,
        )

    def step(self, when: datetime, action, **need_fields):
        marks = self._marks() if self.need.pk else (0, 0, 0)
        result = action()
        if isinstance(result, Need):
            self.need = result
        self.date(when, marks, **need_fields)
        return result

    def date(self, when, marks, **need_fields):
        changes = NeedStatusChange.objects.filter(need=self.need, pk__gt=marks[0])
        if changes.exists():
            changes.update(changed_at=when)
            need_fields["status_changed_at"] = when
        emails = Notification.objects.filter(need=self.need, pk__gt=marks[1])
        if when < self.now - SENT_AFTER:
            emails.update(
                created_at=when,
                next_attempt_at=when,
                claimed_at=when,
                sent_at=when + timedelta(minutes=1),
                attempts=1,
                status=DeliveryStatus.SENT,
            )
        else:
            emails.update(created_at=when, next_attempt_at=when)
        self.history.objects.filter(id=self.need.pk, history_id__gt=marks[2]).update(history_date=when)
        if need_fields:
            Need.objects.filter(pk=self.need.pk).update(**{name: when for name in need_fields})
        self.need.refresh_from_db()


@dataclass
class Report:
    needs: int = 0
    buyers: int = 0
    recipients: int = 0
    interested: int = 0
    declined: int = 0
    queued: int = 0
    records: int = 0
    events: int = 0
    months_rolled: int = 0
    snapshots: int = 0
    snapshot_months: int = 0
    skipped: list = field(default_factory=list)


def demo_buyers() -> dict[str, Buyer]:
    """The demo buyer (load_demo_buyers) and the other demo buyers, created here if missing."""
    buyers = {}
    demo = Buyer.objects.select_related("user").filter(user__email=DEMO_BUYER_EMAIL).first()
    if demo is not None:
        buyers[DEMO_BUYER_EMAIL] = demo
    User = get_user_model()
    for email, first, last, organisation_name, title in OTHER_BUYERS:
        organisation = BuyerOrganisation.objects.filter(name=organisation_name).first()
        if organisation is None:
            continue
        user, created = User.objects.get_or_create(
            email=email, defaults={"first_name": first, "last_name": last}
        )
        if created:
            user.set_unusable_password()
            user.save()
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        buyers[email], _ = Buyer.objects.update_or_create(
            user=user,
            defaults={"organisation": organisation, "job_title": title, "status": BuyerStatus.ACTIVE},
        )
    return buyers


def demo_needs_exist(buyers) -> bool:
    return Need.objects.filter(
        organisation_id__in=[buyer.organisation_id for buyer in buyers.values()],
        title_fr__in=[spec.title for spec in SPECS],
    ).exists()


def member_supplier() -> Supplier | None:
    from enterprises.models import Membership

    membership = Membership.objects.filter(user__email=DEMO_MEMBER_EMAIL).select_related("supplier").first()
    return membership.supplier if membership else None


def staff_user():
    User = get_user_model()
    return (
        User.objects.filter(email=DEMO_STAFF_EMAIL).first()
        or User.objects.filter(is_staff=True, is_active=True).order_by("pk").first()
    )


def reachable(queryset):
    return queryset.published().exclude(email="").order_by("pk")


class NeedMaker:
    def __init__(self, *, now, buyers, staff, member, report: Report):
        self.now = now
        self.buyers = buyers
        self.staff = staff
        self.member = member
        self.report = report
        self.rng = random.Random(SEED)
        self.today = timezone.localdate(now)

    def make(self, spec: Spec) -> Need | None:
        buyer = self.buyers.get(spec.author)
        if buyer is None:
            return None
        user = buyer.user
        latest = self.now - timedelta(hours=1)
        created = min(at(self.now, -spec.days_ago, 9 + self.rng.randint(0, 5), back=True), latest)
        submitted = min(created + timedelta(hours=2 + self.rng.randint(0, 20)), latest)
        decided = min(at(submitted, 1 + self.rng.randint(0, 2), 10 + self.rng.randint(0, 5)), latest)
        if spec.fate == "published_now":
            created = self.now - timedelta(hours=30)
            submitted, decided = created + timedelta(hours=3), self.now - timedelta(hours=2)
        if spec.fate in NEVER_PUBLISHED:
            # Never published: the deadline the buyer chose when writing it.
            deadline = add_business_days(timezone.localdate(created), 15)
        else:
            deadline = add_business_days(timezone.localdate(decided), 10)
        data = {
            "kind": spec.kind,
            "title_fr": spec.title,
            "description_fr": spec.description,
            "categories": spec.categories,
            "regions": spec.regions,
            "all_quebec": False,
            "delivery_place": spec.delivery_place,
            "include_all_quebec_suppliers": True,
            "accreditations": spec.accreditations,
            "estimated_amount": Decimal(spec.amount) if spec.amount is not None else None,
            "show_amount": spec.show_amount,
            # A deadline the need form accepts today; the planned one replaces it once the need is dated.
            "response_deadline": add_business_days(self.today, 10),
            "questions": spec.questions,
        }
        if spec.kind == NeedKind.SEAO_NOTICE:
            data["seao_url"] = SEAO_URL.format(reference=spec.days_ago)
        need = services.need_create(buyer=buyer, data=data)
        timeline = Timeline(need, self.now)
        timeline.date(created, (0, 0, 0), created_at=None, status_changed_at=None)
        if spec.fate in NEVER_PUBLISHED:
            Need.objects.filter(pk=need.pk).update(response_deadline=deadline)
        if created.year != self.today.year:
            # References number the needs of the year they were written in.
            Need.objects.filter(pk=need.pk).update(
                reference=NeedReferenceCounter.next_reference(created.year)
            )
            need.refresh_from_db()
        self.report.needs += 1
        if spec.fate == "draft":
            return need
        if spec.fate == "withdrawn_draft":
            timeline.step(
                decided, lambda: services.need_withdraw(need=timeline.need, user=user), closed_at=None
            )
            return timeline.need
        if spec.kind == NeedKind.INVITATION:
            invitees = list(
                timeline.need.matching_suppliers().order_by("pk").values_list("pk", flat=True)[:3]
            )
            services.invitees_set(need=timeline.need, user=user, supplier_ids=invitees)
        timeline.step(
            submitted, lambda: services.need_submit(need=timeline.need, user=user), submitted_at=None
        )
        self._choose_recipients(timeline.need, spec)
        Recipient.objects.filter(need=timeline.need).update(created_at=submitted)
        if spec.fate == "submitted":
            return timeline.need
        if spec.fate == "changes_requested":
            timeline.step(
                decided,
                lambda: services.need_request_changes(
                    need=timeline.need, by=self.staff, message=spec.message
                ),
            )
            return timeline.need
        if spec.fate == "rejected":
            timeline.step(
                decided,
                lambda: services.need_reject(need=timeline.need, by=self.staff, reason=spec.message),
                closed_at=None,
            )
            return timeline.need
        if not timeline.need.recipients.active().exists():
            self.report.skipped.append(spec.title)
            return timeline.need
        timeline.step(
            decided, lambda: services.need_publish(need=timeline.need, by=self.staff), published_at=None
        )
        self.report.recipients += timeline.need.recipients.active().count()
        self._answer(timeline, spec, decided, deadline)
        start = deadline + timedelta(days=21)
        if spec.fate == "withdrawn":
            # Withdrawn before its deadline (real time), then dated.
            timeline.step(
                at(decided, 4, 15),
                lambda: services.need_withdraw(need=timeline.need, user=user, message=spec.message),
                closed_at=None,
            )
            Need.objects.filter(pk=need.pk).update(response_deadline=deadline, start_date=start)
            return timeline.need
        Need.objects.filter(pk=need.pk).update(response_deadline=deadline, start_date=start)
        if spec.fate in ("published", "published_now"):
            return timeline.need
        closed = deadline_instant(deadline) + timedelta(hours=2)
        need = timeline.need

        def close():
            with transaction.atomic():
                locked = Need.objects.select_for_update().get(pk=need.pk)
                locked.change_status(NeedStatus.CLOSED)
            return locked

        timeline.step(closed, close, closed_at=None)
        # The daily digest of answers went out before the need closed.
        Need.objects.filter(pk=need.pk).update(digest_sent_until=closed)
        if spec.fate == "closed":
            return timeline.need
        recorded = at(closed, 10 + self.rng.randint(0, 15), 11)
        awarded = spec.fate == "awarded"
        retained = list(timeline.need.recipients.active().interested().order_by("pk")[:1]) if awarded else []
        amount = Decimal(int(spec.amount * self.rng.uniform(0.85, 1.05))) if awarded and spec.amount else None
        timeline.step(
            recorded,
            lambda: services.outcome_record(
                need=timeline.need,
                user=user,
                awarded=awarded,
                mode=spec.outcome_mode,
                retained=retained,
                other_supplier="" if retained else "Fournisseur hors répertoire",
                amount=amount,
                seao_number="1234567" if spec.outcome_mode == OutcomeMode.PUBLIC_TENDER else "",
            ),
        )
        return timeline.need

    def _choose_recipients(self, need: Need, spec: Spec) -> None:
        """A handful of recipients: staff leave out matches past ``MAX_RECIPIENTS`` (in the need's rotation
        order), add reachable suppliers of the categories when none matched, and the demo member's listing
        when the need is meant to reach it."""
        active = list(need.recipients.active().in_rotation_order(need.seed))
        for recipient in active[MAX_RECIPIENTS:]:
            services.recipient_remove(need=need, recipient=recipient, by=self.staff)
        if len(active) < MIN_RECIPIENTS:
            # Few matches in a thin region: staff add reachable suppliers of the categories from elsewhere.
            present = need.recipients.values("supplier_id")
            others = reachable(Supplier.objects.offering(*spec.categories)).exclude(pk__in=present)
            for supplier in others[: MIN_RECIPIENTS - len(active)]:
                services.recipient_add(need=need, supplier=supplier, by=self.staff)
        member = self.member
        if spec.include_member and member is not None and member.is_public and member.email:
            if not need.recipients.active().filter(supplier=member).exists():
                kept = list(need.recipients.active().in_rotation_order(need.seed))
                if len(kept) >= MAX_RECIPIENTS:
                    services.recipient_remove(need=need, recipient=kept[-1], by=self.staff)
                services.recipient_add(need=need, supplier=member, by=self.staff)

    def _answer(self, timeline: Timeline, spec: Spec, published: datetime, deadline: date) -> None:
        """Recipients open the need and answer (the demo member's listing stays unanswered, for the demo)."""
        need = timeline.need
        recipients = [
            recipient
            for recipient in need.recipients.active().in_rotation_order(need.seed).select_related("need")
            if self.member is None or recipient.supplier_id != self.member.pk
        ]
        last = deadline_instant(deadline) - timedelta(hours=6)
        limit = min(last, self.now - timedelta(hours=1))
        plan = [("interested", answers) for answers in spec.answers]
        plan += [("declined", decline) for decline in spec.declines]
        plan += [("viewed", None)] * spec.views
        for recipient, (what, detail) in zip(recipients, plan, strict=False):
            viewed = min(published + timedelta(hours=self.rng.randint(1, 60)), limit)
            answered = min(viewed + timedelta(hours=self.rng.randint(1, 72)), limit)
            services.recipient_mark_viewed(recipient)
            if what == "interested":
                price = Decimal(int(spec.amount * self.rng.uniform(0.8, 1.1))) if spec.amount else None
                services.answer_interested(recipient=recipient, answers=detail, price=price)
                self.report.interested += 1
            elif what == "declined":
                services.answer_not_interested(recipient=recipient, reason=detail[0], comment=detail[1])
                self.report.declined += 1
            Recipient.objects.filter(pk=recipient.pk).update(viewed_at=viewed)
            Recipient.objects.filter(pk=recipient.pk, answered_at__isnull=False).update(answered_at=answered)


def needs_load(*, now, report: Report) -> None:
    buyers = demo_buyers()
    report.buyers = len(buyers)
    if DEMO_BUYER_EMAIL not in buyers:
        report.skipped.append("needs: no demo buyer")
        return
    if demo_needs_exist(buyers):
        report.skipped.append("needs")
        return
    maker = NeedMaker(now=now, buyers=buyers, staff=staff_user(), member=member_supplier(), report=report)
    pending_before = Notification.objects.filter(status=DeliveryStatus.PENDING).count()
    with transaction.atomic():
        made = [maker.make(spec) for spec in sorted(SPECS, key=lambda spec: -spec.days_ago)]
        record_load(made, buyers, report)
    report.queued = Notification.objects.filter(status=DeliveryStatus.PENDING).count() - pending_before


def record_load(needs, buyers, report: Report) -> None:
    """A market-research record of the closed need awaiting its outcome (its answers in the snapshot)."""
    from buyers.models import Nature, ProcurementMode

    for need in needs:
        if need is None or need.status != NeedStatus.CLOSED:
            continue
        recipients = services.recordable_recipients(need)
        selected = [r.supplier_id for r in recipients if r.answer == Answer.INTERESTED]
        services.need_record_create(
            need=need,
            buyer=buyers[DEMO_BUYER_EMAIL],
            selected_ids=selected,
            text=need.title_fr,
            estimated_amount=int(need.estimated_amount),
            nature=Nature.SERVICES,
            mode_considered=ProcurementMode.MUTUAL_AGREEMENT,
            justification="Sondage de marché par le répertoire : deux entreprises d'économie sociale de la "
            "région intéressées ; demande de prix aux deux avant l'attribution.",
        )
        report.records += 1


# --- Search events ---

EVENT_COUNT = 3000
EVENT_MONTHS = 24
ORGANISATION_KINDS = ["health", "municipal", "education", "ministry", "state_corporation", "other"]
# Popular categories (what public buyers buy most from the sector) weigh more.
POPULAR = {
    "alimentation.traiteur": 8,
    "entretien.menager": 8,
    "entretien.deneigement": 6,
    "entretien.paysager": 5,
    "impression.imprimerie": 5,
    "informatique.reconditionnement": 5,
    "recuperation.electronique": 4,
    "alimentation.repas": 4,
    "alimentation.cafeteria": 3,
    "fabrication.assemblage": 3,
    "transport.demenagement": 3,
    "recuperation.collecte": 3,
    "fabrication.couture": 2,
    "education.formation": 2,
}


def search_events_load(*, now, report: Report) -> None:
    from insights.models import SearchDemandDay, SearchDemandMonth, SearchEvent
    from insights.services import search_demand_roll_up
    from suppliers.demo_data import REGION_WEIGHTS

    if SearchEvent.objects.filter(hour__lt=now - timedelta(days=31)).exists():
        report.skipped.append("search events")
        report.months_rolled = search_demand_roll_up(now=now)
        return
    rng = random.Random(SEED + 1)
    categories = list(Category.objects.order_by("code").values_list("code", "sector_id"))
    if not categories:
        return
    sector_categories: dict[str, list[str]] = {}
    for code, sector in categories:
        sector_categories.setdefault(sector, []).append(code)
    published = Supplier.objects.published()
    offering = {
        code: set(published.offering(code).values_list("pk", flat=True)) for code, _sector in categories
    }
    regions = list(Region.objects.order_by("code").values_list("code", flat=True))
    serving = {code: set(published.serving(code).values_list("pk", flat=True)) for code in regions}
    everyone = set(published.values_list("pk", flat=True))
    region_weights = [REGION_WEIGHTS.get(code, 1) for code in regions]
    # The demo buyer's region is searched more (its buyers use the directory).
    region_weights = [
        weight * (3 if code == "08" else 1) for code, weight in zip(regions, region_weights, strict=True)
    ]
    category_codes = [code for code, _sector in categories]
    category_weights = [POPULAR.get(code, 1) for code in category_codes]
    top = now.replace(minute=0, second=0, microsecond=0)
    span_hours = EVENT_MONTHS * 30 * 24 - 24
    rows = []
    for _ in range(EVENT_COUNT):
        hour = top - timedelta(hours=int(span_hours * rng.random() ** 1.7))
        roll = rng.random()
        chosen_regions = (
            []
            if roll < 0.25
            else rng.choices(regions, region_weights, k=1 if roll < 0.9 else rng.randint(2, 3))
        )
        chosen_regions = sorted(set(chosen_regions))
        roll = rng.random()
        chosen_sectors, chosen_categories = [], []
        if roll < 0.5:
            chosen_categories = rng.choices(category_codes, category_weights, k=1)
        elif roll < 0.6:
            chosen_categories = sorted(set(rng.choices(category_codes, category_weights, k=2)))
        elif roll < 0.72:
            chosen_sectors = [rng.choice(sorted(sector_categories))]
        found = set(everyone)
        if chosen_regions:
            found &= set().union(*(serving[code] for code in chosen_regions))
        wanted = chosen_categories or [
            code for sector in chosen_sectors for code in sector_categories[sector]
        ]
        if wanted:
            found &= set().union(*(offering[code] for code in wanted))
        with_text = rng.random() < 0.4
        results = len(found)
        if with_text and results:
            results = int(results * rng.uniform(0.1, 0.7))
        kind = "" if rng.random() < 0.5 else rng.choices(ORGANISATION_KINDS, [5, 3, 3, 2, 1, 1])[0]
        rows.append(
            SearchEvent(
                hour=hour,
                organisation_kind=kind,
                regions=chosen_regions,
                sectors=chosen_sectors,
                categories=sorted(chosen_categories),
                with_text=with_text,
                results=results,
                channel="page" if rng.random() < 0.92 else "api",
            )
        )
    rows.sort(key=lambda event: event.hour)
    with transaction.atomic():
        # The roll-ups are counts of the events: made again with the demo's.
        SearchDemandMonth.objects.all().delete()
        SearchDemandDay.objects.all().delete()
        SearchEvent.objects.bulk_create(rows, batch_size=1000)
    report.events = len(rows)
    report.months_rolled = search_demand_roll_up(now=now)


# --- Coverage snapshots ---

SNAPSHOT_MONTHS = 12
# Earlier months, from today's snapshot: each cell had fewer listings, at its own pace (1 to 4 % a month).
EARLIER_SNAPSHOTS_SQL = """
INSERT INTO insights_coveragesnapshot (taken_on, region_id, category_id, suppliers, cooperatives, non_profits,
                                       adapted, integration, checked_recently)
SELECT (date_trunc('month', s.taken_on) - (m - 1) * interval '1 month' - interval '1 day')::date,
       s.region_id, s.category_id,
       floor(s.suppliers * f.factor), floor(s.cooperatives * f.factor), floor(s.non_profits * f.factor),
       floor(s.adapted * f.factor), floor(s.integration * f.factor), floor(s.checked_recently * f.factor)
FROM insights_coveragesnapshot s, generate_series(1, %s) AS m,
     LATERAL (SELECT greatest(0, 1 - m * (0.01 + ((hashtext(s.region_id || s.category_id)::bigint & 2147483647) %% 31)
                                         / 1000.0)) AS factor) AS f
WHERE s.taken_on = %s
ON CONFLICT DO NOTHING
"""


def snapshots_load(*, today: date, report: Report) -> None:
    from insights.models import CoverageSnapshot
    from insights.services import coverage_snapshot_take

    report.snapshots = coverage_snapshot_take(today=today)
    with connection.cursor() as cursor:
        cursor.execute(EARLIER_SNAPSHOTS_SQL, [SNAPSHOT_MONTHS - 1, today])
    report.snapshot_months = len(
        CoverageSnapshot.objects.last_of_each_month(months=SNAPSHOT_MONTHS, today=today)
    )


def demo_activity_load(*, now=None) -> Report:
    now = now or timezone.now()
    report = Report()
    needs_load(now=now, report=report)
    search_events_load(now=now, report=report)
    snapshots_load(today=timezone.localdate(now), report=report)
    return report
