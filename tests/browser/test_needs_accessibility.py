"""axe-core on the needs' pages the journey does not reach, in French and in English: zero WCAG 2.0-2.2 A/AA
violations, forms with their errors included."""

import pytest
from django.urls import reverse

from needs import services
from needs.models import NeedKind
from tests.factories import BuyerFactory, SupplierFactory
from tests.needs_factories import NeedFactory, published_need, recipient_member

from .conftest import LANGUAGES
from .test_accessibility import check_page_structure, open_page

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def buyer():
    return BuyerFactory()


@pytest.mark.parametrize("language", LANGUAGES)
def test_need_form_with_errors(page, log_in, use_language, assert_accessible, buyer, language):
    log_in(buyer.user)
    use_language(language)
    open_page(page, reverse("needs:create"))
    check_page_structure(page, language)
    assert_accessible(page)
    page.locator("main form button[type=submit]").click()
    page.wait_for_selector(".error-summary")
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_invitees_page(page, log_in, use_language, assert_accessible, buyer, language):
    for n in range(3):
        SupplierFactory(email=f"s{n}@exemple.qc.ca", categories=["entretien.deneigement"])
    need = NeedFactory(author=buyer, kind=NeedKind.INVITATION)
    log_in(buyer.user)
    use_language(language)
    open_page(page, reverse("needs:invitees", args=[need.reference]))
    check_page_structure(page, language)
    assert page.locator("input[name=invitees]").count() == 3
    assert_accessible(page)
    page.locator("input[name=invitees]").first.check()
    page.locator("main form button[type=submit]").click()
    page.wait_for_url(f"**{need.get_absolute_url()}")
    assert_accessible(page)  # the draft's page with the "at least two" warning


@pytest.mark.parametrize("language", LANGUAGES)
def test_published_need_page_with_answers_questions_and_reminders(
    page, log_in, use_language, assert_accessible, buyer, language
):
    need = published_need(author=buyer, recipients=3, questions=["Combien ?"])
    first, second, _ = need.recipients.all()
    services.answer_interested(recipient=first, answers=["Deux"], price=1000)
    services.answer_not_interested(recipient=second, reason="capacity", comment="Pas cet hiver")
    services.clarification_ask(recipient=first, question="Faut-il déneiger les toits ?")
    log_in(buyer.user)
    use_language(language)
    open_page(page, need.get_absolute_url())
    check_page_structure(page, language)
    assert_accessible(page)
    open_page(page, need.get_absolute_url() + "?tab=not_interested")
    assert_accessible(page)
    open_page(page, reverse("needs:list") + "?status=published")
    check_page_structure(page, language)
    assert_accessible(page)


@pytest.mark.parametrize("language", LANGUAGES)
def test_opportunity_pages(page, log_in, use_language, assert_accessible, language):
    need = published_need(recipients=1, questions=["Combien de camions ?"])
    recipient = need.recipients.get()
    services.clarification_answer(
        clarification=services.clarification_ask(recipient=recipient, question="Horaire ?"),
        user=need.author.user,
        answer="De jour.",
    )
    use_language(language)
    # By the email link, with the answer form's errors.
    open_page(page, reverse("needs:opportunity_by_token", args=[recipient.token]))
    check_page_structure(page, language)
    assert_accessible(page)
    page.locator("form.answer-form button.button").first.click()
    page.wait_for_selector(".error-summary")
    assert_accessible(page)
    # A link that no longer works.
    response = page.goto(reverse("needs:opportunity_by_token", args=["lien-efface"]))
    assert response.status == 404
    check_page_structure(page, language)
    assert_accessible(page)
    # "Mes occasions" and the page reached from it.
    log_in(recipient_member(recipient))
    open_page(page, reverse("needs:opportunities"))
    check_page_structure(page, language)
    assert_accessible(page)
    open_page(page, reverse("needs:opportunity", args=[recipient.pk]))
    assert_accessible(page)
