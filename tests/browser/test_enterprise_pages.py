"""The enterprise side in a real browser: every logged-in page reflows at 320 CSS px and passes axe-core, the
listing form's helps work (without JavaScript where they must), and an invitation opened while logged out carries
the colleague through sign-up to the acceptance page."""

import re

import pytest
from django.core import mail
from django.urls import reverse

from suppliers.models import Status, Supplier

from .conftest import LANGUAGES

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture
def enterprise_space(enterprise_user):
    """An owner with a listing in each state a dashboard shows, colleagues, claims and an invitation received."""
    from enterprises import services
    from enterprises.models import ClaimRequest, Invitation, Membership
    from tests.factories import MembershipFactory, OfferingFactory, SupplierFactory, UserFactory

    draft = SupplierFactory(
        name="Coopérative de travail en entretien ménager du Bas-Saint-Laurent", status=Status.DRAFT
    )
    published = SupplierFactory(name="Récupération solidaire de l'Estrie", neq="1100000222")
    submitted = SupplierFactory(
        name="Traiteur d'insertion de la Capitale", neq="1100000333", status=Status.DRAFT
    )
    for supplier in (draft, published, submitted):
        OfferingFactory(supplier=supplier)
        Membership.objects.create(user=enterprise_user, supplier=supplier, role="owner")
    MembershipFactory(
        supplier=published,
        role="editor",
        user__email="une.adresse.vraiment.tres.longue.de.collegue@cooperative-exemple.qc.ca",
    )
    services.listing_submit(supplier=submitted, user=enterprise_user)
    start, token = services.listing_edit_start(published)
    services.revision_submit(
        supplier=published, user=enterprise_user, data={**start, "phone": "418 555-0199"}, token=token
    )
    claimed = SupplierFactory(name="Atelier de couture", neq="1100000444")
    claim = ClaimRequest.objects.create(
        user=enterprise_user, neq=claimed.neq, supplier=claimed, status="refused",
        reason="Le lien avec l'entreprise n'a pas pu être vérifié auprès du Registraire des entreprises.",
    )  # fmt: skip
    other = SupplierFactory(name="Buanderie solidaire", neq="1100000555")
    Invitation.objects.create(supplier=other, email=enterprise_user.email, invited_by=UserFactory())
    return {"draft": draft, "published": published, "submitted": submitted, "claim": claim, "other": other}


def logged_in_pages(space):
    from enterprises.models import Invitation

    invitation = Invitation.objects.get(supplier=space["other"])
    return [
        reverse("enterprises:dashboard"),
        reverse("enterprises:listing_create"),
        reverse("enterprises:listing_edit", args=[space["draft"].pk]),
        reverse("enterprises:listing_edit", args=[space["published"].pk]),
        reverse("enterprises:listing_edit", args=[space["submitted"].pk]),
        reverse("enterprises:claim_lookup"),
        reverse("enterprises:claim", args=["1100000444"]),
        reverse("enterprises:claim", args=["1100000999"]),
        reverse("enterprises:invite", args=[space["draft"].pk]),
        reverse("enterprises:invitation_accept", args=[invitation.token]),
        reverse("account_email"),
        reverse("account_change_password"),
    ]


def horizontal_overflow(page):
    return page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")


def spilled_out_of_cards(page):
    """Elements of a dashboard card wider than the card itself (content spilling out of its box)."""
    return page.evaluate(
        """() => [...document.querySelectorAll('.listing-card')].flatMap(card => {
            const box = card.getBoundingClientRect();
            return [...card.querySelectorAll('*')].filter(e => {
                const r = e.getBoundingClientRect();
                return r.width && (r.right > box.right + 0.5 || r.left < box.left - 0.5);
            }).map(e => e.outerHTML.slice(0, 120));
        })"""
    )


@pytest.mark.parametrize("width", [320, 640])
def test_every_logged_in_page_reflows_without_sideways_scrolling(
    page, log_in, enterprise_user, enterprise_space, width
):
    # 320 CSS px is a small phone or 1280 px at 400 % zoom; 640 px is 1280 px at 200 % zoom (WCAG 1.4.10).
    log_in(enterprise_user)
    page.set_viewport_size({"width": width, "height": 800})
    for path in logged_in_pages(enterprise_space):
        response = page.goto(path)
        assert response.ok, f"{path} answered {response.status}"
        assert horizontal_overflow(page) <= 0, (
            f"{path} scrolls sideways by {horizontal_overflow(page)} px at {width} px"
        )
    page.goto(reverse("enterprises:dashboard"))
    assert page.locator(".listing-card").count() == 3
    assert spilled_out_of_cards(page) == []


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_logged_in_page_passes_axe(
    page, use_language, log_in, assert_accessible, enterprise_user, enterprise_space, language
):
    use_language(language)
    log_in(enterprise_user)
    for path in logged_in_pages(enterprise_space):
        page.goto(path)
        assert page.locator("html").get_attribute("lang") == language
        assert page.locator("h1").count() == 1, path
        assert_accessible(page)


# --- The listing form ---


def fill_listing(page, *, name="Coop de neige du Témiscouata", neq="1100009999", description=True):
    page.locator("input[name=name]").fill(name)
    page.locator("input[name=neq]").fill(neq)
    page.locator("input[name=legal_form][value=non_profit]").check()
    if description:
        page.locator("textarea[name=description_fr]").fill(
            "Déneigement de cours d'écoles et de stationnements."
        )
    page.locator("select[name=head_office_region]").select_option("01")
    page.locator("input[name=regions_served][value='01']").check()
    page.locator("select[name='offres-0-category']").select_option("entretien.deneigement")
    page.locator("input[name='offres-0-title']").fill("Déneigement de stationnements")


def test_errors_take_the_focus_to_their_summary(page, log_in, assert_accessible, enterprise_user):
    log_in(enterprise_user)
    page.goto(reverse("enterprises:listing_create"))
    fill_listing(page, description=False)
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert page.evaluate("document.activeElement.classList.contains('error-summary')")
    assert "Description (français)" in page.locator(".error-summary").inner_text()
    assert_accessible(page)


def test_a_chosen_logo_survives_an_error(page, log_in, enterprise_user, tmp_path, settings):
    from tests.test_enterprises_listing import image_upload

    settings.MEDIA_ROOT = tmp_path
    logo = tmp_path / "notre-logo.png"
    logo.write_bytes(image_upload("notre-logo.png", "PNG").read())
    log_in(enterprise_user)
    page.goto(reverse("enterprises:listing_create"))
    fill_listing(page, description=False)
    page.locator("input[name=logo]").set_input_files(str(logo))
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert "Logo choisi : notre-logo.png" in page.locator("main").inner_text()
    page.locator("textarea[name=description_fr]").fill("Déneigement de cours d'écoles.")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    assert Supplier.objects.get(neq="1100009999").logo.name.endswith(".png")


def test_enter_in_a_text_box_saves_the_draft(page, log_in, enterprise_user):
    log_in(enterprise_user)
    page.goto(reverse("enterprises:listing_create"))
    fill_listing(page)
    with page.expect_navigation():
        page.locator("input[name=name]").press("Enter")
    assert Supplier.objects.filter(neq="1100009999").exists()


@pytest.fixture
def page_without_javascript(browser, live_server, enterprise_user):
    from django.conf import settings
    from django.test import Client

    context = browser.new_context(
        java_script_enabled=False, locale="fr-CA", viewport={"width": 1280, "height": 900}
    )
    client = Client()
    client.force_login(enterprise_user, backend="django.contrib.auth.backends.ModelBackend")
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


def test_an_offering_is_added_without_javascript_keeping_what_was_typed(page_without_javascript, live_server):
    page = page_without_javascript
    page.goto(live_server.url + reverse("enterprises:listing_create"))
    fill_listing(page)
    assert page.locator("fieldset.offering").count() == 2
    with page.expect_navigation():
        page.get_by_role("button", name="Ajouter une offre").click()
    assert page.locator("fieldset.offering").count() == 3
    assert page.locator("input[name=name]").input_value() == "Coop de neige du Témiscouata"
    assert page.locator("input[name='offres-0-title']").input_value() == "Déneigement de stationnements"
    assert page.locator(".error-summary").count() == 0
    # The new row's title has the focus, ready to type.
    assert page.locator("input[name='offres-2-title']:focus").count() == 1
    page.locator("input[name='offres-2-title']").fill("Déglaçage de trottoirs")
    page.locator("select[name='offres-2-category']").select_option("entretien.deneigement")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer le brouillon").click()
    supplier = Supplier.objects.get(neq="1100009999")
    assert list(supplier.offerings.values_list("title", flat=True)) == [
        "Déneigement de stationnements",
        "Déglaçage de trottoirs",
    ]


# --- An invitation opened while logged out ---


def test_an_invited_colleague_goes_from_the_email_link_to_the_accepted_listing(page, assert_accessible, db):
    from enterprises import services
    from tests.factories import MembershipFactory, SupplierFactory

    listing = SupplierFactory(name="Atelier adapté du Fjord")
    owner = MembershipFactory(supplier=listing).user
    invitation = services.invitation_create(supplier=listing, by=owner, email="comptable@fjord.example")
    accept_path = reverse("enterprises:invitation_accept", args=[invitation.token])

    page.goto(accept_path)
    assert_accessible(page)  # the welcome page
    with page.expect_navigation():
        page.get_by_role("link", name="Créer mon compte avec cette adresse").click()
    assert page.locator("input[name=email]").input_value() == "comptable@fjord.example"
    password = "Un-mot-de-passe-bien-long-2026"
    page.locator("input[name=password1]").fill(password)
    page.locator("input[name=password2]").fill(password)
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()

    confirmation = [m for m in mail.outbox if m.to == ["comptable@fjord.example"]][-1]
    page.goto(re.search(r"https?://[^/\s]+(/\S+)", confirmation.body).group(1))
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    assert page.url.endswith(accept_path)
    assert "Atelier adapté du Fjord" in page.locator("main").inner_text()
    assert_accessible(page)  # the acceptance page
    with page.expect_navigation():
        page.get_by_role("button", name="Accepter l'invitation").click()
    assert page.url.endswith(reverse("enterprises:dashboard"))
    assert "Atelier adapté du Fjord" in page.locator(".listing-card h3").inner_text()
