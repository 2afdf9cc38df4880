"""Logos: one file per listing (plus one proposed in a pending revision), replaced and refused files deleted, a
format and size fit for a logo, and the admin's logo field checked as the enterprise form's is."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from enterprises import services
from enterprises.models import Revision
from suppliers.logos import LOGO_STORED_SIDE
from suppliers.models import Status, Supplier
from tests.factories import MembershipFactory, OfferingFactory, SupplierFactory
from tests.test_enterprises_listing import CREATE, edit_post, image_upload, listing_post


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run what waits for the transaction's commit (file deletions), as production does."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def stored_files(media_root, folder="logos"):
    base = media_root / folder
    return sorted(path.relative_to(media_root).as_posix() for path in base.glob("*") if path.is_file())


def photo(name="photo.jpg", size=(1200, 800), quality=90):
    """A photograph-like JPEG (noise compresses badly, as photos do)."""
    buffer = io.BytesIO()
    Image.effect_noise(size, 40).convert("RGB").save(buffer, format="JPEG", quality=quality)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_a_photo_stays_a_jpeg_no_heavier_than_uploaded_and_at_most_the_size_pages_use(client, media_root, db):
    member = MembershipFactory(supplier=SupplierFactory(status=Status.DRAFT)).user
    client.force_login(member)
    upload = photo()
    client.post(CREATE, listing_post(logo=upload))
    supplier = Supplier.objects.get(neq="1170000001")
    stored = media_root / supplier.logo.name
    assert supplier.logo.name.endswith(".jpg")
    assert stored.stat().st_size <= upload.size
    with Image.open(stored) as image:
        assert image.format == "JPEG"
        assert max(image.size) == LOGO_STORED_SIDE


def test_editing_a_draft_many_times_keeps_one_logo_file(client, media_root, db, committed):
    draft = SupplierFactory(status=Status.DRAFT)
    OfferingFactory(supplier=draft)
    client.force_login(MembershipFactory(supplier=draft).user)
    url = reverse("enterprises:listing_edit", args=[draft.pk])
    for n in range(4):
        data = edit_post(draft, logo=image_upload(size=(100 + n, 80)))
        with committed():
            assert client.post(url, data).status_code == 302
        draft.refresh_from_db()
    assert stored_files(media_root) == [draft.logo.name]


def test_a_listing_keeps_one_file_and_one_pending_logo_through_revisions(
    client, media_root, db, curator, committed
):
    published = SupplierFactory()
    OfferingFactory(supplier=published)
    member = MembershipFactory(supplier=published).user
    client.force_login(member)
    url = reverse("enterprises:listing_edit", args=[published.pk])
    for n in range(3):
        with committed():
            assert (
                client.post(url, edit_post(published, logo=image_upload(size=(100 + n, 80)))).status_code
                == 302
            )
    pending = Revision.objects.get(supplier=published).data["logo"]
    assert stored_files(media_root, "logos/revisions") == [pending]

    with committed():
        services.revision_approve(revision=Revision.objects.get(), by=curator, verified_accreditations=[])
    published.refresh_from_db()
    assert stored_files(media_root, "logos/revisions") == []
    assert stored_files(media_root) == [published.logo.name]

    # A second logo, refused: its file goes; the approved one stays.
    client.post(url, edit_post(published, logo=image_upload(size=(90, 90))))
    with committed():
        services.revision_refuse(revision=Revision.objects.get(status="pending"), by=curator, reason="Flou.")
    assert stored_files(media_root, "logos/revisions") == []
    assert stored_files(media_root) == [published.logo.name]


def test_a_withdrawn_change_deletes_its_proposed_logo(client, media_root, db, committed):
    published = SupplierFactory()
    OfferingFactory(supplier=published)
    client.force_login(MembershipFactory(supplier=published).user)
    client.post(
        reverse("enterprises:listing_edit", args=[published.pk]), edit_post(published, logo=image_upload())
    )
    assert len(stored_files(media_root, "logos/revisions")) == 1
    with committed():
        client.post(reverse("enterprises:revision_withdraw", args=[published.pk]))
    assert stored_files(media_root, "logos/revisions") == []


# --- The admin's logo field ---


def truncated_jpeg():
    data = image_upload(size=(400, 300)).read()
    return SimpleUploadedFile("coupe.jpg", data[: len(data) // 2], content_type="image/jpeg")


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (lambda: image_upload("logo.gif", "GIF", mode="P"), "JPEG, PNG ou WebP"),
        (truncated_jpeg, "pas une image lisible"),
        (lambda: image_upload("immense.png", "PNG", size=(9000, 9000), mode="1"), "ne doit pas dépasser"),
    ],
)
def test_the_admin_logo_field_refuses_what_the_enterprise_form_refuses(db, upload, message):
    from suppliers.admin import SupplierAdminForm

    supplier = SupplierFactory()
    data = {
        "name": supplier.name, "neq": supplier.neq, "legal_form": "non_profit", "coop_type": "",
        "description_fr": supplier.description_fr, "head_office_region": "01", "regions_served": ["01"],
        "accreditations": [], "employees_band": "",
    }  # fmt: skip
    form = SupplierAdminForm(data, {"logo": upload()}, instance=supplier)
    assert not form.is_valid()
    assert message in " ".join(form.errors["logo"])


def admin_post(supplier, **changes):
    data = {
        "name": supplier.name, "neq": supplier.neq, "legal_form": "non_profit", "coop_type": "",
        "description_fr": supplier.description_fr, "head_office_region": "01", "regions_served": ["01"],
        "employees_band": "", "offerings-TOTAL_FORMS": "0", "offerings-INITIAL_FORMS": "0",
        "offerings-MIN_NUM_FORMS": "0", "offerings-MAX_NUM_FORMS": "30", "_save": "Enregistrer",
    }  # fmt: skip
    data.update(changes)
    return data


def test_a_logo_changed_in_the_admin_is_reencoded_and_replaces_the_old_file(
    curator_client, media_root, db, committed
):
    supplier = SupplierFactory()
    url = reverse("admin:suppliers_supplier_change", args=[supplier.pk])
    for size in [(120, 80), (150, 100)]:
        with committed():
            response = curator_client.post(url, admin_post(supplier, logo=image_upload(size=size)))
        assert response.status_code == 302, response.context["adminform"].form.errors
        supplier.refresh_from_db()
    assert supplier.logo.name.startswith(f"logos/{supplier.neq}-") and supplier.logo.name.endswith(".jpg")
    assert stored_files(media_root) == [supplier.logo.name]
    with committed():
        response = curator_client.post(url, admin_post(supplier, **{"logo-clear": "on"}))
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert not supplier.logo
    assert stored_files(media_root) == []
