"""Lists as files: exactly the rows a person filtered, as CSV or as an XLSX spreadsheet with typed cells."""

import csv
import datetime
import re
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")

# A text cell starting with one of these is run as a formula by spreadsheet programs (CSV injection, OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")

ILLEGAL_SHEET_CHARACTERS = re.compile(r"[\[\]:*?/\\]")


def export_response(columns, rows, *, name, file_format):
    """A download of ``rows`` with one column per ``Column``; ``file_format`` is one of ``FORMATS``."""
    header = [capfirst(str(column.label)) for column in columns]
    table = [[_plain(column.cell(row)) for column in columns] for row in rows]
    if file_format == "xlsx":
        response = HttpResponse(_xlsx(header, table, name), content_type=XLSX_TYPE)
    else:
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        # A byte-order mark and semicolons: what a German spreadsheet program opens without asking.
        response.write("\ufeff")
        writer = csv.writer(response, delimiter=";")
        writer.writerow(header)
        writer.writerows([_csv_value(value) for value in row] for row in table)
    stamp = timezone.localdate().isoformat()
    # The name is in the person's language (“Maßnahmen”): encoded for every browser (RFC 6266).
    response["Content-Disposition"] = content_disposition_header(True, f"{name}-{stamp}.{file_format}")
    return response


def _plain(value):
    """Translatable labels as the text they stand for; everything else as it is."""
    return str(value) if isinstance(value, Promise) else value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal | float):
        return str(value).replace(".", ",")
    if isinstance(value, datetime.datetime):
        return timezone.localtime(value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return f"'{value}"
    return value


# openpyxl is imported when a spreadsheet is made, not when the server starts: it would take about 10 MB of
# every server process, and most processes never make a spreadsheet.


def _xlsx(header, table, title):
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook(write_only=True)
    # Sheet names are at most 31 characters and must not contain []:*?/\.
    sheet = workbook.create_sheet(title=ILLEGAL_SHEET_CHARACTERS.sub("", title)[:31] or "export")
    bold = Font(bold=True)
    sheet.append([bold_cell(sheet, label, bold) for label in header])
    for row in table:
        sheet.append([xlsx_cell(sheet, value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def bold_cell(sheet, value, font):
    from openpyxl.cell import WriteOnlyCell

    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def xlsx_cell(sheet, value):
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    if isinstance(value, datetime.datetime):
        # Spreadsheets know no time zones: local time, as the person saw it on the page.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, str):
        # Control characters are not allowed in the file; text stays text even when it starts with "=".
        cell = WriteOnlyCell(sheet, value=ILLEGAL_CHARACTERS_RE.sub("", value))
        cell.data_type = "s"
        return cell
    return value
