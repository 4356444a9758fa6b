"""What a resolved callee does that matters to the rules: the one table of effects.

Names are the model's qualified names: a module function (``time.sleep``), a builtin
(``builtins.open``), or a method on an instance of a known type (``pathlib.Path.read_text``,
``requests.Session.get``). ``effect_of`` answers for one name; the model sums it up per function
and follows the project's own functions (``ProjectModel.effects``).
"""

from __future__ import annotations

FILE = "file I/O"
NETWORK = "network"
SUBPROCESS = "subprocess"
SLEEP = "sleep"
STDIN = "stdin"
LOG = "log"
RAISE = "raise"
#: Effects that stop an event loop until they return.
BLOCKING = frozenset({FILE, NETWORK, SUBPROCESS, SLEEP, STDIN})

_HTTP_VERBS = ("get", "post", "put", "patch", "delete", "head", "options", "request", "stream", "send")
PATH_TYPES = ("pathlib.Path", "pathlib.PosixPath", "pathlib.WindowsPath")
SYNC_CLIENTS = ("httpx.Client", "requests.Session", "requests.sessions.Session")
_LOGGERS = ("logging.Logger", "logging.LoggerAdapter", "logging.RootLogger")
LOG_METHODS = ("debug", "info", "warning", "warn", "error", "exception", "critical", "fatal", "log")

_TABLE: dict[str, str] = {
    "time.sleep": SLEEP,
    "builtins.open": FILE, "io.open": FILE, "io.open_code": FILE, "codecs.open": FILE,
    **{f"{path}.{method}": FILE for path in PATH_TYPES
       for method in ("read_text", "write_text", "read_bytes", "write_bytes", "open")},
    "builtins.input": STDIN,
    "urllib.request.urlopen": NETWORK, "urllib3.request": NETWORK,
    **{f"socket.{name}": NETWORK for name in ("create_connection", "getaddrinfo", "gethostbyname", "gethostbyaddr",
                                              "getfqdn")},
    **{f"httpx.{verb}": NETWORK for verb in _HTTP_VERBS if verb != "send"},
    **{f"{client}.{verb}": NETWORK for client in SYNC_CLIENTS for verb in _HTTP_VERBS},
    **{f"subprocess.{name}": SUBPROCESS for name in ("run", "call", "check_call", "check_output", "getoutput",
                                                     "getstatusoutput")},
    "os.system": SUBPROCESS,
    **{f"os.{name}": SUBPROCESS for name in ("wait", "waitpid", "wait3", "wait4", "waitid")},
    **{f"logging.{method}": LOG for method in LOG_METHODS},
    **{f"{logger}.{method}": LOG for logger in _LOGGERS for method in LOG_METHODS},
}
#: Every function of these modules talks to the network (``requests.get``, ``requests.api.post``).
_NETWORK_MODULES = ("requests.", )
_NOT_NETWORK = frozenset({"requests.exceptions", "requests.codes", "requests.utils", "requests.structures",
                          "requests.adapters", "requests.auth", "requests.Session", "requests.sessions",
                          "requests.session", "requests.Request", "requests.PreparedRequest",
                          "requests.Response", "requests.models", "requests.compat", "requests.status_codes"})


def effect_of(name: str | None) -> str | None:
    """The effect of calling the callee ``name`` (a qualified name), or None."""
    if name is None:
        return None
    found = _TABLE.get(name)
    if found is not None:
        return found
    if name.startswith(_NETWORK_MODULES) and not any(name == n or name.startswith(n + ".") for n in _NOT_NETWORK):
        return NETWORK
    return None


def is_logging(name: str | None) -> bool:
    """True for a call of the standard library's logging API (a module function or a logger method)."""
    return effect_of(name) == LOG
