"""Each dashboard page as a report: its tables (shown beside the charts and exported as CSV) and its charts.

A page view renders the whole report; the export view builds the same report and writes one of its tables, so the
figures on screen and in the file are the same.
"""

from dataclasses import dataclass, field
from urllib.parse import quote

from django.db.models import Count, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.translation import gettext_lazy as _

from buyers.models import OrganisationKind
from suppliers.models import Category, CoverageLevel, Region, Sector

from . import adoption, charts, demand, freshness, funnel
from .coverage import CoverageFilters, coverage_by_category, coverage_by_sector
from .forms import filters_querystring
from .models import CoverageSnapshot
from .tables import Cell, Column, Table

# How many monthly points the coverage trend shows.
TREND_MONTHS = 12
GAPS_SHOWN = 25
DEMAND_ROWS_SHOWN = 100
UNANSWERED_SHOWN = 50


@dataclass
class Report:
    tables: dict[str, Table] = field(default_factory=dict)
    context: dict = field(default_factory=dict)

    def add(self, table: Table) -> Table:
        self.tables[table.name] = table
        return table


def cell_url(filters: CoverageFilters, *, region: str, sector: str = "", category: str = "") -> str:
    return (
        reverse("insights:cell")
        + "?"
        + filters_querystring(filters, region=region, sector=sector, category=category)
    )


def cell_urls(filters: CoverageFilters, regions, columns, *, column_param) -> dict[tuple[str, str], str]:
    """The links of every cell of a coverage table (one reverse() for all of them)."""
    base = reverse("insights:cell") + "?" + filters_querystring(filters)
    separator = "&" if base[-1] != "?" else ""
    return {
        (
            region.code,
            column.code,
        ): f"{base}{separator}region={region.code}&{column_param}={quote(column.code)}"
        for region in regions
        for column in columns
    }


# --- Coverage ---

# The sectors' short names, the headers of the coverage table's 13 columns: with the sectors' full names the table
# is about 1,800 px wide and scrolls sideways on a laptop. A sector not named here is shortened by ``short_name``.
SECTOR_SHORT_NAMES = {
    "alimentation": _("Alim."),
    "entretien": _("Entr."),
    "recuperation": _("Récup."),
    "fabrication": _("Fabr."),
    "impression": _("Impr."),
    "informatique": _("TI"),
    "transport": _("Transp."),
    "sante": _("Santé"),
    "education": _("Éduc."),
    "culture": _("Cult."),
    "habitation": _("Habit."),
    "services": _("Serv. pro."),
    "ressources": _("Agric."),
}
SHORT_NAME_LETTERS = 5


def short_name(sector) -> str:
    if sector.code in SECTOR_SHORT_NAMES:
        return str(SECTOR_SHORT_NAMES[sector.code])
    word = sector.name.split()[0].rstrip(",") if sector.name.strip() else sector.code
    return word if len(word) <= SHORT_NAME_LETTERS + 1 else f"{word[:SHORT_NAME_LETTERS]}."


def _coverage_table(name, caption, matrix, links, *, abbreviate=False) -> Table:
    table = Table(
        name=name,
        caption=caption,
        columns=[Column(_("Région"), numeric=False)]
        + [Column(column.name, short=short_name(column) if abbreviate else "") for column in matrix.columns],
        compact=abbreviate,
    )
    for i, region in enumerate(matrix.regions):
        cells = [Cell(f"{region.name} ({region.code})")]
        for j, column in enumerate(matrix.columns):
            count = int(matrix.counts[i, j])
            cells.append(
                Cell(count, url=links[(region.code, column.code)], level=CoverageLevel.of(count).value)
            )
        table.add(*cells)
    return table


def _coverage_heat_map(matrix, links):
    return charts.heat_map(
        rows=[(region.code, region.name) for region in matrix.regions],
        columns=[(column.code, column.name) for column in matrix.columns],
        value=matrix.count,
        level=lambda count: CoverageLevel.of(count).value,
        href=lambda region, column: links[(region, column)],
    )


def coverage_trend(*, months: int = TREND_MONTHS, today=None):
    """Per month (its last snapshot), the number of (region, category) cells empty, thin and covered."""
    dates = CoverageSnapshot.objects.last_of_each_month(months=months, today=today or timezone.localdate())
    rows = (
        CoverageSnapshot.objects.filter(taken_on__in=dates)
        .values_list("taken_on")
        .annotate(
            empty=Count("pk", filter=Q(suppliers=0)),
            thin=Count("pk", filter=Q(suppliers=1)),
            covered=Count("pk", filter=Q(suppliers__gte=2)),
        )
        .order_by("taken_on")
    )
    return list(rows)


def coverage_report(filters: CoverageFilters, *, now=None) -> Report:
    now = now or timezone.now()
    report = Report()
    matrix = coverage_by_sector(filters, now=now)
    links = cell_urls(filters, matrix.regions, matrix.columns, column_param="sector")
    report.add(
        _coverage_table(
            "couverture",
            _("Fournisseurs qui desservent chaque région, par secteur"),
            matrix,
            links,
            abbreviate=True,
        )
    )
    trend = coverage_trend()
    trend_table = report.add(
        Table(
            name="tendance",
            caption=_("Cellules région × catégorie vides, minces et couvertes, à la fin de chaque mois"),
            columns=[
                Column(_("Date"), numeric=False),
                Column(_("Vides"), small_cells=False),
                Column(_("Minces"), small_cells=False),
                Column(_("Couvertes"), small_cells=False),
            ],
            note=_("Tous les fournisseurs publiés, sans les filtres ci-dessus (état pris chaque nuit)."),
        )
    )
    for taken_on, empty, thin, covered in trend:
        trend_table.add(
            Cell(taken_on.isoformat(), text=date_format(taken_on, "DATE_FORMAT")), empty, thin, covered
        )
    report.context.update(
        matrix=matrix,
        heat_map=_coverage_heat_map(matrix, links),
        level_totals=matrix.level_totals(),
        trend_chart=charts.line_chart(
            [date_format(row[0], "M Y") for row in trend],
            [
                ("series--empty", _("Vides"), [row[1] for row in trend]),
                ("series--thin", _("Minces"), [row[2] for row in trend]),
                ("series--covered", _("Couvertes"), [row[3] for row in trend]),
            ],
        )
        if trend
        else None,
    )
    return report


def sector_report(filters: CoverageFilters, sector: Sector, *, now=None) -> Report:
    now = now or timezone.now()
    report = Report()
    categories = list(Category.objects.filter(sector=sector).order_by("position", "code"))
    matrix = coverage_by_category(filters, categories=categories, now=now)
    links = cell_urls(filters, matrix.regions, matrix.columns, column_param="category")
    report.add(
        _coverage_table(
            "categories",
            _("Fournisseurs qui desservent chaque région, par catégorie du secteur « %(sector)s »")
            % {"sector": sector.name},
            matrix,
            links,
        )
    )
    report.context.update(
        matrix=matrix,
        heat_map=_coverage_heat_map(matrix, links),
        level_totals=matrix.level_totals(),
    )
    return report


# --- Freshness ---


def freshness_report(*, now=None, full: bool = False) -> Report:
    """``full``: every unanswered request (for its export), not only the first ``UNANSWERED_SHOWN``."""
    now = now or timezone.now()
    report = Report()
    counts = freshness.age_counts(now=now)
    ages = report.add(
        Table(
            name="anciennete",
            caption=_("Fiches publiées selon l'ancienneté de leur dernière vérification"),
            columns=[
                Column(_("Ancienneté"), numeric=False),
                Column(_("Vérifiée ou confirmée")),
                Column(_("Vérifiée par le ministère")),
                Column(_("Confirmée par l'entreprise")),
            ],
            note=_(
                "Une fiche vérifiée par le ministère puis confirmée par l'entreprise compte à sa date la plus récente dans la première colonne."
            ),
        )
    )
    for bucket in freshness.AGE_BUCKETS:
        ages.add(
            Cell(bucket.key, text=str(bucket.label)),
            counts["checked"][bucket.key],
            counts["verified"][bucket.key],
            counts["confirmed"][bucket.key],
        )
    queues = freshness.review_queues()
    queue_table = report.add(
        Table(
            name="file_attente",
            caption=_("En attente d'une décision du ministère"),
            columns=[
                Column(_("Demande"), numeric=False),
                Column(_("En attente"), small_cells=False),
                Column(_("La plus ancienne depuis le"), numeric=False),
            ],
        )
    )
    for queue in queues:
        oldest = timezone.localtime(queue.oldest) if queue.oldest else None
        queue_table.add(
            Cell(str(queue.label)),
            queue.count,
            Cell(
                oldest.date().isoformat() if oldest else "",
                text=date_format(oldest, "DATE_FORMAT") if oldest else "—",
            ),
        )
    unanswered = freshness.unanswered_requests()
    unanswered_count = freshness.unanswered_count()
    unanswered_table = report.add(
        Table(
            name="sans_reponse",
            caption=_("Fiches dont l'entreprise n'a pas répondu à la demande de confirmation"),
            limit=UNANSWERED_SHOWN,
            columns=[
                Column(_("Fournisseur"), numeric=False),
                Column(_("NEQ"), numeric=False),
                Column(_("Demande envoyée le"), numeric=False),
                Column(_("Rappel envoyé le"), numeric=False),
            ],
        )
    )
    change_url = reverse("admin:suppliers_supplier_change", args=[0]).replace("/0/", "/{}/")
    requests = unanswered.only("asked_at", "reminded_at", "supplier__name", "supplier__neq")
    for request in requests if full else requests[:UNANSWERED_SHOWN]:
        asked = timezone.localtime(request.asked_at).date()
        reminded = timezone.localtime(request.reminded_at).date() if request.reminded_at else None
        unanswered_table.add(
            Cell(request.supplier.name, url=change_url.format(request.supplier_id)),
            Cell(request.supplier.neq),
            Cell(asked.isoformat(), text=date_format(asked, "DATE_FORMAT")),
            Cell(
                reminded.isoformat() if reminded else "",
                text=date_format(reminded, "DATE_FORMAT") if reminded else "—",
            ),
        )
    oldest_table = report.add(
        Table(
            name="plus_anciennes",
            caption=_("Fiches vérifiées ou confirmées il y a le plus longtemps"),
            columns=[
                Column(_("Fournisseur"), numeric=False),
                Column(_("NEQ"), numeric=False),
                Column(_("Dernière vérification ou confirmation"), numeric=False),
            ],
        )
    )
    for facts in freshness.least_recently_checked():
        checked = timezone.localtime(facts.checked_at).date()
        oldest_table.add(
            Cell(
                facts.supplier.name, url=reverse("admin:suppliers_supplier_change", args=[facts.supplier_id])
            ),
            Cell(facts.supplier.neq),
            Cell(checked.isoformat(), text=date_format(checked, "DATE_FORMAT")),
        )
    report.context.update(
        ages_chart=charts.bar_chart(
            [
                (str(bucket.label), [(counts["checked"][bucket.key], f"bar--age-{bucket.key}")])
                for bucket in freshness.AGE_BUCKETS
            ]
        ),
        queues=queues,
        unanswered_count=unanswered_count,
        unanswered_shown=UNANSWERED_SHOWN,
    )
    return report


# --- Demand beside supply ---


def demand_report(*, months: int, now=None, full: str = "") -> Report:
    """``full``: the table whose every row is built (for its export); the others, only the rows shown."""
    now = now or timezone.now()
    report = Report()
    regions = list(Region.objects.order_by("code"))
    counts = demand.search_counts(months=months, now=now)
    by_region = demand.searches_by_region(months=months, now=now, counts=counts)
    region_table = report.add(
        Table(
            name="recherches_regions",
            caption=_("Recherches d'acheteurs filtrées sur chaque région"),
            columns=[
                Column(_("Région"), numeric=False),
                Column(_("Recherches")),
                Column(_("Sans résultat")),
            ],
        )
    )
    for region in regions:
        searches, empty = by_region.get(region.code, (0, 0))
        region_table.add(Cell(f"{region.name} ({region.code})"), searches, empty)
    cells = demand.demand_beside_supply(months=months, now=now, counts=counts)
    cell_base = reverse("insights:cell") + "?"

    region_labels = {region.code: f"{region.name} ({region.code})" for region in regions}
    level_labels = {level: str(level.label) for level in CoverageLevel}
    category_names = {}

    def category_name(category):
        if category.code not in category_names:
            category_names[category.code] = category.name
        return category_names[category.code]

    def demand_table(name, caption, rows, limit):
        table = report.add(
            Table(
                name=name,
                caption=caption,
                columns=[
                    Column(_("Région"), numeric=False),
                    Column(_("Catégorie"), numeric=False),
                    Column(_("Fournisseurs (couverture)")),
                    Column(_("Couverture"), numeric=False, exported=False),
                    Column(_("Recherches")),
                    Column(_("Recherches sans résultat")),
                    Column(_("Besoins publiés")),
                    Column(_("Montant estimé des besoins ($)"), counted_by=6),
                    Column(_("Fiches de recherche de marché")),
                ],
                header_columns=2,
                limit=limit,
                total=len(rows),
            )
        )
        for cell in rows[:limit]:
            level = cell.level.value
            table.add(
                Cell(region_labels[cell.region.code]),
                Cell(category_name(cell.category)),
                Cell(
                    cell.coverage,
                    url=f"{cell_base}region={cell.region.code}&category={quote(cell.category.code)}",
                    level=level,
                ),
                Cell(level, text=level_labels[cell.level], level=level),
                cell.demand.searches,
                cell.demand.empty_searches,
                cell.demand.needs_published,
                cell.demand.needs_amount,
                cell.demand.records,
            )
        if full == name:  # rows past the limit only go to the export: plain values
            for cell in rows[limit:]:
                demand_of = cell.demand
                table.add_exported(
                    [
                        region_labels[cell.region.code],
                        category_name(cell.category),
                        cell.coverage,
                        None,
                        demand_of.searches,
                        demand_of.empty_searches,
                        demand_of.needs_published,
                        demand_of.needs_amount,
                        demand_of.records,
                    ]
                )

    gaps = demand.ranked_gaps(cells)
    demand_table(
        "lacunes",
        _("Lacunes : demande là où l'offre est mince ou vide, de la plus forte à la plus faible"),
        gaps,
        GAPS_SHOWN,
    )
    demand_table("demande_offre", _("Demande et offre par région et catégorie"), cells, DEMAND_ROWS_SHOWN)
    report.context.update(
        regions_chart=charts.bar_chart(
            [
                (
                    region.name,
                    [
                        (
                            by_region.get(region.code, (0, 0))[0] - by_region.get(region.code, (0, 0))[1],
                            "bar--found",
                        ),
                        (by_region.get(region.code, (0, 0))[1], "bar--nothing"),
                    ],
                )
                for region in regions
            ],
            legend=[("bar--found", _("Avec résultats")), ("bar--nothing", _("Sans résultat"))],
        ),
        gaps_chart=charts.bar_chart(
            [
                (
                    f"{cell.category.name} — {cell.region.name}",
                    [(cell.demand.total, f"bar--level-{cell.level.value}")],
                )
                for cell in gaps[:GAPS_SHOWN]
            ],
            legend=[("bar--level-empty", _("Offre vide")), ("bar--level-thin", _("Offre mince"))],
        )
        if gaps
        else None,
        gaps_shown=GAPS_SHOWN,
        demand_rows_shown=DEMAND_ROWS_SHOWN,
        months=months,
    )
    return report


# --- Needs funnel ---


# Months of submissions the funnel shows, the current one included.
FUNNEL_MONTHS = 12


def funnel_report(*, now=None) -> Report:
    now = now or timezone.now()
    report = Report()
    data = funnel.needs_funnel(since=demand.month_start(demand.period_months(FUNNEL_MONTHS, now)[0]))
    stages = report.add(
        Table(
            name="entonnoir",
            caption=_(
                "Besoins par mois et type d'organisme : soumis, publiés, avec au moins un intérêt, attribués"
            ),
            columns=[
                Column(_("Mois"), numeric=False),
                Column(_("Type d'organisme"), numeric=False),
                Column(_("Soumis")),
                Column(_("Publiés")),
                Column(_("Au moins un intérêt")),
                Column(_("Attribués")),
            ],
            header_columns=2,
        )
    )
    reasons = report.add(
        Table(
            name="motifs",
            caption=_("Motifs donnés pour « pas intéressé »"),
            columns=[Column(_("Motif"), numeric=False), Column(_("Réponses"))],
        )
    )
    kinds = dict(OrganisationKind.choices)
    totals = [0, 0, 0, 0]
    for month, kind, *counts in data.stages:
        stages.add(
            Cell(month.isoformat(), text=date_format(month, "YEAR_MONTH_FORMAT")),
            Cell(str(kinds.get(kind, kind))),
            *counts,
        )
        totals = [total + count for total, count in zip(totals, counts, strict=True)]
    for row in data.reasons:
        reasons.add(*row)
    median = data.median_validation
    report.context.update(
        median_validation=(
            _("%(hours)s h") % {"hours": number_format(round(median.total_seconds() / 3600, 1))}
            if median is not None
            else None
        ),
        stages_chart=charts.bar_chart(
            [
                (str(label), [(total, "bar--found")])
                for label, total in zip(
                    [_("Soumis"), _("Publiés"), _("Au moins un intérêt"), _("Attribués")], totals, strict=True
                )
            ]
        ),
    )
    return report


# --- Adoption ---


def adoption_report(*, now=None) -> Report:
    now = now or timezone.now()
    report = Report()
    kinds = list(OrganisationKind.choices)
    organisations = report.add(
        Table(
            name="organismes",
            caption=_("Organismes publics ayant au moins un acheteur actif, par région et type"),
            columns=[Column(_("Région"), numeric=False)]
            + [Column(label) for _value, label in kinds]
            + [Column(_("Total"))],
        )
    )
    totals = dict.fromkeys([value for value, _label in kinds], 0)
    for code, name, counts in adoption.organisation_table_rows():
        label = f"{name} ({code})" if code else str(_("Région non précisée"))
        organisations.add(Cell(label), *[counts[value] for value, _label in kinds], sum(counts.values()))
        for value in totals:
            totals[value] += counts[value]
    buyers = adoption.active_buyers(now=now)
    buyers_table = report.add(
        Table(
            name="acheteurs_actifs",
            caption=_("Acheteurs approuvés, et ceux qui se sont connectés récemment"),
            columns=[Column(_("Acheteurs"), numeric=False), Column(_("Nombre"))],
        )
    )
    buyers_table.add(Cell(str(_("Acheteurs approuvés"))), buyers[0])
    for days in adoption.ACTIVITY_WINDOWS:
        buyers_table.add(
            Cell(str(_("Connectés dans les %(days)s derniers jours") % {"days": days})), buyers[days]
        )
    report.context.update(
        kinds_chart=charts.bar_chart(
            [(str(label), [(totals[value], "bar--found")]) for value, label in kinds]
        ),
        buyers_chart=charts.bar_chart(
            [(str(row[0]), [(row[1].value, "bar--found")]) for row in buyers_table.rows]
        ),
    )
    activity = report.add(
        Table(
            name="espace_de_travail",
            caption=_("Listes, exportations et fiches de recherche de marché créées par mois"),
            columns=[
                Column(_("Mois"), numeric=False),
                Column(_("Listes")),
                Column(_("Exportations")),
                Column(_("Fiches de recherche de marché")),
            ],
        )
    )
    rows = adoption.workspace_activity_by_month(now=now)
    for month, lists, exports, records in rows:
        activity.add(
            Cell(month.isoformat(), text=date_format(month, "YEAR_MONTH_FORMAT")), lists, exports, records
        )
    report.context["activity_chart"] = charts.line_chart(
        [date_format(row[0], "M Y") for row in rows],
        [
            ("series--lists", _("Listes"), [row[1] for row in rows]),
            ("series--exports", _("Exportations"), [row[2] for row in rows]),
            ("series--records", _("Fiches de recherche de marché"), [row[3] for row in rows]),
        ],
    )
    return report
