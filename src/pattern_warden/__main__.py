"""Allow ``python -m pattern_warden`` to behave exactly like the console script."""

from pattern_warden.cli import run

run()
