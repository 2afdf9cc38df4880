"""Writes to the catalogue while the throughput benchmark searches it, as curators and enterprises would.

    python -m bench.writer --every 1 --duration 60 [--import-rows 5000] [--seed 7]

Every ``--every`` seconds one published supplier is changed through the ORM, in turn: its description edited, its
regions served replaced, its categories replaced, marked verified, or suspended (and the previous suspended one
published again). Halfway through, ``manage.py import_suppliers`` imports ``--import-rows`` new published
suppliers in a child process. Prints a JSON summary (changes made, seconds per change, the import's time).
Run against the database named by DATABASE_URL (bench.database.use_database).
"""

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def write_import_file(path: Path, rows: int, *, seed: int) -> None:
    """``rows`` new published suppliers (NEQs of the 88 prefix, which the generator does not use)."""
    import csv

    from suppliers.demo_data import generate_suppliers
    from suppliers.importing import COLUMNS

    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=COLUMNS, extrasaction="ignore")
        writer.writeheader()
        for number, row in enumerate(generate_suppliers(rows, seed=seed, status="published")):
            writer.writerow({**row, "neq": f"88{seed % 100:02d}{number:06d}"})


class Changes:
    """One change at a time, through the ORM, each in its own transaction (autocommit)."""

    def __init__(self, *, seed: int):
        from django.db.models import Max

        from suppliers.models import Category, Region, Supplier

        self.rng = random.Random(seed)
        self.top = Supplier.objects.aggregate(top=Max("id"))["top"] or 0
        self.regions = list(Region.objects.values_list("code", flat=True))
        self.categories = list(Category.objects.values_list("code", flat=True))
        self.suspended = None
        self.kinds = ["description", "regions", "categories", "verified", "status"]
        self.done = {kind: 0 for kind in self.kinds}

    def pick(self):
        from suppliers.models import Supplier

        while True:
            supplier = Supplier.objects.published().filter(pk__gte=self.rng.randint(1, self.top)).first()
            if supplier is not None:
                return supplier

    def one(self, number: int):
        from suppliers.models import Supplier

        kind = self.kinds[number % len(self.kinds)]
        supplier = self.pick()
        if kind == "description":
            supplier.description_fr = f"{supplier.description_fr.split(' [')[0]} [révision {number}]"
            supplier.save(update_fields=["description_fr", "updated_at"])
        elif kind == "regions":
            supplier.regions_served.set(self.rng.sample(self.regions, self.rng.randint(1, 3)))
        elif kind == "categories":
            supplier.categories.set(self.rng.sample(self.categories, self.rng.randint(1, 3)))
        elif kind == "verified":
            supplier.mark_verified(by=None)
        else:
            if self.suspended is not None:
                Supplier.objects.get(pk=self.suspended).publish(reason="Banc d'essai")
            supplier.suspend(reason="Banc d'essai")
            self.suspended = supplier.pk
        self.done[kind] += 1


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--every", type=float, default=1.0, help="seconds between two changes")
    parser.add_argument("--duration", type=float, required=True)
    parser.add_argument("--import-rows", type=int, default=5000, help="0: no import")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args(argv)

    import django

    django.setup()
    changes = Changes(seed=args.seed)
    with tempfile.TemporaryDirectory() as directory:
        import_file = Path(directory) / "import.csv"
        if args.import_rows:
            write_import_file(import_file, args.import_rows, seed=args.seed)
        started = time.monotonic()
        importer, import_started, import_seconds = None, None, None
        spent, number = [], 0
        while (now := time.monotonic()) - started < args.duration:
            if args.import_rows and importer is None and now - started >= args.duration / 2:
                import_started = now
                importer = subprocess.Popen(
                    [sys.executable, "manage.py", "import_suppliers", str(import_file)],
                    cwd=BASE_DIR,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            if importer is not None and import_seconds is None and importer.poll() is not None:
                import_seconds = round(time.monotonic() - import_started, 1)
            tick = time.monotonic()
            changes.one(number)
            spent.append(time.monotonic() - tick)
            number += 1
            time.sleep(max(0.0, started + number * args.every - time.monotonic()))
        if importer is not None and import_seconds is None:
            importer.wait()
            import_seconds = round(time.monotonic() - import_started, 1)
    spent.sort()
    json.dump(
        {
            "every_s": args.every,
            "changes": changes.done,
            "change_ms_p50": round(spent[len(spent) // 2] * 1000, 1) if spent else None,
            "change_ms_max": round(spent[-1] * 1000, 1) if spent else None,
            "import_rows": args.import_rows,
            "import_started_at_s": round(import_started - started, 1) if import_started else None,
            "import_seconds": import_seconds,
            "import_exit_code": importer.returncode if importer is not None else None,
        },
        sys.stdout,
    )
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
