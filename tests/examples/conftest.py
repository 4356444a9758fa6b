"""Real services for the library's examples: a throwaway PostgreSQL, tsc and node, cargo.

Each fixture skips its tests with the install command when its tool is missing, so a machine
without them still runs the fast suite; ``.ci/examples`` installs them and runs ``-m examples``.
"""

from __future__ import annotations

import itertools
import os
import pwd
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

SERVER_START_S = 60


def _pg_bindir() -> Path | None:
    """Where initdb and pg_ctl live: on PATH, or Debian's versioned folder (newest first)."""
    initdb = shutil.which("initdb")
    if initdb:
        return Path(initdb).resolve().parent
    versions = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]))
    return versions[-1].parent if versions else None


def _as_server_user(base: Path) -> list[str]:
    """PostgreSQL refuses to run as root: then run it as Debian's ``postgres`` account."""
    if os.geteuid() != 0:
        return []
    try:
        account = pwd.getpwnam("postgres")
    except KeyError:
        pytest.skip("running as root and no 'postgres' account to run the server: apt-get install postgresql")
    os.chown(base, account.pw_uid, account.pw_gid)
    return ["runuser", "-u", "postgres", "--"]


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[str]:
    """A PostgreSQL server in a temporary folder, reachable only on a Unix socket there."""
    bindir = _pg_bindir()
    if bindir is None:
        pytest.skip("PostgreSQL server binaries (initdb, pg_ctl) not found: apt-get install postgresql")
    base = Path(tempfile.mkdtemp(prefix="warden-pg-"))
    try:
        as_user = _as_server_user(base)
        data, log = base / "data", base / "server.log"
        subprocess.run([*as_user, str(bindir / "initdb"), "-D", str(data), "-A", "trust", "-U", "postgres",
                        "--no-sync", "-E", "UTF8", "--locale", "C"], check=True, capture_output=True)
        options = f"-k {base} -c listen_addresses='' -c fsync=off -c full_page_writes=off"
        started = subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-l", str(log), "-o", options,
                                  "-w", "-t", str(SERVER_START_S), "start"], capture_output=True, text=True)
        if started.returncode != 0:
            pytest.fail(f"PostgreSQL did not start: {started.stderr}{log.read_text() if log.exists() else ''}")
        try:
            yield f"postgresql://postgres@/postgres?host={base}"
        finally:
            subprocess.run([*as_user, str(bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "stop"],
                           capture_output=True)
    finally:
        shutil.rmtree(base, ignore_errors=True)


_numbers = itertools.count()


@pytest.fixture
def database_url(postgres_server: str) -> str:
    """A fresh, empty database on the session's server, so examples never see each other's tables."""
    psycopg = pytest.importorskip("psycopg", reason="pip install '.[examples]' for the database examples")
    name = f"example_{next(_numbers)}"
    with psycopg.connect(postgres_server, autocommit=True) as conn:
        conn.execute(f"CREATE DATABASE {name}")
    return postgres_server.replace("/postgres?", f"/{name}?")
