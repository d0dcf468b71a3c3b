"""Excel round trip for a department: building its template, checking and writing an upload
of about 1,000 rows, and exporting the values.

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

    from django.db import transaction
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

    def check():
        return excel.read_upload(io.BytesIO(upload), clerk, zhonglou)

    def check_and_write_then_undo():
        report_ = check()
        assert report_.ok, report_.problems[:3]
        with transaction.atomic():
            excel.apply_upload(report_, clerk, zhonglou)
            transaction.set_rollback(True)

    rows_in_file = ws.max_row - 1
    values = list(selectors.values_for_user(clerk))
    rows = [
        (
            f"build_template ({rows_in_file} rows)",
            timed(lambda: excel.build_template(clerk, zhonglou, years), repeat=5),
        ),
        (f"read_upload: check {rows_in_file} rows", timed(check, repeat=5)),
        (
            f"read_upload + apply_upload: {rows_in_file} drafts, one transaction",
            timed(check_and_write_then_undo, repeat=3, warmup=1),
        ),
        (
            f"export_values ({len(values)} values)",
            timed(lambda: excel.export_values(values, {}), repeat=5),
        ),
    ]
    print(machine())
    report("Excel", rows)


if __name__ == "__main__":
    main()
