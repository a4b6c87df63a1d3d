"""The workbench's static files, served by the hub itself (county intranets may have no
internet, so no CDN): its own stylesheet and script (`static/`, in the repository) and the two
JavaScript packages from npm (`VENDOR`).

The npm packages are never kept in the repository: `python3 dev.py` installs them with
`npm ci` into `packaging/hub/node_modules` (`package-lock.json`, integrity-checked), where a
checkout's hub finds them; the hub's wheel carries copies under `hub/web/vendor/`, made by its
build (`packaging/hub/pyproject.toml` names the same files; a test checks both lists agree).
Without them the pages still work, without their partial updates and charts.

URLs carry a digest of the file (`?v=`), so a browser keeps a file for a year and fetches the
new one as soon as it changes.
"""

from __future__ import annotations

import hashlib
import mimetypes
from functools import cache
from pathlib import Path

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import FileResponse

PREFIX = "/county"
STATIC = Path(__file__).parent / "static"
PACKAGED = Path(__file__).parent / "vendor"
NODE_MODULES = Path(__file__).resolve().parents[2] / "packaging" / "hub" / "node_modules"
# the file's name as the hub serves it → its path in node_modules
VENDOR = {
    "htmx.min.js": "htmx.org/dist/htmx.min.js",
    "htmx.LICENSE": "htmx.org/LICENSE",
    "echarts.min.js": "echarts/dist/echarts.simple.min.js",
    "echarts.LICENSE": "echarts/LICENSE",
    "echarts.NOTICE": "echarts/NOTICE",
    "zrender.LICENSE": "zrender/LICENSE",
}
FOREVER = "public, max-age=31536000, immutable"

router = APIRouter(include_in_schema=False)


def vendor_file(name: str) -> Path | None:
    """Where a vendor file is: in the installed wheel, else in a checkout's node_modules."""
    if name not in VENDOR:
        return None
    for path in (PACKAGED / name, NODE_MODULES / VENDOR[name]):
        if path.is_file():
            return path
    return None


def static_file(name: str) -> Path | None:
    path = STATIC / name
    return path if "/" not in name and not name.startswith(".") and path.is_file() else None


@cache
def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()[:12]


def url(name: str) -> str:
    """The URL of a static or vendor file, with its digest."""
    kind, path = ("vendor", vendor_file(name)) if name in VENDOR else ("static", static_file(name))
    base = f"{PREFIX}/{kind}/{name}"
    return f"{base}?v={_digest(path)}" if path is not None else base


def _serve(request: Request, path: Path | None) -> FileResponse:
    if path is None:
        raise HTTPException(404, "no such file")
    media = mimetypes.guess_type(path.name)[0] or "text/plain"
    fresh = request.query_params.get("v") == _digest(path)
    return FileResponse(
        path, media_type=media, headers={"Cache-Control": FOREVER if fresh else "no-cache"}
    )


@router.get(PREFIX + "/static/{name}")
def own(request: Request, name: str) -> FileResponse:
    return _serve(request, static_file(name))


@router.get(PREFIX + "/vendor/{name}")
def vendor(request: Request, name: str) -> FileResponse:
    return _serve(request, vendor_file(name))
