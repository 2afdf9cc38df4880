from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("fiches/nouvelle/", views.listing_create, name="listing_create"),
    path("fiches/<int:pk>/modifier/", views.listing_edit, name="listing_edit"),
    path("fiches/<int:pk>/soumettre/", views.listing_submit, name="listing_submit"),
    path("fiches/<int:pk>/retirer-la-soumission/", views.revision_withdraw, name="revision_withdraw"),
    path("fiches/<int:pk>/inviter/", views.invite, name="invite"),
    path("fiches/<int:pk>/quitter/", views.membership_leave, name="membership_leave"),
    path(
        "fiches/<int:pk>/membres/<int:member_pk>/retirer/", views.membership_remove, name="membership_remove"
    ),
    path("fiches/<int:pk>/membres/<int:member_pk>/role/", views.membership_role, name="membership_role"),
    path("reclamer/", views.claim_lookup, name="claim_lookup"),
    path("reclamer/<str:neq>/", views.claim, name="claim"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
