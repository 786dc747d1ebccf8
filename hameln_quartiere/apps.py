from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HamelnQuartiereConfig(AppConfig):
    name = "hameln_quartiere"
    verbose_name = _("People and posts")

    def ready(self):
        # Signal receivers: the session clock starts and failed logins are counted from the first request on.
        from hameln_quartiere import cache, security, throttle  # noqa: F401 - security, throttle: receivers

        cache.connect_signals()
