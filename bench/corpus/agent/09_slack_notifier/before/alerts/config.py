from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_PATH = Path(os.getenv("ALERTS_CONFIG", "alerts.json"))


def load_config(path: Path = DEFAULT_PATH) -> dict:
    if not path.exists():
        return {}
    return json.loads(path.read_text())
