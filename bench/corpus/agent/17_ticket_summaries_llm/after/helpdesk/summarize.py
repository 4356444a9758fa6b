"""Short summaries of long tickets via an OpenAI-compatible chat completions API.

Config (env):
    LLM_API_URL    e.g. https://api.openai.com/v1/chat/completions
    LLM_API_KEY    bearer token
    LLM_MODEL      model name (default gpt-4o-mini)

If no key is configured (dev, or prod until security approves it), or the
provider fails, we fall back to a simple extractive summary so the UI always
has something to show. Summaries are cached on the ticket and recomputed when
new messages arrive.
"""
from __future__ import annotations

import logging
import os
import re

import httpx

from helpdesk.tickets import Ticket

logger = logging.getLogger(__name__)

LLM_API_URL = os.getenv("LLM_API_URL", "https://api.openai.com/v1/chat/completions")
LLM_API_KEY = os.getenv("LLM_API_KEY", "")
LLM_MODEL = os.getenv("LLM_MODEL", "gpt-4o-mini")
MIN_MESSAGES = 3          # shorter tickets don't need a summary
MAX_PROMPT_CHARS = 12000  # keep requests cheap; we keep the newest messages

SYSTEM_PROMPT = (
    "You summarise customer support tickets for support agents. "
    "Write 2-3 sentences: what the customer wants, what has been tried, and the current state. "
    "Do not include greetings, email addresses or other personal data."
)

_EMAIL_RE = re.compile(r"[\w.+-]+@[\w-]+\.[\w.-]+")
_SENTENCE_RE = re.compile(r"(?<=[.!?])\s+")


def _redact(text: str) -> str:
    return _EMAIL_RE.sub("[email]", text)


def build_transcript(ticket: Ticket) -> str:
    lines = []
    for m in ticket.messages:
        who = "Customer" if m.from_customer else "Agent"
        lines.append(f"{who}: {_redact(m.body.strip())}")
    transcript = "\n\n".join(lines)
    if len(transcript) > MAX_PROMPT_CHARS:
        transcript = "[earlier messages omitted]\n\n" + transcript[-MAX_PROMPT_CHARS:]
    return f"Subject: {_redact(ticket.subject)}\n\n{transcript}"


def _llm_summary(ticket: Ticket, timeout: float = 20.0) -> str:
    resp = httpx.post(
        LLM_API_URL,
        headers={"Authorization": f"Bearer {LLM_API_KEY}"},
        json={
            "model": LLM_MODEL,
            "temperature": 0.2,
            "max_tokens": 200,
            "messages": [
                {"role": "system", "content": SYSTEM_PROMPT},
                {"role": "user", "content": build_transcript(ticket)},
            ],
        },
        timeout=timeout,
    )
    resp.raise_for_status()
    content = resp.json()["choices"][0]["message"]["content"]
    return content.strip()


def _first_sentence(text: str, max_len: int = 200) -> str:
    text = " ".join(text.split())
    sentence = _SENTENCE_RE.split(text, maxsplit=1)[0]
    if len(sentence) > max_len:
        sentence = sentence[: max_len - 1].rstrip() + "…"
    return sentence


def fallback_summary(ticket: Ticket) -> str:
    """Extractive summary: the customer's opening ask + the latest message."""
    customer_msgs = [m for m in ticket.messages if m.from_customer]
    parts = []
    if customer_msgs:
        parts.append(f"Customer: {_first_sentence(_redact(customer_msgs[0].body))}")
    last = ticket.messages[-1]
    if last is not (customer_msgs[0] if customer_msgs else None):
        who = "customer" if last.from_customer else "agent"
        parts.append(f"Latest ({who}): {_first_sentence(_redact(last.body))}")
    parts.append(f"{len(ticket.messages)} messages, status {ticket.status}.")
    return " ".join(parts)


def summarize_ticket(ticket: Ticket, force: bool = False) -> str | None:
    """Return a summary for the ticket, computing it only when needed.

    Returns None for short tickets. The result is cached on the ticket
    (``summary`` / ``summary_message_count``); callers should save the ticket.
    """
    if len(ticket.messages) < MIN_MESSAGES:
        return None
    if not force and ticket.summary and ticket.summary_message_count == len(ticket.messages):
        return ticket.summary

    summary: str | None = None
    if LLM_API_KEY:
        try:
            summary = _llm_summary(ticket)
        except (httpx.HTTPError, KeyError, IndexError, ValueError) as exc:
            logger.warning("LLM summary failed for ticket %s: %s", ticket.id, exc)
    else:
        logger.debug("LLM_API_KEY not set, using fallback summary")

    if not summary:
        summary = fallback_summary(ticket)

    ticket.summary = summary
    ticket.summary_message_count = len(ticket.messages)
    return summary
