from tests.factories import SupplierFactory


def test_published_supplier_page_is_public(client, db):
    supplier = SupplierFactory()
    response = client.get(supplier.get_absolute_url())
    assert response.status_code == 200
