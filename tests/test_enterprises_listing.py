"""Creating, submitting and reviewing a listing; changing a published one through a reviewed revision."""

import io

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services
from enterprises.models import AccreditationClaim, DecisionStatus, Membership, Revision
from suppliers.models import Status, Supplier
from tests.factories import (
    MembershipFactory,
    OfferingFactory,
    SupplierFactory,
    UserFactory,
    VerifiedUserFactory,
)

CREATE = reverse("enterprises:listing_create")


def listing_post(**overrides):
    """POST data for the listing form with one offering and one empty offering row."""
    data = {
        "name": "Coop de nettoyage du Bas-Saint-Laurent",
        "neq": "1170 000 001",
        "legal_form": "cooperative",
        "coop_type": "worker",
        "claimed_accreditations": ["adapted"],
        "description_fr": "Entretien ménager de bureaux et d'établissements publics, par une coopérative de travail.",
        "description_en": "",
        "website": "https://coop-nettoyage.example",
        "email": "info@coop-nettoyage.example",
        "phone": "418 555-0101",
        "address": "12, rue Saint-Germain Est",
        "city": "Rimouski",
        "postal_code": "g5l1a1",
        "head_office_region": "01",
        "regions_served": ["01", "03"],
        "employees_band": "10-49",
        "offres-TOTAL_FORMS": "2",
        "offres-INITIAL_FORMS": "0",
        "offres-MIN_NUM_FORMS": "0",
        "offres-MAX_NUM_FORMS": "50",
        "offres-0-kind": "service",
        "offres-0-title": "Entretien ménager de bureaux",
        "offres-0-description": "Entretien quotidien ou hebdomadaire.",
        "offres-0-category": "entretien.menager",
        "offres-1-kind": "service",
        "offres-1-title": "",
        "offres-1-description": "",
        "offres-1-category": "",
    }
    data.update(overrides)
    return data


def token_for(supplier):
    """The version token an edit form of the listing carries when it opens now."""
    return services.listing_edit_start(supplier)[1]


def edit_post(supplier, **overrides):
    """POST data for the edit form, opened now, reproducing the listing's current offerings, with overrides."""
    data = listing_post(**{"neq": supplier.neq, "version": token_for(supplier), **overrides})
    offerings = list(supplier.offerings.order_by("position", "id"))
    data.update({"offres-TOTAL_FORMS": str(len(offerings) + 1), "offres-INITIAL_FORMS": str(len(offerings))})
    for key in [k for k in data if k.startswith(("offres-0-", "offres-1-"))]:
        del data[key]
    for i, offering in enumerate(offerings):
        data.update(
            {
                f"offres-{i}-kind": offering.kind,
                f"offres-{i}-title": offering.title,
                f"offres-{i}-description": offering.description,
                f"offres-{i}-category": offering.category_id,
            }
        )
    n = len(offerings)
    data.update({f"offres-{n}-kind": "service", f"offres-{n}-title": "", f"offres-{n}-category": ""})
    for key, value in overrides.items():
        data[key] = value
    return data


def image_upload(name="logo.jpg", image_format="JPEG", size=(120, 80), mode="RGB", exif=False):
    buffer = io.BytesIO()
    image = Image.new(mode, size, color=(200, 30, 30) if mode == "RGB" else None)
    kwargs = {}
    if exif:
        info = Image.Exif()
        info[0x010E] = "Description privée"  # ImageDescription
        kwargs["exif"] = info.tobytes()
    image.save(buffer, format=image_format, **kwargs)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type=f"image/{image_format.lower()}")


@pytest.fixture(autouse=True)
def media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    return tmp_path


@pytest.fixture
def member(db):
    return VerifiedUserFactory(email="membre@coop.example")


@pytest.fixture
def member_client(client, member):
    client.force_login(member)
    return client


# --- Creating and submitting a new listing ---


def test_member_creates_a_draft_listing_that_is_not_public(member_client, member):
    response = member_client.post(CREATE, listing_post())
    supplier = Supplier.objects.get(neq="1170000001")
    assert response.status_code == 302
    assert response["Location"] == reverse("enterprises:listing_edit", args=[supplier.pk])
    assert supplier.status == Status.DRAFT
    assert supplier.postal_code == "G5L 1A1"
    assert sorted(supplier.regions_served.values_list("code", flat=True)) == ["01", "03"]
    assert list(supplier.offerings.values_list("title", flat=True)) == ["Entretien ménager de bureaux"]
    assert list(supplier.categories.values_list("code", flat=True)) == ["entretien.menager"]
    # Claimed accreditations are kept aside; the public field holds only verified ones.
    assert supplier.accreditations == []
    assert AccreditationClaim.objects.get(supplier=supplier).accreditations == ["adapted"]
    assert Membership.objects.get(supplier=supplier).user == member
    assert member_client.get(supplier.get_absolute_url()).status_code == 404


def test_submitting_a_draft_puts_it_in_the_review_queue_and_tells_staff(
    member_client, member, curator, django_capture_on_commit_callbacks
):
    member_client.post(CREATE, listing_post())
    supplier = Supplier.objects.get(neq="1170000001")
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(reverse("enterprises:listing_submit", args=[supplier.pk]))
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.status == Status.PENDING
    revision = Revision.objects.get(supplier=supplier)
    assert revision.is_new_listing and revision.status == DecisionStatus.PENDING
    assert revision.submitted_by == member
    assert [m.to for m in mail.outbox] == [[curator.email]]
    assert "Nouvelle fiche à vérifier" in mail.outbox[0].subject
    assert f"/admin/enterprises/revision/{revision.pk}/change/" in mail.outbox[0].body
    # Still not public while pending.
    assert member_client.get(supplier.get_absolute_url()).status_code == 404


def test_review_emails_go_to_configured_addresses_when_set(
    member_client, curator, settings, django_capture_on_commit_callbacks
):
    settings.REVIEW_NOTIFICATION_EMAILS = ["revision@mtess.gouv.qc.ca"]
    member_client.post(CREATE, listing_post())
    supplier = Supplier.objects.get(neq="1170000001")
    with django_capture_on_commit_callbacks(execute=True):
        member_client.post(reverse("enterprises:listing_submit", args=[supplier.pk]))
    assert [m.to for m in mail.outbox] == [["revision@mtess.gouv.qc.ca"]]


def test_save_and_submit_in_one_step_from_the_draft_form(member_client):
    member_client.post(CREATE, listing_post())
    supplier = Supplier.objects.get(neq="1170000001")
    response = member_client.post(
        reverse("enterprises:listing_edit", args=[supplier.pk]),
        edit_post(supplier, name="Coop de nettoyage de Rimouski", action="submit"),
    )
    assert response.status_code == 302
    supplier.refresh_from_db()
    assert supplier.name == "Coop de nettoyage de Rimouski"
    assert supplier.status == Status.PENDING


def test_approving_a_new_listing_publishes_it_with_verified_accreditations_and_emails_members(
    member_client, member, curator, django_capture_on_commit_callbacks
):
    member_client.post(CREATE, listing_post())
    supplier = Supplier.objects.get(neq="1170000001")
    services.listing_submit(supplier=supplier, user=member)
    revision = Revision.objects.get(supplier=supplier)
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_approve(revision=revision, by=curator, verified_accreditations=["adapted"])
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED
    assert supplier.accreditations == ["adapted"]
    assert supplier.last_verified_by == curator and supplier.last_verified_at is not None
    assert supplier.history.filter(history_user=curator).exists()
    assert member_client.get(supplier.get_absolute_url()).status_code == 200
    assert [m.to for m in mail.outbox] == [[member.email]]
    assert "Votre fiche est publiée" in mail.outbox[0].subject


def test_claimed_accreditation_is_not_public_until_staff_verify_it(member, curator):
    supplier = services.listing_create(user=member, data=_data(claimed_accreditations=["integration"]))
    services.listing_submit(supplier=supplier, user=member)
    services.revision_approve(revision=supplier.revisions.get(), by=curator, verified_accreditations=[])
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED
    assert supplier.accreditations == []
    assert not Supplier.objects.with_accreditations("integration").exists()


def test_refusing_a_new_listing_sends_it_back_to_draft_with_the_reason(
    member_client, member, curator, django_capture_on_commit_callbacks
):
    member_client.post(CREATE, listing_post())
    supplier = Supplier.objects.get(neq="1170000001")
    services.listing_submit(supplier=supplier, user=member)
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_refuse(
            revision=supplier.revisions.get(), by=curator, reason="Le NEQ ne correspond pas au nom."
        )
    supplier.refresh_from_db()
    assert supplier.status == Status.DRAFT
    assert supplier.status_reason == "Le NEQ ne correspond pas au nom."
    assert "Le NEQ ne correspond pas au nom." in mail.outbox[0].body
    response = member_client.get(reverse("enterprises:dashboard"))
    assertContains(response, "Le NEQ ne correspond pas au nom.")
    # The member can fix it and submit again.
    assert member_client.get(reverse("enterprises:listing_edit", args=[supplier.pk])).status_code == 200


def test_refusal_needs_a_reason(member, curator):
    supplier = services.listing_create(user=member, data=_data())
    services.listing_submit(supplier=supplier, user=member)
    with pytest.raises(services.ValidationError):
        services.revision_refuse(revision=supplier.revisions.get(), by=curator, reason="  ")


def test_pending_listing_cannot_be_edited(member_client, member):
    supplier = services.listing_create(user=member, data=_data())
    data = edit_post(supplier, name="Autre nom")
    services.listing_submit(supplier=supplier, user=member)
    url = reverse("enterprises:listing_edit", args=[supplier.pk])
    response = member_client.get(url)
    assertContains(response, "le personnel du ministère la vérifie")
    member_client.post(url, data)
    supplier.refresh_from_db()
    assert supplier.name != "Autre nom"
    with pytest.raises(services.ListingNotEditable):
        services.listing_update_draft(
            supplier=supplier, user=member, data=_data(name="Autre nom"), token=data["version"]
        )


# --- Changing a published listing ---


@pytest.fixture
def published(member):
    supplier = SupplierFactory(
        name="Récupération Solidaire", neq="1160000002", description_fr="Version approuvée."
    )
    OfferingFactory(supplier=supplier, title="Collecte de matériel informatique")
    MembershipFactory(user=member, supplier=supplier)
    return supplier


def test_change_to_a_published_listing_waits_for_review_and_the_old_version_stays_public(
    member_client, member, published, curator, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:listing_edit", args=[published.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = member_client.post(
            url, edit_post(published, name="Récupération Solidaire inc.", description_fr="Nouvelle version.")
        )
    assert response.status_code == 302
    published.refresh_from_db()
    assert published.name == "Récupération Solidaire"
    assert published.description_fr == "Version approuvée."
    revision = Revision.objects.get(supplier=published, status=DecisionStatus.PENDING)
    assert revision.data["name"] == "Récupération Solidaire inc."
    assert not revision.is_new_listing
    assert [m.to for m in mail.outbox] == [[curator.email]]
    public = member_client.get(published.get_absolute_url())
    assertContains(public, "Version approuvée.")
    assertNotContains(public, "Nouvelle version.")
    # The edit form now shows the pending proposal.
    assertContains(member_client.get(url), "Nouvelle version.")


def test_second_edit_replaces_the_pending_revision(member_client, published):
    url = reverse("enterprises:listing_edit", args=[published.pk])
    member_client.post(url, edit_post(published, description_fr="Premier essai."))
    member_client.post(url, edit_post(published, description_fr="Deuxième essai."))
    revisions = Revision.objects.filter(supplier=published)
    assert revisions.count() == 1
    assert revisions.get().data["description_fr"] == "Deuxième essai."


def test_unchanged_edit_is_refused_with_a_message(member_client, published):
    response = member_client.post(
        reverse("enterprises:listing_edit", args=[published.pk]),
        edit_post(
            published,
            name=published.name,
            neq=published.neq,
            legal_form="non_profit",
            coop_type="",
            claimed_accreditations=[],
            description_fr=published.description_fr,
            website="",
            email="",
            phone="",
            address="",
            city=published.city,
            postal_code=published.postal_code,
            regions_served=["01"],
            employees_band="",
        ),
    )
    assert response.status_code == 200
    assertContains(response, "Aucune modification")
    assert not Revision.objects.exists()


def test_approving_a_change_applies_it_in_the_history_and_search(
    member_client, member, published, curator, django_capture_on_commit_callbacks
):
    data = edit_post(published, name="Récupération Solidaire inc.", regions_served=["01", "11"])
    data.update({"offres-1-title": "Déchiquetage de documents", "offres-1-category": "recuperation.collecte"})
    data["offres-TOTAL_FORMS"] = "3"
    data.update({"offres-2-kind": "service", "offres-2-title": "", "offres-2-category": ""})
    member_client.post(reverse("enterprises:listing_edit", args=[published.pk]), data)
    revision = Revision.objects.get(supplier=published)
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_approve(revision=revision, by=curator, verified_accreditations=["adapted"])
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.name == "Récupération Solidaire inc."
    assert sorted(published.regions_served.values_list("code", flat=True)) == ["01", "11"]
    assert sorted(published.categories.values_list("code", flat=True)) == [
        "entretien.menager",
        "recuperation.collecte",
    ]
    assert list(published.offerings.values_list("title", flat=True)) == [
        "Collecte de matériel informatique",
        "Déchiquetage de documents",
    ]
    # The approved offering is found by the public search.
    found = member_client.get(reverse("suppliers:search"), {"q": "déchiquetage"}).context["suppliers"]
    assert [supplier.pk for supplier in found] == [published.pk]
    latest = published.history.first()
    assert latest.history_user == curator
    assert latest.name == "Récupération Solidaire inc."
    revision.refresh_from_db()
    assert revision.status == DecisionStatus.APPROVED and revision.decided_by == curator
    assert [m.to for m in mail.outbox] == [[member.email]]
    assertContains(member_client.get(published.get_absolute_url()), "Récupération Solidaire inc.")


def test_refused_change_leaves_the_public_version_untouched(
    member_client, member, published, curator, django_capture_on_commit_callbacks
):
    member_client.post(
        reverse("enterprises:listing_edit", args=[published.pk]),
        edit_post(published, description_fr="Description exagérée."),
    )
    revision = Revision.objects.get(supplier=published)
    history_count = published.history.count()
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_refuse(revision=revision, by=curator, reason="Affirmations non vérifiables.")
    published.refresh_from_db()
    assert published.status == Status.PUBLISHED
    assert published.description_fr == "Version approuvée."
    assert published.history.count() == history_count
    assertNotContains(member_client.get(published.get_absolute_url()), "Description exagérée.")
    assert "Affirmations non vérifiables." in mail.outbox[0].body
    assertContains(member_client.get(reverse("enterprises:dashboard")), "Affirmations non vérifiables.")


def test_neq_cannot_be_changed_on_a_published_listing(member_client, published):
    member_client.post(
        reverse("enterprises:listing_edit", args=[published.pk]),
        edit_post(published, neq="2200000009", description_fr="Changement."),
    )
    assert Revision.objects.get(supplier=published).data["neq"] == published.neq


# --- Bad input keeps what the user typed ---


def test_invalid_neq_gives_a_clear_message_and_keeps_the_input(member_client):
    response = member_client.post(CREATE, listing_post(neq="4412345678", name="Ma coop à moi"))
    assert response.status_code == 200
    assertContains(response, "Le NEQ doit commencer par 11, 22, 33 ou 88")
    assertContains(response, 'value="Ma coop à moi"')
    assertContains(response, 'aria-invalid="true"')
    assertContains(response, "Entretien ménager de bureaux")
    assert not Supplier.objects.exists()


def test_an_neq_in_use_says_only_that_it_cannot_be_used_and_offers_a_claim(member_client):
    existing = SupplierFactory(neq="1170000001", name="Brouillon d'un autre", status=Status.ARCHIVED)
    response = member_client.post(CREATE, listing_post())
    assert response.status_code == 200
    assertContains(response, "Ce NEQ ne peut pas servir à créer une fiche")
    assertContains(response, reverse("enterprises:claim", args=[existing.neq]))
    # Nothing about what holds the NEQ: no name, no status.
    assertNotContains(response, "Brouillon d&#x27;un autre")
    assertNotContains(response, "existe déjà")
    assertNotContains(response, "archivée")
    assert Supplier.objects.count() == 1


def test_missing_required_fields_are_reported_and_other_values_kept(member_client):
    response = member_client.post(
        CREATE,
        listing_post(description_fr="", head_office_region="", regions_served=[], **{"offres-0-title": ""}),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert {"description_fr", "head_office_region", "regions_served"} <= set(errors)
    assertContains(
        response, "Indiquez au moins une région desservie, ou que l&#x27;entreprise dessert tout le Québec."
    )
    assertContains(response, 'value="info@coop-nettoyage.example"')
    assert not Supplier.objects.exists()


def test_at_least_one_offering_is_required(member_client):
    response = member_client.post(
        CREATE, listing_post(**{"offres-0-title": "", "offres-0-description": "", "offres-0-category": ""})
    )
    assert response.status_code == 200
    assertContains(response, "Décrivez au moins une offre")
    assert not Supplier.objects.exists()


def test_cooperative_needs_its_type(member_client):
    response = member_client.post(CREATE, listing_post(coop_type=""))
    assert response.status_code == 200
    assertContains(response, "Précisez le type de coopérative.")


def test_serving_all_quebec_needs_no_region(member_client):
    member_client.post(CREATE, listing_post(serves_all_quebec="on", regions_served=[]))
    supplier = Supplier.objects.get()
    assert supplier.serves_all_quebec
    assert not supplier.regions_served.exists()


# --- Logo ---


def test_logo_keeps_its_format_without_metadata(member_client, media_root):
    member_client.post(CREATE, listing_post(logo=image_upload(exif=True)))
    supplier = Supplier.objects.get()
    assert supplier.logo.name.startswith(f"logos/{supplier.neq}-") and supplier.logo.name.endswith(".jpg")
    with Image.open(supplier.logo.path) as stored:
        assert stored.format == "JPEG"
        assert stored.size == (120, 80)
        assert not stored.getexif()
        assert "exif" not in stored.info


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("logo.png", b"pas une image", content_type="image/png"), "pas une image lisible"),
        (lambda: image_upload("logo.gif", "GIF", mode="P"), "JPEG, PNG ou WebP"),
        (lambda: image_upload(size=(2500, 100)), "ne doit pas dépasser 2000 pixels"),
    ],
)
def test_unfit_logo_is_refused_with_a_clear_message(member_client, upload, message):
    upload = upload() if callable(upload) else upload
    response = member_client.post(CREATE, listing_post(logo=upload, name="Nom conservé"))
    assert response.status_code == 200
    assertContains(response, message)
    assertContains(response, 'value="Nom conservé"')
    assert not Supplier.objects.exists()


def test_oversized_logo_is_refused(member_client):
    big = SimpleUploadedFile("logo.jpg", b"\xff\xd8" + b"0" * (2 * 1024 * 1024), content_type="image/jpeg")
    response = member_client.post(CREATE, listing_post(logo=big, name="Nom conservé"))
    assert response.status_code == 200
    assertContains(response, "la limite est de 2,0")
    assertContains(response, 'value="Nom conservé"')
    assert not Supplier.objects.exists()


def test_logo_change_on_a_published_listing_waits_for_approval(member_client, published, curator):
    member_client.post(
        reverse("enterprises:listing_edit", args=[published.pk]),
        edit_post(published, logo=image_upload("nouveau.webp", "WEBP")),
    )
    published.refresh_from_db()
    assert not published.logo
    revision = Revision.objects.get(supplier=published)
    assert revision.data["logo"].startswith("logos/revisions/")
    services.revision_approve(revision=revision, by=curator, verified_accreditations=[])
    published.refresh_from_db()
    assert published.logo.name.startswith(f"logos/{published.neq}-")
    with Image.open(published.logo.path) as stored:
        assert stored.format == "WEBP"


def test_refusing_a_change_deletes_its_pending_logo(
    member_client, published, curator, media_root, django_capture_on_commit_callbacks
):
    member_client.post(
        reverse("enterprises:listing_edit", args=[published.pk]),
        edit_post(published, logo=image_upload("nouveau.webp", "WEBP")),
    )
    revision = Revision.objects.get(supplier=published)
    pending_logo = media_root / revision.data["logo"]
    assert pending_logo.is_file()
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_refuse(revision=revision, by=curator, reason="Logo illisible.")
    assert not pending_logo.exists()
    published.refresh_from_db()
    assert not published.logo


def test_refusing_a_change_keeps_the_public_logo(
    member_client, member, published, curator, media_root, django_capture_on_commit_callbacks
):
    url = reverse("enterprises:listing_edit", args=[published.pk])
    member_client.post(url, edit_post(published, logo=image_upload()))
    services.revision_approve(revision=Revision.objects.get(), by=curator, verified_accreditations=[])
    published.refresh_from_db()
    public_logo = media_root / published.logo.name
    assert public_logo.is_file()
    # A change without a new logo carries the public logo's name: refusing it must not delete that file.
    member_client.post(url, edit_post(published, description_fr="Autre description."))
    revision = Revision.objects.get(status=DecisionStatus.PENDING)
    assert revision.data["logo"] == published.logo.name
    with django_capture_on_commit_callbacks(execute=True):
        services.revision_refuse(revision=revision, by=curator, reason="Non.")
    assert public_logo.is_file()


def test_dashboard_lists_own_listings_with_status_members_and_last_verification(
    member_client, member, published, assert_snapshot_queries
):
    colleague = VerifiedUserFactory(email="collegue@coop.example")
    MembershipFactory(user=colleague, supplier=published, role="editor")
    for _ in range(3):
        MembershipFactory(user=member)
    services.revision_submit(
        supplier=published,
        user=member,
        data=_data(neq=published.neq, name="Changé"),
        token=token_for(published),
    )
    with assert_snapshot_queries():
        response = member_client.get(reverse("enterprises:dashboard"))
    assertContains(response, "Récupération Solidaire")
    assertContains(response, "collegue@coop.example")
    assertContains(response, "en attente de vérification")
    assertContains(response, "Jamais vérifiée")
    assert len(response.context["memberships"]) == 4


def _data(**overrides):
    data = {
        "name": "Coop de test",
        "neq": "1170000099",
        "legal_form": "non_profit",
        "coop_type": "",
        "description_fr": "Une description.",
        "description_en": "",
        "website": "",
        "email": "",
        "phone": "",
        "address": "",
        "city": "Rimouski",
        "postal_code": "G5L 1A1",
        "employees_band": "",
        "serves_all_quebec": False,
        "head_office_region": "01",
        "regions_served": ["01"],
        "categories": ["entretien.menager"],
        "offerings": [
            {"kind": "service", "title": "Ménage", "description": "", "category": "entretien.menager"}
        ],
        "claimed_accreditations": [],
    }
    data.update(overrides)
    return data


def test_unverified_user_cannot_submit(db, client):
    user = UserFactory(email="pas-verifie@coop.example")
    client.force_login(user)
    response = client.get(CREATE)
    assertContains(response, "Confirmez votre adresse courriel")
    client.post(CREATE, listing_post())
    assert not Supplier.objects.exists()
    supplier = services.listing_create(user=user, data=_data())
    with pytest.raises(services.PermissionDenied):
        services.listing_submit(supplier=supplier, user=user)


def test_public_page_and_api_show_only_verified_accreditations_and_the_approved_version(
    member_client, member, published, curator
):
    api_url = reverse("suppliers_api:detail", args=[published.neq])
    # The enterprise already claims an accreditation that staff never verified, and proposes a second one.
    AccreditationClaim.objects.create(supplier=published, accreditations=["integration"])
    data = services.listing_snapshot(published)
    data.update(name="Nom proposé", claimed_accreditations=["adapted", "integration"])
    revision = services.revision_submit(
        supplier=published, user=member, data=data, token=token_for(published)
    )

    page = member_client.get(published.get_absolute_url())
    assertNotContains(page, "Nom proposé")
    assertNotContains(page, "Entreprise adaptée")
    assertNotContains(page, "Entreprise d&#x27;insertion")
    api = member_client.get(api_url).json()
    assert (api["name"], api["accreditations"]) == ("Récupération Solidaire", [])

    # Staff verify one of the two claimed accreditations.
    services.revision_approve(revision=revision, by=curator, verified_accreditations=["adapted"])
    assert AccreditationClaim.objects.get(supplier=published).accreditations == ["adapted", "integration"]
    page = member_client.get(published.get_absolute_url())
    assertContains(page, "Entreprise adaptée")
    assertNotContains(page, "Entreprise d&#x27;insertion")
    api = member_client.get(api_url).json()
    assert (api["name"], api["accreditations"]) == ("Nom proposé", ["adapted"])
