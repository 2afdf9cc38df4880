from suppliers.models import Offering, Region, Sector, Status, Supplier
from suppliers.services import demo_catalogue_load


def test_demo_catalogue_is_published_everywhere_and_reloads_unchanged(db):
    report = demo_catalogue_load()
    assert report.ok and report.created >= 300
    published = Supplier.objects.published()
    assert published.count() >= 300
    for region in Region.objects.all():
        assert published.filter(head_office_region=region).exists(), region
        assert published.serving(region.code).exists(), region
    for sector in Sector.objects.all():
        assert published.in_sectors(sector.code).exists(), sector
    assert Offering.objects.count() >= published.count()
    assert not Supplier.objects.exclude(status=Status.PUBLISHED).exists()

    offerings = Offering.objects.count()
    again = demo_catalogue_load()
    assert (again.created, again.updated) == (0, 0)
    assert Offering.objects.count() == offerings
