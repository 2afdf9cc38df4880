from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "directory"
    verbose_name = "Répertoire"

    def ready(self):
        from . import checks  # noqa: F401  (registers the production checks)
