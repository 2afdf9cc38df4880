"""Factories and fixtures for the needs' tests (kept apart from tests/factories.py, which other apps share)."""

import io
import zipfile
from datetime import timedelta

import factory
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from needs.business_days import add_business_days
from needs.models import Need, NeedKind, NeedReferenceCounter, NeedStatus, Recipient, RecipientOrigin
from tests.factories import BuyerFactory, MembershipFactory, SupplierFactory


@pytest.fixture
def private_media(settings, tmp_path):
    """Attachments are written to a temporary folder, never to the project's var/."""
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")
    return tmp_path / "private"


def deadline_in(business_days: int = 10):
    return add_business_days(timezone.localdate(), business_days)


class NeedFactory(factory.django.DjangoModelFactory):
    """A draft market sounding for snow removal in Bas-Saint-Laurent (01), by an active buyer."""

    class Meta:
        model = Need
        skip_postgeneration_save = True

    author = factory.SubFactory(BuyerFactory)
    organisation = factory.LazyAttribute(lambda need: need.author.organisation)
    reference = factory.LazyFunction(lambda: NeedReferenceCounter.next_reference(timezone.localdate().year))
    kind = NeedKind.MARKET_SOUNDING
    title_fr = factory.Sequence(lambda n: f"Déneigement de trois bâtiments {n}")
    description_fr = "Déneigement des stationnements de trois écoles, de novembre à avril."
    delivery_place = "Rimouski"
    response_deadline = factory.LazyFunction(deadline_in)
    status = NeedStatus.DRAFT

    @factory.post_generation
    def categories(obj, create, extracted, **kwargs):
        if create:
            obj.categories.set(extracted if extracted is not None else ["entretien.deneigement"])

    @factory.post_generation
    def regions(obj, create, extracted, **kwargs):
        if create:
            obj.regions.set(extracted if extracted is not None else ([] if obj.all_quebec else ["01"]))


def published_need(*, recipients=2, **kwargs) -> Need:
    """A published need with ``recipients`` matched snow-removal suppliers (each with a public email)."""
    kwargs.setdefault("published_at", timezone.now())
    need = NeedFactory(status=NeedStatus.PUBLISHED, **kwargs)
    for _ in range(recipients):
        supplier = SupplierFactory(
            email=f"info{Recipient.objects.count()}@fournisseur.qc.ca", categories=["entretien.deneigement"]
        )
        Recipient.objects.create(need=need, supplier=supplier, origin=RecipientOrigin.MATCHED)
    return need


def recipient_member(recipient):
    """A member (verified user) of the recipient's supplier."""
    return MembershipFactory(supplier=recipient.supplier).user


def pdf_file(name="devis.pdf", size=None) -> SimpleUploadedFile:
    content = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    if size:
        content += b"0" * (size - len(content))
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def zip_file(name: str, members: dict, *, first=None) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        if first:
            archive.writestr(first[0], first[1], compress_type=zipfile.ZIP_STORED)
        for member, content in members.items():
            archive.writestr(member, content)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/octet-stream")


def docx_file(name="cahier.docx"):
    return zip_file(name, {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"})


def xlsx_file(name="bordereau.xlsx"):
    return zip_file(name, {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"})


def odt_file(name="devis.odt"):
    return zip_file(
        name, {"content.xml": "<office/>"}, first=("mimetype", "application/vnd.oasis.opendocument.text")
    )


def ods_file(name="prix.ods"):
    return zip_file(
        name,
        {"content.xml": "<office/>"},
        first=("mimetype", "application/vnd.oasis.opendocument.spreadsheet"),
    )


def days_ago(days: float):
    return timezone.now() - timedelta(days=days)


def run_worker():
    """Run the real task worker until the queue is empty (as ``tests/test_task_queue.py`` does), without its
    periodic tasks, so that a test sees only the jobs it deferred.

    The worker runs sync tasks in pool threads, each with its own database connection; these are closed after
    each job here (no persistent connections), so none outlives the test and its database.
    """
    from django.db import connections
    from procrastinate.contrib.django import app

    from tests.test_task_queue import run_worker_until_idle

    settings_dict = connections.settings["default"]
    saved_max_age = settings_dict.get("CONN_MAX_AGE", 0)
    periodic = app.periodic_registry.periodic_tasks
    saved_periodic = dict(periodic)
    settings_dict["CONN_MAX_AGE"] = 0
    periodic.clear()
    try:
        run_worker_until_idle()
    finally:
        settings_dict["CONN_MAX_AGE"] = saved_max_age
        periodic.update(saved_periodic)


def read_download(response) -> bytes:
    """The body of a streamed response, its file closed (``response.close()`` would signal the end of a request
    and close the test's database connection)."""
    content = b"".join(response.streaming_content)
    file_to_stream = getattr(response, "file_to_stream", None)
    if file_to_stream is not None:
        file_to_stream.close()
    return content
