"""``manage.py backup`` and ``restore``: the round trip gives back every row of every table and every file."""

import io
import json
import os
import shutil
import subprocess
import sys
import tarfile

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.management import CommandError, call_command

from hameln_quartiere.backup import backup_models
from hameln_quartiere.models import AuditLogError, LogEntry
from zusammenarbeit.models import Anlage, Sitzung

PDF = b"%PDF-1.4\n% Protokoll der Steuerungsrunde\n" + bytes(range(256)) * 40


def every_row():
    """Every row of every table (with the many-to-many tables, content types and permissions), by table."""
    return {model._meta.label_lower: list(model._base_manager.order_by("pk").values()) for model in backup_models()}


@pytest.fixture
def seeded(transactional_db, media_root):
    call_command("seed_demo", force=True, stdout=None)
    anlage = Anlage.objects.create(
        sitzung=Sitzung.objects.order_by("pk").first(), title="Protokoll", file=ContentFile(PDF, name="protokoll.pdf")
    )
    return anlage


def test_backup_and_restore_give_back_every_row_and_file(seeded, media_root, tmp_path):
    before = every_row()
    assert before["hameln_quartiere.logentry"] and before["hameln_quartiere.user_quartiere"]
    assert before["contenttypes.contenttype"] and before["auth.permission"]

    call_command("backup", str(tmp_path))
    (archive,) = tmp_path.glob("hameln-quartiere-*.tar.gz")
    call_command("flush", interactive=False)
    shutil.rmtree(media_root)
    media_root.mkdir()
    assert not LogEntry.objects.exists()

    call_command("restore", str(archive))

    assert every_row() == before
    with default_storage.open(seeded.file.name, "rb") as handle:
        assert handle.read() == PDF
    # The restored audit log is as append-only as before.
    with pytest.raises(AuditLogError):
        LogEntry.objects.first().save()


def test_archive_holds_a_manifest_with_counts_checksums_and_migrations(seeded, tmp_path):
    call_command("backup", str(tmp_path / "nightly.tar.gz"))

    with tarfile.open(tmp_path / "nightly.tar.gz") as archive:
        manifest = json.loads(archive.extractfile("manifest.json").read())
        names = archive.getnames()
    assert manifest["format_version"] == 1
    assert manifest["counts"]["zusammenarbeit.anlage"] == 1
    assert manifest["counts"]["hameln_quartiere.logentry"] == LogEntry.objects.count()
    assert "0001_initial" in manifest["migrations"]["hameln_quartiere"]
    assert [entry["name"] for entry in manifest["files"]] == [seeded.file.name]
    assert f"media/{seeded.file.name}" in names


def test_restore_refuses_a_database_with_data_unless_forced(seeded, tmp_path):
    call_command("backup", str(tmp_path / "b.tar.gz"))
    before = every_row()
    Anlage.objects.all().delete()

    with pytest.raises(CommandError, match="not empty"):
        call_command("restore", str(tmp_path / "b.tar.gz"))
    assert not Anlage.objects.exists()

    call_command("restore", str(tmp_path / "b.tar.gz"), force=True)
    assert every_row() == before


def test_restore_refuses_a_damaged_archive_and_changes_nothing(seeded, tmp_path):
    call_command("backup", str(tmp_path / "b.tar.gz"))
    with tarfile.open(tmp_path / "b.tar.gz") as source, tarfile.open(tmp_path / "damaged.tar.gz", "w:gz") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name == "data.jsonl":
                content = content.replace(b"Kuckuck", b"Kuckuk", 1)
                member.size = len(content)
            target.addfile(member, io.BytesIO(content))
    call_command("flush", interactive=False)

    with pytest.raises(CommandError, match="checksum"):
        call_command("restore", str(tmp_path / "damaged.tar.gz"))
    assert not Sitzung.objects.exists()


def test_the_command_line_round_trip_into_a_second_postgresql_database(postgresql_only, seeded, media_root, tmp_path):
    """As an operator would: ``backup`` on one server, ``migrate`` and ``restore`` into a new database elsewhere;
    then every table of both databases is compared row by row, in SQL."""
    import psycopg2
    from django.db import connection

    source = connection.settings_dict
    target_name = f"{source['NAME']}_restored"
    dsn = {"host": source["HOST"] or "127.0.0.1", "port": source["PORT"] or 5432, "user": source["USER"]}
    if source["PASSWORD"]:
        dsn["password"] = source["PASSWORD"]

    def url(name):
        password = f":{source['PASSWORD']}" if source["PASSWORD"] else ""
        return f"postgres://{source['USER']}{password}@{dsn['host']}:{dsn['port']}/{name}"

    def manage(*args, database, media):
        env = {**os.environ, "DATABASE_URL": url(database), "MEDIA_ROOT": str(media), "DATABASE_CONN_MAX_AGE": "0"}
        subprocess.run(
            [sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=env, check=True, capture_output=True
        )

    admin = psycopg2.connect(dbname="postgres", **dsn)
    admin.autocommit = True
    with admin.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}"')
        cursor.execute(f'CREATE DATABASE "{target_name}"')
    try:
        manage("backup", str(tmp_path / "nightly.tar.gz"), database=source["NAME"], media=media_root)
        manage("migrate", "--no-input", database=target_name, media=tmp_path / "restored-media")
        manage("restore", str(tmp_path / "nightly.tar.gz"), database=target_name, media=tmp_path / "restored-media")

        restored = psycopg2.connect(dbname=target_name, **dsn)
        try:
            tables = [table for table in connection.introspection.table_names() if table != "django_migrations"]
            assert "hameln_quartiere_logentry" in tables and "hameln_quartiere_user_quartiere" in tables
            with connection.cursor() as left, restored.cursor() as right:
                right.execute("SET TIME ZONE 'UTC'")
                left.execute("SET TIME ZONE 'UTC'")
                for table in tables:
                    # Each row as PostgreSQL writes it as text: every column, exactly, whatever its type.
                    query = f'SELECT t::text FROM "{table}" AS t ORDER BY t::text'  # noqa: S608 - names from the database
                    left.execute(query)
                    right.execute(query)
                    assert right.fetchall() == left.fetchall(), table
                right.execute("SELECT last_value FROM hameln_quartiere_logentry_id_seq")
                assert right.fetchone()[0] == LogEntry.objects.order_by("-pk").first().pk
        finally:
            restored.close()
        assert (tmp_path / "restored-media" / seeded.file.name).read_bytes() == PDF
    finally:
        with admin.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{target_name}" WITH (FORCE)')
        admin.close()
