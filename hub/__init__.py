"""The county hub (县医疗保障经办中心): receives every station's records, serves the county's
catalogue and its decisions on forwarded cases, and the county staff's workbench (`hub.web`,
/county/). Its own deployable; never imports Qt.

    python -m hub serve --db postgresql://…   # the HTTP API and the workbench (uvicorn)
    python -m hub.admin --help                # stations, staff, catalogue, decisions, files
"""

import os

DB_ENV = "COUNTERAPP_HUB_DB"
DEFAULT_DB = "sqlite:///hub.db"


def database_url(given: str | None = None) -> str:
    return given or os.environ.get(DB_ENV) or DEFAULT_DB
