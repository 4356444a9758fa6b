"""Periodic import of Brightmart order files from their SFTP drop.

Run with:  python -m ordersvc.sync            (loops every 5 minutes)
           python -m ordersvc.sync --once     (single run, e.g. from cron)
"""
from __future__ import annotations

import argparse
import fcntl
import logging
import os
import posixpath
import signal
import stat
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass, field

import paramiko
from sqlalchemy.exc import IntegrityError

from ordersvc.brightmart import SOURCE, BadOrderFile, parse_file
from ordersvc.repository import OrderRepository, SessionLocal, init_db

logger = logging.getLogger("ordersvc.sync")

INBOX = os.getenv("BRIGHTMART_SFTP_INBOX", "/outbound/orders")
ARCHIVE = os.getenv("BRIGHTMART_SFTP_ARCHIVE", "/outbound/archive")
FAILED = os.getenv("BRIGHTMART_SFTP_FAILED", "/outbound/failed")
INTERVAL = int(os.getenv("BRIGHTMART_SYNC_INTERVAL", "300"))
LOCK_FILE = os.getenv("BRIGHTMART_SYNC_LOCK", "/tmp/ordersvc-sync.lock")

_stop = False


@dataclass
class SyncStats:
    files_seen: int = 0
    files_imported: int = 0
    files_failed: int = 0
    orders_created: int = 0
    orders_skipped: int = 0
    errors: list[str] = field(default_factory=list)


@contextmanager
def sftp_connection():
    host = os.environ["BRIGHTMART_SFTP_HOST"]
    port = int(os.getenv("BRIGHTMART_SFTP_PORT", "22"))
    client = paramiko.SSHClient()
    client.load_system_host_keys()
    client.set_missing_host_key_policy(paramiko.AutoAddPolicy())
    client.connect(
        host,
        port=port,
        username=os.environ["BRIGHTMART_SFTP_USER"],
        password=os.environ.get("BRIGHTMART_SFTP_PASSWORD"),
        timeout=30,
        banner_timeout=30,
    )
    try:
        sftp = client.open_sftp()
        yield sftp
    finally:
        client.close()


@contextmanager
def single_instance(path: str = LOCK_FILE):
    """Prevent two syncs running at once (cron overlap, two pods...)."""
    fh = open(path, "w")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        raise RuntimeError("another sync is already running")
    try:
        yield
    finally:
        fcntl.flock(fh, fcntl.LOCK_UN)
        fh.close()


def list_new_files(sftp: paramiko.SFTPClient) -> list[str]:
    names = []
    for entry in sftp.listdir_attr(INBOX):
        if stat.S_ISDIR(entry.st_mode or 0):
            continue
        if entry.filename.startswith("orders_") and entry.filename.endswith(".json"):
            names.append(entry.filename)
    # timestamps in the name -> lexical order == chronological order
    return sorted(names)


def _move(sftp: paramiko.SFTPClient, name: str, dest_dir: str) -> None:
    src = posixpath.join(INBOX, name)
    dst = posixpath.join(dest_dir, name)
    try:
        sftp.rename(src, dst)
    except IOError:
        # target exists (re-delivered file) -> suffix it
        sftp.rename(src, f"{dst}.{int(time.time())}")


def import_file(sftp: paramiko.SFTPClient, name: str, stats: SyncStats) -> None:
    path = posixpath.join(INBOX, name)
    with sftp.open(path, "rb") as fh:
        content = fh.read()

    orders = parse_file(content)  # raises BadOrderFile

    session = SessionLocal()
    repo = OrderRepository(session)
    created = skipped = 0
    try:
        for order in orders:
            if repo.exists(SOURCE, order.external_id):
                skipped += 1
                continue
            repo.add(order)
            created += 1
        repo.commit()
    except IntegrityError:
        session.rollback()
        raise
    finally:
        session.close()

    stats.orders_created += created
    stats.orders_skipped += skipped
    logger.info("%s: %d orders created, %d already present", name, created, skipped)


def run_once() -> SyncStats:
    stats = SyncStats()
    with sftp_connection() as sftp:
        files = list_new_files(sftp)
        stats.files_seen = len(files)
        for name in files:
            try:
                import_file(sftp, name, stats)
            except BadOrderFile as exc:
                stats.files_failed += 1
                stats.errors.append(f"{name}: {exc}")
                logger.error("bad file %s: %s -- moving to %s", name, exc, FAILED)
                _move(sftp, name, FAILED)
                continue
            except Exception as exc:
                # leave the file in place, next run will retry it
                stats.files_failed += 1
                stats.errors.append(f"{name}: {exc!r}")
                logger.exception("failed to import %s, will retry", name)
                continue
            _move(sftp, name, ARCHIVE)
            stats.files_imported += 1
    return stats


def _handle_signal(signum, frame):
    global _stop
    logger.info("signal %s received, stopping after current run", signum)
    _stop = True


def loop(interval: int = INTERVAL) -> None:
    signal.signal(signal.SIGTERM, _handle_signal)
    signal.signal(signal.SIGINT, _handle_signal)
    while not _stop:
        started = time.monotonic()
        try:
            with single_instance():
                stats = run_once()
            logger.info("sync done: %s", stats)
        except Exception:
            logger.exception("sync run failed")
        # sleep in small steps so SIGTERM is handled promptly
        while not _stop and time.monotonic() - started < interval:
            time.sleep(1)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Sync Brightmart orders from SFTP")
    parser.add_argument("--once", action="store_true", help="run a single sync and exit")
    parser.add_argument("--interval", type=int, default=INTERVAL)
    args = parser.parse_args(argv)

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    init_db()
    if args.once:
        with single_instance():
            stats = run_once()
        print(stats)
        return 1 if stats.files_failed else 0
    loop(args.interval)
    return 0


if __name__ == "__main__":
    sys.exit(main())
