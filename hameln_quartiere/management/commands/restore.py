"""``manage.py restore``: bring a backup made by ``manage.py backup`` back into an empty, migrated database."""

from django.core.management.base import BaseCommand, CommandError

from hameln_quartiere.backup import BackupError, restore_backup


class Command(BaseCommand):
    help = (
        "Restore a backup archive into a freshly migrated database (migrated with the same version of the app), "
        "in one transaction: on any error nothing is changed. Puts the uploaded files back."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", help="The tar.gz archive written by manage.py backup.")
        parser.add_argument(
            "--force",
            action="store_true",
            help="Replace everything in a database that already holds data (it is deleted first).",
        )

    def handle(self, *args, archive, force=False, **options):
        try:
            manifest = restore_backup(archive, force=force)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored {rows} rows and {len(manifest['files'])} files from the backup of {manifest['created_at']}."
            )
        )
