import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "directory.settings")
application = get_wsgi_application()

from directory.checks import assert_ready_to_serve  # noqa: E402  (needs the settings loaded above)

assert_ready_to_serve()
