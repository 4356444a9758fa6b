"""pattern-warden: an MCP server and CLI that keeps coding agents honest.

The public surface is small on purpose: the version, the error type every engine raises
for bad input, and the configuration object the front doors build. Engines live in
subpackages and are imported where they are used, so that starting the server stays cheap.
"""

from importlib.metadata import PackageNotFoundError, version

from pattern_warden.errors import WardenError

try:
    # pyproject.toml is the one place the version is written: a bump there is what an installed
    # copy (the plugin's environment, a wheel) reports, with nothing else to keep in step.
    __version__ = version("pattern-warden")
except PackageNotFoundError:  # run from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = ["WardenError", "__version__"]
