"""Remind people of their overdue tasks: one inbox entry and e-mail a day per person, naming each task once a day.

Meant for a scheduler (cron, a systemd timer), e.g. every morning; running it again the same day, or twice at
the same time, sends nothing twice (see ``zusammenarbeit.services.remind_assignee``).
"""

from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils import translation

from zusammenarbeit.services import send_task_reminders


class Command(BaseCommand):
    help = "Reminds people of their overdue open tasks: one notice a day per person, each task once a day."

    def handle(self, *args, **options):
        # Inbox texts are stored in the programme's language, as the mails are written in it.
        with translation.override(settings.LANGUAGE_CODE):
            sent = send_task_reminders()
        self.stdout.write(f"{sent} reminder(s) sent.")
