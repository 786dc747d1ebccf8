from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HamelnQuartiereConfig(AppConfig):
    name = "hameln_quartiere"
    verbose_name = _("People and posts")
