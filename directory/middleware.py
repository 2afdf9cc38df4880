from django.conf import settings
from django.http import Http404
from django.middleware.locale import LocaleMiddleware
from django.urls import Resolver404, resolve
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.views.defaults import page_not_found


class FrenchFirstLocaleMiddleware(LocaleMiddleware):
    """French unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware follows the browser's Accept-Language header, so an English-configured
    browser would land on English pages. The administration communicates in French first (Charte de la
    langue française): only the language cookie that ``set_language`` writes is honoured.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = settings.LANGUAGE_CODE
        if chosen:
            try:
                language = translation.get_supported_language_variant(chosen)
            except LookupError:
                pass
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # The language depends on the cookie alone (the site has no i18n_patterns URLs).
        patch_vary_headers(response, ("Cookie",))
        response.headers.setdefault("Content-Language", translation.get_language())
        return response


class ProjectNotFoundPageMiddleware:
    """With DEBUG on (``make run``), a missing page shows the project's own 404 page, as in production.

    Django shows its technical 404 page whenever DEBUG is on, which is neither in French nor what a visitor
    sees. This renders ``404.html`` through Django's own ``page_not_found`` view for both kinds of 404: an
    address no URL pattern matches (resolved here first) and a view raising Http404. Tracebacks of server
    errors are left to DEBUG. ``DJANGO_DEBUG_TECHNICAL_404=1`` brings Django's page back. Without DEBUG this
    middleware does nothing: Django already renders ``404.html``.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.active = settings.DEBUG and not settings.DEBUG_TECHNICAL_404

    def __call__(self, request):
        if self.active:
            try:
                resolve(request.path_info, getattr(request, "urlconf", None))
            except Resolver404 as missing:
                return page_not_found(request, missing)
        return self.get_response(request)

    def process_exception(self, request, exception):
        if self.active and isinstance(exception, Http404):
            return page_not_found(request, exception)
        return None
