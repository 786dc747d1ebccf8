"""Lists as files: exactly the rows a person filtered, as CSV or as an XLSX spreadsheet with typed cells."""

import csv
import datetime
from decimal import Decimal
from io import BytesIO

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMATS = ("csv", "xlsx")


def export_response(columns, rows, *, name, file_format):
    """A download of ``rows`` with one column per ``Column``; ``file_format`` is one of ``FORMATS``."""
    header = [str(column.label) for column in columns]
    table = [[column.cell(row) for column in columns] for row in rows]
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
    response["Content-Disposition"] = f'attachment; filename="{name}-{stamp}.{file_format}"'
    return response


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
    return value


def _xlsx(header, table, title):
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=title[:31])
    bold = Font(bold=True)
    sheet.append([_bold_cell(sheet, label, bold) for label in header])
    for row in table:
        sheet.append([_xlsx_value(value) for value in row])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _bold_cell(sheet, value, font):
    cell = WriteOnlyCell(sheet, value=value)
    cell.font = font
    return cell


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        # Spreadsheets know no time zones: local time, as the person saw it on the page.
        return timezone.localtime(value).replace(tzinfo=None)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return value
