"""``manage.py seed_demo``: fill an empty database with the fictional demo programme of 2019."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hameln_quartiere import demo


class Command(BaseCommand):
    help = (
        "Fill an empty database with a fictional demo of the programme in 2019: quarters, meeting points, "
        "offers, attendance, action concepts and one login per role. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo data even though DEBUG is off (e.g. a staging server)."
        )

    def handle(self, *args, force=False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database: refusing to load demo data. "
                "Pass --force to load it anyway."
            )
        try:
            result = demo.seed()
        except demo.DemoDataError as error:
            raise CommandError(str(error)) from error

        if result.created:
            summary = ", ".join(f"{count} {name}" for name, count in sorted(result.counts.items()))
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded: {summary}."))
        else:
            self.stdout.write(self.style.WARNING("Demo data already present; nothing changed."))

        self.stdout.write("\nDemo logins (all with the same password):")
        for username, description in result.logins:
            kept = "  (existed before, password unchanged)" if username in result.kept_passwords else ""
            self.stdout.write(f"  {username:<20} {description}{kept}")
        self.stdout.write(f"\nPassword: {demo.DEMO_PASSWORD}")
