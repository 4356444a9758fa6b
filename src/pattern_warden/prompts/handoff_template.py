"""The shape of a handoff note, kept in one place.

The ``handoff_context`` prompt hands this template to the model, and the ``handoff-context``
pattern document shows it to the reader; a test holds the document's copy equal to
``template()``, so the advice and the tool cannot drift apart (they once did: the document
promised "tried and failed" and "verify" sections the prompt did not ask for).
"""

from __future__ import annotations

TITLE = "# Handoff: <goal in one line>"

# (heading, what goes under it); the order is the order of the note.
SECTIONS: tuple[tuple[str, str], ...] = (
    ("Current state", "<what works now, what does not; the last test outcome>"),
    ("Progress", "<what this session finished, with commits>"),
    ("Decisions taken, and why", "<each decision, the reason, and what was rejected>"),
    ("Tried and failed", "<each approach that did not work, and why, so nobody tries it again>"),
    ("Blockers", '<what stops the work, and what would unblock it; "none" if none>'),
    ("Next steps", "- [ ] <a concrete action: a command to run, a file and function to change>"),
    ("Verify", "<the commands that prove the work, and what they should show>"),
    ("Critical context", "<what the next session must know that the repository does not show>"),
    ("Files touched", "<path: what changed in it>"),
)


def template() -> str:
    """The markdown skeleton of a handoff note, one ``##`` section per entry of ``SECTIONS``."""
    parts = [TITLE, *(f"## {heading}\n{body}" for heading, body in SECTIONS)]
    return "\n\n".join(parts) + "\n"
