from django.apps import AppConfig
from django.db import transaction
from django.db.models.signals import post_delete
from django.utils.translation import gettext_lazy as _


def remove_attachment_file(sender, instance, **kwargs):
    """However an attachment goes (alone, with its meeting, in the admin), its file goes too, once the deletion
    is committed: a rolled-back deletion keeps both."""
    transaction.on_commit(lambda: instance.file.delete(save=False))


class ZusammenarbeitConfig(AppConfig):
    name = "zusammenarbeit"
    verbose_name = _("Working together")

    def ready(self):
        post_delete.connect(remove_attachment_file, sender="zusammenarbeit.Anlage", dispatch_uid="anlage-file")
