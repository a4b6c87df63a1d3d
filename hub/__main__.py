"""`python -m hub serve`: run the hub's HTTP API and the county workbench with uvicorn.

Production runs it behind a reverse proxy that ends TLS (packaging/hub/); it listens on the
loopback address by default and trusts the proxy's X-Forwarded-Proto from there only, so the
workbench's cookies are Secure exactly when the browser came over HTTPS.
"""

from __future__ import annotations

import argparse
import logging

from hub import database_url
from hub.admin import add_sealing_key_option


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m hub")
    commands = parser.add_subparsers(dest="command", required=True)
    serve = commands.add_parser("serve", help="run the HTTP API")
    serve.add_argument("--db", help="sqlite:///path or postgresql://… (or COUNTERAPP_HUB_DB)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8470)
    add_sealing_key_option(serve)
    args = parser.parse_args(argv)

    import uvicorn

    from hub.app import create_app
    from hub.db import Database

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(Database(database_url(args.db), sealing_key=args.sealing_key))
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="warning",
        access_log=False,
        proxy_headers=True,
        forwarded_allow_ips="127.0.0.1",
    )


if __name__ == "__main__":
    main()
