"""Benchmark of slip rendering, next to a bare reportlab page made in the same run.

    .venv/bin/python -m bench.slips [--runs 40]

The figure is one whole one-time notice with its QR code as the window makes it (case read,
facts, verification code, layout, PDF with embedded font subsets); spooling is excluded. The
baseline is a bare reportlab canvas that draws the very same text lines in the same fonts
(including the fallback font for rare characters) and saves a compressed PDF. The two are
timed alternately so machine noise hits both alike; the notice's CPU time is shown too, as a
figure that other processes on the machine disturb less. Target (issue 6): ≤ 50 ms median.
"""

from __future__ import annotations

import argparse
import io
import statistics
import tempfile
import time
from collections.abc import Callable
from functools import partial
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.pdfgen.canvas import Canvas

from bench.slip_sample import open_sample
from counterapp.memory_keyring import in_memory_keyring
from counterapp.slips.fonts import slip_fonts
from counterapp.slips.layout import Layout
from counterapp.slips.raster import page_texts
from counterapp.slips.service import prepare_notice

TARGET_MS = 50.0


def bare_page(lines: list[str]) -> bytes:
    """The baseline: the same lines drawn with drawString in the slip fonts, nothing else."""
    fonts = slip_fonts()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=A4, invariant=True)
    y = A4[1] - 40
    for text in lines:
        if y < 40:
            canvas.showPage()
            y = A4[1] - 40
        x = 40.0
        for font, run in fonts.runs(text):
            canvas.setFont(font, 9)
            canvas.drawString(x, y, run)
            x += canvas.stringWidth(run, font, 9)
        y -= 12
    canvas.save()
    return buffer.getvalue()


def _time(action: Callable[[], object], cpu: list[float] | None = None) -> float:
    """Wall-clock milliseconds of one call; its CPU milliseconds are appended to `cpu`."""
    started, started_cpu = time.perf_counter(), time.process_time()
    action()
    if cpu is not None:
        cpu.append((time.process_time() - started_cpu) * 1000)
    return (time.perf_counter() - started) * 1000


def bench_slips(runs: int = 40, *, quiet: bool = False) -> dict[str, float]:
    """Median milliseconds of a notice per layout and of the bare page; prints the figures."""
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        sample = open_sample(Path(folder) / "bench.db")
        try:
            for layout in Layout:

                def notice(layout: Layout = layout) -> bytes:
                    return prepare_notice(
                        sample.counter, sample.notice_case_id, layout, clerk_id=sample.clerk_id
                    ).pdf

                lines = [line for page in page_texts(notice()) for line in page.splitlines()]
                bare_page(lines)  # warm up both paths (fonts, caches)
                notice_ms: list[float] = []
                bare_ms: list[float] = []
                cpu_ms: list[float] = []
                for _ in range(runs):
                    notice_ms.append(_time(notice, cpu_ms))
                    bare_ms.append(_time(partial(bare_page, lines)))
                results[f"notice_{layout}"] = statistics.median(notice_ms)
                results[f"bare_{layout}"] = statistics.median(bare_ms)
                results[f"cpu_{layout}"] = statistics.median(cpu_ms)
                if not quiet:
                    median, base = results[f"notice_{layout}"], results[f"bare_{layout}"]
                    p95 = sorted(notice_ms)[max(0, int(runs * 0.95) - 1)]
                    verdict = "ok" if median <= TARGET_MS else "OVER TARGET"
                    print(
                        f"notice with QR, {layout.value:<6} median {median:6.1f} ms "
                        f"(cpu {results[f'cpu_{layout}']:5.1f} ms)  p95 {p95:6.1f} ms   "
                        f"bare reportlab page, same text and fonts {base:6.1f} ms = "
                        f"{median / base:4.2f}×   target ≤ {TARGET_MS:.0f} ms {verdict}"
                    )
        finally:
            sample.counter.close()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description="slip rendering benchmark")
    parser.add_argument("--runs", type=int, default=40)
    bench_slips(parser.parse_args().runs)


if __name__ == "__main__":
    with in_memory_keyring():  # store keys in memory: the PC's keyring is never touched
        main()
