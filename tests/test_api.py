import datetime

import pytest
from django.urls import reverse

from suppliers.models import Accreditation, Category, CoopType, LegalForm, Region, Sector, Status, Supplier
from suppliers.search import Sort
from tests.factories import OfferingFactory, SupplierFactory
from tests.sql_snapshots import captured_statements

LIST_URL = reverse("suppliers_api:list")


@pytest.fixture
def suppliers(db):
    caterer = SupplierFactory(
        name="Coop Traiteur Boréal",
        neq="1140000001",
        legal_form=LegalForm.COOPERATIVE,
        coop_type=CoopType.SOLIDARITY,
        accreditations=[Accreditation.ADAPTED],
        head_office_region=Region.objects.get(code="06"),
        regions=["06", "13"],
        categories=["alimentation.traiteur", "alimentation.repas"],
        website="https://boreal.example.ca",
    )
    OfferingFactory(supplier=caterer, title="Buffets chauds", category_id="alimentation.traiteur")
    everywhere = SupplierFactory(
        name="Recyclage Partout",
        neq="1140000002",
        serves_all_quebec=True,
        regions=[],
        categories=["recuperation.collecte"],
    )
    hidden = SupplierFactory(
        name="Traiteur en attente",
        neq="1140000003",
        status=Status.PENDING,
        categories=["alimentation.traiteur"],
    )
    return {"caterer": caterer, "everywhere": everywhere, "hidden": hidden}


def get_json(client, url, params=None, status=200):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/json"
    return response.json()


def test_every_answer_may_be_read_by_any_site(client, suppliers):
    # Open data read from other sites' pages: the CORS header is on results, on errors and on "not found".
    answers = [
        client.get(LIST_URL, {"q": "traiteur"}),
        client.get(LIST_URL, {"region": "99"}),
        client.get(reverse("suppliers_api:detail", kwargs={"neq": "1140000001"})),
        client.get(reverse("suppliers_api:detail", kwargs={"neq": "1140000003"})),
    ]
    assert [answer.status_code for answer in answers] == [200, 400, 200, 404]
    assert [answer["Access-Control-Allow-Origin"] for answer in answers] == ["*"] * 4


def test_list_has_the_documented_shape(client, suppliers):
    Supplier.objects.filter(pk=suppliers["caterer"].pk).update(
        updated_at=datetime.datetime(2026, 3, 14, 14, 30, tzinfo=datetime.UTC)
    )
    data = get_json(client, LIST_URL, {"q": "traiteur", "region": ["06", "13"], "legal_form": "cooperative"})
    assert data["count"] == 1
    assert data["page"] == 1
    assert set(data["facets"]) == {"region", "area", "sector", "category", "legal_form", "accreditation"}
    (result,) = data["results"]
    assert result == {
        "neq": "1140000001",
        "name": "Coop Traiteur Boréal",
        "url": "http://testserver/fournisseurs/1140000001/",
        "api_url": "http://testserver/api/suppliers/1140000001/",
        "legal_form": "cooperative",
        "coop_type": "solidarity",
        "accreditations": ["adapted"],
        "head_office_region": "06",
        "serves_all_quebec": False,
        "regions_served": ["06", "13"],
        "categories": ["alimentation.repas", "alimentation.traiteur"],
        "city": "Rimouski",
        "description_fr": suppliers["caterer"].description_fr,
        "description_en": "",
        "updated_at": "2026-03-14T14:30:00+00:00",
    }


def test_all_of_quebec_supplier_lists_every_region(client, suppliers):
    data = get_json(client, LIST_URL, {"q": "recyclage", "region": "11"})
    (result,) = data["results"]
    assert result["regions_served"] == list(Region.objects.order_by("code").values_list("code", flat=True))
    assert len(result["regions_served"]) == 17


def test_list_facets_count_each_option_with_the_other_filters(client, suppliers):
    data = get_json(client, LIST_URL, {"region": "13"})
    assert data["count"] == 2
    assert data["facets"]["region"]["13"] == 2
    assert data["facets"]["region"]["01"] == 1  # the all-of-Québec supplier
    assert data["facets"]["category"]["alimentation.traiteur"] == 1
    assert data["facets"]["legal_form"] == {"cooperative": 1, "non_profit": 1}
    assert data["facets"]["accreditation"] == {"adapted": 1, "integration": 0}


def test_list_matches_english_words_and_typos(client, suppliers):
    assert [r["neq"] for r in get_json(client, LIST_URL, {"q": "catering"})["results"]] == ["1140000001"]
    data = get_json(client, LIST_URL, {"q": "recyclge"})
    assert [r["neq"] for r in data["results"]] == ["1140000002"]
    assert data["corrected"] is True
    assert data["searched_q"] == "recyclage"


def test_unpublished_supplier_is_not_in_the_api(client, suppliers):
    data = get_json(client, LIST_URL, {"q": "traiteur"})
    assert [r["neq"] for r in data["results"]] == ["1140000001"]
    assert data["facets"]["category"]["alimentation.traiteur"] == 1
    assert get_json(client, LIST_URL)["count"] == 2
    get_json(client, reverse("suppliers_api:detail", kwargs={"neq": "1140000003"}), status=404)


ALLOWED_VALUES = {
    "region": lambda: Region.objects.values_list("code", flat=True),
    "sector": lambda: Sector.objects.values_list("code", flat=True),
    "category": lambda: Category.objects.values_list("code", flat=True),
    "legal_form": lambda: LegalForm.values,
    "accreditation": lambda: Accreditation.values,
    "sort": lambda: Sort.values,
}


@pytest.mark.parametrize(
    "params, parameter, invalid",
    [
        ({"region": ["06", "99"]}, "region", ["99"]),
        ({"sector": "bijouterie"}, "sector", ["bijouterie"]),
        ({"category": "alimentation"}, "category", ["alimentation"]),
        ({"legal_form": "inc"}, "legal_form", ["inc"]),
        ({"accreditation": "bcorp"}, "accreditation", ["bcorp"]),
        ({"sort": "price"}, "sort", ["price"]),
    ],
)
def test_unknown_filter_value_gives_400_with_the_allowed_values(
    client, suppliers, params, parameter, invalid
):
    data = get_json(client, LIST_URL, params, status=400)
    assert list(data["parameters"]) == [parameter]
    problem = data["parameters"][parameter]
    assert problem["invalid"] == invalid
    assert sorted(problem["allowed"]) == sorted(ALLOWED_VALUES[parameter]())
    assert f"{invalid[0]} n’en fait pas partie" in problem["message"]


@pytest.mark.parametrize("page", ["0", "-1", "deux"])
def test_malformed_page_gives_400(client, suppliers, page):
    data = get_json(client, LIST_URL, {"page": page}, status=400)
    assert "page" in data["parameters"]


def test_exact_searches_the_words_as_typed_and_keeps_it_in_the_links(client, suppliers):
    corrected = get_json(client, LIST_URL, {"q": "recyclge"})
    assert corrected["corrected"] is True and corrected["count"] == 1
    data = get_json(client, LIST_URL, {"q": "recyclge", "exact": "1"})
    assert data["corrected"] is False
    assert data["searched_q"] == "recyclge"
    assert data["count"] == 0 and data["results"] == []
    data = get_json(client, LIST_URL, {"q": "traiteur or recyclage", "exact": "1", "page_size": 1})
    assert data["count"] == 2
    assert "exact=1" in data["next"]
    assert "exact=1" in get_json(client, data["next"])["previous"]


def test_page_past_the_last_is_empty(client, suppliers):
    data = get_json(client, LIST_URL, {"page": 5})
    assert data["count"] == 2
    assert data["results"] == []
    assert data["next"] is None
    assert data["previous"] == "http://testserver/api/suppliers/"


def test_pagination_links(client, suppliers):
    data = get_json(client, LIST_URL, {"page_size": 1, "sort": "name"})
    assert data["num_pages"] == 2
    assert [r["name"] for r in data["results"]] == ["Coop Traiteur Boréal"]
    assert data["next"] == "http://testserver/api/suppliers/?sort=name&page_size=1&page=2"
    second = get_json(client, data["next"])
    assert [r["name"] for r in second["results"]] == ["Recyclage Partout"]


def test_detail_returns_one_published_supplier(client, suppliers):
    response = client.get(reverse("suppliers_api:detail", kwargs={"neq": "1140000001"}))
    assert response["Access-Control-Allow-Origin"] == "*"
    data = response.json()
    assert data["name"] == "Coop Traiteur Boréal"
    assert data["website"] == "https://boreal.example.ca"
    assert data["offerings"] == [
        {
            "title": "Buffets chauds",
            "description": "Service offert aux organismes publics.",
            "kind": "service",
            "category": "alimentation.traiteur",
        }
    ]


def test_api_is_read_only(client, suppliers):
    assert client.post(LIST_URL).status_code == 405


@pytest.fixture
def many_suppliers(db):
    for number in range(30):
        supplier = SupplierFactory(
            name=f"Imprimerie solidaire {number}",
            regions=["03", "04"],
            categories=["impression.imprimerie", "impression.graphisme"],
        )
        OfferingFactory(supplier=supplier, title="Affiches", category_id="impression.imprimerie")


def test_list_queries_do_not_grow_with_page_size(client, many_suppliers, assert_snapshot_queries):
    params = {"q": "imprimerie", "region": "03"}
    # The first request after a catalogue change also loads the search index.
    with assert_snapshot_queries(name="after a catalogue change"):
        get_json(client, LIST_URL, {**params, "page_size": 2})
    with assert_snapshot_queries(name="catalogue unchanged") as small_page:
        data = get_json(client, LIST_URL, {**params, "page_size": 2})
    assert len(data["results"]) == 2
    with captured_statements() as large_page:
        data = get_json(client, LIST_URL, {**params, "page_size": 30})
    assert len(data["results"]) == 30
    assert large_page.statements == small_page.statements


def test_detail_queries(client, many_suppliers, assert_snapshot_queries):
    neq = Supplier.objects.first().neq
    with assert_snapshot_queries():
        get_json(client, reverse("suppliers_api:detail", kwargs={"neq": neq}))
