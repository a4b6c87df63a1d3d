"""Catalogue versions in the station store: import (atomic, all-or-nothing), activate, load.

The county defines the catalogue (六统一) and pushes new versions down; the shipped default is
imported on first start. A bad catalogue is rejected whole, with every problem listed, and the
active one stays as it was. Old versions are kept because cases remember the version they were
opened under.
"""

from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path
from typing import Any

from counterapp import journal
from counterapp.catalogue import (
    Catalogue,
    CatalogueInvalid,
    Problem,
    default_catalogue_dir,
    load_directory,
    parse_document,
)
from counterapp.clock import Clock, stamp
from db.store import Store


def _canonical(catalogue: Catalogue) -> str:
    return json.dumps(catalogue.to_document(), ensure_ascii=False, sort_keys=True)


@lru_cache(maxsize=8)
def _parse_stored(document: str, version: str) -> Catalogue:
    """Stored versions were validated on import; parsing one again is cached per process."""
    return parse_document(json.loads(document), f"store:{version}")


def read_source(path: Path) -> Catalogue:
    """A catalogue from a directory of TOML files or from one JSON document."""
    if path.is_dir():
        return load_directory(path)
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise CatalogueInvalid([Problem(path.name, "", f"cannot read JSON: {exc}")]) from exc
    if not isinstance(document, dict):
        raise CatalogueInvalid([Problem(path.name, "", "the document must be a JSON object")])
    return parse_document(document, path.name)


def import_catalogue(store: Store, catalogue: Catalogue, source: str, clock: Clock) -> Catalogue:
    """Store `catalogue` (already validated) and make it the active version, in one transaction.

    Re-importing the same version with the same content only re-activates it; the same version
    number with different content is refused, since a printed slip names the version.
    """
    import hashlib  # loads OpenSSL (~5 ms); only an import needs it, not the window's start

    canonical = _canonical(catalogue)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    existing = store.one(
        "SELECT sha256 FROM catalogue_versions WHERE version = ?", (catalogue.version,)
    )
    if existing is not None and existing["sha256"] != digest:
        raise CatalogueInvalid(
            [
                Problem(
                    source,
                    "",
                    (
                        f"version {catalogue.version!r} is already stored with different content; "
                        "a changed catalogue needs a new version number"
                    ),
                )
            ]
        )
    now = stamp(clock.now())
    with store.transaction():
        if existing is None:
            store.insert(
                "catalogue_versions",
                {
                    "version": catalogue.version,
                    "issuer": catalogue.issuer,
                    "is_default": int(catalogue.is_default),
                    "published": catalogue.published.isoformat(),
                    "document": canonical,
                    "sha256": digest,
                    "source": source,
                    "imported_at": now,
                },
            )
        store.execute("UPDATE catalogue_versions SET active = 0 WHERE active = 1")
        store.execute(
            "UPDATE catalogue_versions SET active = 1 WHERE version = ?", (catalogue.version,)
        )
        journal.record(
            store,
            subject="catalogue",
            subject_uuid=catalogue.version,
            kind="activated",
            at=now,
            data={"source": source, "sha256": digest},
        )
    return catalogue


def import_path(store: Store, path: Path, clock: Clock) -> Catalogue:
    """Validate a catalogue file or directory, then import it. Raises CatalogueInvalid."""
    return import_catalogue(store, read_source(path), str(path), clock)


def active_catalogue(store: Store) -> Catalogue | None:
    row = store.one("SELECT version, document FROM catalogue_versions WHERE active = 1")
    return None if row is None else _parse_stored(row["document"], row["version"])


def catalogue_version(store: Store, version: str) -> Catalogue:
    row = store.one("SELECT document FROM catalogue_versions WHERE version = ?", (version,))
    if row is None:
        raise KeyError(f"catalogue version {version!r} is not in this store")
    return _parse_stored(row["document"], version)


def stored_versions(store: Store) -> list[dict[str, Any]]:
    rows = store.all(
        "SELECT version, issuer, is_default, published, source, imported_at, active "
        "FROM catalogue_versions ORDER BY id"
    )
    return [dict(row) for row in rows]


# The version of the default catalogue in resources/catalogue/ (a test keeps the two equal).
# Compared at every start, so the shipped files are read only when they are newer.
SHIPPED_DEFAULT_VERSION = "default-2026.2"


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"[0-9]+", version))


def ensure_catalogue(store: Store, clock: Clock) -> Catalogue:
    """The active catalogue. On a new store the shipped default is imported first; a store
    still on an older shipped default takes this program's newer one (a county catalogue,
    once pushed, is never replaced this way)."""
    active = active_catalogue(store)
    if active is not None and not (
        active.is_default and _version_key(SHIPPED_DEFAULT_VERSION) > _version_key(active.version)
    ):
        return active
    return import_catalogue(
        store, load_directory(default_catalogue_dir()), "shipped default", clock
    )
