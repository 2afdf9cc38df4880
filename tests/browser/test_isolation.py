"""Every browser test starts from the database's initial content, whatever the browser test before it left.

The two runs of the test below each check the content and then leave a mess (a supplier, a category, a renamed
region, a deleted holiday): whichever runs second shows that the flush and restore between browser tests
(conftest.py, ``_initial_data_restored``) put back exactly what Django serialized when it created the database.
"""

import json

import pytest
from django.db import connection

from needs.models import Holiday
from suppliers.models import Category, Region, Sector, Supplier
from tests.factories import SupplierFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

LEFTOVER_CATEGORY = "entretien.laisse-par-un-test"


def synonym_rules() -> list[tuple]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT config::text, target::text, substitute::text FROM suppliers_search_synonym_rule ORDER BY 1, 2"
        )
        return cursor.fetchall()


@pytest.mark.parametrize("turn", ["first", "second"])
def test_each_browser_test_starts_from_the_initial_content(turn, _initial_data):
    # Every row Django restores with serialized_rollback, as Django serializes them, is back and nothing else is.
    assert json.loads(connection.creation.serialize_db_to_string()) == json.loads(_initial_data.serialized)
    assert not Supplier.objects.exists()
    assert not Category.objects.filter(code=LEFTOVER_CATEGORY).exists()
    # The search synonyms' rules, derived by a trigger, are what the restored synonyms give.
    rules = synonym_rules()
    assert rules
    with connection.cursor() as cursor:
        cursor.execute("SELECT suppliers_search_synonyms_refresh()")
    assert synonym_rules() == rules

    SupplierFactory(name=f"Coopérative laissée par le test ({turn})", categories=["entretien.deneigement"])
    Category.objects.create(
        code=LEFTOVER_CATEGORY, sector=Sector.objects.get(code="entretien"), name_fr="Laissée", name_en="Left"
    )
    Region.objects.filter(code="01").update(name="Région renommée par un test")
    Holiday.objects.order_by("date").first().delete()
