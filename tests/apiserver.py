"""A real `sanctions serve` process on 127.0.0.1 for the API tests, and a shared real store."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx

from sanctions.auth import create_key, revoke_key
from sanctions.ingest.load import load_paths
from sanctions.store import Store

START_TIMEOUT = 90.0  # seconds for the server to load the index and answer /readyz


def build_store(path: Path, data_dir: Path) -> Path:
    """The OFAC folder (SDN + consolidated) and the UN list: the base store of every test."""
    with Store(path) as store:
        load_paths(store, [data_dir / "ofac"])
        load_paths(store, [data_dir / "un" / "consolidated.xml"])
    return path


def copy_store(base: Path, dest: Path) -> Path:
    """A private copy, for tests that change the store (the base is closed, WAL folded in)."""
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(base, dest)
    return dest


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def new_key(db: Path, name: str) -> str:
    with Store(db) as store:
        return create_key(store, name, role="admin")


def revoke(db: Path, name: str) -> None:
    with Store(db) as store:
        revoke_key(store, name)


class ApiServer:
    """`sanctions serve` in a subprocess; `stop()` always ends it (fixture finalizers)."""

    def __init__(self, db: Path, *args: str, log: Path) -> None:
        self.db, self.port = db, free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.log_path = log
        self._log = log.open("wb")
        command = [
            sys.executable,
            "-c",
            "from sanctions.cli import main; main()",
            "serve",
            "--db",
            str(db),
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            *args,
        ]
        env = {**os.environ, "PYTHONWARNINGS": "ignore"}
        self.process = subprocess.Popen(
            command, stdout=self._log, stderr=subprocess.STDOUT, env=env
        )

    @classmethod
    def running(cls, db: Path, *args: str) -> Iterator[ApiServer]:
        """A ready server for a fixture to yield; stopped when the fixture ends."""
        api = cls(db, *args, log=db.with_suffix(".log"))
        try:
            yield api.wait_ready()
        finally:
            api.stop()

    def wait_ready(self) -> ApiServer:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {self.log_path.read_text()[-2000:]}")
            try:
                if httpx.get(self.base + "/readyz", timeout=2).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"server not ready in {START_TIMEOUT} s: {self.log_path.read_text()}")

    def client(self, key: str | None = None, timeout: float = 30.0) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=self.base, headers=headers, timeout=timeout)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=5)
        self._log.close()
