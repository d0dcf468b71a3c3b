"""Excel round trip for a department: building its template, reading the filled-in file with
openpyxl alone, checking and writing it through the upload path (one transaction, rolled back
after each run), and exporting the values; ends with the ratio of the upload to the bare
openpyxl read (``import/openpyxl ratio``, the goal is at most 5 on SQLite).

    .venv/bin/python bench/bench_import.py [--rows 1000]
"""

from __future__ import annotations

import argparse
import io

from common import machine, report, setup, timed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()
    setup(0)

    from django.db import connection, transaction
    from django.test.utils import CaptureQueriesContext
    from openpyxl import load_workbook

    from accounts.models import User
    from indicators import excel, selectors
    from indicators.models import DataElement, Region, Responsibility

    zhonglou = Region.objects.get(code="320404")
    clerk = User.objects.get(username="zl-agriculture")
    # Enough synthetic data elements for the department to make a template of ~N rows.
    per_year = args.rows // 3
    elements = DataElement.objects.bulk_create(
        DataElement(
            key=f"bench_element_{n}", name=f"合成测试数据项 {n}", value_kind="percentage", unit="%"
        )
        for n in range(per_year)
    )
    Responsibility.objects.bulk_create(
        Responsibility(region=zhonglou, data_element=e, department=clerk.department)
        for e in elements
    )
    years = [2019, 2020, 2021]
    template = excel.build_template(clerk, zhonglou, years)
    wb = load_workbook(io.BytesIO(template))
    ws = wb.worksheets[0]
    for row in range(2, ws.max_row + 1):
        if not ws.cell(row=row, column=7).value:  # only rows with no value yet
            ws.cell(row=row, column=9, value=80 + row % 20)
    buffer = io.BytesIO()
    wb.save(buffer)
    upload = buffer.getvalue()

    def openpyxl_read():
        wb_ = load_workbook(io.BytesIO(upload), read_only=True)
        for _row in wb_.worksheets[0].iter_rows(values_only=True):
            pass
        wb_.close()

    def check():
        return excel.read_upload(io.BytesIO(upload), clerk, zhonglou)

    queries = []

    def check_and_write_then_undo():
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            report_ = excel.read_upload(io.BytesIO(upload), clerk, zhonglou, write=True)
            assert report_.ok and report_.written, report_.problems[:3]
            transaction.set_rollback(True)
        queries.append(len(captured))

    rows_in_file = ws.max_row - 1
    values = list(selectors.values_for_user(clerk))
    reading = timed(openpyxl_read, repeat=7)
    importing = timed(check_and_write_then_undo, repeat=7, warmup=1)
    rows = [
        (
            f"build_template ({rows_in_file} rows)",
            timed(lambda: excel.build_template(clerk, zhonglou, years), repeat=3),
        ),
        (f"openpyxl: load_workbook(read_only) + iterate {rows_in_file} rows", reading),
        (f"read_upload: check {rows_in_file} rows", timed(check, repeat=7)),
        (f"read_upload(write=True): check + write {rows_in_file} drafts", importing),
        (
            f"export_values ({len(values)} values)",
            timed(lambda: excel.export_values(values, {}), repeat=3),
        ),
    ]
    print(machine())
    report("Excel", rows)
    print(f"\nqueries per check + write of {rows_in_file} rows: {sorted(set(queries))}")
    print(f"import/openpyxl ratio: {importing['median'] / reading['median']:.2f}")


if __name__ == "__main__":
    main()
