from django.urls import path

from . import views

app_name = "enterprises"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("fiches/nouvelle/", views.listing_create, name="listing_create"),
    path("fiches/<int:pk>/modifier/", views.listing_edit, name="listing_edit"),
    path("fiches/<int:pk>/soumettre/", views.listing_submit, name="listing_submit"),
    path("fiches/<int:pk>/inviter/", views.invite, name="invite"),
    path("reclamer/", views.claim_lookup, name="claim_lookup"),
    path("reclamer/<str:neq>/", views.claim, name="claim"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
]
