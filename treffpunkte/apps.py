from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TreffpunkteConfig(AppConfig):
    name = "treffpunkte"
    verbose_name = _("Meeting points and offers")
