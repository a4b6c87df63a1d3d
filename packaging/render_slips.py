"""Render every slip kind in both layouts to PNG files in docs/slips/.

    .venv/bin/python packaging/render_slips.py [--out docs/slips]

A sample station and cases are built in a temporary store (see bench/slip_sample.py), so
this never touches real data. A4 pages are rendered at 110 dpi, roll slips at the thermal
printers' 203 dpi (576 dots of printable width).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.slip_sample import open_sample  # noqa: E402 - after the path set-up
from counterapp.slips import (  # noqa: E402
    Layout,
    prepare_notice,
    prepare_receipt,
    prepare_ticket,
    record_print,
)
from counterapp.slips.raster import render_pages  # noqa: E402
from counterapp.slips.worst_case import worst_notice  # noqa: E402

DPI = {Layout.A4: 110, Layout.ROLL_80: 203}


def render(out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    with tempfile.TemporaryDirectory() as folder:
        sample = open_sample(Path(folder) / "sample.db")
        counter, clerk = sample.counter, sample.clerk_id
        slips = {}
        for layout in Layout:
            slips[f"notice-{layout}"] = prepare_notice(
                counter, sample.notice_case_id, layout, clerk_id=clerk
            )
            slips[f"receipt-{layout}"] = prepare_receipt(
                counter, sample.receipt_case_id, layout, clerk_id=clerk
            )
            slips[f"ticket-{layout}"] = prepare_ticket(counter, sample.ticket_id, layout)
        record_print(counter, slips["notice-a4"].pending)
        slips["notice-reprint-roll80"] = prepare_notice(
            counter,
            sample.notice_case_id,
            Layout.ROLL_80,
            clerk_id=clerk,
            reprint_reason="申请人遗失原告知单",
        )
        pdfs = {name: (slip.pdf, slip.pending.layout) for name, slip in slips.items()}
        # the largest notice there is (the self-test's); its roll is 1.7 m long, so A4 only
        pdfs["notice-worst-a4"] = (worst_notice(counter, clerk, Layout.A4).pdf, Layout.A4)
        counter.close()
        for name, (pdf, layout) in pdfs.items():
            pages = render_pages(pdf, DPI[layout])
            for number, image in enumerate(pages, start=1):
                suffix = f"-p{number}" if len(pages) > 1 else ""
                path = out / f"{name}{suffix}.png"
                image.save(path, optimize=True)
                written.append(path)
    return written


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "docs" / "slips")
    args = parser.parse_args()
    for path in render(args.out):
        print(path)


if __name__ == "__main__":
    main()
