import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from suppliers.models import InvalidStatusChange, LegalForm, Status, Supplier
from suppliers.validators import normalize_postal_code, validate_neq, validate_postal_code
from tests.factories import SupplierFactory, UserFactory


@pytest.mark.parametrize("neq", ["1112345678", "2212345678", "3312345678", "8812345678"])
def test_neq_with_known_prefix_and_ten_digits_is_valid(neq):
    validate_neq(neq)


@pytest.mark.parametrize(
    ("neq", "code"),
    [
        ("112345678", "neq_format"),
        ("11123456789", "neq_format"),
        ("11234567a8", "neq_format"),
        ("4412345678", "neq_prefix"),
        ("", "neq_format"),
    ],
)
def test_neq_rejects_wrong_length_letters_and_unknown_prefix(neq, code):
    with pytest.raises(ValidationError) as error:
        validate_neq(neq)
    assert error.value.code == code


@pytest.mark.parametrize("value", ["G5L 1A1", "H2X 3Y7", "J8Y 6T2", "K1A 0B1"])
def test_canadian_postal_codes_are_valid(value):
    validate_postal_code(value)


@pytest.mark.parametrize("value", ["G5L1A1", "D5L 1A1", "W1A 1A1", "G5L 1A", "12345", "G5L-1A1", "Z1A 1A1"])
def test_malformed_postal_codes_are_rejected(value):
    with pytest.raises(ValidationError):
        validate_postal_code(value)


def test_postal_code_is_normalised_to_upper_case_with_a_space():
    assert normalize_postal_code(" g5l1a1 ") == "G5L 1A1"


def test_database_refuses_a_malformed_neq(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(neq="9912345678")


def test_database_refuses_a_malformed_postal_code(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(postal_code="G5L1A1")


def test_database_refuses_a_duplicate_neq(db):
    SupplierFactory(neq="1100000001")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(neq="1100000001")


def test_database_requires_a_coop_type_for_a_cooperative_and_none_for_a_non_profit(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(legal_form=LegalForm.COOPERATIVE, coop_type="")
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(legal_form=LegalForm.NON_PROFIT, coop_type="worker")
    SupplierFactory(legal_form=LegalForm.COOPERATIVE, coop_type="solidarity")


def test_database_refuses_an_unknown_accreditation(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        SupplierFactory(accreditations=["certified"])


def test_model_validation_explains_coop_type(db):
    supplier = SupplierFactory.build(legal_form=LegalForm.COOPERATIVE, coop_type="")
    with pytest.raises(ValidationError) as error:
        supplier.clean()
    assert "coop_type" in error.value.message_dict


def test_draft_is_submitted_then_published(db):
    curator = UserFactory(is_staff=True)
    supplier = SupplierFactory(status=Status.DRAFT)
    supplier.submit_for_review()
    assert Supplier.objects.get(pk=supplier.pk).status == Status.PENDING
    supplier.publish(by=curator)
    supplier.refresh_from_db()
    assert supplier.status == Status.PUBLISHED
    assert supplier.status_changed_at is not None


def test_published_supplier_is_suspended_with_reason_then_republished(db):
    supplier = SupplierFactory(status=Status.PUBLISHED)
    supplier.suspend(reason="Coordonnées à confirmer")
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == (Status.SUSPENDED, "Coordonnées à confirmer")
    supplier.publish()
    assert Supplier.objects.get(pk=supplier.pk).status == Status.PUBLISHED


def test_archive_requires_a_reason(db):
    supplier = SupplierFactory(status=Status.PUBLISHED)
    with pytest.raises(ValidationError):
        supplier.archive(reason="  ")
    supplier.archive(reason="Entreprise dissoute")
    assert Supplier.objects.get(pk=supplier.pk).status == Status.ARCHIVED


def test_suspend_requires_a_reason(db):
    with pytest.raises(ValidationError):
        SupplierFactory(status=Status.PUBLISHED).suspend(reason="")


def test_archived_supplier_can_return_to_draft_only(db):
    supplier = SupplierFactory(status=Status.ARCHIVED)
    with pytest.raises(InvalidStatusChange):
        supplier.publish()
    supplier.change_status(Status.DRAFT)
    assert Supplier.objects.get(pk=supplier.pk).status == Status.DRAFT


def test_a_draft_cannot_be_suspended(db):
    with pytest.raises(InvalidStatusChange):
        SupplierFactory(status=Status.DRAFT).suspend(reason="x")


def test_mark_verified_stamps_date_and_person(db):
    curator = UserFactory(is_staff=True)
    supplier = SupplierFactory()
    supplier.mark_verified(by=curator)
    supplier.refresh_from_db()
    assert supplier.last_verified_by == curator
    assert supplier.last_verified_at is not None


def test_status_change_saves_only_status_fields(db, assert_snapshot_queries):
    supplier = SupplierFactory(status=Status.PUBLISHED)
    Supplier.objects.filter(pk=supplier.pk).update(name="Nom changé ailleurs")
    # The snapshot holds the UPDATE and the history row: the UPDATE sets only the status fields.
    with assert_snapshot_queries():
        supplier.suspend(reason="Vérification")
    # The stale name in memory was not written back.
    assert Supplier.objects.get(pk=supplier.pk).name == "Nom changé ailleurs"


def test_history_records_who_when_and_old_and_new_values(db):
    curator = UserFactory(is_staff=True)
    supplier = SupplierFactory(status=Status.PUBLISHED, name="Traiteur Solidaire")
    supplier.suspend(by=curator, reason="Plainte reçue")
    latest, previous = supplier.history.all()[:2]
    delta = latest.diff_against(previous)
    changed = {change.field: (change.old, change.new) for change in delta.changes}
    assert changed["status"] == (Status.PUBLISHED, Status.SUSPENDED)
    assert latest.history_user == curator
    assert latest.history_change_reason == "Plainte reçue"
    assert latest.history_date is not None
