"""Regenerate golden files on purpose (the tests never do):

    python -m tests.golden formats        the sync batch, ack, USB files and slip codes
                                          (tests/data/golden) from today's code
    python -m tests.golden store 2 5 6 7 8 9 10 11  schema-0002, 0005-0011 (tests/data/stores)

A golden format file that changes means the format changed: a station or hub already in use,
a USB file on a stick or a printed slip may no longer be understood. Say in the commit why
it is compatible (see tests/data/golden/README.md) or give the format a new version number.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from counterapp import workdays
from tests.conftest import LIBRARY_YEARS


def regenerate_formats() -> None:
    from tests.golden import formats

    workdays.pin_library_years(LIBRARY_YEARS)  # the years the tests see
    with tempfile.TemporaryDirectory() as scratch:
        changed = formats.write_all(formats.make_all(Path(scratch)))
    for path in changed:
        print(f"rewrote {path}")
    if changed:
        print("a golden format file changed: this is a format change (tests/data/golden/README.md)")
    else:
        print("the golden format files are unchanged")


def main(argv: list[str]) -> int:
    if argv[:1] == ["formats"] and len(argv) == 1:
        regenerate_formats()
        return 0
    if argv[:1] == ["store"] and len(argv) > 1 and all(arg.isdigit() for arg in argv[1:]):
        from tests.golden.stores import make_store

        for version in map(int, argv[1:]):
            print(f"made {make_store(version)}")
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
