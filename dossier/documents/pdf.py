"""The indicator table as PDF: the same content as the DOCX, laid out in HTML and printed by
WeasyPrint with Debian's Pango and the Noto CJK fonts (fonts-noto-cjk)."""

from __future__ import annotations

import logging

from django.template.loader import render_to_string

from dossier.table import IndicatorTable

# WeasyPrint logs every layout step at INFO: keep the application's log for what matters.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)


def table_html(table: IndicatorTable) -> str:
    return render_to_string(
        "dossier/table_pdf.html",
        {
            "table": table,
            "header": table.header_lines(),
            "summary": table.summary_lines(),
            "missing": table.missing_lines(),
            "titles": table.column_titles(),
            "rows": [(row, table.row_cells(row)) for row in table.rows],
        },
    )


def table_pdf(table: IndicatorTable) -> bytes:
    from weasyprint import HTML  # imported when used: it loads Pango

    return HTML(string=table_html(table)).write_pdf()
