"""What sealing the store costs, and the two ways of sealing compared (docs/architecture.md,
"Personal data sealed at rest"), every figure beside its baseline from the same run:

    .venv/bin/python -m bench.sealed [--cases 1000000] [--repeat 300] [--dir DIR]

- a durable case save (tick a material) on a sealed store vs the same on a plain one, timed
  alternately (target ≤ 1.3×), and what field encryption would add to a plain save (AES-GCM of
  the three personal fields and an HMAC of the ID number);
- opening a store (connect, key, pragmas, first read), importing the driver, the keyring;
- on `--cases` cases: look-up by ID number (the indexed `id_history`, the F12 search that also
  matches names and ID suffixes), sealed vs plain; and the field-encryption alternative: an
  HMAC index for the exact number, but a name or ID-suffix search must decrypt every row;
- the store's size, and the driver's size in an installation (the bundle grows by as much).

Not a test: it prints figures and never fails on them.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import os
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from functools import partial
from pathlib import Path

from bench.core import _applicant, fill_cases, line, paired, timed
from counterapp import case_search, store_key
from counterapp.app import Counter
from counterapp.clock import CST, FixedClock
from counterapp.demo import DEMO_STATION
from counterapp.memory_keyring import in_memory_keyring
from counterapp.station import add_clerk
from db import files
from db.store import Store, connect


def _clock() -> FixedClock:
    from datetime import datetime

    return FixedClock(datetime(2026, 11, 25, 8, 30, tzinfo=CST))


def bench_save(folder: Path, repeat: int) -> None:
    """The same case save on a sealed and a plain store, alternately."""
    counters = {}
    for name, key in (("plain", None), ("sealed", secrets.token_bytes(32))):
        counter = Counter(Store(folder / f"{name}.db", key), _clock())
        counter.configure_station(DEMO_STATION)
        clerk = add_clerk(counter.store, "9001", "测试", counter.clock).id
        cases = iter(
            [
                counter.cases.open_case(_applicant(n), ["YB0301", "YB0302"], clerk)
                for n in range(repeat)
            ]
        )
        counters[name] = (counter, clerk, cases)

    def save(name: str) -> None:
        counter, clerk, cases = counters[name]
        counter.cases.mark_material(next(cases).id, "identity", True, clerk)

    plain, sealed = paired(lambda: save("plain"), lambda: save("sealed"), repeat)
    print("durable case save (tick a material), WAL + synchronous=FULL, alternately:")
    line("  plain store", plain)
    line("  sealed store (SQLCipher)", sealed, plain, "≤ 1.3×")
    field_cost = _field_encryption_cost(repeat)
    line(
        "  plain + field encryption (AES-GCM ×3, HMAC)",
        [p + field_cost for p in plain],
        plain,
        "≤ 1.3×",
    )
    for counter, _, _ in counters.values():
        counter.close()


def _field_encryption_cost(repeat: int) -> float:
    """Milliseconds to seal one applicant's three fields and index the ID number."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, index_key = AESGCM(secrets.token_bytes(32)), secrets.token_bytes(32)
    person = _applicant(1)

    def seal() -> None:
        for value in (person.name, person.id_number, person.phone):
            aead.encrypt(os.urandom(12), value.encode(), b"cases")
        hmac.new(index_key, person.id_number.encode(), hashlib.sha256).digest()

    samples = sorted(timed(seal, repeat))
    return samples[len(samples) // 2]


def bench_open(folder: Path, repeat: int) -> None:
    print("opening a store (connect, key, pragmas, first read):")
    key = secrets.token_bytes(32)
    for name, k in (("plain", None), ("sealed", key)):
        Store(folder / f"open-{name}.db", k).close()

    def opening(name: str, k: bytes | None) -> None:
        conn = connect(folder / f"open-{name}.db", k)
        conn.execute("SELECT count(*) FROM cases").fetchone()
        conn.close()

    plain, sealed = paired(lambda: opening("plain", None), lambda: opening("sealed", key), repeat)
    line("  plain store", plain)
    line("  sealed store", sealed, plain)
    for module in ("sqlite3", "sqlcipher3", "keyring"):
        line(f"  import {module} (fresh process)", [_import_ms(module) for _ in range(5)])


def _import_ms(module: str) -> float:
    code = (
        f"import time; t = time.perf_counter(); import {module}; "
        f"{'keyring.get_keyring(); ' if module == 'keyring' else ''}"
        "print((time.perf_counter() - t) * 1000)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(done.stdout)


def bench_lookup(folder: Path, total: int) -> None:
    """ID look-ups on `total` cases, sealed and plain, and the field-encryption alternative."""
    sealed_path = folder / "ledger-sealed.db"
    started = time.perf_counter()
    fill_cases(sealed_path, total)
    print(
        f"generated {total:,} cases in {time.perf_counter() - started:.1f} s; sealed store "
        f"{sealed_path.stat().st_size / 1e6:.1f} MB"
    )
    plain_path = folder / "ledger-plain.db"
    conn = files.keyed(plain_path, None)
    key = store_key.load(sealed_path)
    assert key is not None
    conn.execute(
        f"ATTACH DATABASE ? AS sealed KEY \"x'{key.hex()}'\"", (str(sealed_path),)
    )  # the same rows, unsealed (sqlcipher_export's inverse)
    conn.execute("SELECT sqlcipher_export('main', 'sealed')")
    conn.execute(
        "PRAGMA main.user_version = "
        + str(conn.execute("PRAGMA sealed.user_version").fetchone()[0])
    )
    conn.close()
    print(f"plain copy {plain_path.stat().st_size / 1e6:.1f} MB")
    wanted = [_applicant(n).id_number for n in range(total // 20, total, total // 20)]
    with (
        Counter(Store(plain_path), _clock()) as plain,
        Counter(store_key.open_store(sealed_path), _clock()) as sealed,
    ):
        searches: list[tuple[str, Callable[[Store, str], object]]] = [
            ("id_history (indexed)", case_search.id_history),
            ("F12 search by ID (names, suffixes too)", case_search.search),
        ]
        for name, call in searches:
            it_plain, it_sealed = iter(wanted), iter(wanted)
            base, measured = paired(
                partial(_next, call, plain.store, it_plain),
                partial(_next, call, sealed.store, it_sealed),
                len(wanted),
            )
            line(f"  {name}, plain", base)
            line(f"  {name}, sealed", measured, base)
    _field_alternative(folder, total, wanted)


def _next(call: Callable[[Store, str], object], store: Store, numbers: Iterator[str]) -> None:
    call(store, next(numbers))


def _field_alternative(folder: Path, total: int, wanted: list[str]) -> None:
    """Field encryption: each personal field AES-GCM sealed, the ID number also as an HMAC
    with an index. An exact number is found by its HMAC; a name or the last digits of a
    number only by decrypting every row."""
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead, index_key = AESGCM(secrets.token_bytes(32)), secrets.token_bytes(32)
    conn = connect(folder / "fields.db")
    conn.execute(
        "CREATE TABLE people (id INTEGER PRIMARY KEY, id_index BLOB, name BLOB, "
        "id_number BLOB, phone BLOB)"
    )
    conn.execute("PRAGMA synchronous = OFF")

    def seal(value: str) -> bytes:
        nonce = os.urandom(12)
        return nonce + aead.encrypt(nonce, value.encode(), None)

    def index(number: str) -> bytes:
        return hmac.new(index_key, number.encode(), hashlib.sha256).digest()[:16]

    started = time.perf_counter()
    conn.execute("BEGIN")
    rows = []
    for n in range(1, total + 1):
        person = _applicant(n)
        rows.append(
            (index(person.id_number), seal(person.name), seal(person.id_number), seal(person.phone))
        )
        if len(rows) >= 20000 or n == total:
            conn.executemany(
                "INSERT INTO people (id_index, name, id_number, phone) VALUES (?, ?, ?, ?)", rows
            )
            rows = []
    conn.execute("CREATE INDEX people_by_index ON people (id_index)")
    conn.execute("COMMIT")
    print(
        f"field encryption: {total:,} rows sealed and indexed in "
        f"{time.perf_counter() - started:.1f} s"
    )

    def exact(number: str) -> list[str]:
        return [
            aead.decrypt(row[0][:12], row[0][12:], None).decode()
            for row in conn.execute("SELECT name FROM people WHERE id_index = ?", (index(number),))
        ]

    it = iter(wanted)
    line("  exact ID by HMAC index + decrypt", timed(lambda: exact(next(it)), len(wanted)))

    def scan() -> int:
        found = 0
        for (blob,) in conn.execute("SELECT name FROM people"):
            if "测试9" in aead.decrypt(blob[:12], blob[12:], None).decode():
                found += 1
        return found

    line("  name or ID-suffix search: decrypt every row", timed(scan, 3))
    conn.close()


def bench_size() -> None:
    import sqlcipher3

    folder = Path(sqlcipher3.__file__).parent
    size = sum(p.stat().st_size for p in folder.rglob("*") if p.is_file())
    print(f"sqlcipher3 installed: {size / 1e6:.1f} MB ({folder}); the bundle grows by as much")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m bench.sealed",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--cases", type=int, default=1_000_000)
    parser.add_argument("--repeat", type=int, default=300)
    parser.add_argument("--dir", help="scratch folder (default: the system temp folder)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(dir=args.dir) as scratch:
        folder = Path(scratch)
        print(f"benchmark folder: {folder} (figures in milliseconds)")
        bench_save(folder, args.repeat)
        bench_open(folder, 50)
        bench_size()
        bench_lookup(folder, args.cases)


if __name__ == "__main__":
    with in_memory_keyring():  # store keys in memory: the PC's keyring is never touched
        main()
