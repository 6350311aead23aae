"""A real PostgreSQL server for the tests, and a fresh database in it for each test.

`SANCTIONS_TEST_PG_URL` names a server to use (its database is only used to create
others). Without it, `PgServer.start` runs `initdb` and `pg_ctl start` as the postgres user
into a temporary folder, on a free loopback port with trust authentication, and `stop`
stops it. No PostgreSQL binaries: the tests skip with the reason, unless
`SANCTIONS_REQUIRE_PG` is set (CI), then they fail.
"""

from __future__ import annotations

import glob
import itertools
import os
import shutil
import socket
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest


def _binaries() -> Path | None:
    """The newest PostgreSQL bin folder holding initdb and pg_ctl, if any."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_major)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb and shutil.which("pg_ctl") else None


def _major(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def unavailable(reason: str) -> None:
    """Skip, or fail when SANCTIONS_REQUIRE_PG is set."""
    if os.environ.get("SANCTIONS_REQUIRE_PG"):
        pytest.fail(f"SANCTIONS_REQUIRE_PG is set but {reason}")
    pytest.skip(reason)


def _as_postgres(*args: str) -> list[str]:
    """A command run as the postgres user when we are root (initdb refuses root)."""
    if os.geteuid() != 0:
        return list(args)
    runuser = shutil.which("runuser")
    return (
        [runuser, "-u", "postgres", "--", *args]
        if runuser
        else ["su", "postgres", "-c", " ".join(args)]
    )


@dataclass
class PgServer:
    """A server and how to reach it; `database()` makes a fresh database and its URL."""

    admin_url: str
    folder: Path | None = None  # set when this process started the server
    bin_dir: Path | None = None
    _names: itertools.count[int] = field(default_factory=itertools.count)

    @classmethod
    def start(cls) -> PgServer:
        if url := os.environ.get("SANCTIONS_TEST_PG_URL"):
            return cls(url)
        try:
            import psycopg  # noqa: F401
        except ImportError:
            unavailable("psycopg is not installed (pip install -e '.[postgres]')")
        bin_dir = _binaries()
        if bin_dir is None:
            unavailable("PostgreSQL binaries (initdb, pg_ctl) not found")
        assert bin_dir is not None
        folder = Path(tempfile.mkdtemp(prefix="sanctions-pg-"))
        if os.geteuid() == 0:
            shutil.chown(folder, "postgres")
        data, port = folder / "data", _free_port()
        try:
            subprocess.run(
                _as_postgres(
                    str(bin_dir / "initdb"),
                    "-D",
                    str(data),
                    "-U",
                    "postgres",
                    "-A",
                    "trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ),
                check=True,
                capture_output=True,
                text=True,
            )
            options = f"-k {folder} -p {port} -c listen_addresses=127.0.0.1 -c fsync=off"
            subprocess.run(
                _as_postgres(
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-l",
                    str(folder / "log"),
                    "-w",
                    "-o",
                    options,
                    "start",
                ),
                check=True,
                capture_output=True,
                text=True,
            )
        except subprocess.CalledProcessError as exc:
            shutil.rmtree(folder, ignore_errors=True)
            unavailable(f"could not start PostgreSQL: {exc.stderr or exc.stdout}")
        return cls(f"postgresql://postgres@127.0.0.1:{port}/postgres", folder, bin_dir)

    def stop(self) -> None:
        if self.folder is None or self.bin_dir is None:
            return
        subprocess.run(
            _as_postgres(
                str(self.bin_dir / "pg_ctl"),
                "-D",
                str(self.folder / "data"),
                "-m",
                "fast",
                "-w",
                "stop",
            ),
            capture_output=True,
            check=False,
        )
        shutil.rmtree(self.folder, ignore_errors=True)

    def url_of(self, name: str) -> str:
        return urlunsplit(urlsplit(self.admin_url)._replace(path="/" + name))

    def database(self, label: str = "t", *, template: str | None = None) -> str:
        """CREATE DATABASE a new, empty database (or a copy of `template`'s, a database
        URL nobody is connected to); its URL."""
        import psycopg

        name = f"sanctions_{os.getpid()}_{next(self._names)}_{label}"[:63].lower()
        name = "".join(c if c.isalnum() or c == "_" else "_" for c in name)
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            source = urlsplit(template).path.lstrip("/") if template else "template0"
            conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{source}" ENCODING \'UTF8\'')
        return self.url_of(name)

    def drop(self, url: str) -> None:
        import psycopg

        name = urlsplit(url).path.lstrip("/")
        with psycopg.connect(self.admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
