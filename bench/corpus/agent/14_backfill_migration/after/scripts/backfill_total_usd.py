#!/usr/bin/env python
"""Backfill invoices.total_usd in batches.

    python scripts/backfill_total_usd.py [--batch-size 5000] [--sleep 0.2] [--dry-run]

* walks invoices by primary key in ranges, one short transaction per batch
* resumable: progress (last id done) is stored in a checkpoint file, and rows
  that already have total_usd are skipped anyway, so re-running is safe
* FX rate = rate for the invoice's currency on issued_on, else the closest
  earlier day; USD invoices copy total as-is
* rows with no usable rate are left NULL and counted, not guessed
"""
from __future__ import annotations

import argparse
import json
import logging
import signal
import sys
import time
from pathlib import Path

from sqlalchemy import text

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from ledger.db import engine  # noqa: E402

log = logging.getLogger("backfill_total_usd")

CHECKPOINT = Path(".backfill_total_usd.checkpoint.json")

UPDATE_SQL = text(
    """
    UPDATE invoices AS i
    SET total_usd = ROUND(i.total * fx.usd_per_unit, 2)
    FROM LATERAL (
        SELECT CASE WHEN i.currency = 'USD' THEN 1 ELSE r.usd_per_unit END AS usd_per_unit
        FROM (SELECT 1) AS dummy
        LEFT JOIN LATERAL (
            SELECT usd_per_unit FROM fx_rates
            WHERE currency = i.currency AND day <= i.issued_on
            ORDER BY day DESC
            LIMIT 1
        ) r ON TRUE
    ) AS fx
    WHERE i.id >= :lo AND i.id < :hi
      AND i.total_usd IS NULL
      AND fx.usd_per_unit IS NOT NULL
    """
)

COUNT_MISSING_RATE_SQL = text(
    """
    SELECT COUNT(*) FROM invoices i
    WHERE i.id >= :lo AND i.id < :hi AND i.total_usd IS NULL AND i.currency <> 'USD'
      AND NOT EXISTS (
          SELECT 1 FROM fx_rates r WHERE r.currency = i.currency AND r.day <= i.issued_on
      )
    """
)

_stop = False


def _on_signal(signum, frame):
    global _stop
    log.warning("signal %s: finishing current batch then stopping", signum)
    _stop = True


def load_checkpoint() -> int | None:
    try:
        return int(json.loads(CHECKPOINT.read_text())["last_id"])
    except FileNotFoundError:
        return None
    except (ValueError, KeyError) as exc:
        log.warning("ignoring bad checkpoint file: %s", exc)
        return None


def save_checkpoint(last_id: int, updated_total: int) -> None:
    tmp = CHECKPOINT.with_suffix(".tmp")
    tmp.write_text(json.dumps({"last_id": last_id, "updated": updated_total, "ts": time.time()}))
    tmp.replace(CHECKPOINT)


def id_bounds(conn) -> tuple[int, int]:
    lo, hi = conn.execute(text("SELECT COALESCE(MIN(id), 0), COALESCE(MAX(id), 0) FROM invoices")).one()
    return int(lo), int(hi)


def run(batch_size: int, sleep: float, dry_run: bool, start_id: int | None, max_batches: int | None) -> int:
    with engine.connect() as conn:
        min_id, max_id = id_bounds(conn)
    if max_id == 0:
        log.info("no invoices, nothing to do")
        return 0

    resume = load_checkpoint()
    lo = start_id if start_id is not None else (resume + 1 if resume is not None else min_id)
    log.info("backfilling ids %d..%d (batch %d)%s", lo, max_id, batch_size, " [DRY RUN]" if dry_run else "")

    updated_total = missing_total = batches = 0
    started = time.monotonic()

    while lo <= max_id and not _stop:
        hi = lo + batch_size
        t0 = time.monotonic()
        with engine.begin() as conn:
            conn.execute(text("SET LOCAL statement_timeout = '30s'"))
            conn.execute(text("SET LOCAL lock_timeout = '2s'"))
            missing = conn.execute(COUNT_MISSING_RATE_SQL, {"lo": lo, "hi": hi}).scalar_one()
            if dry_run:
                updated = conn.execute(
                    text("SELECT COUNT(*) FROM invoices WHERE id >= :lo AND id < :hi AND total_usd IS NULL"),
                    {"lo": lo, "hi": hi},
                ).scalar_one() - missing
            else:
                updated = conn.execute(UPDATE_SQL, {"lo": lo, "hi": hi}).rowcount
        updated_total += updated
        missing_total += missing
        batches += 1

        if not dry_run:
            save_checkpoint(hi - 1, updated_total)

        elapsed = time.monotonic() - started
        done = (hi - min_id) / max(1, max_id - min_id + 1)
        eta = elapsed / done * (1 - done) if done > 0 else 0
        log.info(
            "ids [%d, %d): updated %d, no rate %d (%.0f ms) -- %.1f%% done, eta %.0f min",
            lo, hi, updated, missing, (time.monotonic() - t0) * 1000, min(done, 1) * 100, eta / 60,
        )

        lo = hi
        if max_batches and batches >= max_batches:
            log.info("reached --max-batches %d", max_batches)
            break
        if sleep:
            time.sleep(sleep)

    log.info("done: %d rows updated, %d rows without an fx rate, %d batches", updated_total, missing_total, batches)
    if lo > max_id and not dry_run:
        log.info("backfill complete; you can delete %s", CHECKPOINT)
    return 0 if not _stop else 1


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--batch-size", type=int, default=5000)
    p.add_argument("--sleep", type=float, default=0.2, help="seconds to pause between batches")
    p.add_argument("--dry-run", action="store_true")
    p.add_argument("--start-id", type=int, default=None, help="ignore checkpoint and start here")
    p.add_argument("--max-batches", type=int, default=None)
    p.add_argument("-v", "--verbose", action="store_true")
    args = p.parse_args(argv)

    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.INFO,
        format="%(asctime)s %(levelname)s %(message)s",
    )
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    return run(args.batch_size, args.sleep, args.dry_run, args.start_id, args.max_batches)


if __name__ == "__main__":
    sys.exit(main())
