from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VerzeichnisConfig(AppConfig):
    name = "verzeichnis"
    verbose_name = _("Public directory")

    def ready(self):
        from verzeichnis import cache

        cache.PUBLIC.connect_signals()
