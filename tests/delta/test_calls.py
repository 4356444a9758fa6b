"""Calls resolved through imports: the design-doc prompt's callers and callees on a real tree."""

from __future__ import annotations

from pathlib import Path

from pattern_warden.config import load_config
from pattern_warden.prompts.design_doc import gather
from pattern_warden.workspace import Workspace
from tests.conftest import write_tree


def test_callees_are_resolved_not_matched_by_name(project: Path) -> None:
    write_tree(project, {
        "app/__init__.py": "",
        "app/handlers.py": "from app.util import clean\n\n\ndef handle(app, key):\n"
                           "    value = app.config.get(key)\n    return clean(value)\n",
        "app/util.py": "def clean(value):\n    return value\n",
        "app/main.py": "from app import handlers\n\n\ndef main(app):\n    return handlers.handle(app, 'k')\n",
        **{f"tests/test_{i}.py": f"class Fake{i}:\n    def get(self, key):\n        return key\n" for i in range(5)},
    })
    facts = gather(Workspace(load_config(project)), "app/handlers.py", "handle")
    assert [str(c) for c in facts.callees] == ["app/util.py:1 clean"]
    assert [str(c) for c in facts.callers] == ["app/main.py:4 main"]
