"""Size and cold start of the built bundle, next to the source program, in the same run.

    QT_QPA_PLATFORM=offscreen .venv/bin/python packaging/bench_bundle.py [--runs 5] [--bundle DIR]

`python3 dev.py bundle` runs it after the self-test. Cold start is the time from launch to a
usable counter window on a demo store (`--exit-when-ready`), measured for `python main.py` and
for the bundle's `counterapp` alternately, so machine noise hits both alike. Targets: the
bundle ≤ 150 MB unpacked and its cold start ≤ 1.2× the source program's.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.window import _launch  # noqa: E402 - the window benchmark's launcher

SIZE_TARGET_MB = 150
START_TARGET = 1.2


def size_mb(folder: Path) -> float:
    """Unpacked size as `du` counts it (allocated blocks where the system has them)."""
    total = 0
    for path in folder.rglob("*"):
        if path.is_file() and not path.is_symlink():
            stat = path.lstat()
            if sys.platform == "win32":
                total += stat.st_size
            else:
                total += stat.st_blocks * 512
    return total / 2**20


def bench_start(bundle: Path, runs: int) -> None:
    env = dict(os.environ)
    env.setdefault("QT_QPA_PLATFORM", "offscreen")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # the source program starts from compiled bytecode
    exe = bundle / ("counterapp.exe" if os.name == "nt" else "counterapp")
    with tempfile.TemporaryDirectory() as data:
        args = ["--demo", "--data-dir", data, "--clerk", "1001", "--exit-when-ready"]
        source = [sys.executable, str(ROOT / "main.py"), *args]
        _launch(source, env)  # seeds the demo store (Faker is not in the bundle), compiles .pyc
        _launch([str(exe), *args], env)  # first touch of the bundle's files: not counted
        timings: dict[str, list[float]] = {"python main.py": [], "bundle counterapp": []}
        for _ in range(runs):
            timings["python main.py"].append(_launch(source, env)[0])
            timings["bundle counterapp"].append(_launch([str(exe), *args], env)[0])
    medians = {name: statistics.median(values) for name, values in timings.items()}
    for name, median in medians.items():
        print(f"cold start {name:<20} median {median * 1000:6.0f} ms to usable ({runs} runs)")
    ratio = medians["bundle counterapp"] / medians["python main.py"]
    print(
        f"cold start ratio bundle/source    {ratio:4.2f}×   (target ≤ {START_TARGET}×; "
        f"platform {env['QT_QPA_PLATFORM']})"
    )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=5, help="cold starts of each program")
    parser.add_argument(
        "--bundle",
        type=Path,
        default=ROOT / "dist" / "counterapp",
        help="the bundle folder (default: dist/counterapp)",
    )
    args = parser.parse_args(argv)
    print(f"bundle size {size_mb(args.bundle):6.1f} MB unpacked   (target ≤ {SIZE_TARGET_MB} MB)")
    if os.name == "nt":  # a Windows GUI executable has no stdout to report "ready" on
        print("cold start: measured on Linux only")
        return
    bench_start(args.bundle, args.runs)


if __name__ == "__main__":
    main()
