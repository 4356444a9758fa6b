"""The library's database examples, run against a real PostgreSQL the tests start.

Every ``<!-- run: postgres -->`` block runs as written (Python with ``DATABASE_URL`` in its
environment, SQL through psql), each in a database of its own. The tests after that load one
function of an example and drive the failure its document is about: a savepoint rolled back
under an async session, a refresh token presented a second time.
"""

from __future__ import annotations

import ast
import asyncio
import logging
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.example_blocks import Block, blocks_run_by, document_blocks
from tests.test_pattern_library import LIBRARY

pytestmark = pytest.mark.examples
RUN_TIMEOUT = 120
BLOCKS = blocks_run_by("run: postgres", LIBRARY)


def _function(doc_id: str, name: str) -> ast.AST:
    """The definition of ``name`` in the first block of ``doc_id`` that defines it."""
    for block in document_blocks(doc_id, LIBRARY.docs[doc_id].body):
        if block.lang != "python":
            continue
        for node in ast.parse(block.code).body:
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) and node.name == name:
                return node
    raise AssertionError(f"{doc_id} has no example that defines {name}")


def _define(doc_id: str, name: str, namespace: dict[str, Any]) -> Any:
    """Execute one definition of an example in ``namespace`` (the test supplies what it uses)."""
    module = ast.Module(body=[_function(doc_id, name)], type_ignores=[])
    exec(compile(module, f"{doc_id}:{name}", "exec"), namespace)  # noqa: S102 - our own example
    return namespace[name]


@pytest.mark.parametrize("block", BLOCKS, ids=lambda b: b.name)
def test_database_example_runs(block: Block, database_url: str, tmp_path: Path) -> None:
    if block.lang == "sql":
        _psql(block.code, database_url)
        return
    done = subprocess.run([sys.executable, "-"], input=block.code, cwd=tmp_path, capture_output=True, text=True,
                          env={**os.environ, "DATABASE_URL": database_url}, timeout=RUN_TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]


def _psql(sql: str, database_url: str) -> None:
    """Run SQL as a reader would paste it into psql: one statement at a time, stopping at an error."""
    psql = shutil.which("psql")
    if psql is None:
        pytest.skip("psql not found: apt-get install postgresql-client")
    done = subprocess.run([psql, "-X", "-q", "-v", "ON_ERROR_STOP=1", "-d", database_url, "-f", "-"],
                          input=sql, capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert done.returncode == 0, done.stderr[-3000:]


def _order_models() -> dict[str, Any]:
    """An order and its coupons with the usual two-way relationship (a coupon code is used once)."""
    sqlalchemy = pytest.importorskip("sqlalchemy", reason="pip install '.[examples]' for the database examples")
    from sqlalchemy import ForeignKey, Integer, String
    from sqlalchemy.orm import DeclarativeBase, mapped_column, relationship

    class Base(DeclarativeBase):
        pass

    class Order(Base):
        __tablename__ = "orders"
        id = mapped_column(Integer, primary_key=True)
        customer = mapped_column(String, nullable=False)
        coupons = relationship("Coupon", back_populates="order")

    class Coupon(Base):
        __tablename__ = "coupons"
        code = mapped_column(String, primary_key=True)
        order_id = mapped_column(ForeignKey("orders.id"), nullable=False)
        order = relationship(Order, back_populates="coupons")

    return {"Base": Base, "Order": Order, "Coupon": Coupon, "IntegrityError": sqlalchemy.exc.IntegrityError,
            "log": logging.getLogger("orders"), "__name__": "example_savepoints"}


def test_async_savepoint_rollback_keeps_the_order(database_url: str) -> None:
    """A spent coupon code rolls back its savepoint; the order must still be placed, and no
    attribute the savepoint expired may be lazy-loaded (MissingGreenlet under AsyncSession)."""
    pytest.importorskip("asyncpg", reason="pip install '.[examples]' for the async driver")
    from sqlalchemy import func, select
    from sqlalchemy.ext.asyncio import async_sessionmaker, create_async_engine

    ns = _order_models()
    place_order = _define("transactions-and-savepoints", "place_order", ns)
    Order, Coupon = ns["Order"], ns["Coupon"]

    async def scenario() -> None:
        engine = create_async_engine(database_url.replace("postgresql://", "postgresql+asyncpg://", 1))
        try:
            async with engine.begin() as conn:
                await conn.run_sync(ns["Base"].metadata.create_all)
            sessions = async_sessionmaker(engine, expire_on_commit=False)
            async with sessions() as session:
                await place_order(session, Order(customer="ada"), "WELCOME")
            async with sessions() as session:
                await place_order(session, Order(customer="bob"), "WELCOME")  # the code is spent
            async with sessions() as session:
                customers = (await session.scalars(select(Order.customer).order_by(Order.id))).all()
                assert customers == ["ada", "bob"], "the duplicate coupon must not lose bob's order"
                assert await session.scalar(select(func.count()).select_from(Coupon)) == 1
        finally:
            await engine.dispose()

    asyncio.run(scenario())


def _sql_block(doc_id: str, needle: str) -> str:
    """The SQL block of ``doc_id`` that contains ``needle``."""
    for block in document_blocks(doc_id, LIBRARY.docs[doc_id].body):
        if block.lang == "sql" and needle in block.code:
            return block.code
    raise AssertionError(f"{doc_id} has no SQL example with {needle!r}")


def test_postgres_refresh_rotation_tells_a_replay_from_an_unknown_token(database_url: str) -> None:
    """A spent token presented again must be told apart from one never issued: only the replay
    revokes the family, and a thief's newer token of that family is refused after it."""
    psycopg = pytest.importorskip("psycopg", reason="pip install '.[examples]' for the database examples")
    recipe = _sql_block("jwt-flow", "spend_refresh")
    with psycopg.connect(database_url, autocommit=True) as conn:
        done = conn.pgconn.exec_(recipe.encode())  # several statements: libpq's simple query protocol
        assert done.status == psycopg.pq.ExecStatus.COMMAND_OK, done.error_message

        def spend(token_hash: str) -> tuple[Any, ...] | None:
            # EXECUTE takes no bound parameters: the client quotes the value into the statement
            return psycopg.ClientCursor(conn).execute("EXECUTE spend_refresh(%s)", (token_hash,)).fetchone()

        conn.execute("INSERT INTO refresh_tokens (hash, user_id, family, expires) VALUES "
                     "('h-first', 'u1', 'f1', now() + interval '1 day'), "
                     "('h-other', 'u2', 'f2', now() + interval '1 day')")
        first = spend("h-first")
        assert first is not None and first[:2] == ("u1", "f1") and not any(first[2:]), first
        conn.execute("INSERT INTO refresh_tokens (hash, user_id, family, expires) "
                     "VALUES ('h-thief', 'u1', 'f1', now() + interval '1 day')")  # the rotated token
        unknown = spend("h-never-issued")
        replay = spend("h-first")
        assert replay is not None, "a replayed token must not look like an unknown one"
        assert unknown is None, "a token never issued has no row"
        assert replay[2] is True, "the replay says the token was spent"
        conn.execute("INSERT INTO revoked_families VALUES (%s)", (replay[1],))
        thief = spend("h-thief")
        assert thief is not None and thief[3] is True, "the thief's token belongs to a revoked family"
        other = spend("h-other")
        assert other is not None and not any(other[2:]), "another login is untouched"
        conn.execute("UPDATE refresh_tokens SET expires = now() - interval '1 s' WHERE hash = 'h-other'")
        assert spend("h-other") is None, "an expired token is refused"


def test_a_truncated_dump_passes_its_listing_but_not_a_trial_restore(database_url: str, tmp_path: Path) -> None:
    """backup-tiers-and-restore-chain verifies a dump by a trial restore, because --list reads only the TOC."""
    psycopg = pytest.importorskip("psycopg", reason="pip install '.[examples]' for the database examples")
    tools = {name: shutil.which(name) for name in ("pg_dump", "pg_restore")}
    if not all(tools.values()):
        pytest.skip("pg_dump/pg_restore not found: apt-get install postgresql-client")
    assert "trial restore" in " ".join(LIBRARY.docs["backup-tiers-and-restore-chain"].body.split())
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("CREATE TABLE t AS SELECT g, md5(g::text) AS h FROM generate_series(1, 100000) g")
        conn.execute("CREATE DATABASE scratch_restore")
    dump, truncated = tmp_path / "full.dump", tmp_path / "truncated.dump"
    subprocess.run([tools["pg_dump"], "-Fc", "-f", str(dump), database_url], check=True, timeout=RUN_TIMEOUT)
    truncated.write_bytes(dump.read_bytes()[: dump.stat().st_size // 2])
    listed = subprocess.run([tools["pg_restore"], "--list", str(truncated)], capture_output=True, timeout=RUN_TIMEOUT)
    assert listed.returncode == 0, "the listing does not notice the missing half"
    scratch = database_url.rsplit("/", 1)[0] + "/scratch_restore?" + database_url.split("?", 1)[1]
    restored = subprocess.run([tools["pg_restore"], "--exit-on-error", "-d", scratch, str(truncated)],
                              capture_output=True, text=True, timeout=RUN_TIMEOUT)
    assert restored.returncode != 0, "a trial restore must refuse the truncated dump"


def test_role_timeouts_reach_every_connection_of_the_role(database_url: str) -> None:
    """postgres-operations sets timeouts on the application's role: a new connection as that role has them."""
    psycopg = pytest.importorskip("psycopg", reason="pip install '.[examples]' for the database examples")
    recipe = _sql_block("postgres-operations", "ALTER ROLE app SET statement_timeout")
    with psycopg.connect(database_url, autocommit=True) as conn:
        conn.execute("DROP ROLE IF EXISTS app")  # roles are cluster-wide: the block's own run made it too
    _psql(recipe, database_url)  # statement by statement: ALTER SYSTEM refuses a transaction block
    as_app = database_url.replace("postgresql://postgres@", "postgresql://app@", 1)
    try:
        with psycopg.connect(as_app) as conn:
            settings = [conn.execute(f"SHOW {name}").fetchone()[0]
                        for name in ("statement_timeout", "lock_timeout", "idle_in_transaction_session_timeout")]
        assert settings == ["5s", "2s", "1min"]
    finally:
        with psycopg.connect(database_url, autocommit=True) as conn:
            conn.execute("DROP ROLE app")  # leave the server as we found it
