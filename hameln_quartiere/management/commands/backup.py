"""``manage.py backup``: the database and the uploaded files, as one snapshot, in one archive."""

from django.core.management.base import BaseCommand, CommandError

from hameln_quartiere.backup import BackupError, create_backup


class Command(BaseCommand):
    help = (
        "Write a consistent backup of the database and the uploaded files into one tar.gz archive (with a "
        "manifest of counts and checksums). Safe while the app is running."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "target", help="The archive to write, or a folder to write hameln-quartiere-<date>-<time>.tar.gz into."
        )

    def handle(self, *args, target, **options):
        try:
            path, manifest = create_backup(target)
        except (BackupError, OSError) as error:
            raise CommandError(str(error)) from error
        rows = sum(manifest["counts"].values())
        self.stdout.write(self.style.SUCCESS(f"Backup written to {path}: {rows} rows, {len(manifest['files'])} files."))
        for name in manifest["missing_files"]:
            self.stderr.write(self.style.WARNING(f"A row names the file {name}, which is missing; not in the backup."))
