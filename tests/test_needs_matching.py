"""Matching a need to suppliers, checked against an oracle written here from the issue's rule alone."""

import itertools
import random

import pytest
from django.core.exceptions import ValidationError

from needs import services
from needs.models import NeedKind, NeedStatus, Recipient, RecipientOrigin
from suppliers.models import Accreditation, LegalForm, ServiceArea, ServiceAreaKind, Status, Supplier
from tests.factories import SupplierFactory
from tests.needs_factories import NeedFactory

pytestmark = pytest.mark.django_db

CATEGORIES = ["entretien.deneigement", "entretien.menager", "alimentation.traiteur"]
REGIONS = ["01", "02", "03"]
AREA_REGIONS = {"mrc-01": "01", "ville-01": "01", "mrc-03": "03"}


def oracle(need_spec: dict, suppliers: list[dict]) -> set[int]:
    """Who the issue says is told: published, with a public email, one category in common, serving one of the
    need's regions (or all of Québec when those are included, or anywhere when the need covers all of Québec),
    with one of the accreditations and one of the legal forms asked for."""
    chosen = set()
    for s in suppliers:
        if s["status"] != Status.PUBLISHED or not s["email"]:
            continue
        if not set(s["categories"]) & set(need_spec["categories"]):
            continue
        if not need_spec["all_quebec"]:
            # A service area (MRC, municipality) lies in one region: serving it serves part of that region.
            area_regions = {AREA_REGIONS[code] for code in s["areas"]}
            serves_listed = bool((set(s["regions"]) | area_regions) & set(need_spec["regions"]))
            serves_by_province = s["serves_all_quebec"] and need_spec["include_all_quebec_suppliers"]
            if not (serves_listed or serves_by_province):
                continue
        if need_spec["accreditations"] and not set(s["accreditations"]) & set(need_spec["accreditations"]):
            continue
        if need_spec["legal_forms"] and s["legal_form"] not in need_spec["legal_forms"]:
            continue
        chosen.add(s["pk"])
    return chosen


@pytest.fixture
def population():
    """Suppliers of every kind the rule tells apart, drawn with a fixed seed."""
    rng = random.Random(11)
    for code, region in AREA_REGIONS.items():
        ServiceArea.objects.create(code=code, name=code, kind=ServiceAreaKind.MRC, region_id=region)
    suppliers = []
    for n in range(120):
        all_quebec = rng.random() < 0.2
        legal_form = rng.choice(LegalForm.values)
        # Some serve only areas finer than a region, some areas beside whole regions.
        areas = [] if all_quebec else rng.choice([[], [], ["mrc-01"], ["ville-01", "mrc-03"]])
        regions = [] if all_quebec else rng.sample(REGIONS, rng.randint(0 if areas else 1, 2))
        spec = {
            "status": rng.choice([Status.PUBLISHED] * 4 + [Status.PENDING, Status.SUSPENDED, Status.DRAFT]),
            "email": "" if rng.random() < 0.2 else f"contact{n}@exemple.qc.ca",
            "categories": rng.sample(CATEGORIES, rng.randint(1, 2)),
            "regions": regions,
            "areas": areas,
            "serves_all_quebec": all_quebec,
            "accreditations": rng.choice([[], [], [Accreditation.ADAPTED], [Accreditation.INTEGRATION]]),
            "legal_form": legal_form,
        }
        supplier = SupplierFactory(
            status=spec["status"],
            email=spec["email"],
            categories=spec["categories"],
            regions=spec["regions"],
            serves_all_quebec=all_quebec,
            accreditations=spec["accreditations"],
            legal_form=legal_form,
            coop_type="worker" if legal_form == LegalForm.COOPERATIVE else "",
        )
        supplier.areas_served.set(areas)
        suppliers.append({**spec, "pk": supplier.pk})
    return suppliers


NEED_SPECS = [
    {
        "categories": categories,
        "regions": regions,
        "all_quebec": all_quebec,
        "include_all_quebec_suppliers": include,
        "accreditations": accreditations,
        "legal_forms": legal_forms,
    }
    for categories, (all_quebec, regions), include, accreditations, legal_forms in itertools.product(
        [["entretien.deneigement"], ["entretien.menager", "alimentation.traiteur"]],
        [(False, ["01"]), (False, ["02", "03"]), (True, [])],
        [True, False],
        [[], [Accreditation.ADAPTED], [Accreditation.ADAPTED, Accreditation.INTEGRATION]],
        [[], [LegalForm.COOPERATIVE]],
    )
]


def need_from(spec, **kwargs):
    return NeedFactory(
        categories=spec["categories"],
        regions=spec["regions"],
        all_quebec=spec["all_quebec"],
        include_all_quebec_suppliers=spec["include_all_quebec_suppliers"],
        accreditations=spec["accreditations"],
        legal_forms=spec["legal_forms"],
        **kwargs,
    )


def test_matching_agrees_with_the_oracle_on_every_kind_of_need(population):
    assert len(NEED_SPECS) == 72
    non_empty = 0
    for spec in NEED_SPECS:
        need = need_from(spec)
        services.need_match(need=need)
        matched = set(need.recipients.values_list("supplier_id", flat=True))
        expected = oracle(spec, population)
        assert matched == expected, spec
        non_empty += bool(expected)
    # The population is rich enough for the comparison to mean something.
    assert non_empty > 30


def test_unpublished_and_email_less_suppliers_are_never_told():
    reachable = SupplierFactory(
        email="ok@exemple.qc.ca", categories=["entretien.deneigement"], regions=["01"]
    )
    SupplierFactory(email="", categories=["entretien.deneigement"], regions=["01"])
    for status in [Status.DRAFT, Status.PENDING, Status.SUSPENDED, Status.ARCHIVED]:
        SupplierFactory(
            status=status, email="x@exemple.qc.ca", categories=["entretien.deneigement"], regions=["01"]
        )
    need = NeedFactory()
    services.need_match(need=need)
    assert list(need.recipients.values_list("supplier_id", flat=True)) == [reachable.pk]


def test_suppliers_serving_all_of_quebec_are_told_only_when_included():
    province = SupplierFactory(
        email="p@exemple.qc.ca", categories=["entretien.deneigement"], regions=[], serves_all_quebec=True
    )
    local = SupplierFactory(email="l@exemple.qc.ca", categories=["entretien.deneigement"], regions=["01"])
    SupplierFactory(email="far@exemple.qc.ca", categories=["entretien.deneigement"], regions=["09"])
    included = NeedFactory(include_all_quebec_suppliers=True)
    excluded = NeedFactory(include_all_quebec_suppliers=False)
    services.need_match(need=included)
    services.need_match(need=excluded)
    assert set(included.recipients.values_list("supplier_id", flat=True)) == {province.pk, local.pk}
    assert set(excluded.recipients.values_list("supplier_id", flat=True)) == {local.pk}


def test_a_need_for_all_of_quebec_reaches_every_region():
    near = SupplierFactory(email="a@exemple.qc.ca", categories=["entretien.deneigement"], regions=["01"])
    far = SupplierFactory(email="b@exemple.qc.ca", categories=["entretien.deneigement"], regions=["10"])
    need = NeedFactory(all_quebec=True)
    services.need_match(need=need)
    assert set(need.recipients.values_list("supplier_id", flat=True)) == {near.pk, far.pk}


def test_accreditations_and_legal_forms_asked_for_narrow_the_recipients():
    adapted_coop = SupplierFactory(
        email="a@exemple.qc.ca",
        categories=["entretien.deneigement"],
        accreditations=[Accreditation.ADAPTED],
        legal_form=LegalForm.COOPERATIVE,
        coop_type="worker",
    )
    SupplierFactory(
        email="b@exemple.qc.ca", categories=["entretien.deneigement"], accreditations=[Accreditation.ADAPTED]
    )
    SupplierFactory(
        email="c@exemple.qc.ca",
        categories=["entretien.deneigement"],
        legal_form=LegalForm.COOPERATIVE,
        coop_type="worker",
    )
    need = NeedFactory(accreditations=[Accreditation.ADAPTED], legal_forms=[LegalForm.COOPERATIVE])
    services.need_match(need=need)
    assert list(need.recipients.values_list("supplier_id", flat=True)) == [adapted_coop.pk]


def test_recomputing_keeps_what_staff_added_or_removed_and_follows_the_targeting(curator):
    first = SupplierFactory(email="a@exemple.qc.ca", categories=["entretien.deneigement"])
    second = SupplierFactory(email="b@exemple.qc.ca", categories=["entretien.deneigement"])
    outsider = SupplierFactory(email="c@exemple.qc.ca", categories=["alimentation.traiteur"], regions=["05"])
    need = NeedFactory(status=NeedStatus.SUBMITTED)
    services.need_match(need=need)
    services.recipient_remove(need=need, recipient=need.recipients.get(supplier=second), by=curator)
    services.recipient_add(need=need, supplier=outsider, by=curator)

    services.need_match(need=need)

    assert set(need.recipients.active().values_list("supplier_id", flat=True)) == {first.pk, outsider.pk}
    assert need.recipients.get(supplier=outsider).origin == RecipientOrigin.STAFF
    # A supplier that no longer matches leaves; one that now matches comes.
    first.categories.set(["alimentation.traiteur"])
    newcomer = SupplierFactory(email="d@exemple.qc.ca", categories=["entretien.deneigement"])
    services.need_match(need=need)
    assert set(need.recipients.active().values_list("supplier_id", flat=True)) == {newcomer.pk, outsider.pk}


def test_recipients_are_never_recomputed_after_publication():
    SupplierFactory(email="a@exemple.qc.ca", categories=["entretien.deneigement"])
    need = NeedFactory(status=NeedStatus.PUBLISHED)
    with pytest.raises(ValidationError):
        services.need_match(need=need)
    assert not need.recipients.exists()


def test_staff_cannot_add_an_unreachable_supplier(curator):
    need = NeedFactory(status=NeedStatus.SUBMITTED)
    for supplier in [
        SupplierFactory(email=""),
        SupplierFactory(status=Status.SUSPENDED, email="s@exemple.qc.ca"),
    ]:
        with pytest.raises(ValidationError):
            services.recipient_add(need=need, supplier=supplier, by=curator)


def test_for_an_invitation_matching_only_suggests_and_the_buyer_chooses():
    suggested = [
        SupplierFactory(email=f"s{n}@exemple.qc.ca", categories=["entretien.deneigement"]) for n in range(3)
    ]
    outsider = SupplierFactory(email="o@exemple.qc.ca", categories=["alimentation.traiteur"])
    need = NeedFactory(kind=NeedKind.INVITATION)
    services.need_match(need=need)
    assert not need.recipients.exists()

    services.invitees_set(need=need, user=need.author.user, supplier_ids=[suggested[0].pk, outsider.pk])

    # Only suggestions can be invited.
    assert list(need.recipients.values_list("supplier_id", flat=True)) == [suggested[0].pk]
    assert need.recipients.get().origin == RecipientOrigin.INVITED


def test_recipients_are_listed_in_a_random_order_fixed_per_need():
    suppliers = [
        SupplierFactory(email=f"s{n}@exemple.qc.ca", categories=["entretien.deneigement"]) for n in range(12)
    ]
    first, second = NeedFactory(seed=1), NeedFactory(seed=2)
    for need in (first, second):
        services.need_match(need=need)

    def order(need):
        return list(
            Recipient.objects.filter(need=need)
            .in_rotation_order(need.seed)
            .values_list("supplier_id", flat=True)
        )

    assert order(first) == order(first)
    assert order(first) != order(second)
    assert sorted(order(first)) == sorted(s.pk for s in suppliers)
    assert order(first) != sorted(order(first)), "not by id (creation), never by popularity"


def test_a_broad_need_reaches_each_serving_path_once_with_a_count_worked_out_here(curator):
    """A need over two regions and two categories, with suppliers serving all of Québec included: every way of
    serving a region (listing it, a service area in it, both, all of Québec) counts, each supplier once."""
    ServiceArea.objects.create(code="mrc-03", name="MRC 03", kind=ServiceAreaKind.MRC, region_id="03")
    ways = {
        "listed": {"regions": ["02"]},
        "area": {"regions": [], "areas": ["mrc-03"]},
        "both": {"regions": ["02", "03"], "areas": ["mrc-03"]},
        "province": {"regions": [], "serves_all_quebec": True},
        "elsewhere": {"regions": ["09"]},
    }
    offers = {
        "one": ["entretien.menager"],
        "two": ["entretien.menager", "alimentation.traiteur"],
        "other": ["entretien.deneigement"],
    }
    reach = {
        "reachable": {"email": "contact@exemple.qc.ca"},
        "no email": {"email": ""},
        "suspended": {"email": "contact@exemple.qc.ca", "status": Status.SUSPENDED},
    }
    for serving, categories, reachability in itertools.product(
        ways.values(), offers.values(), reach.values()
    ):
        for _ in range(5):
            SupplierFactory(categories=categories, **serving, **reachability)
    assert Supplier.objects.count() == 5 * 3 * 3 * 5
    need = NeedFactory(
        status=NeedStatus.SUBMITTED,
        categories=["entretien.menager", "alimentation.traiteur"],
        regions=["02", "03"],
        include_all_quebec_suppliers=True,
    )

    # 4 ways that serve the need's regions × 2 offers with one of its categories × 1 reachable kind × 5 each.
    assert services.need_match(need=need) == 4 * 2 * 5
    # Computing again adds nobody and doubles nobody.
    assert services.need_match(need=need) == 40
    assert need.recipients.count() == 40
    assert set(need.recipients.values_list("origin", flat=True)) == {RecipientOrigin.MATCHED}
    # Without the suppliers serving all of Québec: 3 ways × 2 offers × 5.
    regions = list(need.regions.all())
    categories = list(need.categories.all())
    narrowed = services.need_narrow(
        need=need, by=curator, regions=regions, categories=categories, include_all_quebec_suppliers=False
    )
    assert narrowed == 30
    assert not need.recipients.filter(supplier__serves_all_quebec=True).exists()
