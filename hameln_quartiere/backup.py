"""Backup and restore: the whole database and the uploaded files in one archive (``manage.py backup``/``restore``).

The archive is a tar.gz holding ``manifest.json`` (format version, migration state, row counts, checksums),
``data.jsonl`` (every row of every table, one JSON object a line, in dependency order) and ``media/…`` (the
files the rows name). The rows are read in one read-only transaction (REPEATABLE READ on PostgreSQL, a read
transaction on SQLite), so they are one snapshot even while the app keeps serving. Uploaded files are never
changed in place (every upload gets a new name), so the files the snapshot names are the ones it means.

Rows are written with their primary keys, the many-to-many tables as tables of their own, and the content types
too: generic references (audit log, comments) hold content type ids, which must mean the same after a restore.
A restore inserts them raw, as ``loaddata`` does, but in batches and without ``save()`` or signals: the audit
log's append-only guard sits in ``LogEntry.save``/``delete`` and stays untouched for every other caller.
"""

import datetime
import hashlib
import io
import json
import os
import tarfile
import tempfile
from pathlib import Path

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core import serializers
from django.core.cache import cache
from django.core.files import File
from django.core.management.color import no_style
from django.core.serializers import sort_dependencies
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "hameln-quartiere-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
MEDIA_PREFIX = "media/"
# Tables that ``migrate`` fills by itself: a freshly migrated database is still "empty" with them.
MIGRATE_FILLED = {"contenttypes.contenttype", "auth.permission"}
BATCH_SIZE = 1000


class BackupError(Exception):
    """The archive cannot be written or restored; the message says why."""


class FullPrecisionEncoder(DjangoJSONEncoder):
    """Django's encoder cuts times to milliseconds (as JavaScript reads them); a backup keeps the microseconds."""

    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


def backup_models():
    """Every table's model, in dumpdata's order (natural-key dependencies first).

    Rows may still name rows of a table that comes later: both databases check foreign keys at commit (Django
    creates them deferred), and the restore loads everything in one transaction. The many-to-many tables are
    included as models of their own (after both sides), so their rows keep their ids; the models' own
    many-to-many fields are then left out of the rows.
    """
    app_list = {config: None for config in apps.get_app_configs() if config.models_module is not None}
    ordered = sort_dependencies(app_list.items(), allow_cycles=True)
    result = [model for model in ordered if _is_table(model)]
    seen = set(result)
    for model in list(result):
        for field in model._meta.local_many_to_many:
            through = field.remote_field.through
            if through._meta.auto_created and through not in seen:
                result.append(through)
                seen.add(through)
    return result


def _is_table(model):
    opts = model._meta
    return opts.managed and not opts.proxy and not opts.swapped


def _row_fields(model):
    """The names of the fields written for ``model``: its own columns, without many-to-many."""
    return [field.name for field in model._meta.local_fields if field.serialize]


def _label(model):
    return model._meta.label_lower


def _file_fields(model):
    return [field for field in model._meta.local_fields if isinstance(field, models.FileField)]


def _sha256_file(path):
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _snapshot_transaction():
    """Start a read-only snapshot: every read after this sees the database as it was at the first read."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY")


def applied_migrations():
    """The applied migrations per app, sorted: a restore needs a database migrated to the same state."""
    state = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        state.setdefault(app, []).append(name)
    return {app: sorted(names) for app, names in sorted(state.items())}


def archive_name():
    return f"hameln-quartiere-{timezone.localtime():%Y%m%d-%H%M%S}.tar.gz"


def create_backup(target):
    """Write an archive of the database and the uploaded files to ``target`` (a file, or a folder to put it in).

    Returns ``(path, manifest)``. The archive appears under its name only once it is complete.
    """
    target = Path(target)
    if target.is_dir():
        target = target / archive_name()
    if connection.in_atomic_block:
        raise BackupError("A backup needs a transaction of its own; do not run it inside another one.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="hameln-backup-") as workdir:
        data_path = Path(workdir) / DATA
        with transaction.atomic():
            _snapshot_transaction()
            migrations = applied_migrations()
            counts, files = _write_rows(data_path)
        manifest = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": migrations,
            "counts": counts,
            "data_sha256": _sha256_file(data_path),
            "files": [],
            "missing_files": [],
        }
        fd, partial = tempfile.mkstemp(prefix=".backup-", suffix=".partial", dir=target.parent)
        os.close(fd)
        try:
            with tarfile.open(partial, "w:gz") as archive:
                archive.add(data_path, arcname=DATA)
                for storage, name in files:
                    _add_file(archive, manifest, storage, name)
                _add_bytes(archive, MANIFEST, json.dumps(manifest, indent=2, sort_keys=True).encode())
            os.replace(partial, target)
        except BaseException:
            Path(partial).unlink(missing_ok=True)
            raise
    return target, manifest


def _write_rows(data_path):
    """Write every row, table by table in pk order; returns the row counts and the files the rows name."""
    counts, files, seen = {}, [], set()
    with open(data_path, "w", encoding="utf-8") as stream:
        for model in backup_models():
            queryset = model._base_manager.order_by("pk")
            counts[_label(model)] = queryset.count()
            if not counts[_label(model)]:
                continue
            serializers.serialize(
                "jsonl",
                queryset.iterator(chunk_size=2000),
                fields=_row_fields(model),
                stream=stream,
                cls=FullPrecisionEncoder,
            )
            for field in _file_fields(model):
                for name in queryset.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                    if name and (field.storage, name) not in seen:
                        seen.add((field.storage, name))
                        files.append((field.storage, name))
    return counts, files


def _add_file(archive, manifest, storage, name):
    try:
        handle = storage.open(name, "rb")
    except FileNotFoundError:
        # A row naming a file that is gone: the backup still holds everything else, and says what is missing.
        manifest["missing_files"].append(name)
        return
    with handle:
        content = handle.read()
    _add_bytes(archive, MEDIA_PREFIX + name, content)
    manifest["files"].append({"name": name, "size": len(content), "sha256": hashlib.sha256(content).hexdigest()})


def _add_bytes(archive, name, content):
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mtime = int(datetime.datetime.now(tz=datetime.UTC).timestamp())
    info.mode = 0o600
    archive.addfile(info, io.BytesIO(content))


# --- Restore -------------------------------------------------------------------------------------------------


def read_manifest(archive):
    try:
        manifest = json.loads(archive.extractfile(MANIFEST).read())
    except (KeyError, AttributeError, json.JSONDecodeError) as error:
        raise BackupError(f"This is not a backup of Hameln Quartiere (no readable {MANIFEST}).") from error
    if manifest.get("format") != FORMAT:
        raise BackupError("This is not a backup of Hameln Quartiere.")
    if manifest.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            f"The backup has format version {manifest.get('format_version')}; this version reads {FORMAT_VERSION}."
        )
    return manifest


def non_empty_tables():
    """The tables that hold rows beyond what ``migrate`` puts there by itself."""
    return [
        _label(model)
        for model in backup_models()
        if _label(model) not in MIGRATE_FILLED and model._base_manager.exists()
    ]


def restore_backup(path, *, force=False):
    """Load the archive at ``path`` into this database, which must be migrated to the backup's state.

    Refuses a database that holds data unless ``force`` (then its data is replaced). Everything is checked
    (checksums, migration state) before anything is written, and the rows are loaded in one transaction: a
    failure leaves the database as it was. Returns the manifest.
    """
    if connection.in_atomic_block:
        raise BackupError("A restore needs a transaction of its own; do not run it inside another one.")
    # The archive's parts are unpacked to a folder of their own (and checked) first: large data never sits in
    # memory as a whole.
    with tempfile.TemporaryDirectory(prefix="hameln-restore-") as workdir:
        with tarfile.open(path, "r:gz") as archive:
            manifest = read_manifest(archive)
            data = _verified_member(archive, DATA, manifest["data_sha256"], Path(workdir) / "data")
            files = {
                entry["name"]: _verified_member(
                    archive, MEDIA_PREFIX + entry["name"], entry["sha256"], Path(workdir) / f"file-{number}"
                )
                for number, entry in enumerate(manifest["files"])
            }
        _check_migrations(manifest)
        with transaction.atomic():
            occupied = non_empty_tables()
            if occupied and not force:
                raise BackupError(
                    "The database is not empty (e.g. " + ", ".join(occupied[:5]) + "). Restore into a freshly "
                    "migrated database, or pass --force to replace everything in it."
                )
            restored_models = backup_models()
            _flush(restored_models)
            counts = _load_rows(data, restored_models)
            if counts != {label: count for label, count in manifest["counts"].items() if count}:
                raise BackupError("The rows loaded do not match the counts in the manifest; nothing was restored.")
            _reset_sequences(restored_models)
            _restore_files(files)
            # Everything cached (pages, content types, sessions) described the database as it was before.
            transaction.on_commit(cache.clear)
    ContentType.objects.clear_cache()
    return manifest


def _verified_member(archive, name, sha256, destination):
    """Unpack ``name`` to ``destination``, refusing it unless it matches its checksum."""
    try:
        source = archive.extractfile(name)
    except KeyError:
        source = None
    if source is None:
        raise BackupError(f"The backup lacks {name}.")
    digest = hashlib.sha256()
    with source, open(destination, "wb") as target:
        for chunk in iter(lambda: source.read(1 << 20), b""):
            digest.update(chunk)
            target.write(chunk)
    if digest.hexdigest() != sha256:
        raise BackupError(f"The backup is damaged: {name} does not match its checksum.")
    return destination


def _check_migrations(manifest):
    current = applied_migrations()
    if current != manifest["migrations"]:
        differing = sorted(
            app
            for app in set(current) | set(manifest["migrations"])
            if current.get(app) != manifest["migrations"].get(app)
        )
        raise BackupError(
            "The database is not migrated to the state of the backup (apps: " + ", ".join(differing) + "). "
            "Restore with the version of the app that made the backup, into a database migrated with it."
        )


def _flush(restored_models):
    """Empty every table (also what ``migrate`` filled in), inside the restore's transaction."""
    tables = [model._meta.db_table for model in restored_models]
    statements = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def _load_rows(data, restored_models):
    """Insert the rows table by table with their primary keys; returns the counts per table."""
    known = {_label(model) for model in restored_models}
    counts, batch, batch_model = {}, [], None
    with open(data, encoding="utf-8") as stream:
        for deserialized in serializers.deserialize("jsonl", stream, handle_forward_references=False):
            obj = deserialized.object
            label = _label(type(obj))
            if label not in known:
                raise BackupError(f"The backup holds rows of {label}, which this version does not know.")
            if batch_model is not type(obj) or len(batch) >= BATCH_SIZE:
                _insert(batch_model, batch)
                batch, batch_model = [], type(obj)
            batch.append(obj)
            counts[label] = counts.get(label, 0) + 1
    _insert(batch_model, batch)
    return counts


def _insert(model, objects):
    """Insert rows exactly as they were: a raw insert, as ``loaddata`` does, so that ``auto_now`` fields keep
    their stored times (``bulk_create`` would stamp them with now)."""
    if not objects:
        return
    fields = model._meta.local_concrete_fields
    size = max(1, min(BATCH_SIZE, connection.ops.bulk_batch_size(fields, objects)))
    for start in range(0, len(objects), size):
        model._base_manager._insert(objects[start : start + size], fields=fields, raw=True, using=connection.alias)


def _reset_sequences(restored_models):
    """On PostgreSQL, move each id sequence past the restored ids (SQLite follows the highest id by itself)."""
    statements = connection.ops.sequence_reset_sql(no_style(), restored_models)
    if statements:
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)


def _restore_files(files):
    """Put every file back under its own name (the rows name them), replacing what is there."""
    storages = _storages_by_name()
    for name, unpacked in files.items():
        storage = storages.get(name)
        if storage is None:
            continue
        if storage.exists(name):
            storage.delete(name)
        with open(unpacked, "rb") as handle:
            saved = storage.save(name, File(handle))
        if saved != name:
            raise BackupError(f"The file {name} could not be restored under its name (got {saved}).")


def _storages_by_name():
    """Which storage each file name restored belongs to, read from the rows just loaded."""
    result = {}
    for model in backup_models():
        for field in _file_fields(model):
            for name in model._base_manager.exclude(**{field.name: ""}).values_list(field.name, flat=True):
                result[name] = field.storage
    return result
