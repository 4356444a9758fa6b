"""pattern-warden: an MCP server and CLI that keeps coding agents honest.

The public surface is small on purpose: the version, the error type every engine raises
for bad input, and the configuration object the front doors build. Engines live in
subpackages and are imported where they are used, so that starting the server stays cheap.
"""

from pattern_warden.errors import WardenError

__version__ = "0.1.0"

__all__ = ["WardenError", "__version__"]
