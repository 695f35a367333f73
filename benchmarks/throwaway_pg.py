"""A PostgreSQL server of one's own: initdb and pg_ctl on a free loopback port, in a temporary folder.

The outage test stops and starts it; the benchmarks measure against it. The shared server on port 5432 is
never touched. Running as root, the server runs as the ``postgres`` user (initdb refuses root).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

PG_BIN = next(iter(sorted(Path("/usr/lib/postgresql").glob("*/bin"), reverse=True)), None)


class Unavailable(RuntimeError):
    """The machine lacks what a throwaway server needs; the message says what."""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class ThrowawayPostgres:
    def __init__(self) -> None:
        if PG_BIN is None or not (PG_BIN / "initdb").exists():
            raise Unavailable(
                "needs PostgreSQL's server programs (initdb, pg_ctl): apt-get install postgresql"
            )
        self.prefix: list[str] = []
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                raise Unavailable("running as root needs runuser to start PostgreSQL as the postgres user")
            self.prefix = ["runuser", "-u", "postgres", "--"]
        self.folder = Path(tempfile.mkdtemp(prefix="welfare-pg-"))
        self.folder.chmod(0o755)
        self.data = self.folder / "data"
        self.data.mkdir()
        if self.prefix:
            shutil.chown(self.data, "postgres", "postgres")
            self.data.chmod(0o700)
        self.port = free_port()
        self.url = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"
        self._run(str(PG_BIN / "initdb"), "-D", str(self.data), "-A", "trust", "-U", "postgres", "--no-sync")

    def _run(self, *args: str, check: bool = True) -> None:
        subprocess.run([*self.prefix, *args], check=check, capture_output=True, text=True)  # noqa: S603

    def start(self) -> None:
        options = f"-p {self.port} -c listen_addresses=127.0.0.1 -k {self.data} -c fsync=off"
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-o", options,
                  "-l", str(self.data / "server.log"), "-w", "start")  # fmt: skip

    def stop(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop")

    def remove(self) -> None:
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "stop", check=False)
        shutil.rmtree(self.folder, ignore_errors=True)

    def __enter__(self) -> ThrowawayPostgres:
        self.start()
        return self

    def __exit__(self, *exc) -> None:
        self.remove()


@contextmanager
def postgres_or_sqlite(folder: str) -> Iterator[tuple[str, str]]:
    """A database to measure on: a throwaway PostgreSQL where the machine can run one, else a SQLite file
    in ``folder``. Yields its URL and the name to print."""
    try:
        server = ThrowawayPostgres()
    except Unavailable:
        yield f"sqlite:///{folder}/bench.db", "SQLite"
        return
    with server:
        yield server.url, "PostgreSQL"
