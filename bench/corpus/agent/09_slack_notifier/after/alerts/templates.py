"""Message templates for notifications.

Templates are Jinja2 files named ``<event kind>.j2`` in ``alerts/templates/``
or in the directory given by ALERTS_TEMPLATE_DIR (checked first), so ops can
override wording without a deploy.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

from jinja2 import (
    ChoiceLoader,
    Environment,
    FileSystemLoader,
    StrictUndefined,
    TemplateError,
    TemplateNotFound,
)

from alerts.events import Event

logger = logging.getLogger(__name__)

BUILTIN_DIR = Path(__file__).with_name("templates")

SEVERITY_EMOJI = {"info": ":information_source:", "warning": ":warning:", "critical": ":red_circle:"}


def _build_env() -> Environment:
    loaders = []
    override = os.getenv("ALERTS_TEMPLATE_DIR")
    if override:
        loaders.append(FileSystemLoader(override))
    loaders.append(FileSystemLoader(str(BUILTIN_DIR)))
    env = Environment(
        loader=ChoiceLoader(loaders),
        undefined=StrictUndefined,
        autoescape=False,  # Slack mrkdwn, not HTML
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["emoji"] = lambda sev: SEVERITY_EMOJI.get(str(sev), "")
    return env


_env: Environment | None = None


def get_env() -> Environment:
    global _env
    if _env is None:
        _env = _build_env()
    return _env


def reset() -> None:
    """Forget the cached environment (after changing ALERTS_TEMPLATE_DIR)."""
    global _env
    _env = None


def _fallback(event: Event) -> str:
    details = ", ".join(f"{k}={v}" for k, v in event.data.items() if k != "key")
    return f"{SEVERITY_EMOJI.get(event.severity.value, '')} [{event.kind}] {event.service}: {details}"


def render(event: Event) -> str:
    context = {
        "service": event.service,
        "severity": event.severity.value,
        "occurred_at": event.occurred_at,
        "kind": event.kind,
        **event.data,
    }
    try:
        template = get_env().get_template(f"{event.kind}.j2")
        return template.render(**context).strip()
    except TemplateNotFound:
        logger.info("no template for %s, using fallback", event.kind)
    except TemplateError as exc:
        # a broken template edited by ops must not swallow the alert
        logger.error("template %s failed to render: %s", event.kind, exc)
    return _fallback(event)
