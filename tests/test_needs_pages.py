"""The needs' pages do what they say: the buyer writes, submits, follows and closes a need; staff validate it in
the admin; the supplier answers from its link or from "Mes occasions"."""

import csv
import io

import pytest
from django.core import mail
from django.urls import reverse
from openpyxl import load_workbook
from pytest_django.asserts import assertContains, assertNotContains, assertRedirects

from needs import notifications, services
from needs.models import (
    Answer,
    BuyerReminder,
    Clarification,
    DeclineReason,
    Need,
    NeedAttachment,
    NeedKind,
    NeedStatus,
    Notification,
    NotificationKind,
    Recipient,
)
from tests.factories import SupplierFactory
from tests.needs_factories import (
    NeedFactory,
    deadline_in,
    docx_file,
    odt_file,
    pdf_file,
    private_media,  # noqa: F401 (fixture)
    published_need,
    read_download,
    recipient_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]


def need_form_data(**overrides):
    data = {
        "kind": NeedKind.MARKET_SOUNDING,
        "title_fr": "Déneigement de trois bâtiments",
        "description_fr": "Déneigement des stationnements de trois écoles, de novembre à avril.",
        "categories": ["entretien.deneigement"],
        "regions": ["01"],
        "include_all_quebec_suppliers": "on",
        "delivery_place": "Rimouski",
        "response_deadline": deadline_in(6).isoformat(),
        "question_1": "Combien de camions avez-vous ?",
    }
    data.update(overrides)
    return data


@pytest.fixture
def buyer_client(client):
    from tests.factories import BuyerFactory

    buyer = BuyerFactory()
    client.force_login(buyer.user)
    client.buyer = buyer
    return client


def test_a_buyer_creates_a_draft_with_a_reference_and_attachments(buyer_client):
    response = buyer_client.post(
        reverse("needs:create"), {**need_form_data(), "attachments": [pdf_file(), docx_file()]}
    )
    need = Need.objects.get()
    assertRedirects(response, need.get_absolute_url())
    assert need.reference.startswith("B-2026-") or need.reference.startswith("B-20")
    assert need.status == NeedStatus.DRAFT
    assert need.author == buyer_client.buyer and need.organisation == buyer_client.buyer.organisation
    assert list(need.categories.values_list("code", flat=True)) == ["entretien.deneigement"]
    assert need.questions == ["Combien de camions avez-vous ?"]
    assert sorted(need.attachments.values_list("name", flat=True)) == ["cahier.docx", "devis.pdf"]


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"categories": []}, "categories"),
        ({"regions": []}, "regions"),
        ({"response_deadline": lambda: deadline_in(4).isoformat()}, "response_deadline"),
        ({"start_date": lambda: deadline_in(3).isoformat()}, "start_date"),
        ({"kind": NeedKind.SEAO_NOTICE}, "seao_url"),
        ({"show_amount": "on"}, "estimated_amount"),
        ({"question_1": "x" * 301}, "question_1"),
    ],
)
def test_the_form_refuses_an_incomplete_need_and_keeps_what_was_typed(buyer_client, overrides, field):
    overrides = {key: value() if callable(value) else value for key, value in overrides.items()}
    response = buyer_client.post(reverse("needs:create"), need_form_data(**overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assertContains(response, "Déneigement de trois bâtiments")
    assert not Need.objects.exists()


def test_a_need_for_all_of_quebec_needs_no_region(buyer_client):
    buyer_client.post(reverse("needs:create"), need_form_data(regions=[], all_quebec="on"))
    assert Need.objects.get().all_quebec


def test_deadline_counts_business_days_and_holidays(buyer_client):
    # A holiday inside the window pushes the earliest deadline one more day.
    from django.utils import timezone

    from needs.business_days import add_business_days
    from needs.models import Holiday

    today = timezone.localdate()
    earliest = add_business_days(today, 5)
    Holiday.objects.update_or_create(
        date=add_business_days(today, 1), defaults={"name_fr": "Congé", "name_en": "Day off"}
    )
    response = buyer_client.post(
        reverse("needs:create"), need_form_data(response_deadline=earliest.isoformat())
    )
    assert "response_deadline" in response.context["form"].errors


@pytest.mark.parametrize(
    "upload",
    [
        lambda: pdf_file(size=10 * 1024 * 1024 + 1),
        lambda: __import__("django.core.files.uploadedfile", fromlist=["x"]).SimpleUploadedFile(
            "faux.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        ),
    ],
)
def test_attachments_too_large_or_not_documents_are_refused(buyer_client, upload):
    response = buyer_client.post(reverse("needs:create"), {**need_form_data(), "attachments": [upload()]})
    assert "attachments" in response.context["form"].errors
    assert not NeedAttachment.objects.exists()


def test_at_most_three_attachments(buyer_client):
    files = [pdf_file(), docx_file(), odt_file(), pdf_file("autre.pdf")]
    response = buyer_client.post(reverse("needs:create"), {**need_form_data(), "attachments": files})
    assert "attachments" in response.context["form"].errors


def test_the_author_edits_then_submits_and_matching_suppliers_are_computed(buyer_client):
    matching = SupplierFactory(
        email="neige@exemple.qc.ca", categories=["entretien.deneigement"], regions=["01"]
    )
    need = NeedFactory(author=buyer_client.buyer)
    response = buyer_client.post(
        reverse("needs:edit", args=[need.reference]), need_form_data(title_fr="Nouveau titre")
    )
    assertRedirects(response, need.get_absolute_url())
    response = buyer_client.post(reverse("needs:submit", args=[need.reference]))
    assertRedirects(response, need.get_absolute_url())
    need.refresh_from_db()
    assert need.title_fr == "Nouveau titre" and need.status == NeedStatus.SUBMITTED
    assert list(need.recipients.values_list("supplier", flat=True)) == [matching.pk]


def test_an_invitation_warns_below_two_invitees_but_never_blocks(buyer_client):
    suppliers = [
        SupplierFactory(email=f"s{n}@exemple.qc.ca", categories=["entretien.deneigement"]) for n in range(3)
    ]
    need = NeedFactory(author=buyer_client.buyer, kind=NeedKind.INVITATION)
    page = buyer_client.get(reverse("needs:invitees", args=[need.reference]))
    for supplier in suppliers:
        assertContains(page, supplier.name)
    response = buyer_client.post(
        reverse("needs:invitees", args=[need.reference]), {"invitees": [suppliers[0].pk]}, follow=True
    )
    assertContains(response, "au moins deux")
    response = buyer_client.post(reverse("needs:submit", args=[need.reference]), follow=True)
    assertContains(response, "au moins deux")
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED
    assert list(need.recipients.values_list("supplier", flat=True)) == [suppliers[0].pk]


def test_after_publication_an_edit_notifies_every_recipient_again(buyer_client):
    need = published_need(author=buyer_client.buyer, recipients=3)
    data = {
        "title_fr": need.title_fr,
        "description_fr": "Description précisée : quatre bâtiments.",
        "delivery_place": need.delivery_place,
        "response_deadline": need.response_deadline.isoformat(),
    }
    response = buyer_client.post(reverse("needs:edit", args=[need.reference]), data)
    assertRedirects(response, need.get_absolute_url())
    need.refresh_from_db()
    assert need.description_fr == "Description précisée : quatre bâtiments." and need.edition == 1
    assert Notification.objects.filter(kind=NotificationKind.UPDATE, key="1").count() == 3
    # The targeting no longer changes once published.
    assert list(need.categories.values_list("code", flat=True)) == ["entretien.deneigement"]


def test_after_publication_the_deadline_cannot_be_brought_forward(buyer_client):
    need = published_need(author=buyer_client.buyer, response_deadline=deadline_in(12))
    data = {
        "title_fr": need.title_fr,
        "description_fr": need.description_fr,
        "delivery_place": need.delivery_place,
        "response_deadline": deadline_in(8).isoformat(),
    }
    response = buyer_client.post(reverse("needs:edit", args=[need.reference]), data)
    assert response.status_code == 200
    need.refresh_from_db()
    assert need.response_deadline == deadline_in(12)


def test_the_buyer_sees_answers_by_tab_and_exports_them(buyer_client):
    need = published_need(author=buyer_client.buyer, recipients=3, questions=["Combien de camions ?"])
    interested, declined, silent = need.recipients.select_related("supplier")
    services.recipient_mark_viewed(interested)
    services.answer_interested(recipient=interested, answers=["Quatre"], price=12000)
    services.answer_not_interested(recipient=declined, reason=DeclineReason.CAPACITY, comment="Pas cet hiver")

    page = buyer_client.get(need.get_absolute_url())
    assertContains(page, "Intéressées (1)")
    assertContains(page, "Quatre")
    tab = buyer_client.get(need.get_absolute_url() + "?tab=not_interested")
    assertContains(tab, declined.supplier.name)
    assertContains(tab, "Capacité insuffisante")
    assertNotContains(tab, interested.supplier.name)
    viewed = buyer_client.get(need.get_absolute_url() + "?tab=viewed")
    assert [r.pk for r in viewed.context["recipients"]] == [interested.pk]

    export = buyer_client.get(reverse("needs:export", args=[need.reference, "csv"]))
    rows = list(csv.reader(io.StringIO(read_download(export).decode("utf-8-sig"))))
    assert rows[0][-1] == "Combien de camions ?"
    assert len(rows) == 4
    (row,) = [r for r in rows if r[0] == interested.supplier.name]
    assert row[-1] == "Quatre"
    xlsx = buyer_client.get(reverse("needs:export", args=[need.reference, "xlsx"]))
    workbook = load_workbook(io.BytesIO(read_download(xlsx)))
    assert workbook.active.max_row == 4


def test_the_export_neutralises_formulas(buyer_client):
    need = published_need(author=buyer_client.buyer, recipients=1)
    Recipient.objects.update(
        answer=Answer.NOT_INTERESTED,
        decline_reason=DeclineReason.OTHER,
        comment="=HYPERLINK(1)",
        answered_at=need.published_at,
    )
    export = buyer_client.get(reverse("needs:export", args=[need.reference, "csv"]))
    assert "'=HYPERLINK(1)" in read_download(export).decode("utf-8-sig")


def test_buyer_reminders_at_most_two_24_hours_apart_never_after_the_deadline(buyer_client):
    from datetime import timedelta

    need = published_need(author=buyer_client.buyer, recipients=2)
    answered, silent = need.recipients.all()
    Notification.objects.bulk_create(
        [
            Notification(
                need=need,
                recipient=r,
                kind=NotificationKind.PUBLICATION,
                status="sent",
                sent_at=need.published_at,
            )
            for r in (answered, silent)
        ]
    )
    services.answer_not_interested(recipient=answered, reason=DeclineReason.TIMING)
    url = reverse("needs:remind", args=[need.reference])

    buyer_client.post(url)
    buyer_client.post(url)  # too soon: refused
    assert BuyerReminder.objects.count() == 1
    assert list(
        Notification.objects.filter(kind=NotificationKind.BUYER_REMINDER).values_list("recipient", flat=True)
    ) == [silent.pk]

    BuyerReminder.objects.update(sent_at=need.published_at - timedelta(hours=24))
    buyer_client.post(url)
    BuyerReminder.objects.update(sent_at=need.published_at - timedelta(hours=48))
    response = buyer_client.post(url, follow=True)  # a third: refused
    assertContains(response, "deux relances")
    assert BuyerReminder.objects.count() == 2

    late = published_need(author=buyer_client.buyer, recipients=1)
    Need.objects.filter(pk=late.pk).update(response_deadline=late.response_deadline.replace(year=2020))
    buyer_client.post(reverse("needs:remind", args=[late.reference]))
    assert not BuyerReminder.objects.filter(need=late).exists()


def test_a_supplier_question_answered_by_the_buyer_goes_to_every_recipient(buyer_client):
    need = published_need(author=buyer_client.buyer, recipients=3)
    for recipient in need.recipients.all():
        Notification.objects.create(
            need=need,
            recipient=recipient,
            kind=NotificationKind.PUBLICATION,
            status="sent",
            sent_at=need.published_at,
        )
    asker = need.recipients.first()
    clarification = services.clarification_ask(recipient=asker, question="Faut-il déneiger les toits ?")
    page = buyer_client.get(need.get_absolute_url())
    assertContains(page, "Faut-il déneiger les toits ?")
    buyer_client.post(
        reverse("needs:clarification_answer", args=[need.reference, clarification.pk]),
        {"answer": "Non, les stationnements seulement."},
    )
    notifications.send_due()
    assert len(mail.outbox) == 3
    assert all(
        "Non, les stationnements seulement." in m.body and "Faut-il déneiger les toits ?" in m.body
        for m in mail.outbox
    )
    assert all(asker.supplier.name not in m.body for m in mail.outbox), "the asker is not named"


def test_the_outcome_marks_recipients_and_tells_interested_suppliers(buyer_client):
    need = published_need(author=buyer_client.buyer, recipients=3)
    winner, other, silent = need.recipients.select_related("supplier")
    for recipient in (winner, other):
        services.answer_interested(recipient=recipient, answers=[])
    Need.objects.filter(pk=need.pk).update(response_deadline=need.response_deadline.replace(year=2020))
    services.needs_close_due()
    response = buyer_client.post(
        reverse("needs:outcome", args=[need.reference]),
        {
            "awarded": "yes",
            "mode": "mutual_agreement",
            "retained": [winner.pk],
            "amount": "18500",
            "seao_number": "",
        },
    )
    assertRedirects(response, need.get_absolute_url())
    need.refresh_from_db()
    assert (
        need.status == NeedStatus.OUTCOME_RECORDED and need.outcome_awarded and need.outcome_amount == 18500
    )
    assert dict(need.recipients.values_list("pk", "retained")) == {
        winner.pk: True,
        other.pk: False,
        silent.pk: False,
    }
    notifications.send_due()
    closed = [m for m in mail.outbox if "conclu" in m.subject]
    assert sorted(m.to[0] for m in closed) == sorted([winner.supplier.email, other.supplier.email])
    assert "a été retenue" in [m for m in closed if m.to == [winner.supplier.email]][0].body


def test_the_outcome_waits_for_the_deadline(buyer_client):
    need = published_need(author=buyer_client.buyer)
    response = buyer_client.get(reverse("needs:outcome", args=[need.reference]))
    assertRedirects(response, need.get_absolute_url())


# --- The supplier ---


def test_the_email_link_opens_the_need_records_the_view_and_takes_an_interested_answer(client):
    need = published_need(questions=["Combien de camions ?"], estimated_amount=20000, show_amount=True)
    recipient = need.recipients.first()
    url = reverse("needs:opportunity_by_token", args=[recipient.token])

    page = client.get(url)
    assertContains(page, need.title_fr)
    assertContains(page, "20")
    assert page["Cache-Control"].startswith("private") or "no-store" in page["Cache-Control"]
    assertNotContains(page, need.author.user.email)  # contact only once interested
    recipient.refresh_from_db()
    assert recipient.viewed_at is not None

    response = client.post(
        reverse("needs:opportunity_by_token_interested", args=[recipient.token]),
        {"answer_1": "Trois camions", "price": "15000", "document": pdf_file("offre.pdf")},
    )
    assertRedirects(response, url)
    recipient.refresh_from_db()
    assert (
        recipient.answer == Answer.INTERESTED
        and recipient.answers == ["Trois camions"]
        and recipient.price == 15000
    )
    assert recipient.answer_file_name == "offre.pdf" and recipient.answered_by is None
    assertContains(client.get(url), need.author.user.email)
    document = client.get(reverse("needs:opportunity_by_token_my_file", args=[recipient.token]))
    assert document["Content-Disposition"].startswith('attachment; filename="offre.pdf"')
    assert read_download(document).startswith(b"%PDF-")


def test_an_interested_answer_needs_an_answer_to_every_question(client):
    need = published_need(questions=["Combien de camions ?", "Depuis quand ?"])
    recipient = need.recipients.first()
    response = client.post(
        reverse("needs:opportunity_by_token_interested", args=[recipient.token]), {"answer_1": "Trois"}
    )
    assert response.status_code == 400
    assert "answer_2" in response.context["interested_form"].errors
    assertContains(response, "Trois", status_code=400)
    recipient.refresh_from_db()
    assert recipient.answer == ""


def test_declining_takes_a_reason_from_the_list_and_a_comment(client):
    recipient = published_need().recipients.first()
    url = reverse("needs:opportunity_by_token_decline", args=[recipient.token])
    assert client.post(url, {"reason": "because"}).status_code == 400
    assert client.post(url, {"reason": DeclineReason.OTHER}).status_code == 400  # "other" needs a comment
    client.post(url, {"reason": DeclineReason.REGION_NOT_SERVED, "comment": "Trop loin"})
    recipient.refresh_from_db()
    assert (recipient.answer, recipient.decline_reason, recipient.comment) == (
        Answer.NOT_INTERESTED,
        DeclineReason.REGION_NOT_SERVED,
        "Trop loin",
    )


def test_no_answer_after_the_deadline(client):
    need = published_need()
    recipient = need.recipients.first()
    Need.objects.filter(pk=need.pk).update(response_deadline=need.response_deadline.replace(year=2020))
    client.post(
        reverse("needs:opportunity_by_token_decline", args=[recipient.token]),
        {"reason": DeclineReason.TIMING},
    )
    recipient.refresh_from_db()
    assert recipient.answer == ""


def test_a_supplier_asks_a_question_through_the_platform(client):
    recipient = published_need().recipients.first()
    client.post(
        reverse("needs:opportunity_by_token_question", args=[recipient.token]), {"question": "Horaire ?"}
    )
    assert Clarification.objects.get().asked_by == recipient


def test_mes_occasions_lists_a_members_opportunities_and_hides_on_request(client):
    need = published_need(recipients=2)
    mine, theirs = need.recipients.all()
    member = recipient_member(mine)
    client.force_login(member)
    page = client.get(reverse("needs:opportunities"))
    assert [r.pk for r in page.context["page"].object_list] == [mine.pk]
    client.post(reverse("needs:opportunity_hide", args=[mine.pk]))
    assert not client.get(reverse("needs:opportunities")).context["page"].object_list
    hidden = client.get(reverse("needs:opportunities") + "?state=hidden")
    assert [r.pk for r in hidden.context["page"].object_list] == [mine.pk]
    # The member answers from the space too, and the answer says who gave it.
    client.post(reverse("needs:opportunity_decline", args=[mine.pk]), {"reason": DeclineReason.CAPACITY})
    mine.refresh_from_db()
    assert mine.answered_by == member


def test_the_enterprise_dashboard_links_to_mes_occasions(client):
    need = published_need(recipients=1)
    client.force_login(recipient_member(need.recipients.get()))
    assertContains(client.get(reverse("enterprises:dashboard")), reverse("needs:opportunities"))


# --- Staff ---


def test_the_queue_lists_submitted_needs_oldest_first(curator_client):
    from datetime import timedelta

    from django.utils import timezone

    newer = NeedFactory(status=NeedStatus.SUBMITTED, submitted_at=timezone.now())
    older = NeedFactory(status=NeedStatus.SUBMITTED, submitted_at=timezone.now() - timedelta(days=2))
    NeedFactory(status=NeedStatus.DRAFT)
    page = curator_client.get(reverse("admin:needs_need_changelist"))
    assert [n.pk for n in page.context["cl"].result_list] == [older.pk, newer.pk]


def test_staff_review_shows_the_checklist_and_recipients_then_publish(curator_client):
    supplier = SupplierFactory(email="neige@exemple.qc.ca", categories=["entretien.deneigement"])
    need = NeedFactory(description_fr="Écrivez à marie@cssbf.qc.ca ou au 418 555-0199.")
    services.need_submit(need=need, user=need.author.user)
    url = reverse("admin:needs_need_change", args=[need.pk])
    page = curator_client.get(url)
    assertContains(page, "marie@cssbf.qc.ca")  # flagged as possible personal data
    assertContains(page, "418 555-0199")
    assertContains(page, supplier.name)
    assertContains(page, "1 destinataire")

    response = curator_client.post(url, {"_publish": "1", "message": ""})
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED
    assert Notification.objects.filter(kind=NotificationKind.PUBLICATION).count() == 1


def test_staff_add_and_remove_recipients_and_narrow_a_targeting_too_broad(curator_client):
    from needs.models import MAX_RECIPIENTS

    need = NeedFactory(regions=["01", "02"])
    for n in range(MAX_RECIPIENTS + 1):
        SupplierFactory(email=f"s{n}@exemple.qc.ca", categories=["entretien.deneigement"], regions=["02"])
    local = SupplierFactory(email="local@exemple.qc.ca", categories=["entretien.deneigement"], regions=["01"])
    outsider = SupplierFactory(
        email="out@exemple.qc.ca", categories=["alimentation.traiteur"], regions=["09"]
    )
    services.need_submit(need=need, user=need.author.user)
    url = reverse("admin:needs_need_change", args=[need.pk])

    curator_client.post(url, {"_publish": "1"})
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED, "above the limit staff narrow the targeting first"

    curator_client.post(url, {"_narrow": "1", "categories": ["entretien.deneigement"], "regions": ["01"]})
    assert set(need.recipients.active().values_list("supplier", flat=True)) == {local.pk}
    curator_client.post(url, {"_add": "1", "neq": outsider.neq})
    curator_client.post(url, {"_remove": need.recipients.get(supplier=local).pk})
    assert set(need.recipients.active().values_list("supplier", flat=True)) == {outsider.pk}
    curator_client.post(url, {"_publish": "1"})
    need.refresh_from_db()
    assert need.status == NeedStatus.PUBLISHED


def test_staff_request_changes_or_reject_with_a_message(curator_client):
    need = NeedFactory()
    services.need_submit(need=need, user=need.author.user)
    url = reverse("admin:needs_need_change", args=[need.pk])
    curator_client.post(url, {"_request_changes": "1", "message": ""})
    need.refresh_from_db()
    assert need.status == NeedStatus.SUBMITTED
    curator_client.post(url, {"_request_changes": "1", "message": "Précisez les quantités."})
    need.refresh_from_db()
    assert need.status == NeedStatus.CHANGES_REQUESTED
    services.need_submit(need=need, user=need.author.user)
    curator_client.post(url, {"_reject": "1", "message": "Hors champ."})
    need.refresh_from_db()
    assert need.status == NeedStatus.REJECTED


def test_the_estimated_amount_reaches_suppliers_only_if_the_buyer_agrees(client):
    hidden = published_need(estimated_amount=48250, show_amount=False)
    shown = published_need(estimated_amount=48250, show_amount=True)
    for need, visible in ((hidden, False), (shown, True)):
        recipient = need.recipients.first()
        page = client.get(reverse("needs:opportunity_by_token", args=[recipient.token]))
        assert ("48" in page.content.decode() and "250" in page.content.decode()) is visible
        notifications.enqueue(
            need=need, kind=NotificationKind.PUBLICATION, recipients=need.recipients.filter(pk=recipient.pk)
        )
    notifications.send_due()
    bodies = {m.to[0]: m.body for m in mail.outbox}
    assert "250" not in bodies[hidden.recipients.first().supplier.email]
    assert "250" in bodies[shown.recipients.first().supplier.email]


# --- Query counts of the lists ---


def test_the_buyers_need_page_with_500_recipients_reads_in_a_fixed_set_of_queries(
    buyer_client, assert_snapshot_queries
):
    from needs.models import RecipientOrigin
    from suppliers.models import Supplier

    need = published_need(author=buyer_client.buyer, recipients=0, questions=["Combien ?"])
    suppliers = [SupplierFactory.build(neq=f"22{n:08d}", email=f"s{n}@exemple.qc.ca") for n in range(500)]
    for supplier in suppliers:
        supplier.head_office_region_id = "01"
        supplier.serves_all_quebec = True  # the database refuses a supplier serving nowhere
    Supplier.objects.bulk_create(suppliers)
    Recipient.objects.bulk_create(
        [
            Recipient(need=need, supplier=s, origin=RecipientOrigin.MATCHED)
            for s in Supplier.objects.filter(neq__startswith="22")
        ]
    )
    for recipient in need.recipients.all()[:50]:
        services.answer_interested(recipient=recipient, answers=["Deux"])
    Clarification.objects.create(need=need, question="Horaire ?")
    with assert_snapshot_queries(name="all recipients") as captured:
        response = buyer_client.get(need.get_absolute_url())
    assert len(response.context["recipients"]) == 500
    assert len(captured.statements) <= 10
    with assert_snapshot_queries(name="interested tab"):
        response = buyer_client.get(need.get_absolute_url() + "?tab=interested")
    assert len(response.context["recipients"]) == 50


def test_the_buyers_list_of_needs_reads_in_a_fixed_set_of_queries(buyer_client, assert_snapshot_queries):
    for _ in range(30):
        published_need(author=buyer_client.buyer, recipients=2)
    with assert_snapshot_queries():
        response = buyer_client.get(reverse("needs:list"))
    assert len(response.context["needs"]) == 30


def test_mes_occasions_reads_in_a_fixed_set_of_queries(client, assert_snapshot_queries):
    from tests.factories import MembershipFactory

    membership = MembershipFactory()
    for _ in range(30):
        need = published_need(recipients=0)
        need.recipients.create(supplier=membership.supplier, origin="matched")
    client.force_login(membership.user)
    with assert_snapshot_queries():
        response = client.get(reverse("needs:opportunities"))
    assert len(response.context["page"].object_list) == 25
