from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timezone
from enum import Enum


class Severity(str, Enum):
    INFO = "info"
    WARNING = "warning"
    CRITICAL = "critical"


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Event:
    kind: str
    service: str
    severity: Severity = Severity.INFO
    occurred_at: datetime = field(default_factory=_now)
    data: dict = field(default_factory=dict)

    @property
    def fingerprint(self) -> str:
        return f"{self.kind}:{self.service}:{self.data.get('key', '')}"


def deploy_finished(service: str, version: str, author: str, ok: bool = True) -> Event:
    return Event(
        kind="deploy_finished",
        service=service,
        severity=Severity.INFO if ok else Severity.WARNING,
        data={"version": version, "author": author, "ok": ok, "key": version},
    )


def job_failed(service: str, job: str, error: str) -> Event:
    return Event("job_failed", service, Severity.WARNING, data={"job": job, "error": error, "key": job})


def monitor_fired(service: str, monitor: str, value: float, threshold: float) -> Event:
    return Event(
        "monitor_fired", service, Severity.CRITICAL,
        data={"monitor": monitor, "value": value, "threshold": threshold, "key": monitor},
    )
