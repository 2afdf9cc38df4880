import csv
import io

import pytest
from django.core.management import CommandError, call_command

from suppliers.importing import COLUMNS
from suppliers.models import Status, Supplier

HEADER = ",".join(COLUMNS)
VALID_ROWS = [
    "1145678901,Traiteur La Marmite solidaire,non_profit,,integration,Service de traiteur pour réunions.,"
    "Catering for meetings.,https://www.marmite.qc.ca,info@marmite.qc.ca,418 555-0101,"
    '"245, rue Saint-Germain Est",Rimouski,g5l1a1,01,01;03,alimentation.traiteur,published',
    "3312345678,Coopérative de solidarité Déneige-Nord,cooperative,solidarity,,Déneigement de stationnements.,,"
    ",,,,Chibougamau,G8P 1A1,10,*,entretien.deneigement;entretien.paysager,",
]


def write_csv(tmp_path, rows, header=HEADER, name="fournisseurs.csv"):
    path = tmp_path / name
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def import_file(path, *args):
    out, err = io.StringIO(), io.StringIO()
    call_command("import_suppliers", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def history_count():
    return Supplier.history.count()


def test_valid_file_imports_every_column(db, tmp_path):
    out, _ = import_file(write_csv(tmp_path, VALID_ROWS))
    assert "2 créée(s)" in out
    marmite = Supplier.objects.get(neq="1145678901")
    assert marmite.name == "Traiteur La Marmite solidaire"
    assert marmite.accreditations == ["integration"]
    assert marmite.postal_code == "G5L 1A1"
    assert marmite.status == Status.PUBLISHED
    assert marmite.address == "245, rue Saint-Germain Est"
    assert sorted(marmite.regions_served.values_list("code", flat=True)) == ["01", "03"]
    assert list(marmite.categories.values_list("code", flat=True)) == ["alimentation.traiteur"]
    coop = Supplier.objects.get(neq="3312345678")
    assert coop.serves_all_quebec and coop.regions_served.count() == 0
    assert coop.status == Status.DRAFT  # status defaults to draft
    assert coop.coop_type == "solidarity"


def test_import_records_history(db, tmp_path):
    import_file(write_csv(tmp_path, VALID_ROWS))
    record = Supplier.objects.get(neq="1145678901").history.get()
    assert record.history_type == "+"
    assert record.history_change_reason
    assert sorted(r.region_id for r in record.regions_served.all()) == ["01", "03"]


def test_reimporting_the_same_file_changes_nothing(db, tmp_path):
    path = write_csv(tmp_path, VALID_ROWS)
    import_file(path)
    before = list(Supplier.objects.order_by("pk").values())
    histories = history_count()
    out, _ = import_file(path)
    assert "0 créée(s), 0 modifiée(s), 2 inchangée(s)" in out
    assert list(Supplier.objects.order_by("pk").values()) == before
    assert history_count() == histories


def test_reimport_with_a_change_updates_matched_by_neq(db, tmp_path):
    import_file(write_csv(tmp_path, VALID_ROWS))
    changed = [VALID_ROWS[0].replace("01;03,", "01;02;03,"), VALID_ROWS[1]]
    out, _ = import_file(write_csv(tmp_path, changed, name="v2.csv"))
    assert "1 modifiée(s)" in out
    supplier = Supplier.objects.get(neq="1145678901")
    assert sorted(supplier.regions_served.values_list("code", flat=True)) == ["01", "02", "03"]
    assert Supplier.objects.count() == 2
    latest, previous = supplier.history.all()[:2]
    assert latest.history_type == "~"
    delta = latest.diff_against(previous)
    assert "regions_served" in delta.changed_fields


def test_file_with_bad_rows_imports_nothing_and_names_each_bad_row(db, tmp_path):
    rows = [
        VALID_ROWS[0],
        "12345,Sans NEQ valide,non_profit,,,Description.,,,,,,,,01,01,,",  # line 3: neq
        "1100000002,Coop sans type,cooperative,,,Description.,,,,,,,H2X 1Y,06,06;99,inconnue.cat,",  # line 4
        "1100000003,OBNL,non_profit,,,,,pas-une-url,pas-un-courriel,,,,,18,,,en_ligne",  # line 5
        "1145678901,Doublon,non_profit,,,Description.,,,,,,,,01,01,,",  # line 6: duplicate NEQ
    ]
    path = write_csv(tmp_path, rows)
    with pytest.raises(CommandError) as error:
        import_file(path)
    assert "rien n'a été importé" in str(error.value)
    assert Supplier.objects.count() == 0
    _, err = io.StringIO(), io.StringIO()
    try:
        call_command("import_suppliers", str(path), stderr=err)
    except CommandError:
        pass
    report = err.getvalue()
    for expected in [
        "ligne 3, colonne « neq »",
        "ligne 4, colonne « coop_type »",
        "ligne 4, colonne « postal_code »",
        "ligne 4, colonne « regions_served »",
        "ligne 4, colonne « categories »",
        "ligne 5, colonne « description_fr »",
        "ligne 5, colonne « website »",
        "ligne 5, colonne « email »",
        "ligne 5, colonne « head_office_region »",
        "ligne 5, colonne « regions_served »",
        "ligne 5, colonne « status »",
        "ligne 6, colonne « neq »",
    ]:
        assert expected in report, expected
    assert "ligne 2," not in report


def test_unknown_or_missing_columns_are_refused(db, tmp_path):
    path = write_csv(tmp_path, ["1145678901,x"], header="neq,nom")
    with pytest.raises(CommandError) as error:
        import_file(path)
    assert "colonnes obligatoires absentes" in str(error.value)
    assert "nom" in str(error.value)


def test_dry_run_counts_but_saves_nothing(db, tmp_path):
    out, _ = import_file(write_csv(tmp_path, VALID_ROWS), "--dry-run")
    assert "2 créée(s)" in out and "Simulation" in out
    assert Supplier.objects.count() == 0


def test_export_then_import_round_trip_is_unchanged(db, tmp_path):
    import_file(write_csv(tmp_path, VALID_ROWS))
    exported = tmp_path / "export.csv"
    call_command("export_suppliers", "--output", str(exported), stdout=io.StringIO())
    with open(exported, encoding="utf-8-sig") as handle:  # with the BOM Excel needs
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == COLUMNS
    by_neq = {row["neq"]: row for row in rows}
    assert by_neq["3312345678"]["regions_served"] == "*"
    assert by_neq["1145678901"]["regions_served"] == "01;03"
    assert by_neq["1145678901"]["postal_code"] == "G5L 1A1"
    out, _ = import_file(exported)
    assert "0 créée(s), 0 modifiée(s), 2 inchangée(s)" in out


def test_xlsx_file_imports(db, tmp_path):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.append(COLUMNS)
    for row in csv.reader(VALID_ROWS):
        sheet.append(row)
    sheet["A2"] = 1145678901  # a spreadsheet often turns the NEQ into a number
    path = tmp_path / "fournisseurs.xlsx"
    workbook.save(path)
    out, _ = import_file(path)
    assert "2 créée(s)" in out
    assert Supplier.objects.filter(neq="1145678901").exists()


# The lexicon is applied when the import's transaction commits.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_the_lexicon_after_an_import_is_what_a_rebuild_finds():
    from suppliers.demo_data import generate_suppliers
    from suppliers.importing import COLUMNS
    from suppliers.models import SearchTerm
    from suppliers.search import rebuild_search_lexicon
    from suppliers.services import supplier_import

    rows = [
        {key: value for key, value in row.items() if key in COLUMNS}
        for row in generate_suppliers(60, seed=11, status="published")
    ]
    rows[0]["description_fr"] = "Œuvre d'aide-maison, l'Élan 2000ans : ÉCOLOGIQUE et b52 à Saint-Jérôme."
    rows[1]["status"] = "draft"  # a draft's words are not suggested
    rows[1]["name"] = "Zzyzxmotdebrouillon"

    report = supplier_import(open_rows=lambda: enumerate(rows, start=2), batch_size=16)
    assert report.ok and report.created == 60
    kept = dict(SearchTerm.objects.values_list("word", "documents"))
    rebuild_search_lexicon()
    assert kept == dict(SearchTerm.objects.values_list("word", "documents"))
    assert {"oeuvre", "aide", "maison", "elan", "ecologique", "jerome"} <= set(kept)
    assert "zzyzxmotdebrouillon" not in kept


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_top_level_import_writes_the_documents_the_database_computes():
    """Outside a transaction the import computes the documents of new rows on a second connection (suppliers.services,
    _DocumentsAhead) and writes them itself; they must be exactly those the database computes from the tables."""
    from django.db import connection

    from suppliers.demo_data import generate_suppliers
    from suppliers.importing import COLUMNS
    from suppliers.services import supplier_import

    rows = [
        {key: value for key, value in row.items() if key in COLUMNS}
        for row in generate_suppliers(40, seed=5, status="published")
    ]
    rows[3]["status"] = "draft"
    assert not connection.in_atomic_block
    report = supplier_import(open_rows=lambda: enumerate(rows, start=2), batch_size=16)
    assert report.ok and report.created == 40
    with connection.cursor() as cursor:
        snapshot = (
            "SELECT supplier_id, title::text, document::text, words FROM suppliers_search_document ORDER BY 1"
        )
        cursor.execute(snapshot)
        written = cursor.fetchall()
        cursor.execute("SELECT suppliers_search_refresh(ARRAY(SELECT id FROM suppliers_supplier))")
        cursor.execute(snapshot)
        computed = cursor.fetchall()
        cursor.execute("SELECT current_setting('suppliers.import_documents', true)")
        setting = cursor.fetchone()[0]
    documents, identical = len(written), sum(1 for row in written if row in computed)
    assert documents == identical == 39  # every published row, not the draft
    assert setting in (None, "")  # the triggers compute documents again for everything else


@pytest.mark.parametrize("batch_size", [2, 5000])
def test_a_repeated_neq_is_reported_at_each_repetition_with_the_first_line(db, batch_size):
    from suppliers.services import supplier_import

    def row(neq, name="Coop", description="Services."):
        return {
            "neq": neq, "name": name, "legal_form": "non_profit", "description_fr": description,
            "head_office_region": "01", "regions_served": "01",
        }  # fmt: skip

    rows = [
        row("1145678901"),  # line 2
        row("1145678902"),  # 3
        row("11 4567 8901"),  # 4: the same NEQ, spaced
        row("123456789012345"),  # 5: malformed (and too long for a NEQ column)
        row("123456789012345", description=""),  # 6: malformed again, and a missing description
        row("1145678901"),  # 7: a third time
    ]
    report = supplier_import(open_rows=lambda: enumerate(rows, start=2), batch_size=batch_size)
    repeated = [(error.line, error.message) for error in report.errors if "déjà présent" in error.message]
    assert repeated == [
        (4, "NEQ 1145678901 déjà présent à la ligne 2 du fichier."),
        (6, "NEQ 123456789012345 déjà présent à la ligne 5 du fichier."),
        (7, "NEQ 1145678901 déjà présent à la ligne 2 du fichier."),
    ]
    lines = [error.line for error in report.errors]
    assert lines == sorted(lines)  # in file order, each line's own errors before its repetition
    assert [error.column for error in report.errors if error.line == 6][-1] == "neq"
    assert report.created == 0 and not Supplier.objects.exists()
