import pgtrigger
from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex, OpClass
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Q
from django.db.models.functions import Length, Upper
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from .validators import NEQ_REGEX, POSTAL_CODE_REGEX, validate_neq, validate_postal_code

# Text search configurations created by migration 0001: French and English stemming with accents removed.
FRENCH_SEARCH_CONFIG = "fr_unaccent"
ENGLISH_SEARCH_CONFIG = "en_unaccent"
# IMMUTABLE lower(unaccent(text)) created by migration 0005, so that name order can be indexed.
NAME_SORT_KEY_FUNCTION = "suppliers_name_sort_key"
# The supplier columns the search index loads in name order (suppliers.catalogue), included in its index.
SEARCH_INDEX_COLUMNS = ("updated_at", "serves_all_quebec", "legal_form", "accreditations")

# --- Derived search state, kept by the database ---
# Every table the search reads from has statement triggers, declared in its model's Meta below, that call the SQL
# functions of migration 0011: ``suppliers_search_text_changed(ids)`` recomputes the search documents of these
# suppliers (``suppliers_search_document``: text vectors of published suppliers, their typo-correction words);
# ``suppliers_search_log(ids)`` records that their filter data changed, so that every process applies them to its
# search index before its next search (``suppliers.catalogue``); ``suppliers_search_reference_changed()`` says the
# same of regions, service areas, sectors and categories. No other code keeps derived search state.
AFTER_INSERT_ROWS = {
    "when": pgtrigger.After,
    "operation": pgtrigger.Insert,
    "level": pgtrigger.Statement,
    "referencing": pgtrigger.Referencing(new="new_rows"),
}
AFTER_UPDATE_ROWS = {
    "when": pgtrigger.After,
    "operation": pgtrigger.Update,
    "level": pgtrigger.Statement,
    "referencing": pgtrigger.Referencing(old="old_rows", new="new_rows"),
}
AFTER_DELETE_ROWS = {
    "when": pgtrigger.After,
    "operation": pgtrigger.Delete,
    "level": pgtrigger.Statement,
    "referencing": pgtrigger.Referencing(old="old_rows"),
}


def reference_trigger(name, operation, *, catalogue=False):
    """A change to reference data (labels, hierarchy) that each process's search index reloads;
    ``catalogue``: suppliers changed without their ids being known (TRUNCATE), so the whole index reloads."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=operation,
        level=pgtrigger.Statement,
        func=f"PERFORM suppliers_search_reference_changed({str(catalogue).lower()}); RETURN NULL;",
    )


def link_triggers(prefix, *, text: bool):
    """Triggers of a supplier's many-to-many table: its suppliers' filter data changed, and with ``text`` their
    search documents too."""

    def body(rows):
        ids = f"ARRAY(SELECT supplier_id FROM {rows})"
        text_sql = f"PERFORM suppliers_search_text_changed({ids});" if text else ""
        return f"PERFORM suppliers_search_log({ids}); {text_sql} RETURN NULL;"

    truncated = "PERFORM suppliers_search_reference_changed(true);"
    if text:
        truncated += " PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM suppliers_supplier));"
    return [
        pgtrigger.Trigger(name=f"{prefix}_inserted", **AFTER_INSERT_ROWS, func=body("new_rows")),
        pgtrigger.Trigger(
            name=f"{prefix}_updated",
            **AFTER_UPDATE_ROWS,
            func=body("(SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows) AS changed"),
        ),
        pgtrigger.Trigger(name=f"{prefix}_deleted", **AFTER_DELETE_ROWS, func=body("old_rows")),
        pgtrigger.Trigger(
            name=f"{prefix}_truncated",
            when=pgtrigger.After,
            operation=pgtrigger.Truncate,
            level=pgtrigger.Statement,
            func=f"{truncated} RETURN NULL;",
        ),
    ]


def taxonomy_number(sequence: str):
    """The database default of an option's number: the next value of ``sequence``, so a number is never given
    twice, whatever writes the row (admin, ``load_reference_data``, SQL). The search index identifies options
    by it (``suppliers.catalogue``)."""
    return models.Func(models.Value(sequence), function="nextval", output_field=models.BigIntegerField())


class Region(models.Model):
    """One of Québec's 17 administrative regions; the code keeps its leading zero."""

    code = models.CharField(_("code"), max_length=2, primary_key=True)
    name = models.CharField(_("nom"), max_length=100, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("région administrative")
        verbose_name_plural = _("régions administratives")
        constraints = [
            models.CheckConstraint(condition=Q(code__regex=r"^[0-9]{2}$"), name="region_code_two_digits")
        ]
        triggers = [
            reference_trigger(
                "search_region_changed",
                pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate,
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.code})"


class ServiceAreaKind(models.TextChoices):
    MRC = "mrc", _("MRC ou territoire équivalent")
    MUNICIPALITY = "municipality", _("Municipalité")
    OTHER = "other", _("Autre territoire")


class ServiceArea(models.Model):
    """A territory finer than an administrative region that a supplier may serve (an MRC, a municipality).

    Areas form a tree under their region (a municipality under its MRC): a supplier serving an area serves every
    area below it; one serving the whole region (or all of Québec) serves all of them.
    """

    code = models.CharField(_("code"), max_length=20, primary_key=True)
    name = models.CharField(_("nom"), max_length=150)
    kind = models.CharField(_("type"), max_length=20, choices=ServiceAreaKind.choices)
    region = models.ForeignKey(
        Region, on_delete=models.PROTECT, related_name="service_areas", verbose_name=_("région")
    )
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("territoire englobant"),
    )
    number = models.BigIntegerField(
        _("numéro"),
        unique=True,
        editable=False,
        db_default=taxonomy_number("suppliers_servicearea_number_seq"),
    )

    class Meta:
        ordering = ["region", "name", "code"]
        verbose_name = _("territoire desservi")
        verbose_name_plural = _("territoires desservis")
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=ServiceAreaKind.values), name="service_area_kind_valid"
            ),
            models.CheckConstraint(condition=~Q(parent=F("code")), name="service_area_not_its_own_parent"),
        ]
        triggers = [
            reference_trigger(
                "search_area_changed",
                pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate,
            )
        ]

    def __str__(self):
        return f"{self.name} ({self.region_id})"

    def clean(self):
        if self.parent_id and self.parent.region_id != self.region_id:
            raise ValidationError({"parent": _("Le territoire englobant doit être dans la même région.")})


class LocalizedNameMixin:
    @property
    def name(self):
        return self.name_en if get_language() == "en" and self.name_en else self.name_fr


class Sector(LocalizedNameMixin, models.Model):
    code = models.SlugField(_("code"), max_length=40, primary_key=True)
    name_fr = models.CharField(_("nom (français)"), max_length=150)
    name_en = models.CharField(_("nom (anglais)"), max_length=150)
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    number = models.BigIntegerField(
        _("numéro"), unique=True, editable=False, db_default=taxonomy_number("suppliers_sector_number_seq")
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("secteur")
        verbose_name_plural = _("secteurs")
        triggers = [
            # Names are in the search documents; sectors label the filters of the search index.
            pgtrigger.Trigger(
                name="search_sector_updated",
                **AFTER_UPDATE_ROWS,
                func="""PERFORM suppliers_search_reference_changed(false);
                PERFORM suppliers_search_text_changed(ARRAY(
                    SELECT l.supplier_id FROM new_rows n JOIN old_rows o ON o.code = n.code
                    JOIN suppliers_category c ON c.sector_id = n.code
                    JOIN suppliers_supplier_categories l ON l.category_id = c.code
                    WHERE (n.name_fr, n.name_en) IS DISTINCT FROM (o.name_fr, o.name_en)));
                RETURN NULL;""",
            ),
            reference_trigger(
                "search_sector_changed", pgtrigger.Insert | pgtrigger.Delete | pgtrigger.Truncate
            ),
        ]

    def __str__(self):
        return self.name


class Category(LocalizedNameMixin, models.Model):
    """A category of goods and services; its code (``sector.category``) is a stable identifier."""

    code = models.CharField(_("code"), max_length=80, primary_key=True)
    sector = models.ForeignKey(
        Sector, on_delete=models.PROTECT, related_name="categories", verbose_name=_("secteur")
    )
    name_fr = models.CharField(_("nom (français)"), max_length=150)
    name_en = models.CharField(_("nom (anglais)"), max_length=150)
    unspsc_segment = models.CharField(_("segment UNSPSC"), max_length=2, blank=True)
    position = models.PositiveSmallIntegerField(_("rang"), default=0)
    number = models.BigIntegerField(
        _("numéro"), unique=True, editable=False, db_default=taxonomy_number("suppliers_category_number_seq")
    )

    class Meta:
        ordering = ["position", "code"]
        verbose_name = _("catégorie")
        verbose_name_plural = _("catégories")
        triggers = [
            # Names (with their sector's) are in the search documents of the suppliers offering the category.
            pgtrigger.Trigger(
                name="search_category_updated",
                **AFTER_UPDATE_ROWS,
                func="""PERFORM suppliers_search_reference_changed(false);
                PERFORM suppliers_search_text_changed(ARRAY(
                    SELECT l.supplier_id FROM new_rows n JOIN old_rows o ON o.code = n.code
                    JOIN suppliers_supplier_categories l ON l.category_id = n.code
                    WHERE (n.name_fr, n.name_en, n.sector_id) IS DISTINCT FROM (o.name_fr, o.name_en, o.sector_id)));
                RETURN NULL;""",
            ),
            reference_trigger(
                "search_category_changed", pgtrigger.Insert | pgtrigger.Delete | pgtrigger.Truncate
            ),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(unspsc_segment="") | Q(unspsc_segment__regex=r"^[0-9]{2}$"),
                name="category_unspsc_two_digits",
            ),
        ]

    def __str__(self):
        return self.name


class HttpsURLField(models.URLField):
    """A URL field whose form field assumes https:// when the scheme is left out (Django 6 behaviour)."""

    def formfield(self, **kwargs):
        kwargs.setdefault("assume_scheme", "https")
        return super().formfield(**kwargs)


class LegalForm(models.TextChoices):
    COOPERATIVE = "cooperative", _("Coopérative")
    NON_PROFIT = "non_profit", _("OBNL (organisme à but non lucratif)")


class CoopType(models.TextChoices):
    CONSUMER = "consumer", _("Coopérative de consommateurs")
    PRODUCER = "producer", _("Coopérative de producteurs")
    WORKER = "worker", _("Coopérative de travail")
    WORKER_SHAREHOLDER = "worker_shareholder", _("Coopérative de travailleurs actionnaire")
    SOLIDARITY = "solidarity", _("Coopérative de solidarité")


class Accreditation(models.TextChoices):
    ADAPTED = "adapted", _("Entreprise adaptée")
    INTEGRATION = "integration", _("Entreprise d'insertion")


class EmployeesBand(models.TextChoices):
    B1_4 = "1-4", _("1 à 4 employés")
    B5_9 = "5-9", _("5 à 9 employés")
    B10_49 = "10-49", _("10 à 49 employés")
    B50_99 = "50-99", _("50 à 99 employés")
    B100_249 = "100-249", _("100 à 249 employés")
    B250 = "250+", _("250 employés et plus")


class Status(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PENDING = "pending", _("En attente de vérification")
    PUBLISHED = "published", _("Publiée")
    SUSPENDED = "suspended", _("Suspendue")
    ARCHIVED = "archived", _("Archivée")


class CoverageLevel(models.TextChoices):
    """A coverage cell: *empty* at 0 suppliers, *thin* at 1 (no invitation of two local suppliers is possible),
    covered from 2."""

    EMPTY = "empty", _("Vide")
    THIN = "thin", _("Mince")
    COVERED = "covered", _("Couverte")

    @classmethod
    def of(cls, count: int) -> "CoverageLevel":
        if count <= 0:
            return cls.EMPTY
        if count == 1:
            return cls.THIN
        return cls.COVERED


class InvalidStatusChange(ValidationError):
    pass


# The one definition of a public listing: shown, searched and counted. SQL code asks the function
# ``suppliers_is_published(status)`` of migration 0011, which says the same (a test checks it).
PUBLIC_STATUS = Status.PUBLISHED
PUBLISHED = Q(status=PUBLIC_STATUS)


class SupplierQuerySet(models.QuerySet):
    def published(self):
        return self.filter(PUBLISHED)

    def serving(self, *region_codes):
        """Suppliers serving (at least part of) any of the regions: the whole region, all of Québec, or a
        service area in it."""
        served = Supplier.regions_served.through.objects.filter(
            supplier_id=OuterRef("pk"), region_id__in=region_codes
        )
        in_area = Supplier.areas_served.through.objects.filter(
            supplier_id=OuterRef("pk"), servicearea__region_id__in=region_codes
        )
        return self.filter(Q(serves_all_quebec=True) | Exists(served) | Exists(in_area))

    def serving_area(self, *area_codes):
        """Suppliers serving any of these service areas: the area itself or one containing it, its whole
        region, or all of Québec."""
        areas = list(ServiceArea.objects.filter(code__in=area_codes))
        covering, regions = set(), set()
        for area in areas:
            regions.add(area.region_id)
            while area is not None:
                covering.add(area.code)
                area = area.parent
        served = Supplier.regions_served.through.objects.filter(
            supplier_id=OuterRef("pk"), region_id__in=regions
        )
        in_area = Supplier.areas_served.through.objects.filter(
            supplier_id=OuterRef("pk"), servicearea_id__in=covering
        )
        return self.filter(Q(serves_all_quebec=True) | Exists(served) | Exists(in_area))

    def offering(self, *category_codes):
        listed = Supplier.categories.through.objects.filter(
            supplier_id=OuterRef("pk"), category_id__in=category_codes
        )
        return self.filter(Exists(listed))

    def in_sectors(self, *sector_codes):
        listed = Supplier.categories.through.objects.filter(
            supplier_id=OuterRef("pk"), category__sector_id__in=sector_codes
        )
        return self.filter(Exists(listed))

    def with_accreditations(self, *accreditations):
        """Suppliers holding any of the given (staff-verified) accreditations."""
        return self.filter(accreditations__overlap=list(accreditations))

    # --- Coverage, the staff dashboard's definitions (insights/; README glossary). One home each: the dashboard's
    # fast counts (insights.coverage) are checked against these by the tests. ---
    def serves(self, region_code):
        """Suppliers that *serve* the region: published, with the region among their regions served or serving
        all of Québec."""
        return self.published().serving(region_code)

    def covering(self, region_code, category_code):
        """The suppliers counted in *coverage(r, c)*: serving the region and offering the category."""
        return self.serves(region_code).offering(category_code)

    def coverage(self, region_code, category_code) -> int:
        """*coverage(r, c)*: the number of distinct suppliers serving region r with category c."""
        return self.covering(region_code, category_code).count()

    def coverage_level(self, region_code, category_code) -> "CoverageLevel":
        """Whether the cell (r, c) is empty, thin or covered (``CoverageLevel.of``)."""
        return CoverageLevel.of(self.coverage(region_code, category_code))

    def with_public_details(self):
        """What the public supplier page and API show, in four queries whatever the size of the listing."""
        return self.select_related("head_office_region").prefetch_related(
            models.Prefetch("regions_served", queryset=Region.objects.order_by("code")),
            models.Prefetch("categories", queryset=Category.objects.select_related("sector")),
            models.Prefetch(
                "offerings",
                queryset=Offering.objects.select_related("category").order_by(
                    "category__position", "category__code", "position", "id"
                ),
            ),
        )


# Set (transaction-local) by the import, whose rows are checked for the rule before they are written: queuing an
# event per row it writes cost more than the import itself (bench/README.md).
SERVICE_AREA_CHECKED_SETTING = "suppliers.service_area_checked"


def service_area_trigger(name, operation, supplier_id):
    """The database's half of "all of Québec or at least one region" (or a service area in one, which the search
    counts as serving part of its region): a constraint trigger deferred to the commit,
    so that a supplier and its regions can be written by several statements of one transaction (the ORM, the
    admin, raw SQL). It reads the supplier as it is at the commit (written again or deleted since: that state
    counts)."""
    return pgtrigger.Trigger(
        name=name,
        when=pgtrigger.After,
        operation=operation,
        timing=pgtrigger.Deferred,
        condition=pgtrigger.Condition(
            f"current_setting('{SERVICE_AREA_CHECKED_SETTING}', true) IS DISTINCT FROM 'on'"
        ),
        # Two lookups by index, the links first: an anti-join here was planned as a scan of the links, run for
        # every row an import writes.
        func=f"""
        IF NOT EXISTS (SELECT 1 FROM suppliers_supplier_regions_served l WHERE l.supplier_id = {supplier_id})
            AND NOT EXISTS (SELECT 1 FROM suppliers_supplier_areas_served l WHERE l.supplier_id = {supplier_id})
            AND EXISTS (SELECT 1 FROM suppliers_supplier s WHERE s.id = {supplier_id} AND NOT s.serves_all_quebec)
        THEN
            RAISE EXCEPTION USING ERRCODE = 'check_violation', CONSTRAINT = 'supplier_serves_a_region',
                MESSAGE = format('supplier %s serves neither all of Québec nor any region or area', {supplier_id});
        END IF;
        RETURN NULL;""",
    )


def logo_upload_to(instance, filename):
    """logos/<NEQ>-<name>, where suppliers.logos names the file from its content and format."""
    return f"logos/{instance.neq}-{filename}"


# "At least one region served, or all of Québec": the one wording every form shows.
SERVICE_AREA_REQUIRED = _(
    "Indiquez au moins une région desservie, ou que l'entreprise dessert tout le Québec."
)


# The longest texts a listing holds, the same in the model, every form and the import (a description longer than
# this would also outgrow what PostgreSQL's text search accepts of a document).
DESCRIPTION_MAX_LENGTH = 5000
OFFERING_DESCRIPTION_MAX_LENGTH = 2000
STATUS_REASON_MAX_LENGTH = 1000


def validate_service_area(*, serves_all_quebec: bool, regions) -> None:
    """A supplier serves all of Québec or at least one region; the forms and ``Supplier.set_regions_served`` check
    it here, so that people see the message; the database holds it too (``service_area_trigger``)."""
    if not serves_all_quebec and not regions:
        raise ValidationError(SERVICE_AREA_REQUIRED, code="service_area_required")


class Supplier(models.Model):
    """A social-economy enterprise (fournisseur) listed in the directory."""

    name = models.CharField(_("nom"), max_length=200)
    neq = models.CharField(
        _("NEQ"),
        max_length=10,
        unique=True,
        validators=[validate_neq],
        help_text=_("Numéro d'entreprise du Québec : 10 chiffres commençant par 11, 22, 33 ou 88."),
    )
    legal_form = models.CharField(_("forme juridique"), max_length=20, choices=LegalForm.choices)
    coop_type = models.CharField(
        _("type de coopérative"), max_length=20, choices=CoopType.choices, blank=True
    )
    accreditations = ArrayField(
        models.CharField(max_length=20, choices=Accreditation.choices),
        verbose_name=_("accréditations vérifiées"),
        default=list,
        blank=True,
    )
    description_fr = models.TextField(_("description (français)"), max_length=DESCRIPTION_MAX_LENGTH)
    description_en = models.TextField(
        _("description (anglais)"), max_length=DESCRIPTION_MAX_LENGTH, blank=True
    )
    website = HttpsURLField(_("site web"), blank=True)
    email = models.EmailField(_("courriel public"), blank=True)
    phone = models.CharField(_("téléphone"), max_length=30, blank=True)
    address = models.CharField(_("adresse"), max_length=200, blank=True)
    city = models.CharField(_("municipalité"), max_length=100, blank=True)
    postal_code = models.CharField(
        _("code postal"),
        max_length=7,
        blank=True,
        validators=[validate_postal_code],
        help_text=_("Format A1A 1A1."),
    )
    head_office_region = models.ForeignKey(
        Region,
        on_delete=models.PROTECT,
        related_name="head_offices",
        verbose_name=_("région du siège social"),
    )
    serves_all_quebec = models.BooleanField(_("dessert tout le Québec"), default=False)
    regions_served = models.ManyToManyField(
        Region, related_name="suppliers_serving", blank=True, verbose_name=_("régions desservies")
    )
    areas_served = models.ManyToManyField(
        ServiceArea,
        related_name="suppliers_serving",
        blank=True,
        verbose_name=_("territoires desservis"),
        help_text=_("MRC ou municipalités, quand le fournisseur ne dessert qu'une partie d'une région."),
    )
    categories = models.ManyToManyField(
        Category, related_name="suppliers", blank=True, verbose_name=_("catégories de biens et services")
    )
    employees_band = models.CharField(
        _("nombre d'employés"), max_length=10, choices=EmployeesBand.choices, blank=True
    )
    logo = models.ImageField(_("logo"), upload_to=logo_upload_to, blank=True)
    status = models.CharField(
        _("statut"), max_length=20, choices=Status.choices, default=Status.DRAFT, db_index=True
    )
    status_reason = models.TextField(
        _("motif du dernier changement de statut"), max_length=STATUS_REASON_MAX_LENGTH, blank=True
    )
    status_changed_at = models.DateTimeField(_("statut changé le"), null=True, blank=True)
    last_verified_at = models.DateTimeField(_("dernière vérification le"), null=True, blank=True)
    last_verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vérifiée par"),
    )
    created_at = models.DateTimeField(_("créée le"), auto_now_add=True)
    updated_at = models.DateTimeField(_("modifiée le"), auto_now=True, db_index=True)

    objects = SupplierQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[regions_served, categories, areas_served])

    class Meta:
        ordering = ["name"]
        verbose_name = _("fournisseur")
        verbose_name_plural = _("fournisseurs")
        constraints = [
            models.CheckConstraint(condition=Q(neq__regex=NEQ_REGEX), name="supplier_neq_format"),
            models.CheckConstraint(
                condition=Q(postal_code="") | Q(postal_code__regex=POSTAL_CODE_REGEX),
                name="supplier_postal_code_format",
            ),
            models.CheckConstraint(
                condition=(Q(legal_form=LegalForm.COOPERATIVE) & ~Q(coop_type=""))
                | (Q(legal_form=LegalForm.NON_PROFIT) & Q(coop_type="")),
                name="supplier_coop_type_iff_cooperative",
            ),
            models.CheckConstraint(
                condition=Q(legal_form__in=LegalForm.values), name="supplier_legal_form_valid"
            ),
            models.CheckConstraint(condition=Q(status__in=Status.values), name="supplier_status_valid"),
            models.CheckConstraint(
                condition=Q(coop_type="") | Q(coop_type__in=CoopType.values), name="supplier_coop_type_valid"
            ),
            models.CheckConstraint(
                condition=Q(accreditations__contained_by=Accreditation.values),
                name="supplier_accreditations_valid",
            ),
            models.CheckConstraint(
                condition=Q(employees_band="") | Q(employees_band__in=EmployeesBand.values),
                name="supplier_employees_band_valid",
            ),
            models.CheckConstraint(condition=~Q(description_fr=""), name="supplier_description_fr_required"),
            *(
                models.CheckConstraint(
                    condition=LessThanOrEqual(Length(name), limit), name=f"supplier_{name}_length"
                )
                for name, limit in (
                    ("description_fr", DESCRIPTION_MAX_LENGTH),
                    ("description_en", DESCRIPTION_MAX_LENGTH),
                    ("status_reason", STATUS_REASON_MAX_LENGTH),
                )
            ),
        ]
        indexes = [
            # Admin search (icontains compiles to UPPER(name) LIKE …) stays indexed at a million rows.
            GinIndex(OpClass(Upper("name"), name="gin_trgm_ops"), name="supplier_name_upper_trgm"),
            GinIndex(fields=["accreditations"], name="supplier_accreditations_gin"),
            # The admin changelist's order (name, then the unique NEQ): its pages read the index, not a sort.
            models.Index(fields=["name", "neq"], name="supplier_name_neq"),
            models.Index(fields=["status", "name"], name="supplier_status_name"),
            # With the id included, the search index reads the "most recently updated" order from the index alone.
            models.Index(fields=["status", "-updated_at"], include=["id"], name="supplier_status_updated"),
            # Name order of the public search ("École" beside "Ecole", not after "Z"); function from migration 0005.
            # The search index (suppliers.catalogue) is loaded in name order by an index-only scan of it, and finds
            # where a changed supplier goes in that order by one probe.
            models.Index(
                Func(F("name"), function=NAME_SORT_KEY_FUNCTION),
                F("id"),
                include=[*SEARCH_INDEX_COLUMNS, "name"],
                name="supplier_pub_name_index",
                condition=PUBLISHED,
            ),
            # The suppliers a buyer's need can reach (``Need.matching_suppliers``): published, with a public email.
            # Matching a need reads this index alone (with the covering indexes of the category and region links,
            # migration 0015) instead of the wide rows of every supplier offering the need's categories.
            models.Index(
                fields=["id"],
                include=["serves_all_quebec", "legal_form", "accreditations"],
                name="supplier_reachable",
                condition=PUBLISHED & ~Q(email=""),
            ),
        ]
        triggers = [
            service_area_trigger(
                "supplier_serves_a_region",
                pgtrigger.Insert | pgtrigger.UpdateOf("serves_all_quebec"),
                "NEW.id",
            ),
            pgtrigger.Trigger(
                name="search_supplier_inserted",
                **AFTER_INSERT_ROWS,
                func="""PERFORM suppliers_search_log(ARRAY(SELECT id FROM new_rows));
                PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM new_rows));
                RETURN NULL;""",
            ),
            # Only what the search reads: the filter columns and orders, the words.
            pgtrigger.Trigger(
                name="search_supplier_updated",
                **AFTER_UPDATE_ROWS,
                func="""PERFORM suppliers_search_log(ARRAY(
                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                    WHERE (n.status, n.name, n.updated_at, n.legal_form, n.accreditations, n.serves_all_quebec)
                        IS DISTINCT FROM (o.status, o.name, o.updated_at, o.legal_form, o.accreditations,
                                          o.serves_all_quebec)));
                PERFORM suppliers_search_text_changed(ARRAY(
                    SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
                    WHERE (n.status, n.name, n.description_fr, n.description_en, n.city, n.postal_code)
                        IS DISTINCT FROM (o.status, o.name, o.description_fr, o.description_en, o.city,
                                          o.postal_code)));
                RETURN NULL;""",
            ),
            pgtrigger.Trigger(
                name="search_supplier_deleted",
                **AFTER_DELETE_ROWS,
                func="""PERFORM suppliers_search_log(ARRAY(SELECT id FROM old_rows));
                PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM old_rows));
                RETURN NULL;""",
            ),
            pgtrigger.Trigger(
                name="search_supplier_truncated",
                when=pgtrigger.After,
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="""PERFORM suppliers_search_reference_changed(true);
                DELETE FROM suppliers_search_document;
                RETURN NULL;""",
            ),
        ]

    def __str__(self):
        return f"{self.name} ({self.neq})"

    def get_absolute_url(self):
        return reverse("suppliers:detail", kwargs={"neq": self.neq})

    @property
    def description(self):
        """The description in the active language, falling back to French."""
        return self.description_en if get_language() == "en" and self.description_en else self.description_fr

    @property
    def description_language(self):
        """The language ``description`` is written in, for its lang attribute (WCAG 3.1.2)."""
        return "en" if get_language() == "en" and self.description_en else "fr"

    @property
    def is_public(self):
        """Shown, searched and counted (``PUBLIC_STATUS``); templates ask this rather than compare statuses."""
        return self.status == PUBLIC_STATUS

    def clean(self):
        errors = {}
        if self.legal_form == LegalForm.COOPERATIVE and not self.coop_type:
            errors["coop_type"] = _("Précisez le type de coopérative.")
        if self.legal_form == LegalForm.NON_PROFIT and self.coop_type:
            errors["coop_type"] = _("Un OBNL n'a pas de type de coopérative : laissez ce champ vide.")
        if errors:
            raise ValidationError(errors)

    # --- Status changes: each saves only what it changes and leaves a history record with its reason. ---
    ALLOWED_TRANSITIONS = {
        Status.DRAFT: {Status.PENDING, Status.PUBLISHED, Status.ARCHIVED},
        Status.PENDING: {Status.PUBLISHED, Status.DRAFT, Status.ARCHIVED},
        Status.PUBLISHED: {Status.SUSPENDED, Status.ARCHIVED},
        Status.SUSPENDED: {Status.PUBLISHED, Status.ARCHIVED},
        Status.ARCHIVED: {Status.DRAFT},
    }

    def can_change_status(self, new_status) -> bool:
        return new_status in self.ALLOWED_TRANSITIONS[Status(self.status)]

    def change_status(self, new_status, *, by=None, reason: str = ""):
        if not self.can_change_status(new_status):
            raise InvalidStatusChange(
                _("Impossible de passer du statut « %(old)s » au statut « %(new)s »."),
                code="invalid_status_change",
                params={"old": self.get_status_display(), "new": Status(new_status).label},
            )
        self.status = new_status
        self.status_reason = reason
        self.status_changed_at = timezone.now()
        self._change_reason = reason or Status(new_status).label
        if by is not None:
            self._history_user = by
        self.save(update_fields=["status", "status_reason", "status_changed_at", "updated_at"])

    def submit_for_review(self, *, by=None):
        self.change_status(Status.PENDING, by=by)

    def publish(self, *, by=None, reason: str = ""):
        self.change_status(Status.PUBLISHED, by=by, reason=reason)

    def suspend(self, *, by=None, reason: str):
        self._require_reason(reason)
        self.change_status(Status.SUSPENDED, by=by, reason=reason)

    def archive(self, *, by=None, reason: str):
        self._require_reason(reason)
        self.change_status(Status.ARCHIVED, by=by, reason=reason)

    @staticmethod
    def _require_reason(reason):
        if not (reason or "").strip():
            raise ValidationError(_("Indiquez un motif."), code="reason_required")

    def mark_verified(self, *, by):
        self.last_verified_at = timezone.now()
        self.last_verified_by = by
        self._history_user = by
        self._change_reason = str(_("Vérification"))
        self.save(update_fields=["last_verified_at", "last_verified_by", "updated_at"])

    def set_regions_served(self, regions) -> None:
        """Write the regions served once the row, with its ``serves_all_quebec`` flag, is saved: none are listed
        for all of Québec; otherwise at least one is required."""
        regions = [] if self.serves_all_quebec else list(regions)
        validate_service_area(serves_all_quebec=self.serves_all_quebec, regions=regions)
        self.regions_served.set(regions)

    def served_region_codes(self, all_codes=None):
        """Codes of the regions served; every region when the supplier serves all of Québec."""
        if self.serves_all_quebec:
            return (
                list(all_codes)
                if all_codes is not None
                else list(Region.objects.values_list("code", flat=True))
            )
        return sorted(region.code for region in self.regions_served.all())


# What one listing describes at most: forms refuse more, whatever count they are sent.
MAX_OFFERINGS = 30


class OfferingKind(models.TextChoices):
    GOOD = "good", _("Bien")
    SERVICE = "service", _("Service")


class Offering(models.Model):
    """A good or a service a supplier sells (une offre)."""

    supplier = models.ForeignKey(
        Supplier, on_delete=models.CASCADE, related_name="offerings", verbose_name=_("fournisseur")
    )
    kind = models.CharField(
        _("nature"), max_length=10, choices=OfferingKind.choices, default=OfferingKind.SERVICE
    )
    title = models.CharField(_("titre"), max_length=200)
    description = models.TextField(_("description"), max_length=OFFERING_DESCRIPTION_MAX_LENGTH, blank=True)
    category = models.ForeignKey(
        Category, on_delete=models.PROTECT, related_name="offerings", verbose_name=_("catégorie")
    )
    position = models.PositiveSmallIntegerField(_("rang"), default=0)

    history = HistoricalRecords()

    class Meta:
        ordering = ["supplier", "position", "id"]
        verbose_name = _("offre")
        verbose_name_plural = _("offres")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=OfferingKind.values), name="offering_kind_valid"),
            models.CheckConstraint(condition=~Q(title=""), name="offering_title_required"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("description"), OFFERING_DESCRIPTION_MAX_LENGTH),
                name="offering_description_length",
            ),
        ]
        # Titles and descriptions are in the supplier's search document.
        triggers = [
            pgtrigger.Trigger(
                name="search_offering_inserted",
                **AFTER_INSERT_ROWS,
                func="PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM new_rows)); RETURN NULL;",
            ),
            pgtrigger.Trigger(
                name="search_offering_updated",
                **AFTER_UPDATE_ROWS,
                func="""PERFORM suppliers_search_text_changed(ARRAY(
                    SELECT supplier_id FROM old_rows UNION SELECT supplier_id FROM new_rows));
                RETURN NULL;""",
            ),
            pgtrigger.Trigger(
                name="search_offering_deleted",
                **AFTER_DELETE_ROWS,
                func="PERFORM suppliers_search_text_changed(ARRAY(SELECT supplier_id FROM old_rows)); RETURN NULL;",
            ),
            pgtrigger.Trigger(
                name="search_offering_truncated",
                when=pgtrigger.After,
                operation=pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="PERFORM suppliers_search_text_changed(ARRAY(SELECT id FROM suppliers_supplier)); RETURN NULL;",
            ),
        ]

    def __str__(self):
        return self.title


# The supplier's many-to-many tables are created by Django; these proxies only carry their triggers.
class SupplierRegionLink(Supplier.regions_served.through):
    class Meta:
        proxy = True
        triggers = [
            *link_triggers("search_region_link", text=False),
            service_area_trigger(
                "supplier_region_removed",
                pgtrigger.Delete | pgtrigger.UpdateOf("supplier_id"),
                "OLD.supplier_id",
            ),
        ]


class SupplierAreaLink(Supplier.areas_served.through):
    class Meta:
        proxy = True
        triggers = [
            *link_triggers("search_area_link", text=False),
            service_area_trigger(
                "supplier_area_removed",
                pgtrigger.Delete | pgtrigger.UpdateOf("supplier_id"),
                "OLD.supplier_id",
            ),
        ]


class SupplierCategoryLink(Supplier.categories.through):
    class Meta:
        proxy = True
        # Category and sector names are in the search document.
        triggers = link_triggers("search_category_link", text=True)


class SearchTerm(models.Model):
    """A word of the published catalogue (unaccented, lower case) and the number of published suppliers using it,
    for typo correction in search; the trigram index finds the closest known word.

    Kept by the database: each search document carries its words, and a trigger on the documents adds and
    subtracts them, applied when the writing transaction commits (migration 0011); a word no published supplier
    uses any more is removed.
    """

    word = models.CharField(_("mot"), max_length=100, primary_key=True)
    documents = models.PositiveIntegerField(_("nombre de fournisseurs"), default=0)

    class Meta:
        verbose_name = _("mot du lexique de recherche")
        verbose_name_plural = _("mots du lexique de recherche")
        indexes = [GinIndex(OpClass("word", name="gin_trgm_ops"), name="search_term_word_trgm")]

    def __str__(self):
        return self.word


class SearchSynonym(models.Model):
    """A group of words and phrases that mean the same thing to a buyer, in French and English (« nettoyage »,
    « entretien ménager », « cleaning », « janitorial »): a search for any of them finds the others, in both
    languages. Staff keep the list in the admin.

    The database derives the rewrite rules the search applies to queries (``suppliers_search_synonym_rule``, one
    per term and search configuration, migration 0013) with a trigger on this table.
    """

    terms = models.TextField(
        _("termes"),
        max_length=2000,
        help_text=_("Un terme par ligne (un mot ou une expression), en français ou en anglais."),
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("synonyme de recherche")
        verbose_name_plural = _("synonymes de recherche")
        ordering = ["terms"]
        triggers = [
            pgtrigger.Trigger(
                name="search_synonyms_changed",
                when=pgtrigger.After,
                operation=pgtrigger.Insert | pgtrigger.Update | pgtrigger.Delete | pgtrigger.Truncate,
                level=pgtrigger.Statement,
                func="PERFORM suppliers_search_synonyms_refresh(); RETURN NULL;",
            )
        ]

    def __str__(self):
        return ", ".join(self.term_list())

    def term_list(self) -> list[str]:
        return [term.strip() for term in self.terms.splitlines() if term.strip()]
