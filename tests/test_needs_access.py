"""Who may open each page of the needs: every role on every page.

Roles: anonymous (with the recipient's personal link, and without), a member of the recipient supplier, a member
of another supplier, the author, a buyer of the same organisation, a buyer of another organisation, staff.
"""

import pytest
from django.urls import reverse

from needs import services
from needs.models import Clarification, Need, NeedAttachment, NeedKind, NeedStatus
from tests.factories import BuyerFactory, MembershipFactory, UserFactory
from tests.needs_factories import (
    NeedFactory,
    pdf_file,
    private_media,  # noqa: F401 (fixture)
    published_need,
    read_download,
    recipient_member,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("private_media")]

ROLES = ["anonymous", "member", "other_member", "author", "colleague", "other_buyer", "staff"]
LOGIN = "login"


@pytest.fixture
def world():
    need = published_need(recipients=2, questions=["Combien ?"])
    recipient, other_recipient = need.recipients.all()
    attachment = NeedAttachment(need=need, name="devis.pdf", content_type="application/pdf", size=10)
    attachment.file.save("document", pdf_file(), save=False)
    attachment.save()
    services.answer_interested(
        recipient=recipient, answers=["Deux"], upload=(pdf_file("offre.pdf"), "application/pdf")
    )
    clarification = Clarification.objects.create(need=need, asked_by=recipient, question="Horaire ?")
    closed = published_need(recipients=1, author=need.author)
    Need.objects.filter(pk=closed.pk).update(
        status=NeedStatus.CLOSED, response_deadline=closed.response_deadline.replace(year=2020)
    )
    draft = NeedFactory(author=need.author, kind=NeedKind.INVITATION)
    users = {
        "anonymous": None,
        "member": recipient_member(recipient),
        "other_member": MembershipFactory().user,
        "author": need.author.user,
        "colleague": BuyerFactory(organisation=need.organisation).user,
        "other_buyer": BuyerFactory().user,
        "staff": UserFactory(is_staff=True),
    }
    return {
        "need": need,
        "recipient": recipient,
        "other_recipient": other_recipient,
        "attachment": attachment,
        "clarification": clarification,
        "closed": closed,
        "draft": draft,
        "users": users,
    }


def buyer_pages(w):
    ref, closed, draft = w["need"].reference, w["closed"].reference, w["draft"].reference
    #           name, args, method, expected: (anonymous, member, other_member, author, colleague, other_buyer, staff)
    return [
        ("needs:list", [], "get", (LOGIN, 403, 403, 200, 200, 200, 200)),
        ("needs:create", [], "get", (LOGIN, 403, 403, 200, 200, 200, 403)),
        ("needs:detail", [ref], "get", (LOGIN, 403, 403, 200, 200, 404, 200)),
        ("needs:edit", [ref], "get", (LOGIN, 403, 403, 200, 403, 404, 403)),
        ("needs:invitees", [draft], "get", (LOGIN, 403, 403, 200, 403, 404, 403)),
        ("needs:submit", [draft], "post", (LOGIN, 403, 403, 302, 403, 404, 403)),
        ("needs:remind", [ref], "post", (LOGIN, 403, 403, 302, 403, 404, 403)),
        ("needs:withdraw", [draft], "post", (LOGIN, 403, 403, 302, 403, 404, 403)),
        (
            "needs:clarification_answer",
            [ref, w["clarification"].pk],
            "post",
            (LOGIN, 403, 403, 302, 403, 404, 403),
        ),
        ("needs:outcome", [closed], "get", (LOGIN, 403, 403, 200, 403, 404, 403)),
        ("needs:export", [ref, "csv"], "get", (LOGIN, 403, 403, 200, 200, 404, 200)),
        ("needs:export", [ref, "xlsx"], "get", (LOGIN, 403, 403, 200, 200, 404, 200)),
        ("needs:attachment", [ref, w["attachment"].pk], "get", (LOGIN, 403, 403, 200, 200, 404, 200)),
        ("needs:answer_file", [ref, w["recipient"].pk], "get", (LOGIN, 403, 403, 200, 200, 404, 200)),
        # A buyer's own lists and records: staff have none (the workspace's 403 page says why).
        ("needs:shortlist_add", [ref], "post", (LOGIN, 403, 403, 302, 302, 404, 403)),
        ("needs:record_create", [ref], "get", (LOGIN, 403, 403, 200, 200, 404, 403)),
    ]


def member_pages(w):
    pk = w["recipient"].pk
    return [
        ("needs:opportunities", [], "get", (LOGIN, 200, 200, 200, 200, 200, 200)),
        ("needs:opportunity", [pk], "get", (LOGIN, 200, 404, 404, 404, 404, 404)),
        (
            "needs:opportunity_attachment",
            [pk, w["attachment"].pk],
            "get",
            (LOGIN, 200, 404, 404, 404, 404, 404),
        ),
        ("needs:opportunity_my_file", [pk], "get", (LOGIN, 200, 404, 404, 404, 404, 404)),
        ("needs:opportunity_interested", [pk], "post", (LOGIN, 302, 404, 404, 404, 404, 404)),
        ("needs:opportunity_decline", [pk], "post", (LOGIN, 302, 404, 404, 404, 404, 404)),
        ("needs:opportunity_question", [pk], "post", (LOGIN, 302, 404, 404, 404, 404, 404)),
        ("needs:opportunity_hide", [pk], "post", (LOGIN, 302, 404, 404, 404, 404, 404)),
    ]


POST_DATA = {
    "needs:opportunity_interested": {"answer_1": "Deux"},
    "needs:opportunity_decline": {"reason": "capacity"},
    "needs:opportunity_question": {"question": "Horaire ?"},
    "needs:clarification_answer": {"answer": "Le jour."},
    "needs:shortlist_add": {"shortlist": ""},
}


def request(client, user, name, args, method):
    if user is not None:
        client.force_login(user)
    url = reverse(name, args=args)
    data = POST_DATA.get(name.replace("_by_token", ""), {})
    response = client.post(url, data) if method == "post" else client.get(url)
    if hasattr(response, "streaming_content"):
        read_download(response)
    return response


def check(response, expected):
    if expected == LOGIN:
        assert response.status_code == 302 and response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected


@pytest.mark.parametrize("role", ROLES)
def test_buyer_pages_by_role(client, world, role):
    for name, args, method, expected in buyer_pages(world):
        response = request(client, world["users"][role], name, args, method)
        try:
            check(response, expected[ROLES.index(role)])
        except AssertionError as error:
            raise AssertionError(f"{role} on {name} {args}: {response.status_code}") from error


@pytest.mark.parametrize("role", ROLES)
def test_member_pages_by_role(client, world, role):
    for name, args, method, expected in member_pages(world):
        response = request(client, world["users"][role], name, args, method)
        try:
            check(response, expected[ROLES.index(role)])
        except AssertionError as error:
            raise AssertionError(f"{role} on {name} {args}: {response.status_code}") from error


TOKEN_PAGES = [
    ("needs:opportunity_by_token", "get", 200),
    ("needs:opportunity_by_token_my_file", "get", 200),
    ("needs:opportunity_by_token_interested", "post", 302),
    ("needs:opportunity_by_token_decline", "post", 302),
    ("needs:opportunity_by_token_question", "post", 302),
    ("needs:opportunity_by_token_hide", "post", 302),
]


@pytest.mark.parametrize("role", ROLES)
def test_the_personal_link_works_for_whoever_holds_it_and_a_wrong_one_for_nobody(client, world, role):
    token = world["recipient"].token
    user = world["users"][role]
    for name, method, expected in TOKEN_PAGES:
        assert request(client, user, name, [token], method).status_code == expected, name
        assert request(client, user, name, [token[:-1] + "x"], method).status_code == 404, name
    attachment = world["attachment"].pk
    assert (
        request(client, user, "needs:opportunity_by_token_attachment", [token, attachment], "get").status_code
        == 200
    )


def test_a_token_opens_only_its_own_need_and_answer(client, world):
    token = world["recipient"].token
    other_need = published_need(recipients=1)
    foreign = NeedAttachment(need=other_need, name="autre.pdf", content_type="application/pdf", size=10)
    foreign.file.save("document", pdf_file(), save=False)
    foreign.save()

    page = client.get(reverse("needs:opportunity_by_token", args=[token]))
    assert page.context["need"] == world["need"] and page.context["recipient"] == world["recipient"]
    assert (
        client.get(reverse("needs:opportunity_by_token_attachment", args=[token, foreign.pk])).status_code
        == 404
    )

    client.post(reverse("needs:opportunity_by_token_decline", args=[token]), {"reason": "capacity"})
    world["recipient"].refresh_from_db()
    world["other_recipient"].refresh_from_db()
    assert world["recipient"].answer == "not_interested" and world["other_recipient"].answer == ""


def test_no_supplier_sees_a_need_before_it_is_published(client, world):
    need = NeedFactory(status=NeedStatus.SUBMITTED)
    recipient = need.recipients.create(supplier=world["recipient"].supplier, origin="matched")
    assert client.get(reverse("needs:opportunity_by_token", args=[recipient.token])).status_code == 404
    client.force_login(world["users"]["member"])
    assert client.get(reverse("needs:opportunity", args=[recipient.pk])).status_code == 404
    assert recipient not in client.get(reverse("needs:opportunities")).context["page"].object_list


def test_a_recipient_removed_by_staff_sees_nothing(client, world):
    world["recipient"].__class__.objects.filter(pk=world["recipient"].pk).update(excluded=True)
    assert (
        client.get(reverse("needs:opportunity_by_token", args=[world["recipient"].token])).status_code == 404
    )


def test_admin_review_is_for_staff_only(client, world):
    url = reverse("admin:needs_need_change", args=[world["need"].pk])
    for role in ROLES:
        if role != "anonymous":
            client.force_login(world["users"][role])
        response = client.get(url)
        if role == "staff":
            # Plain staff without the curators' permission: the admin refuses.
            assert response.status_code == 403
        else:
            assert response.status_code == 302
        client.logout()


def test_curators_review_needs(curator_client, world):
    assert curator_client.get(reverse("admin:needs_need_change", args=[world["need"].pk])).status_code == 200
    assert curator_client.get(reverse("admin:needs_need_changelist")).status_code == 200
