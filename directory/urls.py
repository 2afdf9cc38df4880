from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon),
    path("i18n/", include("django.conf.urls.i18n")),
    path("confidentialite/", views.privacy, name="privacy"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("admin/", admin.site.urls),
    path("comptes/", include("allauth.urls")),
    path("compte/", include("privacy.urls")),
    path("entreprises/", include("enterprises.urls")),
    path("", include("insights.urls")),
    path("", include("buyers.urls")),
    path("", include("needs.urls")),
    path("", include("suppliers.urls")),
    path("api/", include("suppliers.api_urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
