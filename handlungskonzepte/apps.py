from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HandlungskonzepteConfig(AppConfig):
    name = "handlungskonzepte"
    verbose_name = _("Action concepts")
