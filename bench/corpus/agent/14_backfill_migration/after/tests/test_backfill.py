import importlib.util
import json
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "backfill_total_usd.py"


@pytest.fixture
def backfill(monkeypatch, tmp_path):
    monkeypatch.setenv("LEDGER_DATABASE_URL", "sqlite://")
    spec = importlib.util.spec_from_file_location("backfill_total_usd", SCRIPT)
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    monkeypatch.setattr(mod, "CHECKPOINT", tmp_path / "cp.json")
    return mod


def test_checkpoint_roundtrip(backfill):
    assert backfill.load_checkpoint() is None
    backfill.save_checkpoint(41999, 123)
    assert backfill.load_checkpoint() == 41999
    assert json.loads(backfill.CHECKPOINT.read_text())["updated"] == 123


def test_bad_checkpoint_ignored(backfill):
    backfill.CHECKPOINT.write_text("{oops")
    assert backfill.load_checkpoint() is None


# The UPDATE uses Postgres-only syntax (LATERAL); the end-to-end run is tested
# against the staging DB: `python scripts/backfill_total_usd.py --dry-run --max-batches 3`
