from django.urls import path, re_path

from .views import buyer, supplier, workspace

app_name = "needs"


def opportunity_paths(prefix: str, name: str, converter: str) -> list:
    """The supplier's pages of a need, reached by membership (``occasions/<pk>/``) or by the email's personal
    link (``occasions/lien/<token>/``)."""
    return [
        path(f"{prefix}/{converter}/", supplier.opportunity_detail, name=name),
        path(f"{prefix}/{converter}/interesse/", supplier.answer_interested, name=f"{name}_interested"),
        path(f"{prefix}/{converter}/pas-interesse/", supplier.answer_decline, name=f"{name}_decline"),
        path(f"{prefix}/{converter}/question/", supplier.ask_question, name=f"{name}_question"),
        path(f"{prefix}/{converter}/masquer/", supplier.hide, name=f"{name}_hide"),
        path(
            f"{prefix}/{converter}/pieces/<int:attachment>/", supplier.attachment, name=f"{name}_attachment"
        ),
        path(f"{prefix}/{converter}/mon-document/", supplier.my_file, name=f"{name}_my_file"),
    ]


urlpatterns = [
    path("besoins/", buyer.need_list, name="list"),
    path("besoins/nouveau/", buyer.need_create, name="create"),
    path("besoins/<str:reference>/", buyer.need_detail, name="detail"),
    path("besoins/<str:reference>/modifier/", buyer.need_edit, name="edit"),
    path("besoins/<str:reference>/invitations/", buyer.invitees, name="invitees"),
    path("besoins/<str:reference>/soumettre/", buyer.need_submit, name="submit"),
    path("besoins/<str:reference>/retirer/", buyer.need_withdraw, name="withdraw"),
    path("besoins/<str:reference>/relancer/", buyer.need_remind, name="remind"),
    path(
        "besoins/<str:reference>/questions/<int:pk>/repondre/",
        buyer.clarification_answer,
        name="clarification_answer",
    ),
    path("besoins/<str:reference>/resultat/", buyer.outcome, name="outcome"),
    path("besoins/<str:reference>/liste/", workspace.shortlist_add, name="shortlist_add"),
    path("besoins/<str:reference>/dossier/", workspace.record_create, name="record_create"),
    re_path(r"^besoins/(?P<reference>[^/]+)/export\.(?P<extension>csv|xlsx)$", buyer.export, name="export"),
    path("besoins/<str:reference>/pieces/<int:pk>/", buyer.attachment, name="attachment"),
    path("besoins/<str:reference>/reponses/<int:pk>/document/", buyer.answer_file, name="answer_file"),
    path("occasions/", supplier.opportunity_list, name="opportunities"),
    *opportunity_paths("occasions", "opportunity", "<int:pk>"),
    *opportunity_paths("occasions/lien", "opportunity_by_token", "<str:token>"),
]
