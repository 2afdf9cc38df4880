"""What the staff dashboard keeps: anonymised search events, nightly coverage snapshots, the yearly confirmation of
listings by their enterprises, and a narrow trigger-kept copy of each published listing's facts to count fast."""

import secrets
from datetime import UTC, datetime

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import BrinIndex
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery, Value
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, Greatest
from django.utils.translation import gettext_lazy as _

from buyers.models import OrganisationKind
from suppliers.models import Category, Region, Supplier


class SearchChannel(models.TextChoices):
    PAGE = "page", _("Page de recherche")
    API = "api", _("API ouverte")


class SearchEventQuerySet(models.QuerySet):
    def since(self, moment):
        return self.filter(hour__gte=moment)

    def older_than(self, moment):
        return self.filter(hour__lt=moment)


class SearchEvent(models.Model):
    """One search (the first page of its results), anonymised.

    It keeps the hour, the kind of organisation of a logged-in buyer, the filters on regions, sectors and
    categories, whether text was typed and the number of results: never who searched (no user, no IP address,
    no session) nor the text. Purged after ``SEARCH_EVENTS_RETENTION_MONTHS`` (``insights.tasks``).
    """

    hour = models.DateTimeField(_("heure"))
    organisation_kind = models.CharField(
        _("type d'organisme de l'acheteur"), max_length=30, choices=OrganisationKind.choices, blank=True
    )
    regions = ArrayField(models.CharField(max_length=2), verbose_name=_("régions"), default=list, blank=True)
    sectors = ArrayField(
        models.CharField(max_length=40), verbose_name=_("secteurs"), default=list, blank=True
    )
    categories = ArrayField(
        models.CharField(max_length=80), verbose_name=_("catégories"), default=list, blank=True
    )
    with_text = models.BooleanField(_("avec du texte"), default=False)
    results = models.PositiveIntegerField(_("nombre de résultats"))
    channel = models.CharField(
        _("canal"), max_length=10, choices=SearchChannel.choices, default=SearchChannel.PAGE
    )

    objects = SearchEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("recherche (anonymisée)")
        verbose_name_plural = _("recherches (anonymisées)")
        constraints = [
            models.CheckConstraint(
                condition=Q(organisation_kind="") | Q(organisation_kind__in=OrganisationKind.values),
                name="search_event_organisation_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(channel__in=SearchChannel.values), name="search_event_channel_valid"
            ),
        ]
        # Rows arrive in time order: a BRIN index on the hour is tiny and serves both windows and purges.
        indexes = [BrinIndex(fields=["hour"], name="search_event_hour_brin")]

    def __str__(self):
        return f"{self.hour:%Y-%m-%d %H:00} ({self.results})"


class DemandColumn(models.TextChoices):
    REGION = "region", _("Région (toutes catégories)")
    SECTOR = "sector", _("Secteur")
    CATEGORY = "category", _("Catégorie")


class SearchDemandCounts(models.Model):
    """The searches of one period that filtered a region, counted per region and sector, category or neither
    (``code`` empty): the nightly roll-ups the demand view reads rather than every event."""

    region = models.CharField(_("région"), max_length=2)
    column = models.CharField(_("colonne"), max_length=10, choices=DemandColumn.choices)
    code = models.CharField(_("code"), max_length=80, blank=True)
    searches = models.PositiveIntegerField(_("recherches"))
    empty = models.PositiveIntegerField(_("recherches sans résultat"))

    class Meta:
        abstract = True

    @classmethod
    def constraints_for(cls, period: str) -> list:
        return [
            models.UniqueConstraint(
                fields=[period, "region", "column", "code"], name=f"search_demand_{period}_cell"
            ),
            models.CheckConstraint(
                condition=Q(column__in=DemandColumn.values),
                name="search_demand_column_valid"
                if period == "month"
                else f"search_demand_{period}_column_valid",
            ),
        ]


class SearchDemandMonth(SearchDemandCounts):
    """The searches of one completed month, rolled up from the search events each night (``insights.tasks``) so
    that the demand view reads a few thousand rows rather than every event; purged with the events."""

    month = models.DateField(_("mois"))

    class Meta:
        verbose_name = _("recherches du mois")
        verbose_name_plural = _("recherches par mois")
        constraints = SearchDemandCounts.constraints_for("month")

    def __str__(self):
        return f"{self.month:%Y-%m} {self.region} {self.code}: {self.searches}"


class SearchDemandDay(SearchDemandCounts):
    """The searches of one completed day of the current month, rolled up each night so that the demand view counts
    only today's events live, whatever the day of the month; deleted once their month is rolled up."""

    day = models.DateField(_("jour"))

    class Meta:
        verbose_name = _("recherches du jour")
        verbose_name_plural = _("recherches par jour")
        constraints = SearchDemandCounts.constraints_for("day")

    def __str__(self):
        return f"{self.day:%Y-%m-%d} {self.region} {self.code}: {self.searches}"


class CoverageSnapshotQuerySet(models.QuerySet):
    def last_of_each_month(self, *, months: int, today) -> list:
        """The date of the last snapshot of each of the last ``months`` months (up to ``today``'s), oldest first;
        one index probe a month rather than a scan of every snapshot."""
        from django.db import connection

        with connection.cursor() as cursor:
            cursor.execute(
                f"""SELECT (SELECT max(taken_on) FROM {self.model._meta.db_table}
                            WHERE taken_on >= m AND taken_on < m + interval '1 month')
                    FROM generate_series(date_trunc('month', %s::date) - %s * interval '1 month',
                                         date_trunc('month', %s::date), interval '1 month') AS m
                    ORDER BY m""",
                [today, months - 1, today],
            )
            return [row[0] for row in cursor.fetchall() if row[0] is not None]


class CoverageSnapshot(models.Model):
    """Coverage of one region and category on one day, taken nightly (``insights.tasks.take_coverage_snapshot``)
    for the trends."""

    taken_on = models.DateField(_("date"))
    region = models.ForeignKey(Region, on_delete=models.PROTECT, related_name="+", verbose_name=_("région"))
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="+", verbose_name=_("catégorie")
    )
    suppliers = models.PositiveIntegerField(_("fournisseurs"))
    cooperatives = models.PositiveIntegerField(_("coopératives"))
    non_profits = models.PositiveIntegerField(_("OBNL"))
    adapted = models.PositiveIntegerField(_("entreprises adaptées"))
    integration = models.PositiveIntegerField(_("entreprises d'insertion"))
    checked_recently = models.PositiveIntegerField(_("vérifiés ou confirmés dans les 12 derniers mois"))

    objects = CoverageSnapshotQuerySet.as_manager()

    class Meta:
        ordering = ["taken_on", "region", "category"]
        verbose_name = _("état de la couverture")
        verbose_name_plural = _("états de la couverture")
        constraints = [
            models.UniqueConstraint(
                fields=["taken_on", "region", "category"], name="coverage_snapshot_one_per_day_cell"
            )
        ]

    def __str__(self):
        return f"{self.taken_on} {self.region_id} {self.category_id}: {self.suppliers}"


class ListingFactsQuerySet(models.QuerySet):
    def checked_since(self, moment):
        """Listings verified by staff or confirmed by their enterprise since ``moment``."""
        return self.filter(checked_at__gte=moment)


# A listing's dates in fixed-size binary (big-endian): supplier id (int8), then its dates of last check, verification
# and confirmation (PostgreSQL's binary timestamps: int8 microseconds since 2000-01-01 UTC, -infinity when never).
PACKED_SQL = (
    "int8send(supplier_id::int8)"
    " || timestamptz_send(coalesce(greatest(verified_at, confirmed_at), '-infinity'))"
    " || timestamptz_send(coalesce(verified_at, '-infinity')) || timestamptz_send(coalesce(confirmed_at, '-infinity'))"
)


class ListingFacts(models.Model):
    """When one *published* listing was last vouched for, in a narrow row (migration 0002's triggers keep it from
    ``suppliers_supplier`` and ``insights_confirmation``; nothing else writes it).

    What a listing serves and offers is not copied here: the dashboard counts coverage on the search index
    (``suppliers.catalogue``), which the search's triggers keep. The dates of the listings are counted in each
    process (``insights.listing_index``).
    """

    supplier = models.OneToOneField(
        Supplier,
        primary_key=True,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        related_name="+",
        verbose_name=_("fournisseur"),
    )
    verified_at = models.DateTimeField(null=True)
    confirmed_at = models.DateTimeField(null=True)
    # The last time someone vouched for the listing: staff verification or the enterprise's confirmation.
    checked_at = models.GeneratedField(
        expression=Greatest("verified_at", "confirmed_at"),
        output_field=models.DateTimeField(null=True),
        db_persist=True,
    )

    # The row as insights.listing_index reads it (``PACKED_RECORD``), kept by PostgreSQL so that loading a million
    # listings concatenates stored bytes rather than encoding every column of every row.
    packed = models.GeneratedField(
        expression=RawSQL(PACKED_SQL, []),
        output_field=models.BinaryField(),
        db_persist=True,
    )

    objects = ListingFactsQuerySet.as_manager()

    class Meta:
        verbose_name = _("fiche publiée (faits comptés)")
        verbose_name_plural = _("fiches publiées (faits comptés)")
        indexes = [models.Index(fields=["checked_at"], name="listing_facts_checked_at")]

    def __str__(self):
        return str(self.supplier_id)


def new_confirmation_token():
    return secrets.token_urlsafe(32)


# The last check of a published listing never checked: before any request.
NEVER_CHECKED = datetime.min.replace(tzinfo=UTC)


class ConfirmationRequestQuerySet(models.QuerySet):
    def unanswered(self):
        """Requests sent about a published listing that nobody confirmed nor verified since (its last check, kept
        in ``ListingFacts``, is older than the request).

        The listing's last check is a correlated subquery (NULL when the listing is not published): one index
        probe per request, where a join would read every listing's facts."""
        last_check = ListingFacts.objects.filter(supplier_id=OuterRef("supplier_id")).values(
            check=Coalesce("checked_at", Value(NEVER_CHECKED))
        )[:1]
        return (
            self.filter(asked_at__isnull=False)
            .annotate(listing_checked_at=Subquery(last_check))
            .filter(listing_checked_at__lt=F("asked_at"))
        )


class ConfirmationRequest(models.Model):
    """The yearly question to a listing's members, by email: is the listing still current?

    One per listing and period (``due_on``: the day its last check turned 12 months old); ``asked_at`` and
    ``reminded_at`` stamp the two emails, so each goes once. The token is the one-click confirmation link's.
    """

    supplier = models.ForeignKey(
        Supplier,
        on_delete=models.CASCADE,
        related_name="confirmation_requests",
        verbose_name=_("fournisseur"),
    )
    due_on = models.DateField(_("échéance"))
    token = models.CharField(max_length=64, unique=True, default=new_confirmation_token, editable=False)
    asked_at = models.DateTimeField(_("demandée le"), null=True, blank=True)
    reminded_at = models.DateTimeField(_("rappel envoyé le"), null=True, blank=True)

    objects = ConfirmationRequestQuerySet.as_manager()

    class Meta:
        ordering = ["-due_on"]
        verbose_name = _("demande de confirmation")
        verbose_name_plural = _("demandes de confirmation")
        constraints = [
            models.UniqueConstraint(fields=["supplier", "due_on"], name="confirmation_request_one_per_period")
        ]
        # The freshness view lists the oldest unanswered requests first.
        indexes = [models.Index(fields=["asked_at", "id"], name="confirmation_request_asked")]

    def __str__(self):
        return f"{self.supplier_id} — {self.due_on}"


class Confirmation(models.Model):
    """A member of the enterprise said the listing is current (by the emailed link, or from their space)."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="confirmations", verbose_name=_("fournisseur")
    )
    confirmed_at = models.DateTimeField(_("confirmée le"))
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("confirmée par"),
        help_text=_("Vide quand la fiche a été confirmée par le lien du courriel."),
    )
    request = models.ForeignKey(
        ConfirmationRequest,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="confirmations",
        verbose_name=_("demande"),
    )

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = _("confirmation de fiche")
        verbose_name_plural = _("confirmations de fiches")
        indexes = [models.Index(fields=["supplier", "-confirmed_at"], name="confirmation_supplier_latest")]

    def __str__(self):
        return f"{self.supplier_id} — {self.confirmed_at:%Y-%m-%d}"
