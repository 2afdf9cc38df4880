"""The fixed request mix of the benchmark and its in-process measurement (Django's test client).

Each kind cycles through a documented list of variants (see bench/README.md), so that a kind is not measured
on one cached plan and one set of hot pages only. Server time is the wall time around ``client.get`` — URL
routing, middleware, the view, its SQL and template rendering — and the SQL queries are counted with
``CaptureQueriesContext``.
"""

import random
import statistics
import time
from dataclasses import dataclass, field
from urllib.parse import urlencode

# Kinds that render a search page: the targets "p95 ≤ 50 ms at 100,000", "≤ 200 ms at 1,000,000" and
# "≤ 10 queries" apply to them; FILTER_KINDS are also held to "≤ 100 ms at 1,000,000".
FILTER_KINDS = ["filters_region", "filters_region_sector", "filters_legal_accreditation", "deep_page"]
SEARCH_KINDS = [
    *FILTER_KINDS,
    "deep_page_text",
    "text",
    "text_typo",
    "text_region_sector",
    "phrase",
    "area_category",
]
KINDS = [*SEARCH_KINDS, "detail", "api", "admin_list", "admin_search"]

REGIONS = [
    "06",
    "03",
    "16",
    "10",
    "02",
    "13",
    "05",
    "09",
    "15",
    "11",
    "01",
    "07",
    "14",
    "12",
    "04",
    "17",
    "08",
]
REGION_SECTORS = [
    ("06", "entretien"),
    ("03", "alimentation"),
    ("16", "recuperation"),
    ("10", "services"),
    ("02", "sante"),
    ("13", "transport"),
    ("05", "informatique"),
    ("09", "fabrication"),
]
LEGAL_ACCREDITATIONS = [
    ("non_profit", "adapted"),
    ("non_profit", "integration"),
    ("cooperative", "adapted"),
    ("cooperative", "integration"),
]
TEXT_QUERIES = [
    "traiteur",
    "entretien ménager",
    "recyclage",
    "déneigement",
    "imprimerie",
    "déménagement",
    "ordinateurs reconditionnés",
    "couture",
]
TYPO_QUERIES = ["recyclge", "deneigment", "traiteru", "imprimrie", "demenagment"]
# Quoted phrases: « entretien ménager » is a category name, so it is in a large part of the catalogue.
PHRASE_QUERIES = [
    '"entretien ménager"',
    '"service de traiteur"',
    '"boîtes à lunch"',
    '"collecte de matériel"',
]
# The wide taxonomy of bench/taxonomy.py: a service area (an MRC, a municipality) and a finer category.
AREA_CATEGORIES = [
    {"area": "mrc-06-00", "category": "entretien.menager.03"},
    {"area": "mun-03-01-04", "sector": "alimentation"},
    {"area": "mrc-16-02", "q": "recyclage"},
    {"category": ["alimentation.traiteur.05", "alimentation.traiteur.11"], "region": "03"},
]
TEXT_REGION_SECTORS = [
    ("entretien ménager", "06", "entretien"),
    ("traiteur", "03", "alimentation"),
    ("recyclage", "16", "recuperation"),
    ("déménagement", "13", "transport"),
    ("déneigement", "02", "entretien"),
]
DEEP_PAGES = [{"region": "06"}, {"sector": "alimentation"}]
# « services » is the broadest word of the catalogue: about 80 % of suppliers have it somewhere.
DEEP_TEXT_PAGES = [{"q": "services"}, {"q": "entretien"}]
DEEP_PAGE_NUMBER = 50
API_QUERIES = [
    {"region": "06"},
    {"q": "traiteur"},
    {"q": "recyclage", "region": "03"},
    {"sector": "entretien", "region": "16"},
    {"legal_form": "cooperative", "accreditation": "adapted"},
]
ADMIN_SEARCHES = ["traiteur", "coop", "solidarité", "montréal"]
DETAIL_SAMPLE = 200


def _url(path: str, params: dict) -> str:
    return f"{path}?{urlencode(params, doseq=True)}" if params else path


def build_mix(*, sample_neqs: list[str]) -> dict[str, list[str]]:
    """The URLs of each kind, in the order they are requested."""
    from django.urls import reverse

    search = reverse("suppliers:search")
    api = "/api/suppliers/"
    admin = reverse("admin:suppliers_supplier_changelist")
    return {
        "filters_region": [_url(search, {"region": code}) for code in REGIONS],
        "filters_region_sector": [_url(search, {"region": r, "sector": s}) for r, s in REGION_SECTORS],
        "filters_legal_accreditation": [
            _url(search, {"legal_form": f, "accreditation": a}) for f, a in LEGAL_ACCREDITATIONS
        ],
        "deep_page": [_url(search, {**params, "page": DEEP_PAGE_NUMBER}) for params in DEEP_PAGES],
        "deep_page_text": [_url(search, {**params, "page": DEEP_PAGE_NUMBER}) for params in DEEP_TEXT_PAGES],
        "text": [_url(search, {"q": q}) for q in TEXT_QUERIES],
        "text_typo": [_url(search, {"q": q}) for q in TYPO_QUERIES],
        "phrase": [_url(search, {"q": q}) for q in PHRASE_QUERIES],
        "area_category": [_url(search, params) for params in AREA_CATEGORIES],
        "text_region_sector": [
            _url(search, {"q": q, "region": r, "sector": s}) for q, r, s in TEXT_REGION_SECTORS
        ],
        "detail": [reverse("suppliers:detail", kwargs={"neq": neq}) for neq in sample_neqs],
        "api": [_url(api, params) for params in API_QUERIES] + [f"{api}{neq}/" for neq in sample_neqs[:5]],
        "admin_list": [admin, _url(admin, {"status__exact": "published"}), _url(admin, {"p": 20})],
        "admin_search": [_url(admin, {"q": q}) for q in [*ADMIN_SEARCHES, *sample_neqs[:2]]],
    }


def sample_neqs(count: int = DETAIL_SAMPLE, *, seed: int = 2026) -> list[str]:
    """NEQs of published suppliers spread over the whole table (not only its first rows), without a sort."""
    from django.db.models import Max

    from suppliers.models import Supplier

    top = Supplier.objects.aggregate(top=Max("id"))["top"] or 0
    rng = random.Random(seed)
    ids = {rng.randint(1, top) for _ in range(count * 2)} if top else set()
    neqs = list(Supplier.objects.published().filter(id__in=ids).order_by("id").values_list("neq", flat=True))
    rng.shuffle(neqs)
    return neqs[:count]


def bench_superuser():
    from django.contrib.auth import get_user_model

    user, _created = get_user_model().objects.get_or_create(
        email="banc-essai@example.invalid", defaults={"is_staff": True, "is_superuser": True}
    )
    return user


@dataclass
class KindResult:
    kind: str
    times_ms: list[float] = field(default_factory=list)
    queries: list[int] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    slowest: dict = field(default_factory=dict)

    def summary(self) -> dict:
        times = sorted(self.times_ms)
        cuts = statistics.quantiles(times, n=100, method="inclusive") if len(times) > 1 else times * 99
        return {
            "requests": len(times),
            "p50_ms": round(cuts[49], 2) if times else None,
            "p95_ms": round(cuts[94], 2) if times else None,
            "p99_ms": round(cuts[98], 2) if times else None,
            "max_ms": round(times[-1], 2) if times else None,
            "queries_median": statistics.median(self.queries) if self.queries else None,
            "queries_max": max(self.queries) if self.queries else None,
            "errors": self.errors[:10],
            "error_count": len(self.errors),
        }


ADMIN_KINDS = ["admin_list", "admin_search"]
MIN_REQUESTS = 5


def measure(
    clients,
    mix: dict[str, list[str]],
    *,
    requests: int,
    warmup: int,
    budget: float | None = None,
    progress=None,
) -> dict[str, KindResult]:
    """Request each kind ``warmup`` times unmeasured, then ``requests`` times measured, cycling its URLs.

    ``clients`` maps "public" (an anonymous visitor) and "admin" (a logged-in superuser) to test clients.
    ``budget`` (seconds per kind) stops a kind early, after at least MIN_REQUESTS, when pages are very slow.
    """
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    results = {}
    for kind, urls in mix.items():
        if not urls:
            continue
        client = clients["admin" if kind in ADMIN_KINDS else "public"]
        result = KindResult(kind)
        for index in range(warmup):
            client.get(urls[index % len(urls)])
        kind_started = time.perf_counter()
        for index in range(requests):
            if budget and index >= MIN_REQUESTS and time.perf_counter() - kind_started > budget:
                break
            url = urls[index % len(urls)]
            with CaptureQueriesContext(connection) as captured:
                started = time.perf_counter()
                response = client.get(url)
                elapsed = (time.perf_counter() - started) * 1000
            result.times_ms.append(elapsed)
            result.queries.append(len(captured.captured_queries))
            if response.status_code != 200:
                result.errors.append(f"{url} → HTTP {response.status_code}")
            if elapsed >= result.slowest.get("ms", -1):
                result.slowest = {
                    "url": url,
                    "ms": round(elapsed, 2),
                    "queries": [
                        {"ms": round(float(query["time"]) * 1000, 2), "sql": query["sql"]}
                        for query in captured.captured_queries
                    ],
                }
        results[kind] = result
        if progress:
            progress(kind, result)
    return results


def explain(sql: str, *, settings=()) -> str:
    """EXPLAIN (ANALYZE, BUFFERS) of a captured query, in a rolled-back transaction (it runs the query), after the
    statements that set planner settings before it in the same request (``settings``), as the application ran
    it."""
    from django.db import connection, transaction

    if not sql.lstrip().upper().startswith(("SELECT", "WITH")):
        return ""
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            for statement in settings:
                cursor.execute(statement)
            cursor.execute("EXPLAIN (ANALYZE, BUFFERS) " + sql)
            plan = "\n".join(row[0] for row in cursor.fetchall())
            transaction.set_rollback(True)
            return plan
    except Exception as error:  # a captured statement that cannot be re-run as is; keep the benchmark going
        return f"(EXPLAIN failed: {error})"
