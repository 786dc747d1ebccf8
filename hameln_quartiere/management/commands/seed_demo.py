"""``manage.py seed_demo``: fill an empty database with the fictional demo programme of 2019."""

import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from hameln_quartiere import demo, demo_scale


class Command(BaseCommand):
    help = (
        "Fill an empty database with a fictional demo of the programme in 2019: quarters, meeting points, "
        "offers, attendance, action concepts and one login per role. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force", action="store_true", help="Load the demo data even though DEBUG is off (e.g. a staging server)."
        )
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help="Grow the programme N-fold with generated content over ten years, for load tests (default 1: "
            "the demo alone; 50: about 200 meeting points, 2,500 offers and 100,000 attendance counts).",
        )

    def handle(self, *args, force=False, scale=1, **options):
        if not 1 <= scale <= 1000:
            raise CommandError("--scale must lie between 1 and 1000.")
        if not settings.DEBUG and not force:
            raise CommandError(
                "DEBUG is off, so this may be a production database: refusing to load demo data. "
                "Pass --force to load it anyway."
            )
        started = time.monotonic()
        try:
            result = demo.seed() if scale == 1 else demo_scale.seed(scale)
        except demo.DemoDataError as error:
            raise CommandError(str(error)) from error

        if result.created:
            summary = ", ".join(f"{count} {name}" for name, count in sorted(result.counts.items()))
            seconds = time.monotonic() - started
            self.stdout.write(self.style.SUCCESS(f"Demo data loaded in {seconds:.1f} s: {summary}."))
        else:
            self.stdout.write(self.style.WARNING("Demo data already present; nothing changed."))

        self.stdout.write("\nDemo logins (all with the same password):")
        for username, description in result.logins:
            kept = "  (existed before, password unchanged)" if username in result.kept_passwords else ""
            self.stdout.write(f"  {username:<20} {description}{kept}")
        self.stdout.write(f"\nPassword: {demo.DEMO_PASSWORD}")
