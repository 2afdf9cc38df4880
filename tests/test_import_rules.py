"""The import's rules and bounds (issues 13 and 16): files it cannot read give a clean error naming the line; the
report stays short; the status workflow, the reasons and the version of an exported row hold; exports are
neutralised against formula injection; the admin reads only bounded files, through the command's writer."""

import csv
import io

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from openpyxl import Workbook, load_workbook
from pytest_django.asserts import assertContains, assertNotContains

from enterprises import services as enterprise_services
from suppliers import import_batches
from suppliers.importing import COLUMNS, FileLimits, supplier_to_row
from suppliers.models import DESCRIPTION_MAX_LENGTH, Region, Status, Supplier
from suppliers.services import MAX_REPORTED_ERRORS, supplier_import
from tests.factories import MembershipFactory, SupplierFactory
from tests.test_admin_curation import admin_confirm, admin_import
from tests.test_import_export import HEADER, VALID_ROWS, import_file, write_csv


def csv_of(rows: list[dict]) -> str:
    handle = io.StringIO()
    writer = csv.DictWriter(handle, fieldnames=COLUMNS)
    writer.writeheader()
    writer.writerows(rows)
    return handle.getvalue()


def write_rows(tmp_path, rows: list[dict], name="fournisseurs.csv"):
    path = tmp_path / name
    path.write_text(csv_of(rows), encoding="utf-8")
    return path


def import_errors(path) -> str:
    with pytest.raises(CommandError) as raised:
        import_file(path)
    return str(raised.value)


def command_output(path) -> tuple[str, str]:
    """stderr (the problems) and the error of a refused import."""
    err = io.StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_suppliers", str(path), stdout=io.StringIO(), stderr=err)
    return err.getvalue(), str(raised.value)


def supplier_row(**values) -> dict:
    row = {column: "" for column in COLUMNS}
    row.update(
        neq="1145678901", name="Traiteur La Marmite", legal_form="non_profit", description_fr="Traiteur.",
        head_office_region="01", regions_served="01", status="published",
    )  # fmt: skip
    row.update(values)
    return row


# --- Files the command cannot read: a clean error naming the line (13.4, 13.10) ---


def test_a_file_named_xlsx_that_is_not_a_workbook_is_a_clean_error(db, tmp_path):
    path = tmp_path / "fournisseurs.xlsx"
    path.write_bytes(b"neq,name\n1145678901,Pas un classeur\n")
    assert "Ligne 1 : ce fichier .xlsx n'est pas un classeur Excel lisible" in import_errors(path)


def test_a_nul_character_is_a_line_error(db, tmp_path):
    path = write_rows(tmp_path, [supplier_row(), supplier_row(neq="1145678902", name="Coop\x00 Nulle")])
    errors, summary = command_output(path)
    assert "ligne 3, colonne « name » : contient un caractère nul" in errors
    assert "1 problème" in summary and not Supplier.objects.exists()


def test_a_field_longer_than_its_model_field_is_a_line_error(db, tmp_path):
    long = "x" * (DESCRIPTION_MAX_LENGTH + 1)
    errors, _summary = command_output(write_rows(tmp_path, [supplier_row(description_fr=long)]))
    assert f"ligne 2, colonne « description_fr » : {DESCRIPTION_MAX_LENGTH + 1} caractères, au plus" in errors


def test_a_field_longer_than_the_csv_reader_takes_is_a_clean_error_naming_its_line(db, tmp_path):
    rows = [supplier_row(), supplier_row(neq="1145678902", description_fr="x" * 200_000)]
    message = import_errors(write_rows(tmp_path, rows))
    assert message.startswith("Ligne 3 : fichier CSV illisible")


def test_a_repeated_column_is_refused_naming_it(db, tmp_path):
    path = write_csv(tmp_path, [VALID_ROWS[0] + ",Autre nom"], header=HEADER + ",name")
    assert "colonnes répétées : name" in import_errors(path)
    assert not Supplier.objects.exists()


def test_the_report_lists_the_first_problems_and_counts_the_rest(db, tmp_path):
    rows = [supplier_row(neq=f"11{n:08d}", legal_form="sarl") for n in range(MAX_REPORTED_ERRORS + 150)]
    errors, summary = command_output(write_rows(tmp_path, rows))
    assert len(errors.splitlines()) == MAX_REPORTED_ERRORS
    assert "250 problèmes" in summary and "150 autres ne sont pas listés" in summary


# --- The same maximum lengths in the model, the forms and the import ---


def test_the_database_refuses_a_description_longer_than_the_forms_accept(db):
    supplier = SupplierFactory()
    with pytest.raises(IntegrityError), transaction.atomic():
        Supplier.objects.filter(pk=supplier.pk).update(description_fr="x" * (DESCRIPTION_MAX_LENGTH + 1))


def test_the_enterprise_form_refuses_a_description_the_import_refuses(db):
    from enterprises.forms import ListingForm

    form = ListingForm(data={"description_fr": "x" * (DESCRIPTION_MAX_LENGTH + 1)})
    assert not form.is_valid()
    assert f"au plus {DESCRIPTION_MAX_LENGTH}" in " ".join(form.errors["description_fr"]).replace(
        "\u202f", " "
    )


# --- The status workflow (16.1) ---


def test_a_forbidden_status_change_is_a_line_error(db, tmp_path):
    archived = SupplierFactory(neq="1145678901", status=Status.ARCHIVED)
    errors, _summary = command_output(write_rows(tmp_path, [supplier_row(status="published")]))
    assert "ligne 2, colonne « status » : passer de « archived » à « published » n'est pas permis" in errors
    archived.refresh_from_db()
    assert archived.status == Status.ARCHIVED


@pytest.mark.parametrize("status", [Status.SUSPENDED, Status.ARCHIVED])
def test_suspending_or_archiving_without_a_reason_is_a_line_error(db, tmp_path, status):
    SupplierFactory(neq="1145678901")
    errors, _summary = command_output(write_rows(tmp_path, [supplier_row(status=status)]))
    assert "ligne 2, colonne « status_reason » : obligatoire pour le statut" in errors
    assert Supplier.objects.get().status == Status.PUBLISHED


def test_a_new_supplier_imported_as_archived_needs_a_reason_too(db, tmp_path):
    errors, _summary = command_output(write_rows(tmp_path, [supplier_row(status="archived")]))
    assert "colonne « status_reason »" in errors


def test_a_suspension_with_its_reason_is_applied_and_the_reason_kept(db, tmp_path):
    supplier = SupplierFactory(neq="1145678901")
    import_file(write_rows(tmp_path, [supplier_row(status="suspended", status_reason="Assurances échues")]))
    supplier.refresh_from_db()
    assert (supplier.status, supplier.status_reason) == (Status.SUSPENDED, "Assurances échues")
    assert supplier.status_changed_at is not None


def test_the_admin_import_holds_the_same_workflow(curator_client):
    SupplierFactory(neq="1145678901", status=Status.ARCHIVED)
    response = admin_import(curator_client, csv_of([supplier_row(status="published")]).encode())
    assertContains(response, "passer de « archived » à « published » n&#x27;est pas permis")
    assert response.context["token"] is None


# --- An import does not overwrite an edit made since its file was exported (13.8) ---


@pytest.fixture
def draft_with_member(db):
    membership = MembershipFactory(
        supplier__neq="1145678901", supplier__status=Status.DRAFT, supplier__phone=""
    )
    return membership.supplier, membership.user


def member_edits(supplier, user, **changes):
    start, token = enterprise_services.listing_edit_start(supplier)
    enterprise_services.listing_update_draft(
        supplier=supplier, user=user, data={**start, **changes}, token=token
    )


def test_an_exported_row_changed_since_by_the_enterprise_is_a_conflict(draft_with_member, tmp_path):
    supplier, member = draft_with_member
    exported = supplier_to_row(supplier)
    member_edits(supplier, member, phone="418 555-1234")
    errors, _summary = command_output(write_rows(tmp_path, [{**exported, "city": "Matane"}]))
    assert "ligne 2, colonne « version » : la fiche a été modifiée le" in errors
    supplier.refresh_from_db()
    assert (supplier.phone, supplier.city) == ("418 555-1234", "Rimouski")


def test_a_conflict_is_reported_with_the_other_problems_of_the_file(draft_with_member, tmp_path):
    supplier, member = draft_with_member
    exported = supplier_to_row(supplier)
    member_edits(supplier, member, phone="418 555-1234")
    rows = [supplier_row(neq="1145678902", legal_form="sarl"), {**exported, "city": "Matane"}]
    errors, _summary = command_output(write_rows(tmp_path, rows))
    assert "ligne 2, colonne « legal_form »" in errors and "ligne 3, colonne « version »" in errors


def test_an_exported_row_of_an_unchanged_supplier_is_imported(draft_with_member, tmp_path):
    supplier, _member = draft_with_member
    import_file(write_rows(tmp_path, [{**supplier_to_row(supplier), "city": "Matane"}]))
    supplier.refresh_from_db()
    assert supplier.city == "Matane"


def test_an_edit_committed_while_the_import_writes_is_a_conflict_too(draft_with_member, monkeypatch):
    supplier, _member = draft_with_member
    row = {**supplier_to_row(supplier), "city": "Matane"}
    original = import_batches.update_changed

    def edited_meanwhile(cursor, now):  # what an edit committed after the rows were compared leaves
        Supplier.objects.filter(pk=supplier.pk).update(
            phone="418 555-1234", updated_at=now.replace(year=2025)
        )
        return original(cursor, now)

    monkeypatch.setattr(import_batches, "update_changed", edited_meanwhile)
    report = supplier_import(open_rows=lambda: enumerate([row], start=2))
    assert [(error.line, error.column) for error in report.errors] == [(2, "version")]


# --- Formula injection on export (13.12) ---

HOSTILE_NAME = '=HYPERLINK("https://exemple.com","Cliquez")'


def test_the_export_command_neutralises_text_cells_and_its_file_reimports_unchanged(db, tmp_path):
    SupplierFactory(neq="1145678901", name=HOSTILE_NAME, phone="+1 418 555-0000")
    path = tmp_path / "export.csv"
    call_command("export_suppliers", "--output", str(path), stdout=io.StringIO())
    with path.open(encoding="utf-8-sig") as handle:
        row = next(csv.DictReader(handle))
    assert row["name"] == "'" + HOSTILE_NAME and row["phone"] == "'+1 418 555-0000"
    out, _err = import_file(path)
    assert "1 inchangée(s)" in out
    assert Supplier.objects.get().name == HOSTILE_NAME


@pytest.mark.parametrize("file_format", ["0", "1"])  # CSV, XLSX
def test_the_admin_export_neutralises_text_cells(curator_client, file_format):
    SupplierFactory(neq="1145678901", name=HOSTILE_NAME)
    response = curator_client.post(
        reverse("admin:suppliers_supplier_export"),
        {"format": file_format, "resource": "0", **{f"supplierresource_{c}": "on" for c in COLUMNS}},
    )
    if file_format == "0":
        assert "'" + HOSTILE_NAME.replace('"', '""') in response.content.decode("utf-8-sig")
    else:
        sheet = load_workbook(io.BytesIO(response.content)).active
        cell = sheet.cell(row=2, column=COLUMNS.index("name") + 1)
        assert (cell.value, cell.data_type) == ("'" + HOSTILE_NAME, "s")


# --- The admin reads bounded files only (13.3) ---


@pytest.fixture
def small_admin_limits(monkeypatch):
    limits = FileLimits(max_bytes=20_000, max_unzipped_bytes=100_000, max_rows=3)
    monkeypatch.setattr("suppliers.admin_import.ADMIN_LIMITS", limits)
    return limits


def xlsx_bytes(rows) -> bytes:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    handle = io.BytesIO()
    workbook.save(handle)
    return handle.getvalue()


def test_the_admin_refuses_a_file_larger_than_its_bound_before_it_is_stored(
    curator_client, small_admin_limits, monkeypatch
):
    from django.core.files.uploadhandler import TemporaryFileUploadHandler

    monkeypatch.setattr(
        settings, "FILE_UPLOAD_MAX_MEMORY_SIZE", 1000
    )  # larger uploads go to a temporary file
    monkeypatch.setattr(
        TemporaryFileUploadHandler, "receive_data_chunk", lambda *a: pytest.fail("the file was stored")
    )
    response = admin_import(curator_client, b"x" * 30_000)
    assertContains(
        response, "Le fichier dépasse 0 Mo : importez-le avec la commande « manage.py import_suppliers »"
    )
    assertNotContains(response, "Ce champ est obligatoire")
    assert not Supplier.objects.exists()


def test_the_admin_refuses_a_workbook_that_unzips_beyond_its_bound_before_reading_it(
    curator_client, small_admin_limits, monkeypatch
):
    content = xlsx_bytes([COLUMNS, ["x" * 30_000] * len(COLUMNS)])  # compresses to a few kilobytes
    assert len(content) < small_admin_limits.max_bytes
    monkeypatch.setattr("openpyxl.load_workbook", lambda *a, **k: pytest.fail("the workbook was read"))
    response = admin_import(curator_client, content, name="f.xlsx")
    assertContains(response, "Une fois décompressé, ce classeur occupe")


def test_the_admin_refuses_more_rows_than_its_bound(curator_client, small_admin_limits):
    rows = [supplier_row(neq=f"11{n:08d}") for n in range(small_admin_limits.max_rows + 1)]
    response = admin_import(curator_client, csv_of(rows).encode())
    assertContains(response, "Le fichier compte plus de 3 lignes")
    assert not Supplier.objects.exists()


def test_the_admin_says_a_non_zip_xlsx_is_unreadable(curator_client):
    response = admin_import(curator_client, b"pas un classeur", name="f.xlsx")
    assertContains(response, "n&#x27;est pas un classeur Excel lisible")


def test_a_confirmation_needs_the_signed_name_of_a_previewed_file(curator_client, curator):
    response = curator_client.post(
        reverse("admin:suppliers_supplier_import"), {"token": "../../etc/passwd", "confirm": "1"}, follow=True
    )
    assertContains(response, "Ce fichier n&#x27;est plus disponible")


def test_a_confirmation_of_a_stored_file_needs_its_signature(curator_client):
    from django.core import signing

    from suppliers.admin_import import UPLOAD_SALT

    preview = admin_import(curator_client, csv_of([supplier_row()]).encode())
    name = signing.loads(preview.context["token"], salt=UPLOAD_SALT)
    response = curator_client.post(
        reverse("admin:suppliers_supplier_import"), {"token": name, "confirm": "1"}, follow=True
    )
    assertContains(response, "Ce fichier n&#x27;est plus disponible")
    assert not Supplier.objects.exists()


def test_the_admin_import_checks_its_csrf_token(curator):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(curator)
    response = admin_import(client, csv_of([supplier_row()]).encode())
    assert response.status_code == 403 and not Supplier.objects.exists()


def test_only_staff_who_may_add_and_change_suppliers_import(client, db):
    from tests.factories import UserFactory

    client.force_login(UserFactory(is_staff=True))
    response = client.get(reverse("admin:suppliers_supplier_import"))
    assert response.status_code == 403


def test_an_admin_xlsx_import_previews_and_confirms(curator_client):
    content = xlsx_bytes([COLUMNS, [supplier_row()[column] for column in COLUMNS]])
    preview = admin_import(curator_client, content, name="f.xlsx")
    assertContains(preview, "1 créée(s)")
    admin_confirm(curator_client, preview)
    assert Supplier.objects.get().name == "Traiteur La Marmite"


# --- "All of Québec or at least one region", held by the database (16.4) ---


def check_deferred_constraints():
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")


def test_the_database_refuses_a_supplier_serving_no_region(db):
    with pytest.raises(IntegrityError, match="serves neither all of Québec nor any region or area"):
        with transaction.atomic():
            SupplierFactory(regions=[])
            check_deferred_constraints()


def test_the_database_refuses_removing_the_last_region(db):
    supplier = SupplierFactory(regions=["01"])
    with pytest.raises(IntegrityError), transaction.atomic():
        supplier.regions_served.clear()
        check_deferred_constraints()


def test_a_supplier_and_its_regions_written_in_one_transaction_are_accepted(db):
    with transaction.atomic():
        supplier = Supplier.objects.create(
            neq="1145678901",
            name="Coop",
            legal_form="non_profit",
            description_fr="D.",
            head_office_region_id="01",
        )
        supplier.regions_served.set([Region.objects.get(code="02")])
        check_deferred_constraints()
    quebec = SupplierFactory(regions=[], serves_all_quebec=True)
    check_deferred_constraints()
    assert quebec.pk


def test_a_supplier_serving_only_a_service_area_is_accepted_and_its_last_area_kept(db):
    from suppliers.models import ServiceArea

    area = ServiceArea.objects.create(code="mrc-test", name="MRC d'essai", kind="mrc", region_id="01")
    supplier = SupplierFactory(regions=[], areas=[area])
    check_deferred_constraints()
    with pytest.raises(IntegrityError), transaction.atomic():
        supplier.areas_served.clear()
        check_deferred_constraints()


def test_after_an_import_the_database_checks_regions_again_in_the_same_transaction(db, tmp_path):
    with pytest.raises(IntegrityError), transaction.atomic():
        assert supplier_import(open_rows=lambda: enumerate([supplier_row()], start=2)).ok
        SupplierFactory(regions=[])
        check_deferred_constraints()
