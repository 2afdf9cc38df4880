"""A need's life in a real browser, in French and in English: a buyer writes and submits a need, staff publish it,
a supplier answers from its email link, the buyer reads the answer and records the outcome. axe-core checks every
new page on the way (the admin's review page: its own content, the admin's frame being the platform's)."""

import re
import threading

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from buyers.models import MarketResearchRecord, ShortlistEntry
from needs import services
from needs.models import Answer, Need, NeedStatus
from tests.factories import BuyerFactory, SupplierFactory
from tests.needs_factories import deadline_in, run_worker

from .conftest import LANGUAGES
from .test_journeys import choose_language, submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def run_worker_beside_the_browser():
    """The real task worker, in a thread of its own: Playwright keeps an event loop in this one."""
    errors = []

    def work():
        try:
            run_worker()
        except BaseException as error:  # noqa: BLE001 — reported to the test below
            errors.append(error)

    thread = threading.Thread(target=work)
    thread.start()
    thread.join(timeout=60)
    assert not thread.is_alive() and not errors, errors


@pytest.fixture
def private_media(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = str(tmp_path / "private")


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_need_from_writing_to_outcome(
    page, log_in, use_language, curator, assert_accessible, private_media, language
):
    buyer = BuyerFactory(user__email="acheteuse@ville-rimouski.qc.ca", organisation__name="Ville de Rimouski")
    supplier = SupplierFactory(
        name="Coopérative de déneigement du Bas-Saint-Laurent",
        email="info@neige-bsl.qc.ca",
        categories=["entretien.deneigement"],
        regions=["01"],
    )
    SupplierFactory(
        name="Traiteur de Québec",
        email="t@exemple.qc.ca",
        categories=["alimentation.traiteur"],
        regions=["03"],
    )

    # 1. The buyer describes the need and submits it.
    log_in(buyer.user)
    page.goto(reverse("needs:list"))
    choose_language(page, language)
    assert_accessible(page)
    submit(page, page.locator(f"main a[href='{reverse('needs:create')}']"))
    assert_accessible(page)
    page.locator("input[name=kind][value=price_request]").check()
    page.locator("input[name=title_fr]").fill("Déneigement de trois bâtiments municipaux")
    page.locator("textarea[name=description_fr]").fill(
        "Stationnements de l'hôtel de ville, du garage et de l'aréna."
    )
    page.locator("input[name=categories][value='entretien.deneigement']").check()
    page.locator("input[name=regions][value='01']").check()
    page.locator("input[name=delivery_place]").fill("Rimouski")
    page.locator("input[name=estimated_amount]").fill("45000")
    page.locator("input[name=show_amount]").check()
    page.locator("input[name=response_deadline]").fill(deadline_in(7).isoformat())
    page.locator("input[name=question_1]").fill("Combien de camions pouvez-vous affecter ?")
    submit(page, page.locator("main form button[type=submit]"))
    assert page.locator(".error-summary").count() == 0, page.locator("main").inner_text()
    need = Need.objects.get()
    assert page.url.endswith(need.get_absolute_url())
    assert_accessible(page)
    submit(page, page.locator(f"form[action='{reverse('needs:submit', args=[need.reference])}'] button"))
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED
    with translation.override(language):
        assert str(NeedStatus.SUBMITTED.label) in page.locator("main").inner_text()
    assert_accessible(page)

    # 2. Staff check it in the admin and publish it.
    log_in(curator)
    page.goto(reverse("admin:needs_need_changelist"))
    submit(page, page.get_by_role("link", name=need.reference))
    assert "Coopérative de déneigement du Bas-Saint-Laurent" in page.locator("#content-main").inner_text()
    assert "Traiteur de Québec" not in page.locator("#content-main").inner_text()
    assert_accessible(page, context="#content-main")
    submit(page, page.locator("input[name=_publish]"))
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED

    # 3. The supplier answers from the link in its email, without an account.
    run_worker_beside_the_browser()
    (email,) = [m for m in mail.outbox if m.to == [supplier.email]]
    link = re.search(r"https?://[^/\s]+(/occasions/lien/\S+)", email.body).group(1)
    page.context.clear_cookies()
    use_language(language)
    page.goto(link)
    assert page.locator("html").get_attribute("lang") == language
    assert "Déneigement de trois bâtiments municipaux" in page.locator("h1").inner_text()
    assert "45" in page.locator("main").inner_text()
    assert_accessible(page)
    page.locator("textarea[name=answer_1]").fill("Trois camions et une chargeuse.")
    page.locator("input[name=price]").fill("42000")
    submit(page, page.locator("form.answer-form button.button").first)
    assert "acheteuse@ville-rimouski.qc.ca" in page.locator("main").inner_text()  # the buyer's contact, now
    assert_accessible(page)
    recipient = need.recipients.get(supplier=supplier)
    assert recipient.answer == Answer.INTERESTED and recipient.viewed_at is not None

    # 4. The buyer reads the answer, then records the outcome once the need has closed.
    log_in(buyer.user)
    page.goto(need.get_absolute_url() + "?tab=interested")
    main = page.locator("main").inner_text()
    assert (
        "Coopérative de déneigement du Bas-Saint-Laurent" in main
        and "Trois camions et une chargeuse." in main
    )
    assert_accessible(page)
    # She keeps the supplier in a new shortlist and documents the need in a market-research record.
    page.locator("input[name=recipients]").first.check()
    submit(page, page.locator("#shortlist-form button[type=submit]"))
    entry = ShortlistEntry.objects.get(shortlist__owner=buyer)
    assert entry.supplier == supplier and need.reference in entry.note
    submit(page, page.locator(f"main a[href='{reverse('needs:record_create', args=[need.reference])}']"))
    assert_accessible(page)
    page.locator("select[name=mode_considered]").select_option("mutual_agreement")
    page.locator("textarea[name=justification]").fill("Une seule entreprise intéressée.")
    submit(page, page.locator("form.record-form button[type=submit]"))
    record = MarketResearchRecord.objects.get(organisation=need.organisation)
    (row,) = record.snapshot
    assert row["neq"] == supplier.neq and "Trois camions et une chargeuse." in row["extra"].values()
    assert "Trois camions et une chargeuse." in page.locator("main").inner_text()
    assert_accessible(page)
    Need.objects.filter(pk=need.pk).update(response_deadline=timezone.localdate().replace(year=2020))
    services.needs_close_due()
    page.goto(need.get_absolute_url())
    submit(page, page.locator(f"main a[href='{reverse('needs:outcome', args=[need.reference])}']"))
    assert_accessible(page)
    page.locator("input[name=awarded][value=yes]").check()
    page.locator("select[name=mode]").select_option("mutual_agreement")
    page.get_by_label("Coopérative de déneigement du Bas-Saint-Laurent").check()
    page.locator("input[name=amount]").fill("42000")
    submit(page, page.locator("main form button[type=submit]"))
    need.refresh_from_db()
    assert need.status == NeedStatus.OUTCOME_RECORDED
    assert need.recipients.get(supplier=supplier).retained is True
    assert_accessible(page)
