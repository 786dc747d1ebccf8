"""Remind assignees of their overdue tasks: an inbox entry and an e-mail, at most once a day per task.

Meant for a scheduler (cron, a systemd timer), e.g. every morning; running it again the same day, or twice at
the same time, sends nothing twice (see ``zusammenarbeit.services.remind_overdue``).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from zusammenarbeit.services import send_task_reminders


class Command(BaseCommand):
    help = "Reminds assignees of overdue open tasks, at most once a day per task."

    def handle(self, *args, **options):
        # Inbox texts are stored in the programme's language, as the mails are written in it.
        with translation.override(settings.LANGUAGE_CODE):
            sent = send_task_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
