"""A server process stays small (the benchmark's target: a gunicorn worker under 150 MB after a run): the PDF
and spreadsheet libraries are imported when a file is made, not when the process starts."""

import subprocess
import sys

from django.conf import settings

START_SERVER = """
import sys
import django
django.setup()
from django.urls import resolve
resolve("/portal/")  # imports every view module, as the first request does
print(",".join(name for name in ("weasyprint", "openpyxl", "fontTools", "PIL") if name in sys.modules))
"""


def test_starting_a_server_process_loads_no_pdf_or_spreadsheet_library():
    loaded = subprocess.run(
        [sys.executable, "-c", START_SERVER],
        cwd=settings.BASE_DIR,
        env={"DJANGO_SETTINGS_MODULE": "hameln_quartiere.settings", "DEBUG": "true", "PATH": ""},
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()

    assert loaded == "", f"imported at start-up: {loaded}"
