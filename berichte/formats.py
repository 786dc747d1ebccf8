"""A report document as a file: a PDF for the funder and a spreadsheet for whoever works on with the numbers.

PDF: WeasyPrint (already the app's PDF engine for the weekly programmes) lays out an HTML template of its own
with CSS paged media: A4, running header and page numbers, a table of contents whose page numbers WeasyPrint
fills in, the charts as the same inline SVG as on the page. Spreadsheet: openpyxl (the app's XLSX writer for
list exports), one sheet per section, numbers as numbers.
"""

import datetime
from io import BytesIO

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.http import content_disposition_header
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from hameln_quartiere.exports import ILLEGAL_SHEET_CHARACTERS, XLSX_TYPE, bold_cell, xlsx_cell
from hameln_quartiere.pdf import render_pdf

SHEET_NAME_LENGTH = 31


def file_name(document, version=None, extension="pdf"):
    scope = document["scope"]["slug"] if document["scope"] else "gesamt"
    suffix = f"-fassung-{version.version}" if version is not None else ""
    return f"jahresbericht-{document['year']}-{scope}{suffix}.{extension}"


def pdf_response(request, context):
    html = render_to_string("berichte/report_pdf.html", context, request=request)
    response = HttpResponse(render_pdf(html, request), content_type="application/pdf")
    name = file_name(context["document"], context.get("version"), "pdf")
    response["Content-Disposition"] = content_disposition_header(False, name)
    return response


def xlsx_response(document, version=None):
    response = HttpResponse(xlsx(document, version), content_type=XLSX_TYPE)
    response["Content-Disposition"] = content_disposition_header(True, file_name(document, version, "xlsx"))
    return response


def sheet_names(sections):
    """A sheet name per section: its title without the characters spreadsheets refuse, at most 31 characters,
    made unique with a number where two would be the same."""
    names = []
    for section in sections:
        name = ILLEGAL_SHEET_CHARACTERS.sub("", section["title"])[:SHEET_NAME_LENGTH].strip() or section["key"]
        candidate, number = name, 2
        while candidate.lower() in (n.lower() for n in names):
            tail = f" {number}"
            candidate = name[: SHEET_NAME_LENGTH - len(tail)] + tail
            number += 1
        names.append(candidate)
    return names


def xlsx(document, version=None):
    """The workbook as bytes: a first sheet about the report, then a sheet per section with its tables."""
    # Imported here, as in hameln_quartiere.exports: most server processes never make a spreadsheet.
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    workbook = Workbook(write_only=True)
    bold, title_font, wrap = Font(bold=True), Font(bold=True, size=14), Alignment(wrap_text=True, vertical="top")
    about = workbook.create_sheet(_("Report")[:SHEET_NAME_LENGTH])
    about.column_dimensions["A"].width = 24
    about.column_dimensions["B"].width = 60
    about.append([bold_cell(about, f"{document['title']}: {document['scope_name']}", title_font)])
    about.append([xlsx_cell(about, document["programme"])])
    about.append([])
    for label, value in about_rows(document, version):
        about.append([bold_cell(about, str(label), bold), xlsx_cell(about, value)])
    for section, name in zip(document["sections"], sheet_names(document["sections"]), strict=True):
        sheet = workbook.create_sheet(name)
        sheet.column_dimensions["A"].width = 48
        for letter in "BCDEFGHIJKL":
            sheet.column_dimensions[letter].width = 16
        sheet.append([bold_cell(sheet, section["title"], title_font)])
        if section["intro"]:
            sheet.append([xlsx_cell(sheet, section["intro"])])
        for table in section["tables"]:
            sheet.append([])
            sheet.append([bold_cell(sheet, table["title"], bold)])
            if table["note"]:
                sheet.append([xlsx_cell(sheet, table["note"])])
            sheet.append([bold_cell(sheet, capfirst(label), bold) for label in header(table)])
            for row in table["rows"]:
                cells = [xlsx_cell(sheet, row["label"])]
                for value in row["cells"]:
                    cell = xlsx_cell(sheet, value)
                    if isinstance(value, str) and len(value) > 40:
                        cell = text_cell(sheet, value, wrap)
                    cells.append(cell)
                sheet.append(cells)
            if not table["rows"]:
                sheet.append([xlsx_cell(sheet, _("Nothing in this year."))])
    buffer = BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def text_cell(sheet, value, alignment):
    cell = xlsx_cell(sheet, value)
    cell.alignment = alignment
    return cell


def header(table):
    return [table["row_header"], *(column["label"] for column in table["columns"])]


def about_rows(document, version):
    rows = [(_("Year"), document["year"]), (_("Covers"), document["scope_name"])]
    if version is not None:
        rows += [
            (_("Version"), version.version),
            (_("Finalised"), version.finalised_at),
            (_("Finalised by"), str(version.finalised_by or "–")),
        ]
        if version.note:
            rows.append((_("Note"), version.note))
    else:
        rows.append((_("State"), _("Not finalised: the approved content as it was when the file was made.")))
    rows.append((_("Made"), made_at(document)))
    return rows


def made_at(document):
    """When the document was built (the spreadsheet cell shows it in local time)."""
    return datetime.datetime.fromisoformat(document["made_at"])
